"""Whole pages that many people see alike, kept in the cache: one rendering serves every
visitor (who is not signed in) of a profile, a thread or a directory page, and every signed-in
person of a directory page, until the public content changes.

- What is kept: a 200 response to a GET (or HEAD), per full path (query string included),
  language and audience, for PAGE_TTL seconds at most. The audiences: visitors; and, for the
  pages that say so, signed-in people (`cached_for_everyone`) or groups of them that see the
  page alike (`cached_per_audience`; a view that must do the person's own work first calls
  `shared_response`), the secretariat always apart as its menu differs. An audience may be a
  single person (their notifications page).
- Each person's own parts are put in when serving: the account links (between the markers
  of layout.html: the unread count, the sign-out form) are rendered for them, the CSRF
  tokens of the other forms (the language switcher's) are theirs, and a page's `personal`
  function fills its own markers (unread threads and posts, follow controls, one's own posts).
- What is not kept: htmx requests (they get fragments), pages for someone with messages
  waiting (they would be lost, or shown to others), a page that shows messages.
- When it is forgotten: on any save or delete of a model of the public apps (and any change
  of their many-to-many relations), except the models that record one person's own state.
  Writes that bypass signals (`QuerySet.update()`) on public content call
  `public_content_changed()` themselves; the time limit bounds anything missed.
"""

import hashlib
import json
import re
from functools import lru_cache, wraps

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.utils import translation
from django.utils.autoreload import file_changed

from eca_portal.cache_generations import generation, generation_next
from members.permissions import is_secretariat

GENERATION = "public-content"
PAGE_TTL = 5 * 60

# Models of these apps are what the public pages show (users: authors' names).
PUBLIC_APPS = {"accounts", "members", "dialogues", "initiatives"}
# One person's own state, or the secretariat's records: never part of a shared page. Their writes
# (some on every signed-in page view) must not forget every shared page.
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
_ACCOUNT_NAV = re.compile(r"(<!-- account-nav -->).*?(<!-- /account-nav -->)", re.DOTALL)
_BLANK_ACCOUNT_NAV = "<!-- account-nav --><!-- /account-nav -->"


def connect_signals() -> None:
    """Forget shared pages when public content changes (from eca_portal.apps)."""
    post_save.connect(forget_on_save, dispatch_uid="shared_pages_save")
    post_delete.connect(forget_on_change, dispatch_uid="shared_pages_delete")
    m2m_changed.connect(forget_on_m2m_change, dispatch_uid="shared_pages_m2m")
    # The development server reloads templates without restarting: forget rendered partials.
    file_changed.connect(partials_forget, dispatch_uid="shared_pages_partials")


def public_content_changed() -> None:
    """Forget every shared page (now, and again when the transaction commits)."""
    generation_next(GENERATION)


def is_public_model(model) -> bool:
    # Migrations save historical models ("__fake__"): nothing is shared before the portal
    # runs, and the cache may not exist yet (the database cache's table comes after migrate).
    if model.__module__ == "__fake__":
        return False
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
    """Whether messages may wait for this person (django.contrib.messages' fallback storage:
    a cookie, or the session when they do not fit)."""
    if "messages" in request.COOKIES:
        return True
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return "_messages" in request.session
    return False


def _audience(request, signed_in_audience) -> str | None:
    """Who the request's page may be kept for and served to, or None to leave it alone."""
    if request.method not in ("GET", "HEAD") or request.headers.get("HX-Request"):
        return None
    user = request.user
    if user.is_authenticated and signed_in_audience is None:
        return None
    if _may_hold_messages(request):
        return None
    if not user.is_authenticated:
        return "visitors"
    audience = signed_in_audience()
    if audience is None:
        return None
    # The secretariat's menu has an entry of its own (templates/partials/nav_items.html).
    menu = "secretariat" if is_secretariat(user) else "signed-in"
    return f"{menu}:{audience}"


def _key(request, audience, current_generation) -> str:
    # Hashed: a path and an audience (a moderator's topics) can be long.
    page = hashlib.sha256(f"{audience}\n{request.get_full_path()}".encode()).hexdigest()
    return f"shared-page:{current_generation}:{translation.get_language()}:{page}"


def _keep(key, response) -> None:
    content = response.content.decode(response.charset)
    if _MESSAGES_SHOWN in content:
        return
    content = _ACCOUNT_NAV.sub(r"\1\2", content)
    content = _TOKEN_FIELD.sub(r"\1\2", content)
    cache.set(key, (response["Content-Type"], content), PAGE_TTL)


# A stand-in CSRF token for partials rendered once for everyone (see `partial`).
_TOKEN_STAND_IN = "csrf-token-of-the-person"


@lru_cache(maxsize=2048)
def _partial(template_name: str, language: str, context_json: str) -> str:
    context = {**json.loads(context_json), "csrf_token": _TOKEN_STAND_IN}
    html = get_template(template_name).render(context)
    return html.replace(f'value="{_TOKEN_STAND_IN}"', 'value=""')


def partials_forget(sender=None, file_path=None, **kwargs) -> None:
    """Forget the partials rendered by this process (a template file changed)."""
    _partial.cache_clear()


def partial(template_name: str, **context) -> str:
    """A small template whose output depends only on `context` (JSON values) and the language,
    rendered once per process for each of them: the person's parts of a shared page are a few
    such pieces, and rendering a template costs far more than finding it here. Its forms' CSRF
    tokens are left blank; the shared page fills in the person's (`_finished`)."""
    return _partial(template_name, translation.get_language(), json.dumps(context, sort_keys=True))


def _account_nav(request) -> str:
    """The person's links (templates/partials/account_nav.html): a visitor's, or a signed-in
    person's, which differ only by the unread count and whether the page is the notifications
    page."""
    from notifications.selectors import unread_count_for_user

    if not request.user.is_authenticated:
        return partial("partials/account_nav.html", signed_in=False)
    match = request.resolver_match
    return partial(
        "partials/account_nav.html",
        signed_in=True,
        unread_notification_count=unread_count_for_user(user=request.user),
        app_name="notifications" if match and match.app_name == "notifications" else "",
    )


def _finished(request, content: str, personal) -> str:
    """The page with the person's parts: the page's own (`personal`), the account links and
    the CSRF tokens of the forms left blank."""
    if personal is not None:
        content = personal(request, content)
    if _BLANK_ACCOUNT_NAV in content:
        content = content.replace(
            _BLANK_ACCOUNT_NAV,
            f"<!-- account-nav -->{_account_nav(request)}<!-- /account-nav -->",
        )
    if _BLANK_TOKEN_FIELD in content:
        filled = f'name="csrfmiddlewaretoken" value="{get_token(request)}"'
        content = content.replace(_BLANK_TOKEN_FIELD, filled)
    return content


def _served(request, kept, personal) -> HttpResponse:
    content_type, content = kept
    return HttpResponse(_finished(request, content, personal), content_type=content_type)


def _personalised(request, response, personal):
    """The view's own response with the person's parts filled in (after it is kept)."""
    if personal is None or response.status_code != 200 or response.streaming:
        return response

    def fill(rendered):
        rendered.content = _finished(request, rendered.content.decode(rendered.charset), personal)

    if hasattr(response, "add_post_render_callback"):
        response.add_post_render_callback(fill)
    else:
        fill(response)
    return response


def shared_response(request, compute, *, signed_in_audience=None, personal=None):
    """The page from the cache, or `compute()`'s response, kept when it may be shared: for
    views that do their own work first (a thread page marks what the person read).

    `signed_in_audience()` names the signed-in person's audience (see cached_per_audience), or
    is None to share the page with visitors only; `personal(request, html) -> html` fills in
    the person's own parts, whether the page was kept or computed."""
    audience = _audience(request, signed_in_audience)
    if audience is None:
        return _personalised(request, compute(), personal)
    current = generation(GENERATION)
    if current is None:  # just started: what is computed now may predate a change
        return _personalised(request, compute(), personal)
    key = _key(request, audience, current)
    kept = cache.get(key)
    if kept is not None:
        return _served(request, kept, personal)
    response = compute()
    if response.status_code == 200 and not response.streaming:
        if hasattr(response, "add_post_render_callback"):
            response.add_post_render_callback(lambda rendered: _keep(key, rendered))
        else:
            _keep(key, response)
    return _personalised(request, response, personal)


def _cached(view, *, signed_in_audience=None, personal=None):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return shared_response(
            request,
            lambda: view(request, *args, **kwargs),
            signed_in_audience=(
                (lambda: signed_in_audience(request, **kwargs)) if signed_in_audience else None
            ),
            personal=personal,
        )

    return wrapper


def cached_for_visitors(view):
    """Serve the view's page to visitors (not signed in) from the cache, or keep it."""
    return _cached(view)


def cached_for_everyone(view):
    """Serve the view's page from the cache to visitors and to signed-in people alike (the
    secretariat apart), or keep it: for pages whose content does not depend on who asks."""
    return _cached(view, signed_in_audience=lambda request, **kwargs: "everyone")


def cached_per_audience(signed_in_audience, *, personal=None):
    """Like cached_for_everyone, for pages whose content depends on who asks in a few ways:
    `signed_in_audience(request, **view_kwargs)` names the signed-in person's audience (a short
    string that differs wherever the page would), or None for a page not to share.

    `personal(request, html) -> html`, when given, fills the person's own parts into markers
    that the page's template always renders instead of them (kept or not)."""

    def decorator(view):
        return _cached(view, signed_in_audience=signed_in_audience, personal=personal)

    return decorator
