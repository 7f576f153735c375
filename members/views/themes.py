"""The secretariat's managed vocabulary of policy themes."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.generic import FormView

from eca_portal.forms import form_errors_attach
from members import selectors, services
from members.access import SecretariatRequiredMixin
from members.forms import PolicyThemeForm
from members.models import PolicyTheme


class PolicyThemeListView(SecretariatRequiredMixin, FormView):
    """Every theme with its use, and a form to add one. Anonymous people sign in first; others
    outside the secretariat get 403; the secretariat without 2FA sets it up first."""

    permission_required = "members.change_policytheme"
    template_name = "members/policytheme_list.html"
    form_class = PolicyThemeForm
    success_url = reverse_lazy("members:policytheme_list")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "themes": selectors.policy_theme_list()}

    def form_valid(self, form):
        try:
            theme = services.policy_theme_save(
                acting_user=self.request.user, data=form.cleaned_data
            )
        except ValidationError as error:
            form_errors_attach(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The theme “%(name)s” was added.") % {"name": theme.name})
        return redirect(self.success_url)


class PolicyThemeUpdateView(SecretariatRequiredMixin, FormView):
    permission_required = "members.change_policytheme"
    template_name = "members/policytheme_form.html"
    form_class = PolicyThemeForm
    success_url = reverse_lazy("members:policytheme_list")

    def dispatch(self, request, *args, **kwargs):
        self.theme = get_object_or_404(PolicyTheme, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.theme}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "theme": self.theme}

    def form_valid(self, form):
        try:
            services.policy_theme_save(
                acting_user=self.request.user, data=form.cleaned_data, theme=self.theme
            )
        except ValidationError as error:
            form_errors_attach(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The theme was saved."))
        return redirect(self.success_url)
