"""Cache generations: a number in the cache that keys of cached values include, so that moving
it on forgets all of them at once (a key-value cache cannot delete by prefix). Used where one
change can alter many cached values: the header's unread counts (notifications/counts.py),
an initiative page's similar initiatives (initiatives/selectors.py)."""

import time

from django.core.cache import cache
from django.db import transaction


def _key(name: str) -> str:
    return f"generation:{name}"


def generation(name: str) -> int | None:
    """The current generation, or None when there is none yet (it is then started, and the
    caller should not keep what it computes under it)."""
    current = cache.get(_key(name))
    if current is None:
        cache.add(_key(name), time.time_ns(), None)
    return current


def generation_next(name: str) -> None:
    """Forget everything cached under `name`: now, and again once the current transaction
    commits, so that a value computed in between from data not yet committed is not kept."""

    def step():
        cache.set(_key(name), time.time_ns(), None)

    step()
    transaction.on_commit(step)
