"""The secretariat deactivates and reactivates accounts (services; the pages are in
accounts/secretariat_views.py). Kept apart from accounts/services.py, which holds the person's own
account actions (profile, export, deletion)."""

from allauth.usersessions.models import UserSession
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import AuditAction
from audit.services import audit_record
from members.permissions import is_secretariat


class AccountError(Exception):
    """A rule refuses the action on an account; the message is for the person who tried."""


def user_sessions_end(*, user: User) -> int:
    """End every session of the user: the sessions allauth tracks (their rows and the stored
    sessions they point to). A session it did not track stops working anyway, because Django
    turns an inactive user's session into an anonymous one on its next request."""
    sessions = list(UserSession.objects.filter(user=user))
    for session in sessions:
        session.end()
    return len(sessions)


@transaction.atomic
def user_deactivate(*, user: User, acting_user, reason: str) -> User:
    """The secretariat closes a person's access: they can no longer sign in, and their open
    sessions end now. Nothing they wrote or decided is removed."""
    if not is_secretariat(acting_user):
        raise PermissionDenied
    if user.pk == acting_user.pk:
        raise AccountError(_("You cannot deactivate your own account."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the account is deactivated.")})
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_superuser and not acting_user.is_superuser:
        raise AccountError(_("Only an administrator can deactivate an administrator's account."))
    if not user.is_active:
        raise AccountError(_("This account is already deactivated."))
    user.is_active = False
    user.save(update_fields=["is_active"])
    ended = user_sessions_end(user=user)
    audit_record(
        actor=acting_user,
        action=AuditAction.USER_DEACTIVATE,
        obj=user,
        object_label=f"#{user.pk}",
        changes={"is_active": [True, False], "reason": reason.strip(), "sessions_ended": ended},
    )
    return user


@transaction.atomic
def user_reactivate(*, user: User, acting_user, reason: str) -> User:
    if not is_secretariat(acting_user):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the account is reactivated.")})
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active:
        raise AccountError(_("This account is already active."))
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit_record(
        actor=acting_user,
        action=AuditAction.USER_REACTIVATE,
        obj=user,
        object_label=f"#{user.pk}",
        changes={"is_active": [False, True], "reason": reason.strip()},
    )
    return user
