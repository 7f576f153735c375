"""Digest emails: when they are due, what each covers, and sending them exactly once.

- Slots: daily digests belong to 07:00 Europe/Brussels of each day, weekly ones to 07:00 on
  Mondays; the wall-clock time stays 07:00 across daylight-saving changes.
- Window: a person's digest covers their notifications created after the end of their
  previous digest (or after they switched digests on) up to the slot, so a late or repeated
  run builds the same message, and the next digest starts where this one ended.
- Exactly once: each (person, slot) is a DigestDelivery row under a unique constraint, written
  in the same transaction as the outbox message. A batch locks its people's preference rows
  (skipping those another run holds) and leaves out those who already have the slot, so a
  retried task, a worker that died mid-batch or two overlapping schedulers send nothing twice;
  and as nothing is recorded unless committed, nothing is lost either.
"""

import time as clock
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone, translation

from notifications import selectors
from notifications.models import (
    DigestDelivery,
    DigestFrequency,
    Notification,
    NotificationPreference,
)
from notifications.presenters import folded_lines, notification_sentence, notification_target_url
from notifications.unsubscribe import unsubscribe_url
from outbox.services import email_render_templated, outbound_emails_enqueue

DIGEST_TIME_ZONE = ZoneInfo("Europe/Brussels")
DIGEST_TIME = time(7, 0)
FREQUENCIES = (DigestFrequency.DAILY, DigestFrequency.WEEKLY)
# Batches start this long after their slot: a notification is dated when its transaction
# writes it, so one written at 06:59:59 must have committed before the 07:00 digest reads its
# window (requests take milliseconds; two minutes is ample).
DIGEST_SETTLE = timedelta(minutes=2)
# A digest lists at most this many groups (the rest is summed up with a link to the app).
MAX_GROUPS = 30


def digest_slot(*, frequency: str, at: datetime) -> datetime:
    """The latest slot of `frequency` at or before `at` (an aware datetime)."""
    local = at.astimezone(DIGEST_TIME_ZONE)
    day: date = local.date()
    if local.time() < DIGEST_TIME:
        day -= timedelta(days=1)
    if frequency == DigestFrequency.WEEKLY:
        day -= timedelta(days=day.weekday())  # back to Monday
    return datetime.combine(day, DIGEST_TIME, tzinfo=DIGEST_TIME_ZONE)


def digest_due_user_ids(*, frequency: str, slot: datetime) -> list[int]:
    """Who should get the `frequency` digest of `slot` and has not yet: active people who
    chose it before the slot. One query."""
    return list(
        NotificationPreference.objects.filter(
            digest=frequency,
            chosen_at__isnull=False,
            digest_since__lt=slot,
            user__is_active=True,
        )
        .exclude(Exists(DigestDelivery.objects.filter(user_id=OuterRef("user_id"), slot=slot)))
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )


# --- Building ----------------------------------------------------------------------------------


@dataclass
class DigestGroup:
    """One thread, one initiative, or one other event, with its lines (repeats folded)."""

    title: str
    context: str
    url: str
    newest: datetime
    lines: list[str] = field(default_factory=list)


def _group_key(notification: Notification):
    if notification.thread_id:
        return ("thread", notification.thread_id)
    if notification.initiative_id:
        return ("initiative", notification.initiative_id)
    return ("single", notification.pk)


def digest_groups(notifications: list[Notification]) -> list[DigestGroup]:
    """Group one person's notifications by thread and by initiative, newest group first, each
    group's repeats folded ("5 new posts"). In the active language."""
    from django.utils.translation import gettext as _

    grouped: dict[tuple, list[Notification]] = {}
    for notification in notifications:
        grouped.setdefault(_group_key(notification), []).append(notification)
    groups = []
    for (kind, _key), items in grouped.items():
        items.sort(key=lambda n: (n.created_at, n.pk), reverse=True)
        newest = items[0]
        if kind == "thread":
            group = DigestGroup(
                title=newest.thread.title,
                context=_("Dialogue · %(topic)s") % {"topic": newest.thread.topic.title},
                url=notification_target_url(newest),
                newest=newest.created_at,
                lines=folded_lines(items),
            )
        elif kind == "initiative":
            group = DigestGroup(
                title=newest.initiative.title,
                context=_("Joint initiative"),
                url=newest.initiative.get_absolute_url(),
                newest=newest.created_at,
                lines=folded_lines(items),
            )
        else:
            group = DigestGroup(
                title=notification_sentence(newest),
                context=str(newest.get_kind_display()),
                url=notification_target_url(newest),
                newest=newest.created_at,
            )
        groups.append(group)
    groups.sort(key=lambda g: g.newest, reverse=True)
    return groups


def digest_message(*, user, frequency: str, notifications: list[Notification]):
    """The digest email for one person (not yet in the outbox)."""
    with translation.override(user.language):
        groups = digest_groups(notifications)
    return email_render_templated(
        to=[user.email],
        template="notifications/digest",
        context={
            "recipient": user,
            "frequency": frequency,
            "groups": groups[:MAX_GROUPS],
            "more_groups": max(len(groups) - MAX_GROUPS, 0),
            "notification_count": len(notifications),
        },
        language=user.language,
        unsubscribe_url=unsubscribe_url(user=user, scope="digest"),
    )


# --- Sending -----------------------------------------------------------------------------------


@dataclass
class DigestBatchResult:
    sent: int = 0
    empty: int = 0
    skipped: int = 0


@transaction.atomic
def digest_batch_send(*, frequency: str, slot: datetime, user_ids: list[int]) -> DigestBatchResult:
    """Send the `slot` digest to these people, each at most once. A fixed number of queries
    for the whole batch, whatever its size."""
    preferences = list(
        NotificationPreference.objects.select_for_update(of=("self",), skip_locked=True)
        .filter(
            user_id__in=user_ids,
            digest=frequency,
            chosen_at__isnull=False,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("user_id")
    )
    done = set(
        DigestDelivery.objects.filter(
            user_id__in=[p.user_id for p in preferences], slot=slot
        ).values_list("user_id", flat=True)
    )
    preferences = [p for p in preferences if p.user_id not in done]
    result = DigestBatchResult(skipped=len(user_ids) - len(preferences))
    if not preferences:
        return result
    previous_ends = dict(
        DigestDelivery.objects.filter(user_id__in=[p.user_id for p in preferences])
        .values("user_id")
        .annotate(end=Max("window_end"))
        .values_list("user_id", "end")
    )
    windows = {}
    for preference in preferences:
        starts = [preference.digest_since or preference.chosen_at]
        if preference.user_id in previous_ends:
            starts.append(previous_ends[preference.user_id])
        windows[preference.user_id] = (min(max(starts), slot), slot)
    by_user: dict[int, list[Notification]] = {}
    for notification in selectors.notifications_in_windows(windows=windows):
        by_user.setdefault(notification.recipient_id, []).append(notification)
    deliveries, messages, with_message = [], [], []
    for preference in preferences:
        user = preference.user
        start, end = windows[user.pk]
        items = by_user.get(user.pk, [])
        delivery = DigestDelivery(
            user=user,
            frequency=frequency,
            slot=slot,
            window_start=start,
            window_end=end,
            notification_count=len(items),
        )
        deliveries.append(delivery)
        if items:
            messages.append(digest_message(user=user, frequency=frequency, notifications=items))
            with_message.append(delivery)
    for delivery, row in zip(with_message, outbound_emails_enqueue(messages=messages), strict=True):
        delivery.outbound_email = row
    DigestDelivery.objects.bulk_create(deliveries)
    result.sent = len(with_message)
    result.empty = len(deliveries) - len(with_message)
    return result


def digest_batches(*, frequency: str, slot: datetime, batch_size: int | None = None):
    """The due people of a slot, cut into batches of user ids."""
    batch_size = batch_size or settings.NOTIFICATIONS_DIGEST_BATCH_SIZE
    user_ids = digest_due_user_ids(frequency=frequency, slot=slot)
    return [user_ids[i : i + batch_size] for i in range(0, len(user_ids), batch_size)]


def digest_settle_seconds(*, slot: datetime) -> float:
    """How long to wait before a slot's window may be read: 0 once settled, and 0 for a slot
    still in the future (sent on purpose, by an operator or a test)."""
    remaining = (slot + DIGEST_SETTLE - timezone.now()).total_seconds()
    if remaining > DIGEST_SETTLE.total_seconds():
        return 0.0
    return max(remaining, 0.0)


def digests_send_now(*, frequency: str, slot: datetime | None = None) -> DigestBatchResult:
    """Send a slot's digests in this process, batch after batch (the management command and
    `make run` without Redis), after the settling margin. Returns the totals."""
    slot = slot or digest_slot(frequency=frequency, at=timezone.now())
    clock.sleep(digest_settle_seconds(slot=slot))
    total = DigestBatchResult()
    for user_ids in digest_batches(frequency=frequency, slot=slot):
        result = digest_batch_send(frequency=frequency, slot=slot, user_ids=user_ids)
        total.sent += result.sent
        total.empty += result.empty
        total.skipped += result.skipped
    return total
