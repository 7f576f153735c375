"""Whole pages for visitors who are not signed in, kept in the cache: every visitor sees the
same directory, profiles, threads and initiatives, so one rendering serves them all until the
public content changes.

- What is kept: a 200 response to a GET (or HEAD) from someone not signed in, per full path
  (query string included) and language, for PAGE_TTL seconds at most.
- What is not: htmx requests (they get fragments), a visitor with messages waiting (they
  would be lost, or shown to others), a page that shows messages.
- Forms' CSRF tokens (the language switcher's) are blanked before keeping, and each visitor's
  own token is put back in when serving.
- When it is forgotten: on any save or delete of a model of the public apps (and any change
  of their many-to-many relations), except the models that record one person's own state.
  Writes that bypass signals (`QuerySet.update()`) on public content call
  `public_content_changed()` themselves; the time limit bounds anything missed.
"""

import hashlib
import re
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation

from eca_portal.cache_generations import generation, generation_next

GENERATION = "public-content"
PAGE_TTL = 5 * 60

# Models of these apps are what the public pages show (users: authors' names).
PUBLIC_APPS = {"accounts", "members", "dialogues", "initiatives"}
# One person's own state, or the secretariat's records: never shown to visitors. Their writes
# (some on every signed-in page view) must not forget every visitor page.
PRIVATE_MODELS = {
    "dialogues.readstate",
    "dialogues.follow",
    "dialogues.flag",
    "dialogues.mention",
    "dialogues.moderationaction",
    "members.representativeinvitation",
    "members.membershipapplication",
    "members.applicationtransition",
    "members.joinrequest",
    "initiatives.partnerrequest",
}
# A user saved with only these fields changed (a sign-in) shows nothing new to visitors.
PRIVATE_USER_FIELDS = {"last_login"}

_TOKEN_FIELD = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_BLANK_TOKEN_FIELD = 'name="csrfmiddlewaretoken" value=""'
_MESSAGES_SHOWN = '<div class="messages"'


def connect_signals() -> None:
    """Forget visitor pages when public content changes (from eca_portal.apps)."""
    post_save.connect(forget_on_save, dispatch_uid="visitor_pages_save")
    post_delete.connect(forget_on_change, dispatch_uid="visitor_pages_delete")
    m2m_changed.connect(forget_on_m2m_change, dispatch_uid="visitor_pages_m2m")


def public_content_changed() -> None:
    """Forget every kept visitor page (now, and again when the transaction commits)."""
    generation_next(GENERATION)


def is_public_model(model) -> bool:
    meta = model._meta
    return meta.app_label in PUBLIC_APPS and meta.label_lower not in PRIVATE_MODELS


def forget_on_save(sender, update_fields=None, **kwargs):
    if not is_public_model(sender):
        return
    if update_fields and set(update_fields) <= PRIVATE_USER_FIELDS:
        return
    public_content_changed()


def forget_on_change(sender, **kwargs):
    if is_public_model(sender):
        public_content_changed()


def forget_on_m2m_change(sender, action, **kwargs):
    if action.startswith("post_") and is_public_model(sender):
        public_content_changed()


def _may_hold_messages(request) -> bool:
    """Whether messages may wait for this visitor (django.contrib.messages' fallback storage:
    a cookie, or the session when they do not fit)."""
    if "messages" in request.COOKIES:
        return True
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return "_messages" in request.session
    return False


def _keepable_request(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and not request.headers.get("HX-Request")
        and not _may_hold_messages(request)
    )


def _key(request, current_generation) -> str:
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"visitor-page:{current_generation}:{translation.get_language()}:{path}"


def _keep(key, response) -> None:
    content = response.content.decode(response.charset)
    if _MESSAGES_SHOWN in content:
        return
    content = _TOKEN_FIELD.sub(r"\1\2", content)
    cache.set(key, (response["Content-Type"], content), PAGE_TTL)


def _served(request, kept) -> HttpResponse:
    content_type, content = kept
    if _BLANK_TOKEN_FIELD in content:
        filled = f'name="csrfmiddlewaretoken" value="{get_token(request)}"'
        content = content.replace(_BLANK_TOKEN_FIELD, filled)
    return HttpResponse(content, content_type=content_type)


def cached_for_visitors(view):
    """Serve the view's page to visitors from the cache when it holds it, else keep it."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _keepable_request(request):
            return view(request, *args, **kwargs)
        current = generation(GENERATION)
        if current is None:  # just started: what is computed now may predate a change
            return view(request, *args, **kwargs)
        key = _key(request, current)
        kept = cache.get(key)
        if kept is not None:
            return _served(request, kept)
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming:
            if hasattr(response, "add_post_render_callback"):
                response.add_post_render_callback(lambda rendered: _keep(key, rendered))
            else:
                _keep(key, response)
        return response

    return wrapper
