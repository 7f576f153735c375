"""The policy dialogues: topics, threads, posts, outcomes, and what members do with them.

Writes go through dialogues.services (which keep the counters, rendered HTML and search vectors
up to date); reads through dialogues.selectors (which apply the visibility rules).
"""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from members.models import Organisation, PolicyTheme

# How many posts one page of a thread shows: the one place that decides it.
POSTS_PER_PAGE = 20
TITLE_MAX_LENGTH = 200
BODY_MAX_LENGTH = 50_000
# Search snippets are marked with these private-use characters in SQL, then escaped and turned
# into <mark> in Python (Post.headline_html), so user text never reaches the page unescaped.
HEADLINE_START = "\ue000"
HEADLINE_STOP = "\ue001"


def _title_field(verbose_name):
    return models.CharField(
        verbose_name,
        max_length=TITLE_MAX_LENGTH,
        error_messages={
            "max_length": _(
                "A title has at most %(limit_value)d characters (this one has %(show_value)d)."
            )
        },
    )


class Topic(models.Model):
    """A dialogue space, created by the secretariat."""

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public: anyone reads, members write")
        MEMBERS = "members", _("Members only")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ARCHIVED = "archived", _("Archived")

    title = _title_field(_("title"))
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    description = models.TextField(_("description"), blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility, default=Visibility.PUBLIC
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.OPEN)
    moderators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderators"),
        related_name="moderated_topics",
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        indexes = [
            # topic_list_for_user: open topics first ("open" > "archived"), by title.
            models.Index(F("status").desc(), "title", name="dialogues_topic_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", archived_at__isnull=True)
                | Q(status="archived", archived_at__isnull=False),
                name="%(app_label)s_%(class)s_archived_at_matches_status",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_archived(self):
        return self.status == self.Status.ARCHIVED

    @property
    def is_members_only(self):
        return self.visibility == self.Visibility.MEMBERS


class Authored(models.Model):
    """Who wrote something, and for which organisation at the time. A deleted account leaves
    the organisation: "a former member of <organisation>"."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    # Filled when the author deletes their account (accounts.services.user_delete): the name of
    # the organisation they wrote for (or belonged to at deletion), so that the attribution
    # survives even if the organisation is later removed. Empty while the author exists.
    former_member_of = models.CharField(
        _("written by a former member of"), max_length=200, blank=True, editable=False
    )

    class Meta:
        abstract = True

    @property
    def author_display(self):
        """The name to show (select_related author and organisation to avoid queries)."""
        if self.author_id is not None:
            return self.author.full_name or str(self.author)
        if self.former_member_of:
            return _("A former member of %(organisation)s") % {
                "organisation": self.former_member_of
            }
        if self.organisation_id is not None:
            return _("A former member of %(organisation)s") % {
                "organisation": self.organisation.name
            }
        return _("A former participant")


class Thread(Authored):
    """A conversation in a topic. Its counters (post_count, last_post, last_activity_at) are
    kept by the services so that lists need no aggregation."""

    class Kind(models.TextChoices):
        DISCUSSION = "discussion", _("Discussion")
        QUESTION = "question", _("Question")
        GOOD_PRACTICE = "good_practice", _("Good practice / experience")
        CALL_FOR_PARTNERS = "call_for_partners", _("Call for partners")

    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, related_name="threads", verbose_name=_("topic")
    )
    title = _title_field(_("title"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.DISCUSSION)
    themes = models.ManyToManyField(
        PolicyTheme, verbose_name=_("policy themes"), related_name="threads", blank=True
    )
    is_pinned = models.BooleanField(_("pinned"), default=False)
    is_locked = models.BooleanField(_("locked"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    # Posts are numbered 1, 2, 3… and never deleted, so post_count is also the last number.
    post_count = models.PositiveIntegerField(_("posts"), default=0)
    last_post = models.ForeignKey(
        "Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-is_pinned", "-last_activity_at", "-id"]
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        indexes = [
            # thread_list_for_topic: a topic's threads, pinned first, then by last activity.
            models.Index(
                "topic",
                F("is_pinned").desc(),
                F("last_activity_at").desc(),
                F("id").desc(),
                name="dialogues_thread_topic_idx",
            ),
            # thread_list_for_topic(kind=...): the same, filtered by kind.
            models.Index(
                "topic",
                "kind",
                F("is_pinned").desc(),
                F("last_activity_at").desc(),
                F("id").desc(),
                name="dialogues_thread_tkind_idx",
            ),
            # thread_list_latest / thread_list_followed: across topics, by last activity
            # (optionally by kind). The theme filter uses the M2M table's own indexes.
            models.Index(
                F("last_activity_at").desc(), F("id").desc(), name="dialogues_thread_latest_idx"
            ),
            models.Index(
                "kind",
                F("last_activity_at").desc(),
                F("id").desc(),
                name="dialogues_thread_kind_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(title=""), name="%(app_label)s_%(class)s_title_not_empty"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def page_count(self):
        return max(1, (self.post_count + POSTS_PER_PAGE - 1) // POSTS_PER_PAGE)


def post_page_number(number: int) -> int:
    """The page of a thread on which post number `number` appears."""
    return (max(number, 1) - 1) // POSTS_PER_PAGE + 1


class Post(Authored):
    """A message in a thread. body is the author's Markdown; body_html (sanitised) and body_text
    (plain, for search and quotes) are derived from it by the services when it is written."""

    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, related_name="posts", verbose_name=_("thread")
    )
    number = models.PositiveIntegerField(_("number"))
    body = models.TextField(_("message"), validators=[MaxLengthValidator(BODY_MAX_LENGTH)])
    body_html = models.TextField(editable=False)
    body_text = models.TextField(editable=False)
    # title (opening post only, weight A) + body (weight B), "simple" configuration: see
    # dialogues/search.py. Written by the services, never by triggers or signals.
    search_vector = SearchVectorField(null=True, editable=False)
    reply_to = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("in reply to"),
    )
    created_at = models.DateTimeField(_("posted"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hidden_reason = models.TextField(_("why it was hidden"), blank=True)

    class Meta:
        ordering = ["thread_id", "number"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        constraints = [
            # Permalinks and pages address posts by (thread, number); also the page query's index.
            models.UniqueConstraint(
                fields=["thread", "number"], name="%(app_label)s_%(class)s_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="%(app_label)s_%(class)s_number_positive"
            ),
            models.CheckConstraint(
                condition=~Q(reply_to=F("pk")), name="%(app_label)s_%(class)s_not_reply_to_self"
            ),
            models.CheckConstraint(
                condition=Q(hidden_at__isnull=True, hidden_reason="")
                | (Q(hidden_at__isnull=False) & ~Q(hidden_reason="")),
                name="%(app_label)s_%(class)s_hidden_with_reason",
            ),
        ]
        indexes = [
            # post_search_for_user: full-text search (tsvector is indexable by core GIN).
            GinIndex(fields=["search_vector"], name="dialogues_post_search_idx"),
            # A common word's matches, newest first (SEARCH_RANKED_MAX in selectors).
            models.Index(F("created_at").desc(), F("id").desc(), name="dialogues_post_created_idx"),
        ]

    def __str__(self):
        return f"{self.thread} #{self.number}"

    def clean(self):
        if (
            self.reply_to_id is not None
            and self.thread_id is not None
            and self.reply_to.thread_id != self.thread_id
        ):
            raise ValidationError(
                {"reply_to": _("You can only reply to a post of the same thread.")},
                code="reply_to_other_thread",
            )

    @property
    def is_edited(self):
        return self.edited_at is not None

    @property
    def is_hidden(self):
        return self.hidden_at is not None

    @property
    def page_number(self):
        return post_page_number(self.number)

    @property
    def headline_html(self):
        """The search snippet (annotated as `headline` by post_search_for_user), escaped, with
        the matched words in <mark>."""
        text = escape(getattr(self, "headline", "") or "")
        return mark_safe(  # noqa: S308 - escaped above; only our own <mark> tags are added
            text.replace(HEADLINE_START, "<mark>").replace(HEADLINE_STOP, "</mark>")
        )


class PostRevision(models.Model):
    """The edit history of a post: one row per edit, holding the body as it was before it."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField(_("previous message"))
    body_html = models.TextField(editable=False)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("edited"), default=timezone.now)

    class Meta:
        ordering = ["post_id", "created_at", "pk"]
        verbose_name = _("post revision")
        verbose_name_plural = _("post revisions")
        indexes = [
            # post_revisions_for_user: a post's history in order.
            models.Index(fields=["post", "created_at"], name="dialogues_postrev_post_idx"),
        ]

    def __str__(self):
        return f"{self.post} @ {self.created_at:%Y-%m-%d %H:%M}"


def attachment_upload_to(instance, filename):
    # A random name: the stored path reveals nothing and cannot be guessed; the original
    # name is kept in original_name for display.
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"dialogues/attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    """A document or image attached to a post, checked by content (dialogues.attachments)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["post_id", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name

    @property
    def is_image(self):
        return self.content_type.startswith("image/")


class UsefulMark(models.Model):
    """A member found a post useful: one per person and post, never on one's own post."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="useful_marks")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("useful mark")
        verbose_name_plural = _("useful marks")
        constraints = [
            # Also the index of post_page_for_user's useful_count and marked_useful.
            models.UniqueConstraint(
                fields=["post", "user"], name="%(app_label)s_%(class)s_one_per_user"
            ),
        ]

    def __str__(self):
        return f"{self.user} → {self.post}"


class Mention(models.Model):
    """Someone was @mentioned in a post (the notifications send from these rows). Only people
    who may read the thread are ever recorded."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="mentions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dialogue_mentions"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")
        constraints = [
            models.UniqueConstraint(
                fields=["post", "user"], name="%(app_label)s_%(class)s_once_per_post"
            ),
        ]
        indexes = [
            # mention_list_for_user: "where was I mentioned", newest first.
            models.Index("user", F("created_at").desc(), name="dialogues_mention_user_idx"),
        ]

    def __str__(self):
        return f"@{self.user} in {self.post}"


class Flag(models.Model):
    """A member reports a post to the moderators."""

    class Resolution(models.TextChoices):
        ACTION_TAKEN = "action_taken", _("Action taken")
        DISMISSED = "dismissed", _("Dismissed")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="flags")
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolution = models.CharField(max_length=20, choices=Resolution, blank=True)
    resolution_note = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        constraints = [
            models.UniqueConstraint(
                fields=["post", "flagged_by"],
                condition=Q(resolved_at__isnull=True),
                name="%(app_label)s_%(class)s_one_open_per_user",
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True, resolution="")
                | (Q(resolved_at__isnull=False) & ~Q(resolution="")),
                name="%(app_label)s_%(class)s_resolution_matches",
            ),
        ]
        indexes = [
            # moderation_queue_for_user: the open flags, oldest first.
            models.Index(
                fields=["post", "created_at"],
                condition=Q(resolved_at__isnull=True),
                name="dialogues_flag_open_idx",
            ),
        ]

    def __str__(self):
        return f"{self.post}: {self.reason[:40]}"

    @property
    def is_open(self):
        return self.resolved_at is None


class ModerationAction(models.Model):
    """The moderation log: who did what to which topic, thread or post, when and why."""

    class Action(models.TextChoices):
        HIDE_POST = "hide_post", _("Hid a post")
        RESTORE_POST = "restore_post", _("Restored a post")
        LOCK = "lock", _("Locked a thread")
        UNLOCK = "unlock", _("Unlocked a thread")
        PIN = "pin", _("Pinned a thread")
        UNPIN = "unpin", _("Unpinned a thread")
        MOVE = "move", _("Moved a thread")
        RENAME = "rename", _("Renamed a thread")
        RESOLVE_FLAG = "resolve_flag", _("Resolved a flag")
        ARCHIVE_TOPIC = "archive_topic", _("Archived a topic")
        REOPEN_TOPIC = "reopen_topic", _("Reopened a topic")
        SET_MODERATORS = "set_moderators", _("Named the moderators of a topic")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=20, choices=Action)
    topic = models.ForeignKey(
        Topic, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    thread = models.ForeignKey(
        Thread, on_delete=models.SET_NULL, null=True, blank=True, related_name="moderation_actions"
    )
    post = models.ForeignKey(
        Post, on_delete=models.SET_NULL, null=True, blank=True, related_name="moderation_actions"
    )
    reason = models.TextField(_("reason"), blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("moderation action")
        verbose_name_plural = _("moderation actions")
        indexes = [
            # moderation_log_for_user: a topic's log (or everything, for the secretariat).
            models.Index("topic", F("created_at").desc(), name="dialogues_modact_topic_idx"),
            models.Index(F("created_at").desc(), name="dialogues_modact_created_idx"),
        ]

    def __str__(self):
        return f"{self.actor}: {self.get_action_display()}"


class Follow(models.Model):
    """A person follows (watches) or mutes a topic or a thread: exactly one of the two."""

    class State(models.TextChoices):
        FOLLOWING = "following", _("Following")
        MUTED = "muted", _("Muted")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dialogue_follows"
    )
    topic = models.ForeignKey(
        Topic, on_delete=models.CASCADE, null=True, blank=True, related_name="follows"
    )
    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, null=True, blank=True, related_name="follows"
    )
    state = models.CharField(max_length=10, choices=State, default=State.FOLLOWING)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.CheckConstraint(
                condition=Q(topic__isnull=False, thread__isnull=True)
                | Q(topic__isnull=True, thread__isnull=False),
                name="%(app_label)s_%(class)s_topic_xor_thread",
            ),
            # These two are also the indexes of thread_list_followed and follow_state_for_user.
            models.UniqueConstraint(
                fields=["user", "topic"],
                condition=Q(topic__isnull=False),
                name="%(app_label)s_%(class)s_once_per_topic",
            ),
            models.UniqueConstraint(
                fields=["user", "thread"],
                condition=Q(thread__isnull=False),
                name="%(app_label)s_%(class)s_once_per_thread",
            ),
        ]
        indexes = [
            # Notification fan-out (later): the followers of a thread or of a topic.
            models.Index(fields=["thread", "state"], name="dialogues_follow_thread_idx"),
            models.Index(fields=["topic", "state"], name="dialogues_follow_topic_idx"),
        ]

    def __str__(self):
        return f"{self.user} {self.state} {self.topic or self.thread}"


class ReadState(models.Model):
    """How far a person has read a thread: the highest post number seen."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dialogue_read_states"
    )
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="read_states")
    last_read_post_number = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("read state")
        verbose_name_plural = _("read states")
        constraints = [
            # Also the conflict target of the bulk upserts in topic_mark_read/threads_mark_all_read
            # and the index of the unread annotation's join in the thread lists.
            models.UniqueConstraint(
                fields=["user", "thread"], name="%(app_label)s_%(class)s_one_per_user_thread"
            ),
        ]

    def __str__(self):
        return f"{self.user} read {self.thread} to #{self.last_read_post_number}"


class Outcome(models.Model):
    """The conclusions or recommendations of a thread, versioned; organisations endorse it."""

    thread = models.OneToOneField(Thread, on_delete=models.CASCADE, related_name="outcome")
    summary = models.TextField(
        _("summary of conclusions"), validators=[MaxLengthValidator(BODY_MAX_LENGTH)]
    )
    summary_html = models.TextField(editable=False)
    version = models.PositiveIntegerField(default=1)
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("concluded"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        indexes = [
            # outcome_list_for_user: outcomes across topics, newest first.
            models.Index(F("created_at").desc(), name="dialogues_outcome_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(version__gte=1), name="%(app_label)s_%(class)s_version_positive"
            ),
        ]

    def __str__(self):
        return f"{self.thread} (v{self.version})"


class OutcomeRevision(models.Model):
    """Every version of an outcome's summary, the current one included."""

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    summary = models.TextField()
    summary_html = models.TextField(editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["outcome_id", "version"]
        verbose_name = _("outcome revision")
        verbose_name_plural = _("outcome revisions")
        constraints = [
            # Also the index of outcome_revisions_for_user.
            models.UniqueConstraint(
                fields=["outcome", "version"], name="%(app_label)s_%(class)s_version_unique"
            ),
        ]

    def __str__(self):
        return f"{self.outcome.thread} v{self.version}"


class OutcomeEndorsement(models.Model):
    """A member organisation endorses an outcome, through one of its representatives. One
    standing endorsement per organisation; withdrawn ones stay as history."""

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="endorsements")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="outcome_endorsements"
    )
    endorsed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The version of the summary the organisation endorsed.
    outcome_version = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("endorsement")
        verbose_name_plural = _("endorsements")
        constraints = [
            # Also the index of the standing endorsements the outcome selectors count and list.
            models.UniqueConstraint(
                fields=["outcome", "organisation"],
                condition=Q(withdrawn_at__isnull=True),
                name="%(app_label)s_%(class)s_one_per_organisation",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} endorses {self.outcome}"

    @property
    def is_withdrawn(self):
        return self.withdrawn_at is not None
