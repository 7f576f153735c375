"""Cache generations: a number in the cache that keys of cached values include, so that moving
it on forgets all of them at once (a key-value cache cannot delete by prefix). Used where one
change can alter many cached values: the header's unread counts (notifications/counts.py),
an initiative page's similar initiatives (initiatives/selectors.py), whole pages
(eca_portal/shared_pages.py) and what the dialogue pages keep beside them
(dialogues/selectors.py)."""

import time
from collections.abc import Callable

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


def _value_key(key: str, current: int | None) -> str:
    return f"{key}:{current}"


def cached_in_generation(name: str, key: str, timeout: int, compute: Callable):
    """The value kept under `key` in generation `name`, or compute() (kept for `timeout`
    seconds at most, unless the generation has just started)."""
    current = generation(name)
    full_key = _value_key(key, current)
    value = cache.get(full_key) if current is not None else None
    if value is None:
        value = compute()
        if current is not None:
            cache.set(full_key, value, timeout)
    return value


def forget_in_generation(name: str, key: str) -> None:
    """Forget the one value kept under `key` in generation `name` (see cached_in_generation):
    now, and again once the current transaction commits."""

    def forget():
        current = generation(name)
        if current is not None:
            cache.delete(_value_key(key, current))

    forget()
    transaction.on_commit(forget)
