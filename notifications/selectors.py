"""Reads of the notifications, shaped for the pages that show them."""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from dialogues import permissions
from notifications.models import Notification


def _visible_q(user) -> Q:
    """Notifications whose object the user may still see: the thread's topic readable (it may
    have become members-only), and the post not hidden unless they moderate its topic. One SQL
    condition; the role checks behind it are cached on the user."""
    condition = Q()
    readable = permissions.readable_topics_q(user, prefix="thread__topic__")
    if readable:  # an empty Q() means "every topic"
        condition &= Q(thread__isnull=True) | readable
    moderated = permissions.moderated_topics_q(user, prefix="post__thread__topic__")
    if moderated:
        condition &= Q(post__isnull=True) | Q(post__hidden_at__isnull=True) | moderated
    return condition


def notification_list_for_user(*, user):
    """The user's notifications they may still see, newest first."""
    return (
        Notification.objects.filter(recipient=user)
        .filter(_visible_q(user))
        .select_related("actor", "post", "thread", "thread__topic")
        .order_by("-created_at", "-pk")
    )


def notification_get_for_user(*, user, pk) -> Notification:
    """One of the user's notifications; another person's (or an unknown one) is a 404."""
    return get_object_or_404(
        Notification.objects.select_related("post", "thread"), pk=pk, recipient=user
    )


def unread_count_for_user(*, user) -> int:
    """How many unread notifications the user has (one COUNT query on the recipient index)."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
