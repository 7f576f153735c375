"""The session engine: Django's cached_db sessions, where a privileged person's session (marked
at sign-in, accounts/signals.py) ends after PRIVILEGED_SESSION_COOKIE_AGE of inactivity instead
of SESSION_COOKIE_AGE.

Why an engine rather than `session.set_expiry(seconds)` at sign-in: allauth calls
`set_expiry(0)` (cookie ends with the browser, ACCOUNT_SESSION_REMEMBER = False) after a sign-in
without a second factor, which would undo it; and a number of seconds would also make the
cookie outlive the browser. Overriding `get_session_cookie_age` changes the server-side
lifetime only: https://docs.djangoproject.com/en/6.1/topics/http/sessions/#django.contrib.sessions.backends.base.SessionBase.get_session_cookie_age
"""

import time

from allauth.usersessions import app_settings as usersessions_settings
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDbSessionStore

PRIVILEGED_SESSION_KEY = "_privileged_session"


class SessionStore(CachedDbSessionStore):
    def get_session_cookie_age(self):
        if self.get(PRIVILEGED_SESSION_KEY):
            return settings.PRIVILEGED_SESSION_COOKIE_AGE
        return super().get_session_cookie_age()


# When the signed-in person's session was last pushed forward (seconds since the epoch).
TOUCHED_AT_KEY = "_touched_at"


class SessionActivityMiddleware:
    """Pushes a signed-in person's session end forward, and records the activity allauth lists
    under "Sessions" (allauth.usersessions), at most once per SESSION_TOUCH_INTERVAL rather
    than on every request: the two writes and their commits were most of the cost of a
    signed-in request (bench/NOTES.md). An idle session therefore ends between its age and
    its age minus the interval after the last request. Replaces SESSION_SAVE_EVERY_REQUEST
    and allauth's UserSessionsMiddleware; goes after AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and session.session_key and user and user.is_authenticated:
            now = int(time.time())
            if now - session.get(TOUCHED_AT_KEY, 0) >= settings.SESSION_TOUCH_INTERVAL:
                # Changing the session saves it, with a new expiry, once the response is made.
                session[TOUCHED_AT_KEY] = now
                if usersessions_settings.TRACK_ACTIVITY:
                    UserSession.objects.create_from_request(request)
        return self.get_response(request)
