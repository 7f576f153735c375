"""The session engine: Django's cached_db sessions, where a privileged person's session (marked
at sign-in, accounts/signals.py) ends after PRIVILEGED_SESSION_COOKIE_AGE of inactivity instead
of SESSION_COOKIE_AGE.

Why an engine rather than `session.set_expiry(seconds)` at sign-in: allauth calls
`set_expiry(0)` (cookie ends with the browser, ACCOUNT_SESSION_REMEMBER = False) after a sign-in
without a second factor, which would undo it; and a number of seconds would also make the
cookie outlive the browser. Overriding `get_session_cookie_age` changes the server-side
lifetime only: https://docs.djangoproject.com/en/6.1/topics/http/sessions/#django.contrib.sessions.backends.base.SessionBase.get_session_cookie_age
"""

from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDbSessionStore

PRIVILEGED_SESSION_KEY = "_privileged_session"


class SessionStore(CachedDbSessionStore):
    def get_session_cookie_age(self):
        if self.get(PRIVILEGED_SESSION_KEY):
            return settings.PRIVILEGED_SESSION_COOKIE_AGE
        return super().get_session_cookie_age()
