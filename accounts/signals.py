"""Sessions of privileged people (the secretariat, superusers) end sooner than others'."""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from accounts.sessions import PRIVILEGED_SESSION_KEY


def is_privileged(user) -> bool:
    from members.permissions import is_secretariat

    return user.is_superuser or is_secretariat(user)


@receiver(user_logged_in, dispatch_uid="accounts_privileged_session_expiry")
def privileged_session_mark(sender, request, user, **kwargs):
    """A stolen or forgotten session of a privileged account is worth more, so it lasts
    PRIVILEGED_SESSION_COOKIE_AGE of inactivity instead of SESSION_COOKIE_AGE (the session
    engine reads the mark: accounts/sessions.py; activity moves the end forward,
    SessionActivityMiddleware there)."""
    session = getattr(request, "session", None)
    if session is None or not is_privileged(user):
        return
    session[PRIVILEGED_SESSION_KEY] = True
    explicit = session.get("_session_expiry")
    if isinstance(explicit, int) and explicit > settings.PRIVILEGED_SESSION_COOKIE_AGE:
        session.set_expiry(settings.PRIVILEGED_SESSION_COOKIE_AGE)
