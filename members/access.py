"""Access to the secretariat's pages: one mixin for class-based views and one decorator for
function views, so every secretariat page applies the same rule."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied

from members.permissions import is_secretariat


class SecretariatRequiredMixin(PermissionRequiredMixin):
    """Anonymous people are sent to sign in; signed-in people outside the secretariat get 403."""

    permission_required = "members.review_membershipapplication"


def secretariat_required(view):
    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not is_secretariat(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped
