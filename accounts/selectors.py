from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef

from accounts.models import User
from members.access import SECOND_FACTOR_TYPES
from members.permissions import SECRETARIAT_GROUP


def user_accounts_for_secretariat():
    """Every account for the secretariat's users page, by name, with its organisation, whether
    it belongs to the secretariat and whether it has a second factor: one query per page."""
    return (
        User.objects.select_related("representative__organisation")
        .annotate(
            in_secretariat=Exists(
                Group.objects.filter(name=SECRETARIAT_GROUP, user=OuterRef("pk"))
            ),
            has_second_factor=Exists(
                Authenticator.objects.filter(user=OuterRef("pk"), type__in=SECOND_FACTOR_TYPES)
            ),
        )
        .order_by("full_name", "email", "pk")
    )
