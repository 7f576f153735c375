from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.generic import FormView
from django.views.i18n import set_language

from accounts.forms import ProfileForm
from accounts.services import user_language_set, user_profile_update


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
