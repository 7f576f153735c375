"""Writes of the dialogues: one function per action, each atomic, each checking its rules.

Errors: PermissionDenied when the person may not do this at all (their role), ValidationError
for what they typed (empty post, over-long title, reply to another thread, bad attachment),
DialogueError when the state of the dialogue refuses it (locked thread, archived topic,
already endorsed). Who may do what: dialogues.permissions.
"""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, FilteredRelation, OuterRef, Q, Subquery, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from audit.models import ActorRole, AuditAction
from audit.services import audit_record
from dialogues import permissions, selectors
from dialogues.attachments import MAX_ATTACHMENTS_PER_POST, attachment_check
from dialogues.models import (
    Attachment,
    Flag,
    Follow,
    Mention,
    ModerationAction,
    Outcome,
    OutcomeEndorsement,
    OutcomeRevision,
    Post,
    PostRevision,
    ReadState,
    Thread,
    Topic,
    UsefulMark,
)
from dialogues.rendering import render_markdown
from dialogues.search import search_vector_expression
from eca_portal import shared_pages
from members.permissions import is_secretariat, representative_of
from notifications.services import (
    notifications_for_mentions_create,
    notifications_for_post_create,
)


class DialogueError(Exception):
    """The state of the dialogue refuses the action; the message is for the person who tried."""


def _require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


def _require_open_topic(topic) -> None:
    if topic.is_archived:
        raise DialogueError(_("This topic is archived: it can be read but no longer changed."))


def _organisation_of(user):
    representative = representative_of(user)
    return representative.organisation if representative else None


# Every moderation action is also a privileged action of the portal's audit trail.
AUDIT_ACTIONS = {
    ModerationAction.Action.HIDE_POST: AuditAction.POST_HIDE,
    ModerationAction.Action.RESTORE_POST: AuditAction.POST_RESTORE,
    ModerationAction.Action.LOCK: AuditAction.THREAD_LOCK,
    ModerationAction.Action.UNLOCK: AuditAction.THREAD_UNLOCK,
    ModerationAction.Action.PIN: AuditAction.THREAD_PIN,
    ModerationAction.Action.UNPIN: AuditAction.THREAD_UNPIN,
    ModerationAction.Action.MOVE: AuditAction.THREAD_MOVE,
    ModerationAction.Action.RENAME: AuditAction.THREAD_RENAME,
    ModerationAction.Action.RESOLVE_FLAG: AuditAction.FLAG_RESOLVE,
    ModerationAction.Action.ARCHIVE_TOPIC: AuditAction.TOPIC_ARCHIVE,
    ModerationAction.Action.REOPEN_TOPIC: AuditAction.TOPIC_REOPEN,
    ModerationAction.Action.SET_MODERATORS: AuditAction.TOPIC_MODERATORS_SET,
}


def _log(*, actor, action, topic=None, thread=None, post=None, reason="", details=None):
    """The moderation log's row and the audit trail's (same transaction)."""
    topic = topic or (thread.topic if thread else None)
    if post is not None:
        obj, label = post, f"{post.thread.title} #{post.number}"
    elif thread is not None:
        obj, label = thread, thread.title
    else:
        obj, label = topic, topic.title
    audit_record(
        actor=actor,
        action=AUDIT_ACTIONS[action],
        obj=obj,
        object_label=label,
        changes={"reason": reason, **(details or {})},
        # A topic's moderator need not be a member: "moderator" says why they could act.
        actor_label=None if is_secretariat(actor) else ActorRole.MODERATOR,
    )
    return ModerationAction.objects.create(
        actor=actor,
        action=action,
        topic=topic,
        thread=thread,
        post=post,
        reason=reason,
        details=details or {},
    )


def _mentionable(topic):
    """The resolver render_markdown calls with the ids found in a message: only people who may
    read the topic, in one query."""
    User = get_user_model()

    def resolve(ids):
        return (
            User.objects.filter(pk__in=ids)
            .filter(permissions.topic_readers_q(topic))
            .select_related("representative__organisation")
        )

    return resolve


def _render_post(body: str, topic):
    rendered = render_markdown(body, resolve_mentions=_mentionable(topic))
    if rendered.is_empty:
        raise ValidationError(
            {"body": _("Your message is empty. Write something before posting.")}, code="empty"
        )
    return rendered


def _search_vector_write(post, title: str = "") -> None:
    Post.objects.filter(pk=post.pk).update(
        search_vector=search_vector_expression(
            title=title if post.number == 1 else "", text=post.body_text
        )
    )


def _mentions_sync(post, people) -> set[int]:
    """Record who a post mentions now (not its author), forgetting those edited out; returns
    their ids."""
    wanted = {person.pk for person in people} - {post.author_id}
    Mention.objects.filter(post=post).exclude(user_id__in=wanted).delete()
    Mention.objects.bulk_create(
        [Mention(post=post, user_id=user_id) for user_id in sorted(wanted)],
        ignore_conflicts=True,
    )
    return wanted


def _mentions_prune(topic, threads=None) -> None:
    """Forget mentions of people who can no longer read the threads (after a move to, or a
    visibility change of, a members-only topic; after a moderator was removed)."""
    if topic.visibility != Topic.Visibility.MEMBERS:
        return
    User = get_user_model()
    mentions = Mention.objects.filter(post__thread__topic=topic)
    if threads is not None:
        mentions = mentions.filter(post__thread__in=threads)
    mentions.exclude(user__in=User.objects.filter(permissions.topic_readers_q(topic))).delete()


def _checked_attachments(attachments) -> list:
    attachments = list(attachments or [])
    if len(attachments) > MAX_ATTACHMENTS_PER_POST:
        raise ValidationError(
            {
                "attachments": _("Attach at most %(count)d files to one post.")
                % {"count": MAX_ATTACHMENTS_PER_POST}
            }
        )
    checked, errors = [], []
    for upload in attachments:
        try:
            checked.append((upload, attachment_check(upload)))
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError({"attachments": errors}, code="attachment")
    return checked


def _attachments_save(post, checked) -> None:
    for upload, info in checked:
        attachment = Attachment(
            post=post,
            original_name=info.original_name,
            content_type=info.content_type,
            size=info.size,
        )
        upload.seek(0)
        attachment.file.save(info.original_name, File(upload), save=False)
        attachment.save()


def _follow_on_post(*, user, thread) -> None:
    """Posting follows the thread, unless the person muted it (their choice stands)."""
    Follow.objects.get_or_create(
        user=user, thread=thread, defaults={"state": Follow.State.FOLLOWING}
    )


def _read_up_to(*, user, thread, number: int) -> None:
    """Move the person's read position forward to `number` (never backwards): create the row
    if missing, then raise it, so that concurrent requests cannot move it back."""
    now = timezone.now()
    ReadState.objects.bulk_create(
        [ReadState(user=user, thread=thread, last_read_post_number=number, updated_at=now)],
        ignore_conflicts=True,
    )
    ReadState.objects.filter(user=user, thread=thread).update(
        last_read_post_number=Greatest(F("last_read_post_number"), Value(number)),
        updated_at=now,
    )
    selectors.read_positions_changed(user.pk)


def _post_add(
    *, thread, author, body: str, reply_to=None, attachments=(), now=None, rendered=None
) -> Post:
    """Add a post to a thread whose row the caller has locked (select_for_update)."""
    now = now or timezone.now()
    rendered = rendered or _render_post(body, thread.topic)
    checked = _checked_attachments(attachments)
    post = Post(
        thread=thread,
        number=thread.post_count + 1,
        author=author,
        organisation=_organisation_of(author),
        body=body,
        body_html=rendered.html,
        body_text=rendered.text,
        reply_to=reply_to,
        created_at=now,
    )
    post.full_clean(exclude=["search_vector", "body_html", "body_text"])
    post.save()
    _search_vector_write(post, thread.title)
    _attachments_save(post, checked)
    mentioned = _mentions_sync(post, rendered.mentioned)
    thread.post_count = post.number
    thread.last_post = post
    thread.last_activity_at = now
    thread.save(update_fields=["post_count", "last_post", "last_activity_at"])
    _follow_on_post(user=author, thread=thread)
    _read_up_to(user=author, thread=thread, number=post.number)
    # In the same transaction: followers, the replied-to author and the mentioned.
    notifications_for_post_create(post=post, mentioned_user_ids=mentioned)
    return post


def _fresh_post(post):
    """The post with its thread and topic as they are now (the caller's copy may be stale)."""
    return Post.objects.select_related("thread__topic").get(pk=post.pk)


def _fresh_outcome(outcome):
    return Outcome.objects.select_related("thread__topic").get(pk=outcome.pk)


def _locked_thread(thread):
    return Thread.objects.select_for_update(of=("self",)).select_related("topic").get(pk=thread.pk)


# --- Topics (the secretariat) -----------------------------------------------------------------


# The first words of the dialogues' fixed paths (dialogues/urls.py): a topic slugged like one of
# them would be hidden behind that page.
RESERVED_TOPIC_SLUGS = {
    "attachments",
    "flags",
    "latest",
    "manage",
    "mark-all-read",
    "moderation",
    "outcomes",
    "posts",
    "search",
    "t",
}


def _unique_topic_slug(title: str) -> str:
    base = slugify(title)[:200] or "topic"
    slug, number = base, 2
    if slug in RESERVED_TOPIC_SLUGS:
        slug = f"{base}-{number}"
        number += 1
    while Topic.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


@transaction.atomic
def topic_create(
    *,
    acting_user,
    title: str,
    description: str = "",
    visibility: str = Topic.Visibility.PUBLIC,
    slug: str = "",
    moderators: Iterable = (),
) -> Topic:
    _require(is_secretariat(acting_user))
    topic = Topic(
        title=title.strip(),
        slug=slug or _unique_topic_slug(title),
        description=description,
        visibility=visibility,
        created_by=acting_user,
    )
    topic.full_clean()
    topic.save()
    topic.moderators.set(moderators)
    return topic


@transaction.atomic
def topic_get_or_create_for_system(
    *, slug: str, title: str, description: str = "", visibility: str = Topic.Visibility.PUBLIC
) -> Topic:
    """A topic another app of the portal needs (the joint initiatives' discussion threads),
    created on first use without an acting person. Afterwards it is a topic like any other:
    the secretariat renames, moderates or archives it."""
    topic = Topic.objects.filter(slug=slug).first()
    if topic is not None:
        return topic
    topic = Topic(title=title.strip(), slug=slug, description=description, visibility=visibility)
    topic.full_clean()
    try:
        with transaction.atomic():
            topic.save()
    except IntegrityError:  # created at the same moment by another request
        return Topic.objects.get(slug=slug)
    return topic


@transaction.atomic
def topic_update(
    *,
    topic,
    acting_user,
    title: str | None = None,
    description: str | None = None,
    visibility: str | None = None,
) -> Topic:
    _require(is_secretariat(acting_user))
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    if title is not None:
        topic.title = title.strip()
    if description is not None:
        topic.description = description
    if visibility is not None:
        topic.visibility = visibility
    topic.full_clean()
    topic.save(update_fields=["title", "description", "visibility"])
    _mentions_prune(topic)
    return topic


@transaction.atomic
def topic_archive(*, topic, acting_user, reason: str = "") -> Topic:
    """Close a topic: it stays readable, nobody writes in it."""
    _require(is_secretariat(acting_user))
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    if topic.is_archived:
        return topic
    topic.status = Topic.Status.ARCHIVED
    topic.archived_at = timezone.now()
    topic.save(update_fields=["status", "archived_at"])
    _log(
        actor=acting_user, action=ModerationAction.Action.ARCHIVE_TOPIC, topic=topic, reason=reason
    )
    return topic


@transaction.atomic
def topic_reopen(*, topic, acting_user, reason: str = "") -> Topic:
    _require(is_secretariat(acting_user))
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    if not topic.is_archived:
        return topic
    topic.status = Topic.Status.OPEN
    topic.archived_at = None
    topic.save(update_fields=["status", "archived_at"])
    _log(actor=acting_user, action=ModerationAction.Action.REOPEN_TOPIC, topic=topic, reason=reason)
    return topic


@transaction.atomic
def topic_moderators_set(*, topic, acting_user, moderators: Iterable) -> Topic:
    """Name the people who moderate a topic (users; they need not be representatives)."""
    _require(is_secretariat(acting_user))
    moderators = list(moderators)
    before = set(topic.moderators.values_list("pk", flat=True))
    topic.moderators.set(moderators)
    after = {moderator.pk for moderator in moderators}
    if before != after:
        _log(
            actor=acting_user,
            action=ModerationAction.Action.SET_MODERATORS,
            topic=topic,
            details={"added": sorted(after - before), "removed": sorted(before - after)},
        )
        _mentions_prune(topic)
    return topic


# --- Threads and posts ------------------------------------------------------------------------


@transaction.atomic
def thread_create(
    *,
    topic,
    author,
    title: str,
    body: str,
    kind: str = Thread.Kind.DISCUSSION,
    themes: Iterable = (),
    attachments: Iterable = (),
) -> Thread:
    """Start a thread with its opening post (number 1)."""
    topic = Topic.objects.prefetch_related("moderators").get(pk=topic.pk)
    _require(permissions.can_write(author, topic))
    _require_open_topic(topic)
    now = timezone.now()
    thread = Thread(
        topic=topic,
        title=title.strip(),
        kind=kind,
        author=author,
        organisation=_organisation_of(author),
        created_at=now,
        last_activity_at=now,
    )
    errors = {}
    try:
        thread.full_clean(exclude=["last_post"])
    except ValidationError as error:
        errors.update(error.message_dict)
    rendered = None
    try:
        rendered = _render_post(body, topic)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    thread.save()
    thread.themes.set(themes)
    _post_add(
        thread=thread,
        author=author,
        body=body,
        attachments=attachments,
        now=now,
        rendered=rendered,
    )
    return thread


@transaction.atomic
def post_create(*, thread, author, body: str, reply_to=None, attachments: Iterable = ()) -> Post:
    thread = _locked_thread(thread)
    topic = thread.topic
    _require(permissions.can_write(author, topic))
    _require_open_topic(topic)
    if thread.is_locked and not permissions.can_moderate(author, topic):
        raise DialogueError(_("This thread is locked: only its moderators can still post."))
    if reply_to is not None and reply_to.thread_id != thread.pk:
        raise ValidationError(
            {"reply_to": _("You can only reply to a post of the same thread.")},
            code="reply_to_other_thread",
        )
    return _post_add(
        thread=thread, author=author, body=body, reply_to=reply_to, attachments=attachments
    )


@transaction.atomic
def post_edit(*, post, acting_user, body: str, attachments: Iterable = ()) -> Post:
    """The author changes their own words; the previous text becomes a revision. Nobody
    edits another person's post, moderators included (they hide it instead)."""
    post = (
        Post.objects.select_for_update(of=("self",)).select_related("thread__topic").get(pk=post.pk)
    )
    thread, topic = post.thread, post.thread.topic
    _require(post.author_id is not None and post.author_id == acting_user.pk)
    _require(permissions.can_write(acting_user, topic))
    _require_open_topic(topic)
    if thread.is_locked and not permissions.can_moderate(acting_user, topic):
        raise DialogueError(_("This thread is locked: its posts can no longer be edited."))
    if post.is_hidden:
        raise DialogueError(_("A moderator hid this post; it cannot be edited."))
    attachments = list(attachments or [])
    if body == post.body and not attachments:
        return post
    rendered = _render_post(body, topic)
    already = post.attachments.count()
    checked = _checked_attachments(attachments)
    if already + len(checked) > MAX_ATTACHMENTS_PER_POST:
        raise ValidationError(
            {
                "attachments": _("Attach at most %(count)d files to one post.")
                % {"count": MAX_ATTACHMENTS_PER_POST}
            }
        )
    now = timezone.now()
    if body != post.body:
        PostRevision.objects.create(
            post=post,
            body=post.body,
            body_html=post.body_html,
            edited_by=acting_user,
            created_at=now,
        )
        post.body, post.body_html, post.body_text = body, rendered.html, rendered.text
        post.edited_at = now
        post.full_clean(exclude=["search_vector", "body_html", "body_text", "reply_to"])
        post.save(update_fields=["body", "body_html", "body_text", "edited_at"])
        _search_vector_write(post, thread.title)
        # Those newly mentioned by the edit are told; nobody twice.
        notifications_for_mentions_create(
            post=post, mentioned_user_ids=_mentions_sync(post, rendered.mentioned)
        )
    _attachments_save(post, checked)
    return post


@transaction.atomic
def post_mark_useful(*, post, user) -> UsefulMark:
    post = _fresh_post(post)
    topic = post.thread.topic
    _require(permissions.can_react(user, topic))
    _require_open_topic(topic)
    if post.author_id == user.pk:
        raise DialogueError(_("You cannot mark your own post as useful."))
    if post.is_hidden:
        raise DialogueError(_("This post is hidden."))
    mark, _created = UsefulMark.objects.get_or_create(post=post, user=user)
    return mark


@transaction.atomic
def post_unmark_useful(*, post, user) -> None:
    post = _fresh_post(post)
    _require(permissions.can_react(user, post.thread.topic))
    UsefulMark.objects.filter(post=post, user=user).delete()


# --- Following and reading --------------------------------------------------------------------


@transaction.atomic
def follow_set(*, user, state: str | None, topic=None, thread=None) -> Follow | None:
    """Follow or mute a topic or a thread (exactly one), or forget the choice (state=None).
    Any signed-in reader may follow: it is a personal setting, not a contribution."""
    if (topic is None) == (thread is None):
        raise ValueError("Give a topic or a thread.")
    _require(user.is_authenticated)
    _require(permissions.can_read(user, topic or thread.topic))
    target = {"topic": topic} if topic is not None else {"thread": thread}
    if state is None:
        Follow.objects.filter(user=user, **target).delete()
        return None
    if state not in Follow.State.values:
        raise ValidationError({"state": _("Choose to follow or to mute.")})
    follow, _created = Follow.objects.update_or_create(
        user=user, **target, defaults={"state": state}
    )
    return follow


@transaction.atomic
def thread_mark_read(*, user, thread, up_to_number: int | None = None) -> None:
    """The person has seen the thread up to post `up_to_number` (default: all of it)."""
    if not user.is_authenticated:
        return
    _require(permissions.can_read(user, thread.topic))
    post_count = Thread.objects.filter(pk=thread.pk).values_list("post_count", flat=True).get()
    number = post_count if up_to_number is None else min(up_to_number, post_count)
    if number > 0:
        _read_up_to(user=user, thread=thread, number=number)


def _mark_read(user, threads) -> int:
    """One query for the unread threads, one bulk upsert (INSERT … ON CONFLICT) per thousand."""
    now = timezone.now()
    unread = (
        threads.annotate(
            my_read=FilteredRelation("read_states", condition=Q(read_states__user=user))
        )
        .filter(
            Q(my_read__isnull=True) | Q(my_read__last_read_post_number__lt=F("post_count")),
            post_count__gt=0,
        )
        .values_list("pk", "post_count")
    )
    rows = [
        ReadState(user=user, thread_id=pk, last_read_post_number=count, updated_at=now)
        for pk, count in unread
    ]
    ReadState.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["user", "thread"],
        update_fields=["last_read_post_number", "updated_at"],
        batch_size=1000,
    )
    selectors.read_positions_changed(user.pk)
    return len(rows)


@transaction.atomic
def topic_mark_read(*, user, topic) -> int:
    """Mark every thread of a topic read; returns how many were unread."""
    _require(user.is_authenticated and permissions.can_read(user, topic))
    return _mark_read(user, Thread.objects.filter(topic=topic))


@transaction.atomic
def threads_mark_all_read(*, user) -> int:
    """Mark every thread the person can read as read; returns how many were unread."""
    _require(user.is_authenticated)
    return _mark_read(
        user, Thread.objects.filter(permissions.readable_topics_q(user, prefix="topic__"))
    )


@transaction.atomic
def follow_handover(*, leaving_user, successor_user) -> None:
    """A members.services.HANDOVER_STEPS step: the leaving representative's follows pass to
    their successor, except where the successor already chose (follow or mute) for the same
    topic or thread. Mutes are personal and stay with the person."""
    for target in ("topic", "thread"):
        successor_choice = Follow.objects.filter(user=successor_user, **{target: OuterRef(target)})
        Follow.objects.filter(
            user=leaving_user, state=Follow.State.FOLLOWING, **{f"{target}__isnull": False}
        ).filter(~Exists(successor_choice)).update(user=successor_user)
    Follow.objects.filter(user=leaving_user, state=Follow.State.FOLLOWING).delete()


# --- Outcomes ---------------------------------------------------------------------------------


def _render_outcome(summary: str, topic):
    rendered = render_markdown(summary, resolve_mentions=_mentionable(topic))
    if rendered.is_empty:
        raise ValidationError(
            {"summary": _("Summarise the conclusions or recommendations.")}, code="empty"
        )
    return rendered


@transaction.atomic
def outcome_create(*, thread, acting_user, summary: str) -> Outcome:
    """The thread's author or a moderator concludes the thread with an outcome."""
    thread = _locked_thread(thread)
    _require(permissions.can_conclude(acting_user, thread))
    _require_open_topic(thread.topic)
    if Outcome.objects.filter(thread=thread).exists():
        raise DialogueError(_("This thread already has an outcome; edit it instead."))
    rendered = _render_outcome(summary, thread.topic)
    now = timezone.now()
    outcome = Outcome(
        thread=thread,
        summary=summary,
        summary_html=rendered.html,
        concluded_by=acting_user,
        created_at=now,
        updated_at=now,
    )
    outcome.full_clean(exclude=["summary_html"])
    outcome.save()
    OutcomeRevision.objects.create(
        outcome=outcome,
        version=1,
        summary=summary,
        summary_html=rendered.html,
        author=acting_user,
        created_at=now,
    )
    return outcome


@transaction.atomic
def outcome_update(*, outcome, acting_user, summary: str) -> Outcome:
    """A new version of the summary; every version is kept. Endorsements stay, each recording
    the version it was given for."""
    outcome = (
        Outcome.objects.select_for_update(of=("self",))
        .select_related("thread__topic")
        .get(pk=outcome.pk)
    )
    _require(permissions.can_conclude(acting_user, outcome.thread))
    _require_open_topic(outcome.thread.topic)
    if summary == outcome.summary:
        return outcome
    rendered = _render_outcome(summary, outcome.thread.topic)
    now = timezone.now()
    outcome.summary, outcome.summary_html = summary, rendered.html
    outcome.version += 1
    outcome.updated_at = now
    outcome.full_clean(exclude=["summary_html", "thread"])
    outcome.save(update_fields=["summary", "summary_html", "version", "updated_at"])
    OutcomeRevision.objects.create(
        outcome=outcome,
        version=outcome.version,
        summary=summary,
        summary_html=rendered.html,
        author=acting_user,
        created_at=now,
    )
    return outcome


@transaction.atomic
def outcome_endorse(*, outcome, acting_user) -> OutcomeEndorsement:
    """The acting representative's organisation endorses the outcome (once)."""
    outcome = _fresh_outcome(outcome)
    topic = outcome.thread.topic
    _require(permissions.can_react(acting_user, topic))
    _require_open_topic(topic)
    organisation = representative_of(acting_user).organisation
    if OutcomeEndorsement.objects.filter(
        outcome=outcome, organisation=organisation, withdrawn_at__isnull=True
    ).exists():
        raise DialogueError(_("Your organisation has already endorsed this outcome."))
    endorsement = OutcomeEndorsement(
        outcome=outcome,
        organisation=organisation,
        endorsed_by=acting_user,
        outcome_version=outcome.version,
    )
    endorsement.full_clean(exclude=["outcome", "organisation"])
    try:
        with transaction.atomic():
            endorsement.save()
    except IntegrityError as error:  # a colleague endorsed at the same moment
        raise DialogueError(_("Your organisation has already endorsed this outcome.")) from error
    return endorsement


@transaction.atomic
def outcome_endorsement_withdraw(*, outcome, acting_user) -> OutcomeEndorsement:
    """A representative of the endorsing organisation withdraws its endorsement."""
    outcome = _fresh_outcome(outcome)
    topic = outcome.thread.topic
    _require(permissions.can_react(acting_user, topic))
    _require_open_topic(topic)
    organisation = representative_of(acting_user).organisation
    endorsement = (
        OutcomeEndorsement.objects.select_for_update()
        .filter(outcome=outcome, organisation=organisation, withdrawn_at__isnull=True)
        .first()
    )
    if endorsement is None:
        raise DialogueError(_("Your organisation has not endorsed this outcome."))
    endorsement.withdrawn_at = timezone.now()
    endorsement.withdrawn_by = acting_user
    endorsement.save(update_fields=["withdrawn_at", "withdrawn_by"])
    return endorsement


# --- Flags and moderation ---------------------------------------------------------------------


@transaction.atomic
def post_flag(*, post, user, reason: str) -> Flag:
    """A member reports a post to the moderators (one open flag per person and post)."""
    post = _fresh_post(post)
    _require(permissions.can_react(user, post.thread.topic))
    if post.is_hidden:
        raise DialogueError(_("The moderators have already hidden this post."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say what is wrong with this post.")})
    if Flag.objects.filter(post=post, flagged_by=user, resolved_at__isnull=True).exists():
        raise DialogueError(_("You have already flagged this post; the moderators will look."))
    flag = Flag(post=post, flagged_by=user, reason=reason.strip())
    flag.full_clean()
    try:
        with transaction.atomic():
            flag.save()
    except IntegrityError as error:
        raise DialogueError(
            _("You have already flagged this post; the moderators will look.")
        ) from error
    return flag


def _resolve_flags(flags, *, acting_user, resolution, note="", now=None):
    return flags.filter(resolved_at__isnull=True).update(
        resolved_at=now or timezone.now(),
        resolved_by=acting_user,
        resolution=resolution,
        resolution_note=note,
    )


@transaction.atomic
def flag_resolve(*, flag, acting_user, resolution: str, note: str = "") -> Flag:
    flag = (
        Flag.objects.select_for_update(of=("self",))
        .select_related("post__thread__topic")
        .get(pk=flag.pk)
    )
    thread = flag.post.thread
    _require(permissions.can_moderate(acting_user, thread.topic))
    if not flag.is_open:
        raise DialogueError(_("This flag has already been resolved."))
    if resolution not in Flag.Resolution.values:
        raise ValidationError({"resolution": _("Choose how the flag was resolved.")})
    _resolve_flags(
        Flag.objects.filter(pk=flag.pk), acting_user=acting_user, resolution=resolution, note=note
    )
    _log(
        actor=acting_user,
        action=ModerationAction.Action.RESOLVE_FLAG,
        thread=thread,
        post=flag.post,
        reason=note,
        details={"flag": flag.pk, "resolution": resolution},
    )
    flag.refresh_from_db()
    return flag


@transaction.atomic
def post_hide(*, post, acting_user, reason: str) -> Post:
    """Hide a post: it stays in the database, shown as hidden, with who hid it and why. Its
    open flags are resolved (action taken)."""
    post = (
        Post.objects.select_for_update(of=("self",)).select_related("thread__topic").get(pk=post.pk)
    )
    _require(permissions.can_moderate(acting_user, post.thread.topic))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the post is hidden.")})
    if post.is_hidden:
        raise DialogueError(_("This post is already hidden."))
    now = timezone.now()
    post.hidden_at, post.hidden_by, post.hidden_reason = now, acting_user, reason.strip()
    post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    _resolve_flags(
        post.flags.all(),
        acting_user=acting_user,
        resolution=Flag.Resolution.ACTION_TAKEN,
        note=reason.strip(),
        now=now,
    )
    _log(
        actor=acting_user,
        action=ModerationAction.Action.HIDE_POST,
        thread=post.thread,
        post=post,
        reason=reason.strip(),
    )
    return post


@transaction.atomic
def post_restore(*, post, acting_user, reason: str = "") -> Post:
    post = (
        Post.objects.select_for_update(of=("self",)).select_related("thread__topic").get(pk=post.pk)
    )
    _require(permissions.can_moderate(acting_user, post.thread.topic))
    if not post.is_hidden:
        raise DialogueError(_("This post is not hidden."))
    post.hidden_at, post.hidden_by, post.hidden_reason = None, None, ""
    post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    _log(
        actor=acting_user,
        action=ModerationAction.Action.RESTORE_POST,
        thread=post.thread,
        post=post,
        reason=reason,
    )
    return post


def _thread_flag_set(*, thread, acting_user, field: str, value: bool, action, reason: str):
    thread = _locked_thread(thread)
    _require(permissions.can_moderate(acting_user, thread.topic))
    if getattr(thread, field) == value:
        return thread
    setattr(thread, field, value)
    thread.save(update_fields=[field])
    _log(actor=acting_user, action=action, thread=thread, reason=reason)
    return thread


@transaction.atomic
def thread_lock(*, thread, acting_user, reason: str = "") -> Thread:
    return _thread_flag_set(
        thread=thread,
        acting_user=acting_user,
        field="is_locked",
        value=True,
        action=ModerationAction.Action.LOCK,
        reason=reason,
    )


@transaction.atomic
def thread_unlock(*, thread, acting_user, reason: str = "") -> Thread:
    return _thread_flag_set(
        thread=thread,
        acting_user=acting_user,
        field="is_locked",
        value=False,
        action=ModerationAction.Action.UNLOCK,
        reason=reason,
    )


@transaction.atomic
def thread_pin(*, thread, acting_user, reason: str = "") -> Thread:
    return _thread_flag_set(
        thread=thread,
        acting_user=acting_user,
        field="is_pinned",
        value=True,
        action=ModerationAction.Action.PIN,
        reason=reason,
    )


@transaction.atomic
def thread_unpin(*, thread, acting_user, reason: str = "") -> Thread:
    return _thread_flag_set(
        thread=thread,
        acting_user=acting_user,
        field="is_pinned",
        value=False,
        action=ModerationAction.Action.UNPIN,
        reason=reason,
    )


@transaction.atomic
def thread_move(*, thread, to_topic, acting_user, reason: str = "") -> Thread:
    """Move a thread to another topic; the mover must moderate both."""
    thread = _locked_thread(thread)
    from_topic = thread.topic
    to_topic = Topic.objects.prefetch_related("moderators").get(pk=to_topic.pk)
    _require(permissions.can_moderate(acting_user, from_topic))
    _require(permissions.can_moderate(acting_user, to_topic))
    if to_topic.pk == from_topic.pk:
        raise DialogueError(_("The thread is already in this topic."))
    _require_open_topic(to_topic)
    thread.topic = to_topic
    thread.save(update_fields=["topic"])
    _log(
        actor=acting_user,
        action=ModerationAction.Action.MOVE,
        topic=to_topic,
        thread=thread,
        reason=reason,
        details={
            "from_topic": from_topic.pk,
            "from_title": from_topic.title,
            "to_topic": to_topic.pk,
            "to_title": to_topic.title,
        },
    )
    _mentions_prune(to_topic, threads=[thread])
    return thread


@transaction.atomic
def thread_rename(*, thread, acting_user, title: str, reason: str = "") -> Thread:
    thread = _locked_thread(thread)
    _require(permissions.can_moderate(acting_user, thread.topic))
    old_title = thread.title
    thread.title = title.strip()
    if thread.title == old_title:
        return thread
    thread.full_clean(exclude=["last_post", "topic", "author", "organisation"])
    thread.save(update_fields=["title"])
    opening = Post.objects.filter(thread=thread, number=1).only("pk", "number", "body_text").first()
    if opening is not None:
        _search_vector_write(opening, thread.title)
    _log(
        actor=acting_user,
        action=ModerationAction.Action.RENAME,
        thread=thread,
        reason=reason,
        details={"from": old_title, "to": thread.title},
    )
    return thread


# --- A person deletes their account (accounts.services.user_delete) ---------------------------


@transaction.atomic
def author_forget(*, user, organisation_name: str, label: str) -> None:
    """Before the account goes: the person's threads and posts keep, as a snapshot, the name
    of the organisation they wrote for (or, if none was recorded, the one they belong to now);
    their @mentions in every post, edit history and outcome become `label` as plain text, and
    the HTML, plain text and search vectors are written again."""
    from accounts.services import mentions_replace
    from members.models import Organisation

    organisation_at_writing = Subquery(
        Organisation.objects.filter(pk=OuterRef("organisation_id")).values("name")[:1]
    )
    for model in (Thread, Post):
        authored = model.objects.filter(author=user)
        authored.filter(organisation__isnull=False).update(former_member_of=organisation_at_writing)
        authored.filter(organisation__isnull=True).update(former_member_of=organisation_name)
    shared_pages.public_content_changed()  # the updates above send no signal

    marker = f"](user:{user.pk})"
    for post in Post.objects.filter(body__contains=marker).select_related("thread__topic"):
        post.body = mentions_replace(post.body, user_id=user.pk, label=label)
        rendered = render_markdown(post.body, resolve_mentions=_mentionable(post.thread.topic))
        post.body_html, post.body_text = rendered.html, rendered.text
        post.save(update_fields=["body", "body_html", "body_text"])
        _search_vector_write(post, post.thread.title)
    for revision in PostRevision.objects.filter(body__contains=marker).select_related(
        "post__thread__topic"
    ):
        revision.body = mentions_replace(revision.body, user_id=user.pk, label=label)
        revision.body_html = render_markdown(
            revision.body, resolve_mentions=_mentionable(revision.post.thread.topic)
        ).html
        revision.save(update_fields=["body", "body_html"])
    for outcome in Outcome.objects.filter(summary__contains=marker).select_related("thread__topic"):
        outcome.summary = mentions_replace(outcome.summary, user_id=user.pk, label=label)
        outcome.summary_html = render_markdown(
            outcome.summary, resolve_mentions=_mentionable(outcome.thread.topic)
        ).html
        outcome.save(update_fields=["summary", "summary_html"])
    for revision in OutcomeRevision.objects.filter(summary__contains=marker).select_related(
        "outcome__thread__topic"
    ):
        revision.summary = mentions_replace(revision.summary, user_id=user.pk, label=label)
        revision.summary_html = render_markdown(
            revision.summary, resolve_mentions=_mentionable(revision.outcome.thread.topic)
        ).html
        revision.save(update_fields=["summary", "summary_html"])
