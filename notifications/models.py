"""What the portal tells a person inside the app (mentions for now; more kinds later)."""

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Kind(models.TextChoices):
        MENTION = "mention", _("Mention")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    post = models.ForeignKey(
        "dialogues.Post",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("post"),
    )
    thread = models.ForeignKey(
        "dialogues.Thread",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("thread"),
    )
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
        ]
        constraints = [
            # The same mention never yields two notifications (also on edit).
            models.UniqueConstraint(
                fields=["recipient", "kind", "post"],
                name="%(app_label)s_%(class)s_unique_per_post",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient}"

    @property
    def is_read(self):
        return self.read_at is not None
