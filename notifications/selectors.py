"""Reads of the notifications, shaped for the pages and the digests that show them."""

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404

from dialogues.models import Topic
from dialogues.permissions import MEMBER_READER_STATUSES, is_member_reader, secretariat_users_q
from members.models import Representative
from members.permissions import is_secretariat
from notifications.counts import unread_count_cached
from notifications.models import Announcement, Notification, NotificationPreference

NOTIFICATION_RELATED = (
    "actor",
    "post",
    "thread",
    "thread__topic",
    "initiative",
    "organisation",
    "application",
    "announcement",
)


def notification_visible_q() -> Q:
    """Notifications whose object their recipient may still see, as one SQL condition that
    refers to each row's own recipient, so that it serves one person's page and a batch of
    digests alike:
    - a thread's topic still readable (it may have become members-only, or the person's
      membership lapsed);
    - the post not hidden by a moderator;
    - when told as a representative of an organisation, still representing it (and still its
      contact, for what only contacts handle)."""
    representative = Representative.objects.filter(user_id=OuterRef("recipient_id"))
    reader = Exists(
        representative.filter(organisation__membership_status__in=MEMBER_READER_STATUSES)
    )
    moderator = Exists(
        Topic.moderators.through.objects.filter(
            user_id=OuterRef("recipient_id"), topic_id=OuterRef("thread__topic_id")
        )
    )
    secretariat = Exists(
        get_user_model().objects.filter(secretariat_users_q(), pk=OuterRef("recipient_id"))
    )
    topic_readable = (
        Q(thread__isnull=True)
        | Q(thread__topic__visibility=Topic.Visibility.PUBLIC)
        | reader
        | moderator
        | secretariat
    )
    post_shown = Q(post__isnull=True) | Q(post__hidden_at__isnull=True)
    same_organisation = representative.filter(organisation_id=OuterRef("via_organisation_id"))
    still_representing = Q(via_organisation__isnull=True) | (
        Exists(same_organisation)
        & (
            Q(contacts_only=False)
            | Exists(same_organisation.filter(role=Representative.Role.CONTACT))
        )
    )
    return topic_readable & post_shown & still_representing


def notification_visible_to_q(user) -> Q:
    """notification_visible_q() for one person's own notifications, with what depends on the
    person alone (their membership, the secretariat) decided once in Python: the same
    rule, without a subplan over every representative per query (bench/NOTES.md). The pages
    and the header use it; the digests, for many people at once, use notification_visible_q
    (tests/notifications/test_visibility.py holds them to the same answers)."""
    if is_secretariat(user) or is_member_reader(user):
        topic_readable = Q()
    else:
        moderator = Exists(
            Topic.moderators.through.objects.filter(
                user_id=user.pk, topic_id=OuterRef("thread__topic_id")
            )
        )
        topic_readable = (
            Q(thread__isnull=True)
            | Q(thread__topic__visibility=Topic.Visibility.PUBLIC)
            | moderator
        )
    post_shown = Q(post__isnull=True) | Q(post__hidden_at__isnull=True)
    # The person's own seat, found by its unique user_id in the same query: no extra query on
    # pages that have not loaded it (the secretariat's).
    same_seat = Representative.objects.filter(
        user_id=user.pk, organisation_id=OuterRef("via_organisation_id")
    )
    still_representing = Q(via_organisation__isnull=True) | (
        Exists(same_seat)
        & (Q(contacts_only=False) | Exists(same_seat.filter(role=Representative.Role.CONTACT)))
    )
    return topic_readable & post_shown & still_representing


# Joined in the page's query; the others, set on few notifications, are fetched by id (no query
# when no row of the page has one). With all ten joined, PostgreSQL spent 11 ms planning a
# query that ran in 1 ms (bench/NOTES.md).
NOTIFICATION_JOINED = ("actor", "post", "thread__topic")
NOTIFICATION_FETCHED = ("initiative", "organisation", "application", "announcement")


def notification_list_for_user(*, user):
    """The user's notifications they may still see, newest first."""
    return (
        Notification.objects.filter(recipient=user)
        .filter(notification_visible_to_q(user))
        .select_related(*NOTIFICATION_JOINED)
        .prefetch_related(*NOTIFICATION_FETCHED)
        .order_by("-created_at", "-pk")
    )


def notification_get_for_user(*, user, pk) -> Notification:
    """One of the user's notifications that they may still see; another person's, an unknown
    one or one whose object they may no longer see is a 404."""
    return get_object_or_404(
        Notification.objects.filter(notification_visible_to_q(user)).select_related(
            *NOTIFICATION_RELATED
        ),
        pk=pk,
        recipient=user,
    )


def unread_count_for_user(*, user) -> int:
    """How many unread notifications the user may still see: one COUNT query, cached for the
    header (notifications/counts.py says when it is forgotten)."""
    return unread_count_cached(
        user.pk,
        lambda: (
            Notification.objects.filter(recipient=user, read_at__isnull=True)
            .filter(notification_visible_to_q(user))
            .count()
        ),
    )


def notifications_in_windows(*, windows: dict[int, tuple]) -> list[Notification]:
    """The visible notifications of several people, each within their own (start, end]
    window, oldest first: one query for a whole digest batch. People sharing a window (most
    do: the previous slot) share one condition."""
    by_window: dict[tuple, list[int]] = {}
    for user_id, window in windows.items():
        by_window.setdefault(window, []).append(user_id)
    if not by_window:
        return []
    condition = Q()
    for (start, end), user_ids in by_window.items():
        condition |= Q(recipient_id__in=user_ids, created_at__gt=start, created_at__lte=end)
    return list(
        Notification.objects.filter(condition)
        .filter(notification_visible_q())
        .select_related(*NOTIFICATION_RELATED)
        .order_by("created_at", "pk")
    )


def preference_for_user(*, user) -> NotificationPreference | None:
    return NotificationPreference.objects.filter(user=user).prefetch_related("themes").first()


def announcement_get_for_user(*, user, pk) -> Announcement:
    """An announcement sent to the user (the secretariat sees all of them); others are 404."""
    from members.permissions import is_secretariat

    announcements = Announcement.objects.exclude(status=Announcement.Status.DRAFT)
    if not is_secretariat(user):
        announcements = announcements.filter(
            Exists(Notification.objects.filter(announcement_id=OuterRef("pk"), recipient=user))
        )
    return get_object_or_404(announcements, pk=pk)
