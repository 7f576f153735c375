"""Signed, expiring unsubscribe links: they work without signing in (RFC 8058 one-click), so
the token itself is the authority. It names the person and what to stop, and is refused when
forged, altered or older than UNSUBSCRIBE_MAX_AGE."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "notifications.unsubscribe"
UNSUBSCRIBE_MAX_AGE = timedelta(days=90)
# What a link can stop: the digest, or one kind of immediate email.
SCOPES = ("digest", "mentions", "decisions", "announcements")


@dataclass(frozen=True)
class UnsubscribeRequest:
    user_id: int
    scope: str


def unsubscribe_token_make(*, user, scope: str) -> str:
    if scope not in SCOPES:
        raise ValueError(f"Unknown unsubscribe scope {scope!r}")
    return signing.dumps({"u": user.pk, "s": scope}, salt=SALT, compress=True)


def unsubscribe_token_read(token: str) -> UnsubscribeRequest | None:
    """The request the token carries, or None when it is forged, altered or expired."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=UNSUBSCRIBE_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired is a BadSignature too
        return None
    if not isinstance(payload, dict) or payload.get("s") not in SCOPES:
        return None
    if not isinstance(payload.get("u"), int):
        return None
    return UnsubscribeRequest(user_id=payload["u"], scope=payload["s"])


def unsubscribe_url(*, user, scope: str) -> str:
    token = unsubscribe_token_make(user=user, scope=scope)
    return settings.SITE_URL + reverse("notifications:unsubscribe", kwargs={"token": token})
