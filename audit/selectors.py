from django.contrib.auth import get_user_model
from django.db.models import Case, CharField, OuterRef, Subquery, When

from audit.models import AuditEntry


def _user_name(id_field: str):
    users = get_user_model().objects.filter(pk=OuterRef(id_field)).values("full_name")[:1]
    return Subquery(users, output_field=CharField())


def audit_entries_for_log():
    """The log newest first, with the actor's current name (None when the account is gone) and,
    for entries about an account, that account's current name: looked up by id at reading time,
    so deleting an account never touches the log."""
    return AuditEntry.objects.annotate(
        actor_name=_user_name("actor_id"),
        object_user_name=Case(
            When(object_type="accounts.user", then=_user_name("object_id")),
            default=None,
            output_field=CharField(),
        ),
    ).order_by("-created_at", "-pk")
