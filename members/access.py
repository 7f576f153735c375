"""Access to the secretariat's pages: one mixin for class-based views and one decorator for
function views, so every secretariat page applies the same rule.

The rule: anonymous people sign in; signed-in people outside the secretariat get 403; members
of the secretariat (superusers included) without a second factor — an authenticator app (TOTP)
or a security key (WebAuthn); recovery codes alone do not count — are sent to set one up.
Pages shared with others (moderation, an initiative's status) use `secretariat_mfa_redirect`
or `SecretariatMfaMixin`: they ask for the second factor only of people who are secretariat."""

from functools import wraps

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from members.permissions import is_secretariat

SECOND_FACTOR_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def has_second_factor(user) -> bool:
    """An authenticator app or a security key (one query, remembered on the user object)."""
    if not user.is_authenticated:
        return False
    if not hasattr(user, "_has_second_factor"):
        user._has_second_factor = Authenticator.objects.filter(
            user_id=user.pk, type__in=SECOND_FACTOR_TYPES
        ).exists()
    return user._has_second_factor


def mfa_setup_redirect(request):
    messages.warning(
        request,
        _(
            "The secretariat's pages need two-factor authentication. Set up an authenticator "
            "app or a security key for your account, then open the page again."
        ),
    )
    return redirect("mfa_index")


def secretariat_mfa_redirect(request):
    """The redirect to the two-factor set-up for a secretariat member without a second factor;
    None for everyone else."""
    user = request.user
    if is_secretariat(user) and not has_second_factor(user):
        return mfa_setup_redirect(request)
    return None


class SecretariatMfaMixin:
    """For pages the secretariat shares with others: a secretariat member needs 2FA first."""

    def dispatch(self, request, *args, **kwargs):
        return secretariat_mfa_redirect(request) or super().dispatch(request, *args, **kwargs)


def secretariat_mfa_enforced(view):
    """The decorator form of SecretariatMfaMixin, for function views."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return secretariat_mfa_redirect(request) or view(request, *args, **kwargs)

    return wrapped


class SecretariatRequiredMixin(PermissionRequiredMixin):
    """Anonymous people are sent to sign in; signed-in people outside the secretariat get 403;
    the secretariat without a second factor is sent to set one up."""

    permission_required = "members.review_membershipapplication"

    def dispatch(self, request, *args, **kwargs):
        if self.has_permission() and not has_second_factor(request.user):
            return mfa_setup_redirect(request)
        return super().dispatch(request, *args, **kwargs)


def secretariat_required(view):
    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not is_secretariat(request.user):
            raise PermissionDenied
        if not has_second_factor(request.user):
            return mfa_setup_redirect(request)
        return view(request, *args, **kwargs)

    return wrapped
