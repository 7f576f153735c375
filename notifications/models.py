"""What the portal tells a person: in the app (Notification), by email at once for the kinds
they chose, and in a daily or weekly digest built from the same Notification rows."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One event for one person. The digest reads these same rows, so it never misses what
    the app showed. Each points at its object through one of the nullable keys."""

    class Kind(models.TextChoices):
        THREAD_POST = "thread_post", _("New post in a followed thread")
        TOPIC_THREAD = "topic_thread", _("New thread in a followed topic")
        MENTION = "mention", _("Mention")
        REPLY = "reply", _("Reply to your post")
        APPLICATION_DECISION = "application_decision", _("Decision on a membership application")
        MEMBERSHIP_STATUS = "membership_status", _("Change of membership status")
        JOIN_REQUEST = "join_request", _("Request to join your organisation")
        JOIN_REQUEST_DECISION = (
            "join_request_decision",
            _("Answer to your request to join an organisation"),
        )
        PARTNER_REQUEST = "partner_request", _("Request to join an initiative")
        PARTNER_REQUEST_DECISION = (
            "partner_request_decision",
            _("Answer to a request to join an initiative"),
        )
        INITIATIVE_STATUS = "initiative_status", _("Initiative status change")
        INITIATIVE_UPDATE = "initiative_update", _("Initiative update")
        MATCHING_INITIATIVE = "matching_initiative", _("New initiative in your themes")
        MATCHING_ORGANISATION = "matching_organisation", _("New member in your themes")
        ANNOUNCEMENT = "announcement", _("Announcement")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    # The object the notification is about: at most a few of these are set.
    post = models.ForeignKey(
        "dialogues.Post", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    thread = models.ForeignKey(
        "dialogues.Thread", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    initiative = models.ForeignKey(
        "initiatives.Initiative", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "members.Organisation", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    application = models.ForeignKey(
        "members.MembershipApplication",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    join_request = models.ForeignKey(
        "members.JoinRequest", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    partner_request = models.ForeignKey(
        "initiatives.PartnerRequest",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    announcement = models.ForeignKey(
        "notifications.Announcement",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    # The person was told as a representative of this organisation: once they no longer
    # represent it (or, with contacts_only, are no longer its contact), they no longer see it.
    via_organisation = models.ForeignKey(
        "members.Organisation", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    contacts_only = models.BooleanField(default=False)
    # The email sent at once for this notification (mentions, decisions, announcements).
    email = models.OneToOneField(
        "outbox.OutboundEmail",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notification",
    )
    # Small facts for the sentence (old and new status, accepted or not), shown in the
    # reader's language at display time.
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # notification_list_for_user and unread_count_for_user: a recipient's notifications,
            # unread ones, newest first.
            models.Index(
                "recipient", "read_at", F("created_at").desc(), name="notifications_recipient_idx"
            ),
            # The digest batch: the notifications of some recipients within a time window.
            models.Index(fields=["recipient", "created_at"], name="notifications_window_idx"),
        ]
        constraints = [
            # One notification per person per post: a post that mentions a follower and
            # replies to them is one notification (the most specific kind), also after edits.
            models.UniqueConstraint(
                fields=["recipient", "post"],
                condition=Q(post__isnull=False),
                name="%(app_label)s_%(class)s_unique_per_post",
            ),
            models.UniqueConstraint(
                fields=["recipient", "announcement"],
                condition=Q(announcement__isnull=False),
                name="%(app_label)s_%(class)s_unique_per_announcement",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient}"

    @property
    def is_read(self):
        return self.read_at is not None


class DigestFrequency(models.TextChoices):
    OFF = "off", _("No digest")
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")


class NotificationPreference(models.Model):
    """A person's choices about email. No row, or a row never chosen (chosen_at empty), means
    they have not consented: they get transactional mail only."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_preference",
    )
    digest = models.CharField(
        _("digest email"), max_length=10, choices=DigestFrequency, default=DigestFrequency.WEEKLY
    )
    email_mentions = models.BooleanField(
        _("email me at once when someone mentions me"), default=True
    )
    email_decisions = models.BooleanField(
        _("email me at once about requests and decisions that concern me"), default=True
    )
    email_announcements = models.BooleanField(
        _("email me the secretariat's announcements"), default=True
    )
    themes = models.ManyToManyField(
        "members.PolicyTheme",
        blank=True,
        related_name="+",
        verbose_name=_("themes"),
        help_text=_(
            "Tell me about new joint initiatives and new member organisations in these themes."
        ),
    )
    chosen_at = models.DateTimeField(null=True, blank=True)
    # The digest never covers anything before the moment it was switched on.
    digest_since = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        indexes = [
            # The digest fan-out: those who chose a given frequency.
            models.Index(
                fields=["digest", "user"],
                condition=Q(chosen_at__isnull=False),
                name="notifications_pref_digest_idx",
            ),
        ]

    def __str__(self):
        return f"{self.user}: {self.get_digest_display()}"

    @property
    def has_chosen(self) -> bool:
        return self.chosen_at is not None


class DigestDelivery(models.Model):
    """One digest slot handled for one person: the uniqueness on (user, slot) is what makes a
    second send impossible. A slot with nothing new is recorded too, without a message."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_deliveries"
    )
    frequency = models.CharField(max_length=10, choices=DigestFrequency)
    # The scheduled time the digest belongs to (07:00 Europe/Brussels of its day).
    slot = models.DateTimeField()
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    notification_count = models.PositiveIntegerField(default=0)
    outbound_email = models.OneToOneField(
        "outbox.OutboundEmail",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="digest_delivery",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("digest delivery")
        verbose_name_plural = _("digest deliveries")
        constraints = [
            models.UniqueConstraint(fields=["user", "slot"], name="%(app_label)s_%(class)s_once"),
            models.CheckConstraint(
                condition=Q(window_start__lte=F("window_end")),
                name="%(app_label)s_%(class)s_window_ordered",
            ),
        ]
        indexes = [
            # The window's start: a person's latest delivery.
            models.Index("user", F("window_end").desc(), name="notifications_digest_last_idx"),
            # The fan-out: who has already had the slot.
            models.Index(fields=["slot"], name="notifications_digest_slot_idx"),
        ]

    def __str__(self):
        return f"{self.user} {self.slot:%Y-%m-%d %H:%M}"


class Announcement(models.Model):
    """A message from the secretariat to all members or some of them: shown in the portal,
    and emailed in batches (each recipient once, through the Notification row's uniqueness)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), help_text=_("Markdown: **bold**, lists, links."))
    body_html = models.TextField(blank=True)
    body_text = models.TextField(blank=True)
    countries = models.JSONField(_("countries"), default=list, blank=True)
    themes = models.ManyToManyField(
        "members.PolicyTheme", blank=True, related_name="+", verbose_name=_("themes")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    recipient_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")

    def __str__(self):
        return self.title
