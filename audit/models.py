"""The audit trail: one append-only row per privileged action.

Append-only twice over: in Python (save() refuses an existing row, delete() and the queryset's
update()/delete() refuse) and in PostgreSQL (a trigger raises on UPDATE and DELETE, migration
0002), so not even a raw SQL statement of the application edits the past.

The row names no person: `actor_id` is a plain integer (not a foreign key) and `actor_label`
the actor's role at the time. Deleting an account therefore never has to touch the log; the
log page looks the id up in the users table and shows "deleted account #id" when it is gone.
"""

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntryImmutable(Exception):
    """An audit entry is never changed or deleted."""


class AuditAction(models.TextChoices):
    # Membership applications (the secretariat's decisions).
    APPLICATION_START_REVIEW = "application_start_review", _("Started reviewing an application")
    APPLICATION_REQUEST_INFORMATION = (
        "application_request_information",
        _("Asked an applicant for information"),
    )
    APPLICATION_APPROVE = "application_approve", _("Approved an application")
    APPLICATION_REJECT = "application_reject", _("Rejected an application")
    # Memberships and representatives.
    MEMBERSHIP_SUSPEND = "membership_suspend", _("Suspended a membership")
    MEMBERSHIP_REINSTATE = "membership_reinstate", _("Reinstated a membership")
    REPRESENTATIVE_ROLE_CHANGE = "representative_role_change", _("Changed a representative's role")
    REPRESENTATIVE_REMOVE = "representative_remove", _("Removed a representative")
    REPRESENTATIVE_HANDOVER = "representative_handover", _("Handed over a representative's roles")
    SECRETARIAT_MEMBER_ADD = "secretariat_member_add", _("Added a person to the secretariat")
    SECRETARIAT_MEMBER_REMOVE = (
        "secretariat_member_remove",
        _("Removed a person from the secretariat"),
    )
    # Moderation of the dialogues.
    POST_HIDE = "post_hide", _("Hid a post")
    POST_RESTORE = "post_restore", _("Restored a post")
    THREAD_LOCK = "thread_lock", _("Locked a thread")
    THREAD_UNLOCK = "thread_unlock", _("Unlocked a thread")
    THREAD_PIN = "thread_pin", _("Pinned a thread")
    THREAD_UNPIN = "thread_unpin", _("Unpinned a thread")
    THREAD_MOVE = "thread_move", _("Moved a thread")
    THREAD_RENAME = "thread_rename", _("Renamed a thread")
    FLAG_RESOLVE = "flag_resolve", _("Resolved a flag")
    TOPIC_ARCHIVE = "topic_archive", _("Archived a topic")
    TOPIC_REOPEN = "topic_reopen", _("Reopened a topic")
    TOPIC_MODERATORS_SET = "topic_moderators_set", _("Named the moderators of a topic")
    # Initiatives.
    INITIATIVE_CANCEL = "initiative_cancel", _("Cancelled an initiative")
    # Accounts.
    USER_DEACTIVATE = "user_deactivate", _("Deactivated a user")
    USER_REACTIVATE = "user_reactivate", _("Reactivated a user")
    # The secretariat's workspace.
    MEMBER_IMPORT_APPLY = "member_import_apply", _("Applied a member import")
    ANNOUNCEMENT_SEND = "announcement_send", _("Sent an announcement")


class ActorRole(models.TextChoices):
    """What the actor was when they acted (kept instead of their name)."""

    SUPERUSER = "superuser", _("Administrator")
    SECRETARIAT = "secretariat", _("Secretariat")
    MODERATOR = "moderator", _("Topic moderator")
    CONTACT = "contact", _("Contact of a member")
    REPRESENTATIVE = "representative", _("Representative")
    USER = "user", _("User")
    SYSTEM = "system", _("The portal")


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditEntryImmutable("Audit entries are never changed.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditEntryImmutable("Audit entries are never changed.")

    def delete(self):
        raise AuditEntryImmutable("Audit entries are never deleted.")

    # bulk_create stays allowed: it only inserts.


class AuditEntry(models.Model):
    actor_id = models.BigIntegerField(
        _("actor id"),
        null=True,
        blank=True,
        help_text=_("The id of the account that acted (no link: the account may be deleted)."),
    )
    actor_label = models.CharField(_("actor's role"), max_length=20, choices=ActorRole)
    action = models.CharField(_("action"), max_length=40, choices=AuditAction)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.BigIntegerField(_("object id"), null=True, blank=True)
    object_label = models.CharField(_("object"), max_length=255, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The log page, newest first, unfiltered and filtered by action.
            models.Index(fields=["-created_at", "-id"], name="audit_entry_created"),
            models.Index(fields=["action", "-created_at"], name="audit_entry_action_created"),
            # "What happened to this object" and "what did this person do".
            models.Index(fields=["object_type", "object_id"], name="audit_entry_object"),
            models.Index(fields=["actor_id", "-created_at"], name="audit_entry_actor_created"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_label}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditEntryImmutable("Audit entries are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditEntryImmutable("Audit entries are never deleted.")
