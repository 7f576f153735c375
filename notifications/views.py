from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from django.views.generic import FormView, ListView

from eca_portal.forms import form_errors_attach
from eca_portal.pagination import ForgivingPaginationMixin
from notifications import selectors, services
from notifications.consent import CHOICE_DUE_SESSION_KEY
from notifications.counts import notifications_version
from notifications.forms import PreferenceForm
from notifications.models import DigestFrequency
from notifications.presenters import notification_sentence, notification_target_url
from notifications.unsubscribe import unsubscribe_token_read

NOTIFICATIONS_PER_PAGE = 25


def notifications_audience(request, **kwargs) -> str | None:
    """A person's notifications page is theirs alone: kept for them (eca_portal.shared_pages,
    urls.py) until their notifications or what they may see change, or any public content
    (names and titles in the sentences); five minutes at most."""
    version = notifications_version(request.user.pk)
    return None if version is None else f"person:{request.user.pk}:{version}"


class NotificationListView(LoginRequiredMixin, ForgivingPaginationMixin, ListView):
    template_name = "notifications/notification_list.html"
    context_object_name = "notifications"
    paginate_by = NOTIFICATIONS_PER_PAGE

    def get_queryset(self):
        return selectors.notification_list_for_user(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The sentence of each row is built here, in the page's language, from rows already
        # loaded with their objects: no query per row.
        context["rows"] = [
            {"notification": n, "sentence": notification_sentence(n)}
            for n in context["notifications"]
        ]
        return context


@login_required
def notification_open(request, pk):
    """Follow a notification: mark it read and go to what it is about."""
    notification = selectors.notification_get_for_user(user=request.user, pk=pk)
    services.notification_mark_read(notification=notification, user=request.user)
    return HttpResponseRedirect(notification_target_url(notification))


@require_POST
@login_required
def notifications_mark_all_read(request):
    services.notifications_mark_all_read(user=request.user)
    messages.success(request, _("All your notifications are marked as read."))
    return HttpResponseRedirect(reverse("notifications:list"))


def _safe_next(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


class PreferenceView(LoginRequiredMixin, FormView):
    """The person's email settings; at the first sign-in after approval, the consent step."""

    template_name = "notifications/preferences.html"
    form_class = PreferenceForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.preference = selectors.preference_for_user(user=request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        user = self.request.user
        preference = self.preference
        if preference is None or not preference.has_chosen:
            return {"digest": DigestFrequency.WEEKLY, "language": user.language}
        return {
            "digest": preference.digest,
            "email_mentions": preference.email_mentions,
            "email_decisions": preference.email_decisions,
            "email_announcements": preference.email_announcements,
            "themes": list(preference.themes.all()),
            "language": user.language,
        }

    def get(self, request, *args, **kwargs):
        # Shown once per sign-in: the person may leave it for later without being chased.
        request.session.pop(CHOICE_DUE_SESSION_KEY, None)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["first_choice"] = self.preference is None or not self.preference.has_chosen
        context["next"] = _safe_next(self.request)
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.preference_save(
                user=self.request.user,
                digest=data["digest"],
                email_mentions=data["email_mentions"],
                email_decisions=data["email_decisions"],
                email_announcements=data["email_announcements"],
                themes=data["themes"],
                language=data["language"],
            )
        except ValidationError as error:
            form_errors_attach(form, error)
            return self.form_invalid(form)
        self.request.session.pop(CHOICE_DUE_SESSION_KEY, None)
        messages.success(self.request, _("Your email settings are saved."))
        return HttpResponseRedirect(
            _safe_next(self.request) or reverse("notifications:preferences")
        )


@csrf_exempt  # authorised by the signed token, not by a session: nothing for CSRF to protect
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    """One-click unsubscribe (RFC 8058). A GET (a person, or a mail scanner following the
    link) only shows the button; the POST — from that button or straight from the mail
    program — makes the change and answers the page itself, without redirect or cookie."""
    unsubscribe_request = unsubscribe_token_read(token)
    user = None
    if unsubscribe_request is not None:
        user = (
            get_user_model().objects.filter(pk=unsubscribe_request.user_id, is_active=True).first()
        )
    if user is None:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    done = False
    if request.method == "POST":
        services.preference_unsubscribe(user=user, scope=unsubscribe_request.scope)
        done = True
    with translation.override(user.language):
        response = render(
            request,
            "notifications/unsubscribe.html",
            {"scope": unsubscribe_request.scope, "done": done, "token": token},
        )
    if request.method == "POST":
        # The one-click answer sets no cookie (the layout's language form would otherwise
        # make the CSRF middleware set one).
        request.META["CSRF_COOKIE_NEEDS_UPDATE"] = False
    return response


@login_required
def announcement_detail(request, pk):
    announcement = selectors.announcement_get_for_user(user=request.user, pk=pk)
    return render(request, "notifications/announcement_detail.html", {"announcement": announcement})
