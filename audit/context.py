"""The client's IP address of the request being served, for the audit rows it writes.

A context variable rather than a thread-local: it is right in threads and in async code alike,
and services need no `request` argument to record where an action came from.
"""

import contextvars
import ipaddress

from django.conf import settings

_client_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "audit_client_ip", default=None
)


# The person signed in for the request, for audit rows written where no service passes an actor
# (a signal: someone added to the secretariat group in the admin).
_request_user: contextvars.ContextVar = contextvars.ContextVar("audit_request_user", default=None)


def current_client_ip() -> str | None:
    return _client_ip.get()


def current_request_user():
    user = _request_user.get()
    return user if user is not None and user.is_authenticated else None


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip_of(request) -> str | None:
    """REMOTE_ADDR, unless settings.AUDIT_TRUSTED_PROXY_COUNT says how many proxies of ours
    stand in front of the application.

    X-Forwarded-For is written by the client as much as by proxies: anyone can send
    "X-Forwarded-For: 1.2.3.4", so trusting it without a proxy of ours in front would let a
    person put any address in the audit log. With N trusted proxies, each appends the address
    it saw, so the N-th entry from the right is the one our outermost proxy saw; the entries
    left of it are the client's claims and are ignored."""
    remote = _valid_ip(request.META.get("REMOTE_ADDR", "") or "")
    trusted = getattr(settings, "AUDIT_TRUSTED_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if trusted > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= trusted:
            return _valid_ip(hops[-trusted]) or remote
    return remote


class client_ip_set:  # noqa: N801 - used as a context manager, like a function
    """`with client_ip_set("192.0.2.1"): ...` (the middleware; tasks and tests). `user`: the
    request's user (a lazy object is fine: it is only looked at when a row needs it)."""

    def __init__(self, ip: str | None, user=None):
        self.ip = ip
        self.user = user

    def __enter__(self):
        self.tokens = (_client_ip.set(self.ip), _request_user.set(self.user))
        return self

    def __exit__(self, *exc):
        _client_ip.reset(self.tokens[0])
        _request_user.reset(self.tokens[1])
        return False
