"""Writes of the notifications: creating them for each kind of event (and the immediate
emails people chose), marking them read, and people's email preferences.

Every creator runs inside the transaction of the event that causes it, so a notification
exists if and only if its event was committed; emails go through the outbox in that same
transaction and are handed to a worker after commit."""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from dialogues import permissions
from notifications.counts import unread_counts_forget
from notifications.models import DigestFrequency, Notification, NotificationPreference
from notifications.presenters import notification_sentence, notification_target_url
from notifications.unsubscribe import unsubscribe_url
from outbox.services import email_render_templated, outbound_emails_enqueue

Kind = Notification.Kind

# Which kinds are emailed at once, under which preference (and unsubscribe scope). Kinds not
# listed reach people in the app and in their digest only. Decisions on a person's own
# applications are transactional mail, sent by the members app whatever the preferences.
IMMEDIATE_EMAIL_SCOPES = {
    Kind.MENTION: "mentions",
    Kind.JOIN_REQUEST: "decisions",
    Kind.PARTNER_REQUEST: "decisions",
    Kind.PARTNER_REQUEST_DECISION: "decisions",
    Kind.INITIATIVE_STATUS: "decisions",
}
SCOPE_FIELDS = {
    "mentions": "email_mentions",
    "decisions": "email_decisions",
    "announcements": "email_announcements",
}
# One notification per person per post: the most specific kind wins.
POST_KIND_PRIORITY = {Kind.MENTION: 4, Kind.REPLY: 3, Kind.TOPIC_THREAD: 2, Kind.THREAD_POST: 1}


def _active_user_ids(user_ids: Iterable[int]) -> list[int]:
    wanted = {user_id for user_id in user_ids if user_id is not None}
    if not wanted:
        return []
    return sorted(
        get_user_model().objects.filter(pk__in=wanted, is_active=True).values_list("pk", flat=True)
    )


def _emails_send(
    notifications: list[Notification], scope: str, template: str = "", context=None
) -> None:
    """Email each notification at once to those whose preferences ask for it (and who have
    chosen at all); record the outbox row on the notification. `template` (an email of the
    event's own app) replaces the generic one."""
    if not notifications:
        return
    field = SCOPE_FIELDS[scope]
    preferences = NotificationPreference.objects.filter(
        user_id__in=[n.recipient_id for n in notifications],
        chosen_at__isnull=False,
        user__is_active=True,
        **{field: True},
    ).select_related("user")
    users = {preference.user_id: preference.user for preference in preferences}
    emailed = [n for n in notifications if n.recipient_id in users]
    messages = []
    for notification in emailed:
        user = users[notification.recipient_id]
        with translation.override(user.language):
            sentence = notification_sentence(notification)
        messages.append(
            email_render_templated(
                to=[user.email],
                template=template or "notifications/immediate",
                context={
                    **(context or {}),
                    "recipient": user,
                    "notification": notification,
                    "sentence": sentence,
                    "target_url": notification_target_url(notification),
                },
                language=user.language,
                unsubscribe_url=unsubscribe_url(user=user, scope=scope),
            )
        )
    rows = outbound_emails_enqueue(messages=messages)
    for notification, row in zip(emailed, rows, strict=True):
        notification.email = row
    Notification.objects.bulk_update(emailed, ["email"])


def notifications_create(
    *,
    recipient_ids: Iterable[int],
    kind: str,
    actor=None,
    details=None,
    email_template: str = "",
    email_context=None,
    **targets,
) -> list[Notification]:
    """Notify these people (never the actor, only active accounts) of one event, and email
    those who asked for this kind at once (with `email_template` when the event has its own
    email). `targets` are the object keys (initiative=…, organisation=…, via_organisation=…,
    contacts_only=…)."""
    recipients = set(_active_user_ids(recipient_ids)) - {getattr(actor, "pk", None)}
    if not recipients:
        return []
    now = timezone.now()
    notifications = Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=user_id,
                kind=kind,
                actor=actor,
                details=details or {},
                created_at=now,
                **targets,
            )
            for user_id in sorted(recipients)
        ]
    )
    unread_counts_forget(recipients)
    if kind in IMMEDIATE_EMAIL_SCOPES:
        _emails_send(notifications, IMMEDIATE_EMAIL_SCOPES[kind], email_template, email_context)
    return notifications


# --- Dialogues -------------------------------------------------------------------------------


def _post_readers(post, user_ids) -> set[int]:
    """Of these people, the active ones who may read the post's topic."""
    if not user_ids:
        return set()
    readers = get_user_model().objects.filter(pk__in=user_ids, is_active=True)
    topic = post.thread.topic
    if topic.is_members_only:
        readers = readers.filter(permissions.topic_readers_q(topic))
    return set(readers.values_list("pk", flat=True))


@transaction.atomic
def notifications_for_post_create(*, post, mentioned_user_ids: Iterable[int] = ()) -> None:
    """Tell people about a new post: those it mentions, the author of the post it replies to,
    the thread's followers (or, for a thread's first post, the topic's followers). One
    notification per person, of the most specific kind. Never the author; nobody who muted
    the thread, nor anyone who may not read the topic."""
    from dialogues.models import Follow

    thread = post.thread
    follows = Follow.objects.filter(Q(thread_id=thread.pk) | Q(topic_id=thread.topic_id))
    thread_states, topic_states = {}, {}
    for user_id, thread_id, state in follows.values_list("user_id", "thread_id", "state"):
        (thread_states if thread_id else topic_states)[user_id] = state
    following = Follow.State.FOLLOWING
    wanted: dict[int, str] = {}

    def propose(user_id, kind):
        if POST_KIND_PRIORITY[kind] > POST_KIND_PRIORITY.get(wanted.get(user_id), 0):
            wanted[user_id] = kind

    if post.number == 1:
        for user_id, state in topic_states.items():
            if state == following:
                propose(user_id, Kind.TOPIC_THREAD)
    else:
        for user_id, state in thread_states.items():
            if state == following:
                propose(user_id, Kind.THREAD_POST)
    if post.reply_to_id is not None and post.reply_to.author_id is not None:
        propose(post.reply_to.author_id, Kind.REPLY)
    for user_id in mentioned_user_ids:
        propose(user_id, Kind.MENTION)
    muted = {user_id for user_id, state in thread_states.items() if state != following}
    wanted = {u: k for u, k in wanted.items() if u != post.author_id and u not in muted}
    if not wanted or post.is_hidden:
        return
    readers = _post_readers(post, set(wanted))
    now = timezone.now()
    notifications = Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=user_id,
                kind=wanted[user_id],
                actor=post.author,
                post=post,
                thread=thread,
                created_at=now,
            )
            for user_id in sorted(readers)
        ]  # a new post: nobody has a notification of it yet
    )
    unread_counts_forget(readers)
    _emails_send([n for n in notifications if n.kind == Kind.MENTION], "mentions")


@transaction.atomic
def notifications_for_mentions_create(*, post, mentioned_user_ids: Iterable[int]) -> None:
    """An edited post mentions people: tell those not yet told of this mention. Someone
    already notified of the post in a lesser way (as a follower) has that notification
    turned into a mention, unread again; nobody is notified twice."""
    from dialogues.models import Follow

    wanted = set(mentioned_user_ids) - {post.author_id}
    if not wanted or post.is_hidden:
        return
    muted = set(
        Follow.objects.filter(thread_id=post.thread_id, user_id__in=wanted)
        .exclude(state=Follow.State.FOLLOWING)
        .values_list("user_id", flat=True)
    )
    readers = _post_readers(post, wanted - muted)
    already = set(
        Notification.objects.filter(
            post=post, recipient_id__in=readers, kind=Kind.MENTION
        ).values_list("recipient_id", flat=True)
    )
    newly = readers - already
    if not newly:
        return
    now = timezone.now()
    unread_counts_forget(newly)
    Notification.objects.filter(post=post, recipient_id__in=newly).update(
        kind=Kind.MENTION, read_at=None, created_at=now, actor_id=post.author_id
    )
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=user_id,
                kind=Kind.MENTION,
                actor_id=post.author_id,
                post=post,
                thread_id=post.thread_id,
                created_at=now,
            )
            for user_id in sorted(newly)
        ],
        ignore_conflicts=True,
    )
    notifications = list(
        Notification.objects.filter(
            post=post, recipient_id__in=newly, email__isnull=True
        ).select_related("actor", "post", "thread")
    )
    _emails_send(notifications, "mentions")


# --- Themes (opt-in) -------------------------------------------------------------------------


def _theme_followers(theme_ids: Iterable[int], *, exclude_organisation_id=None) -> list[int]:
    """People who asked to hear about these themes (and have chosen their settings)."""
    theme_ids = list(theme_ids)
    if not theme_ids:
        return []
    through = NotificationPreference.themes.through
    followers = (
        through.objects.filter(policytheme_id__in=theme_ids)
        .filter(notificationpreference__chosen_at__isnull=False)
        .values_list("notificationpreference_id", flat=True)
        .distinct()
    )
    if exclude_organisation_id is not None:
        followers = followers.exclude(
            notificationpreference__user__representative__organisation_id=exclude_organisation_id
        )
    return list(followers)


def notifications_for_matching_initiative(*, initiative, acting_user) -> None:
    """A new joint initiative: tell those who follow one of its themes (not its own people)."""
    theme_ids = initiative.themes.values_list("pk", flat=True)
    notifications_create(
        recipient_ids=_theme_followers(
            theme_ids, exclude_organisation_id=initiative.lead_organisation_id
        ),
        kind=Kind.MATCHING_INITIATIVE,
        actor=acting_user,
        initiative=initiative,
    )


def notifications_for_matching_organisation(*, organisation) -> None:
    """A new member organisation: tell those who follow one of its themes."""
    theme_ids = organisation.themes.values_list("pk", flat=True)
    notifications_create(
        recipient_ids=_theme_followers(theme_ids, exclude_organisation_id=organisation.pk),
        kind=Kind.MATCHING_ORGANISATION,
        organisation=organisation,
    )


# --- Reading ---------------------------------------------------------------------------------


@transaction.atomic
def notification_mark_read(*, notification, user) -> None:
    """Mark one of the user's notifications read (someone else's is left alone)."""
    now = timezone.now()
    updated = Notification.objects.filter(
        pk=notification.pk, recipient=user, read_at__isnull=True
    ).update(read_at=now)
    if updated and notification.recipient_id == user.pk:
        notification.read_at = now
        unread_counts_forget([user.pk])


@transaction.atomic
def notifications_mark_all_read(*, user) -> int:
    """Mark every unread notification of the user read, in one statement."""
    unread_counts_forget([user.pk])
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# --- Preferences -----------------------------------------------------------------------------


@transaction.atomic
def preference_save(
    *,
    user,
    digest: str,
    email_mentions: bool,
    email_decisions: bool,
    email_announcements: bool,
    themes: Iterable = (),
    language: str | None = None,
) -> NotificationPreference:
    """Record the person's choices. Saving them is their consent to the mail they chose;
    switching a digest on starts it from now (it never reports what came before)."""
    now = timezone.now()
    preference, _created = NotificationPreference.objects.select_for_update().get_or_create(
        user=user
    )
    was_receiving = preference.has_chosen and preference.digest != DigestFrequency.OFF
    preference.digest = digest
    preference.email_mentions = email_mentions
    preference.email_decisions = email_decisions
    preference.email_announcements = email_announcements
    if digest != DigestFrequency.OFF and not was_receiving:
        preference.digest_since = now
    preference.chosen_at = preference.chosen_at or now
    preference.updated_at = now
    preference.full_clean()
    preference.save()
    preference.themes.set(themes)
    if language and language != user.language:
        user.language = language
        user.save(update_fields=["language"])
    return preference


@transaction.atomic
def preference_unsubscribe(*, user, scope: str) -> NotificationPreference:
    """Stop one kind of mail (from an unsubscribe link). Idempotent."""
    preference, _created = NotificationPreference.objects.select_for_update().get_or_create(
        user=user
    )
    if scope == "digest":
        preference.digest = DigestFrequency.OFF
    else:
        setattr(preference, SCOPE_FIELDS[scope], False)
    preference.updated_at = timezone.now()
    preference.save()
    return preference
