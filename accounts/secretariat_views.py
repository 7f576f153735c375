"""The secretariat's users page: find an account, deactivate it (which ends its sessions) or
reactivate it, each after a confirmation page that asks why (for the audit log)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView
from django_filters.views import FilterView

from accounts import deactivation, selectors
from accounts.filters import UserAccountFilterSet
from accounts.forms import UserStatusChangeForm
from accounts.models import User
from eca_portal.forms import form_errors_attach
from eca_portal.pagination import ForgivingPaginationMixin
from members.access import SecretariatRequiredMixin

PAGE_SIZE = 50


class UserAccountListView(SecretariatRequiredMixin, ForgivingPaginationMixin, FilterView):
    filterset_class = UserAccountFilterSet
    template_name = "accounts/secretariat/user_list.html"
    context_object_name = "accounts"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return selectors.user_accounts_for_secretariat()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_filtered"] = any(
            value for name, value in self.request.GET.items() if name != "page"
        )
        return context


class UserStatusChangeView(SecretariatRequiredMixin, FormView):
    """Confirm a deactivation (or reactivation) and say why; the service decides."""

    template_name = "accounts/secretariat/user_status_form.html"
    form_class = UserStatusChangeForm

    @cached_property
    def account(self):
        return get_object_or_404(User, pk=self.kwargs["pk"])

    @property
    def deactivating(self) -> bool:
        if self.kwargs["action"] not in ("deactivate", "reactivate"):
            raise Http404
        return self.kwargs["action"] == "deactivate"

    def refusal(self) -> str:
        """Why the action cannot be taken (shown instead of the form)."""
        if self.deactivating and self.account.pk == self.request.user.pk:
            return _("You cannot deactivate your own account.")
        if self.deactivating and not self.account.is_active:
            return _("This account is already deactivated.")
        if not self.deactivating and self.account.is_active:
            return _("This account is already active.")
        return ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            account=self.account,
            deactivating=self.deactivating,
            refusal=self.refusal(),
            **kwargs,
        )

    def form_valid(self, form):
        service = (
            deactivation.user_deactivate if self.deactivating else deactivation.user_reactivate
        )
        try:
            service(
                user=self.account,
                acting_user=self.request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form_errors_attach(form, error)
            return self.form_invalid(form)
        except deactivation.AccountError as error:
            messages.error(self.request, str(error))
            return redirect(reverse("secretariat_users:user_list"))
        if self.deactivating:
            message = _("%(name)s can no longer sign in; their sessions have ended.")
        else:
            message = _("%(name)s can sign in again.")
        messages.success(self.request, message % {"name": self.account.full_name})
        return redirect(reverse("secretariat_users:user_list"))
