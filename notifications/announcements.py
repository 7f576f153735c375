"""Announcements from the secretariat: written as drafts, then sent to all members or to the
members of some countries or themes, in the portal and by email, in batches.

Each member gets an announcement once: the Notification row is unique per (person,
announcement) and is written with the email in one transaction, and batches of the same
announcement take a transaction-level advisory lock, so a retried task or an overlapping
run finds those already done. An announcement stays "sending" until nobody in its audience is
left without their notification; a periodic task resumes any that a lost message left
half-way."""

import logging

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.models import AuditAction
from audit.services import audit_record
from dialogues.rendering import render_markdown
from members.geography import ELIGIBLE_COUNTRIES
from members.models import Organisation
from members.permissions import is_secretariat
from notifications.counts import unread_counts_forget
from notifications.models import Announcement, Notification, NotificationPreference
from notifications.presenters import notification_target_url
from notifications.unsubscribe import unsubscribe_url
from outbox.models import OutboundEmail
from outbox.services import email_render_templated, outbound_emails_enqueue

logger = logging.getLogger(__name__)

ANNOUNCEMENT_BATCH_SIZE = 500
# pg_advisory_xact_lock's first key: "announcement batches" (the second is the announcement).
ADVISORY_LOCK_NAMESPACE = 6001


def _require_secretariat(user) -> None:
    if not is_secretariat(user):
        raise PermissionDenied


def announcement_audience(announcement):
    """The people an announcement is for: active accounts representing an active member
    organisation, in its countries and sharing one of its themes when it names some."""
    organisations = Organisation.objects.filter(
        membership_status=Organisation.MembershipStatus.ACTIVE
    )
    if announcement.countries:
        organisations = organisations.filter(country__in=announcement.countries)
    theme_ids = [theme.pk for theme in announcement.themes.all()]
    if theme_ids:
        organisations = organisations.filter(
            Exists(
                Organisation.themes.through.objects.filter(
                    organisation_id=OuterRef("pk"), policytheme_id__in=theme_ids
                )
            )
        )
    return get_user_model().objects.filter(
        is_active=True, representative__organisation__in=organisations
    )


@transaction.atomic
def announcement_save(
    *, acting_user, title: str, body: str, countries=(), themes=(), announcement=None
) -> Announcement:
    """Write or edit a draft (sent announcements are not edited)."""
    _require_secretariat(acting_user)
    if announcement is not None and announcement.status != Announcement.Status.DRAFT:
        raise ValidationError(_("An announcement that was sent cannot be changed."))
    countries = sorted(set(countries))
    unknown = [code for code in countries if code not in ELIGIBLE_COUNTRIES]
    if unknown:
        raise ValidationError({"countries": _("Choose countries from the list.")})
    announcement = announcement or Announcement(author=acting_user)
    announcement.title = title.strip()
    announcement.body = body
    rendered = render_markdown(body)
    announcement.body_html, announcement.body_text = rendered.html, rendered.text
    announcement.countries = countries
    announcement.full_clean()
    if not rendered.text.strip():
        raise ValidationError({"body": _("Write the message.")})
    announcement.save()
    announcement.themes.set(themes)
    return announcement


@transaction.atomic
def announcement_send(*, announcement, acting_user) -> Announcement:
    """Start sending a draft: counts its audience, records the action, and queues the batches
    after commit."""
    _require_secretariat(acting_user)
    announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
    if announcement.status != Announcement.Status.DRAFT:
        raise ValidationError(_("This announcement is already being sent."))
    audience = announcement_audience(announcement).count()
    if audience == 0:
        raise ValidationError(_("No member is in this audience: widen the countries or themes."))
    announcement.status = Announcement.Status.SENDING
    announcement.recipient_count = audience
    announcement.sent_at = timezone.now()
    announcement.save(update_fields=["status", "recipient_count", "sent_at"])
    audit_record(
        actor=acting_user,
        action=AuditAction.ANNOUNCEMENT_SEND,
        obj=announcement,
        changes={
            "recipients": audience,
            "countries": announcement.countries,
            "themes": [theme.name for theme in announcement.themes.all()],
        },
    )
    transaction.on_commit(lambda: _fan_out_later(announcement.pk))
    return announcement


def _fan_out_later(announcement_id: int) -> None:
    """Queue the fan-out; if the broker is down, the periodic resume picks it up."""
    from notifications.tasks import announcement_fan_out

    try:
        announcement_fan_out.delay(announcement_id)
    except Exception:  # kombu raises several kinds of errors when Redis is down
        logger.warning(
            "Could not queue announcement %s; the periodic resume will send it.",
            announcement_id,
            exc_info=True,
        )


def announcement_pending_user_ids(*, announcement) -> list[int]:
    """Who in the audience has not been given the announcement yet."""
    return list(
        announcement_audience(announcement)
        .exclude(
            Exists(
                Notification.objects.filter(
                    announcement_id=announcement.pk, recipient_id=OuterRef("pk")
                )
            )
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def announcement_batches(*, announcement, batch_size: int = ANNOUNCEMENT_BATCH_SIZE):
    user_ids = announcement_pending_user_ids(announcement=announcement)
    return [user_ids[i : i + batch_size] for i in range(0, len(user_ids), batch_size)]


@transaction.atomic
def announcement_batch_send(*, announcement_id: int, user_ids: list[int]) -> int:
    """Give the announcement to these people (those still without it): a notification each,
    and an email to those who chose announcement emails. Returns how many were given it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)", [ADVISORY_LOCK_NAMESPACE, announcement_id]
        )
    announcement = Announcement.objects.get(pk=announcement_id)
    if announcement.status == Announcement.Status.DRAFT:
        return 0
    recipients = list(
        announcement_audience(announcement)
        .filter(pk__in=user_ids)
        .exclude(
            Exists(
                Notification.objects.filter(
                    announcement_id=announcement.pk, recipient_id=OuterRef("pk")
                )
            )
        )
        .order_by("pk")
    )
    now = timezone.now()
    notifications = Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                kind=Notification.Kind.ANNOUNCEMENT,
                actor_id=announcement.author_id,
                announcement=announcement,
                created_at=now,
            )
            for user in recipients
        ]
    )
    unread_counts_forget(user.pk for user in recipients)
    emailed_ids = set(
        NotificationPreference.objects.filter(
            user_id__in=[user.pk for user in recipients],
            chosen_at__isnull=False,
            email_announcements=True,
        ).values_list("user_id", flat=True)
    )
    emailed = [n for n in notifications if n.recipient_id in emailed_ids]
    messages = []
    for notification in emailed:
        user = notification.recipient
        with translation.override(user.language):
            messages.append(
                email_render_templated(
                    to=[user.email],
                    template="notifications/announcement",
                    context={
                        "recipient": user,
                        "announcement": announcement,
                        "target_url": notification_target_url(notification),
                    },
                    language=user.language,
                    unsubscribe_url=unsubscribe_url(user=user, scope="announcements"),
                )
            )
    for notification, row in zip(emailed, outbound_emails_enqueue(messages=messages), strict=True):
        notification.email = row
    Notification.objects.bulk_update(emailed, ["email"])
    if not announcement_pending_user_ids(announcement=announcement):
        Announcement.objects.filter(pk=announcement.pk).update(status=Announcement.Status.SENT)
    return len(notifications)


def announcement_progress(*, announcement) -> dict:
    """How far the sending is: given in the portal, and emails sent / failed / pending. Read
    from the rows themselves, so it survives a reload and a worker restart."""
    given = Notification.objects.filter(announcement=announcement)
    emails = OutboundEmail.objects.filter(notification__announcement=announcement).aggregate(
        sent=Count("pk", filter=Q(status=OutboundEmail.Status.SENT)),
        failed=Count("pk", filter=Q(status=OutboundEmail.Status.FAILED)),
        pending=Count("pk", filter=Q(status=OutboundEmail.Status.PENDING)),
    )
    given_count = given.count()
    return {
        "recipients": announcement.recipient_count,
        "given": given_count,
        "waiting": max(announcement.recipient_count - given_count, 0),
        "in_app_only": given_count - sum(emails.values()),
        **emails,
    }


def announcements_resume() -> int:
    """Queue the batches of every announcement still sending (a lost message, a broker that
    was down). Returns how many batches were queued."""
    from notifications.tasks import announcement_batch_send as batch_task

    queued = 0
    for announcement in Announcement.objects.filter(status=Announcement.Status.SENDING):
        batches = announcement_batches(announcement=announcement)
        if not batches:
            Announcement.objects.filter(pk=announcement.pk).update(status=Announcement.Status.SENT)
        for user_ids in batches:
            batch_task.delay(announcement.pk, user_ids)
            queued += 1
    return queued
