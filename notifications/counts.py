"""The header's unread count, cached per person.

Counting what a person may still see (notification_visible_q) costs a correlated query of
about 8 ms at the benchmark's size, and every signed-in page shows the count. So the count is
kept in the cache for at most UNREAD_COUNT_TTL seconds, and is recounted sooner when:
- that person's notifications change through the services (new ones, an edit that turns one
  into a mention, reading one or all): their count is forgotten;
- what anyone may see changes (a representative added, removed or made contact, an
  organisation's membership, a topic's visibility or moderators, a post hidden or shown, the
  secretariat group): the counts' generation moves on, so all of them are recounted
  (notifications/apps.py connects these saves; they are rare).
Both happen at once (the request's own next page) and again after the transaction commits, so
that a request that recounted in between, before the change was visible to it, is not kept.

The same events move on the person's notifications version (notifications_version), which
their notifications page is kept under (notifications/views.py, through
eca_portal.shared_pages: also forgotten whenever public content changes).
"""

import time
from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.db import transaction

from eca_portal.cache_generations import generation, generation_next

UNREAD_COUNT_TTL = 60
GENERATION = "notifications-unread"


def _key(user_id: int) -> str:
    return f"notifications:unread:{user_id}"


def _version_key(user_id: int) -> str:
    return f"notifications:version:{user_id}"


def notifications_version(user_id: int) -> str | None:
    """A value that changes whenever the person's notifications or what anyone may see change;
    None when there is none yet (it is then started: nothing should be kept under it)."""
    current = generation(GENERATION)
    version = cache.get(_version_key(user_id))
    if version is None:
        cache.add(_version_key(user_id), time.time_ns(), None)
    if current is None or version is None:
        return None
    return f"{current}:{version}"


def unread_count_cached(user_id: int, count: Callable[[], int]) -> int:
    """The cached count if it belongs to the current generation, else count() (stored)."""
    current = generation(GENERATION)
    stored = cache.get(_key(user_id))
    if current is not None and stored is not None and stored[0] == current:
        return stored[1]
    fresh = count()
    if current is not None:
        cache.set(_key(user_id), (current, fresh), UNREAD_COUNT_TTL)
    return fresh


def unread_counts_forget(user_ids: Iterable[int]) -> None:
    """Forget these people's counts and move their notifications version on, now and once the
    current transaction commits."""
    user_ids = set(user_ids)
    if not user_ids:
        return

    def forget():
        cache.delete_many([_key(user_id) for user_id in user_ids])
        now = time.time_ns()
        cache.set_many({_version_key(user_id): now for user_id in user_ids}, None)

    forget()
    transaction.on_commit(forget)


def unread_counts_forget_all(**_signal_arguments) -> None:
    """Move every count to a new generation (a signal receiver as well)."""
    generation_next(GENERATION)


def unread_counts_forget_all_on_hide(sender, instance, update_fields=None, **kwargs) -> None:
    """A post's save changes what notifications show only when it is hidden or shown again."""
    if update_fields is not None and "hidden_at" in update_fields:
        unread_counts_forget_all()
