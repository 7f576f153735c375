"""The consent step: at the first sign-in after their organisation became a member, a person
chooses their email settings before anything but transactional mail reaches them.

At sign-in a flag goes into the session when the choice is due; a middleware then sends the
person's next page view to the settings page once (they may leave it for later; they are
asked again at their next sign-in, and get no chosen mail until they choose)."""

from urllib.parse import urlencode

from django.http import HttpResponseRedirect
from django.urls import reverse

from members.permissions import is_active_member
from notifications.models import NotificationPreference

CHOICE_DUE_SESSION_KEY = "notifications_choice_due"
# Pages the step never interrupts: the settings page itself, signing out, the unsubscribe
# link, files and machine endpoints.
PASS_THROUGH_PREFIXES = (
    "/notifications/settings/",
    "/notifications/unsubscribe/",
    "/accounts/logout/",
    "/static/",
    "/media/",
    "/healthz/",
    "/i18n/",
)


def choice_due_mark(sender, request, user, **kwargs):
    """user_logged_in receiver: flag the session when an active member has not chosen."""
    if request is None or not hasattr(request, "session"):
        return
    if not is_active_member(user):
        return
    chosen = NotificationPreference.objects.filter(user=user, chosen_at__isnull=False).exists()
    if not chosen:
        request.session[CHOICE_DUE_SESSION_KEY] = True


class ChoiceDueMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if (
            session is not None
            and request.method == "GET"
            and session.get(CHOICE_DUE_SESSION_KEY)
            and not request.headers.get("HX-Request")
            and not request.path.startswith(PASS_THROUGH_PREFIXES)
            and request.user.is_authenticated
        ):
            target = reverse("notifications:preferences")
            return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
