"""Writes of the notifications: one function per action, each atomic."""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from dialogues import permissions
from notifications.models import Notification


@transaction.atomic
def notifications_for_mentions_create(*, post, mentioned_user_ids: Iterable[int]) -> None:
    """Tell the people mentioned in `post` about it: never its author, only active accounts
    who may read the post's topic. A mention already notified (an edit that keeps or re-adds
    it) is not notified again: the unique constraint ignores the duplicate."""
    wanted = set(mentioned_user_ids) - {post.author_id}
    if not wanted or post.is_hidden:
        return
    topic = post.thread.topic
    User = get_user_model()
    readers = User.objects.filter(pk__in=wanted, is_active=True)
    if topic.is_members_only:
        readers = readers.filter(permissions.topic_readers_q(topic))
    now = timezone.now()
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=user_id,
                kind=Notification.Kind.MENTION,
                actor_id=post.author_id,
                post=post,
                thread_id=post.thread_id,
                created_at=now,
            )
            for user_id in sorted(readers.values_list("pk", flat=True))
        ],
        ignore_conflicts=True,
    )


@transaction.atomic
def notification_mark_read(*, notification, user) -> None:
    """Mark one of the user's notifications read (someone else's is left alone)."""
    now = timezone.now()
    updated = Notification.objects.filter(
        pk=notification.pk, recipient=user, read_at__isnull=True
    ).update(read_at=now)
    if updated and notification.recipient_id == user.pk:
        notification.read_at = now


@transaction.atomic
def notifications_mark_all_read(*, user) -> int:
    """Mark every unread notification of the user read, in one statement."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
