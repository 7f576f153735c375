import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.generic import FormView, TemplateView
from django.views.i18n import set_language

from accounts.forms import AccountDeleteForm, ProfileForm
from accounts.services import (
    AccountDeletionRefused,
    user_data_export,
    user_delete,
    user_deletion_blocker,
    user_language_set,
    user_profile_update,
)


class AccountOverviewView(LoginRequiredMixin, FormView):
    """The account page: name and language, with links to email, password, 2FA and sessions."""

    template_name = "accounts/account_overview.html"
    form_class = ProfileForm
    success_url = reverse_lazy("accounts:overview")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.request.user}

    def form_valid(self, form):
        user = user_profile_update(
            user=self.request.user,
            full_name=form.cleaned_data["full_name"],
            language=form.cleaned_data["language"],
        )
        translation.activate(user.language)
        messages.success(self.request, _("Your details were saved."))
        response = super().form_valid(form)
        language_cookie_set(response, user.language)
        return response


def language_cookie_set(response, language):
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


@require_POST
def language_switch(request):
    """Django's set_language, which also remembers the choice on a signed-in person's account."""
    response = set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and translation.check_for_language(language):
        user_language_set(user=request.user, language=language)
    return response


class AccountExportView(LoginRequiredMixin, TemplateView):
    """GET: what the export holds, and the button; POST: the JSON file itself (a personal
    file, so never fetched by a link, a prefetch or a crawler)."""

    template_name = "accounts/account_export.html"

    def post(self, request, *args, **kwargs):
        data = user_data_export(user=request.user)
        filename = f"eca-portal-my-data-{timezone.localdate().isoformat()}.json"
        response = HttpResponse(
            json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
        response["Cache-Control"] = "no-store"
        return response


class AccountDeleteView(LoginRequiredMixin, FormView):
    """What deleting the account does, and the form that does it (with the password). The
    organisation's last contact is sent to hand over first."""

    template_name = "accounts/account_delete.html"
    form_class = AccountDeleteForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organisation = user_deletion_blocker(user=self.request.user)
        context["blocking_organisation"] = organisation
        if organisation is not None:
            context["handover_url"] = reverse(
                "members:representative_manage", kwargs={"slug": organisation.slug}
            )
        return context

    def form_valid(self, form):
        try:
            user_delete(user=self.request.user)
        except AccountDeletionRefused as refusal:
            form.add_error(None, str(refusal))
            return self.form_invalid(form)
        logout(self.request)
        return redirect("accounts:deleted")


class AccountDeletedView(TemplateView):
    """Said once the account is gone (the person is signed out)."""

    template_name = "accounts/account_deleted.html"
