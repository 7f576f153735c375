"""The authentication backends: Django's and allauth's, loading the signed-in person in fewer
queries. Every signed-in page asks who the person is, what seat they hold for which
organisation (members.permissions.representative_of) and whether they are the secretariat (a
permission): five queries with Django's backends, none with these when the cache holds them:
- the person with their seat and its organisation, one query, kept in the cache and forgotten
  whenever any person, seat or organisation is saved or deleted (a sign-in, a new password, a
  deactivation, a membership's status);
- their permissions, one query, kept in the cache and forgotten whenever any permission, group
  or membership of a group changes (connect_signals)."""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save

from eca_portal.cache_generations import cached_in_generation, generation_next

PERMISSIONS_GENERATION = "permissions"
PEOPLE_GENERATION = "people"
# How long a person's permissions, and the person with their seat, are kept at most (forgotten
# sooner on any change).
PERMISSIONS_TTL = 10 * 60
PEOPLE_TTL = 5 * 60


class FewerQueriesMixin:
    def get_user(self, user_id):
        """The person with their seat and its organisation: from the cache, or one query."""
        user = cached_in_generation(
            PEOPLE_GENERATION,
            f"accounts:user:{user_id}",
            PEOPLE_TTL,
            lambda: _user_with_seat(user_id),
        )
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        """The person's own permissions and their groups': from the cache, or one query
        (Django's backend asks two); kept on the user object for the request, as Django's
        are."""
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = set(
                cached_in_generation(
                    PERMISSIONS_GENERATION,
                    f"accounts:permissions:{user_obj.pk}:{user_obj.is_superuser:d}",
                    PERMISSIONS_TTL,
                    lambda: _permissions_of(user_obj),
                )
            )
        return user_obj._perm_cache


def _user_with_seat(user_id):
    User = get_user_model()
    return (
        User._default_manager.select_related("representative__organisation")
        .filter(pk=user_id)
        .first()
    )


def _permissions_of(user) -> list[str]:
    permissions = Permission.objects.all()
    if not user.is_superuser:
        # Two subqueries, not joins through both relations: PostgreSQL plans those in 2 ms,
        # these in 0.4.
        User = type(user)
        own = User.user_permissions.through.objects.filter(user_id=user.pk)
        groups = User.groups.through.objects.filter(user_id=user.pk)
        of_groups = Group.permissions.through.objects.filter(group_id__in=groups.values("group_id"))
        permissions = permissions.filter(
            Q(pk__in=own.values("permission_id")) | Q(pk__in=of_groups.values("permission_id"))
        )
    return sorted(
        f"{app_label}.{codename}"
        for app_label, codename in permissions.values_list(
            "content_type__app_label", "codename"
        ).order_by()
    )


def people_changed(**kwargs) -> None:
    """Forget every kept person (now, and again when the transaction commits)."""
    generation_next(PEOPLE_GENERATION)


def permissions_changed(**kwargs) -> None:
    """Forget everyone's kept permissions (now, and again when the transaction commits)."""
    generation_next(PERMISSIONS_GENERATION)


def connect_signals() -> None:
    """Forget the kept people when a person, a seat or an organisation is saved or deleted, and
    the kept permissions when a permission, a group or anyone's groups or own permissions
    change (from accounts.apps)."""
    from members.models import Organisation, Representative

    User = get_user_model()
    for model in (User, Representative, Organisation):
        post_save.connect(
            people_changed, sender=model, dispatch_uid=f"people_save_{model._meta.label}"
        )
        post_delete.connect(
            people_changed, sender=model, dispatch_uid=f"people_delete_{model._meta.label}"
        )
    for through in (
        User.groups.through,
        User.user_permissions.through,
        Group.permissions.through,
    ):
        m2m_changed.connect(
            permissions_changed, sender=through, dispatch_uid=f"permissions_{through._meta.label}"
        )
    for model in (Group, Permission):
        post_save.connect(
            permissions_changed, sender=model, dispatch_uid=f"permissions_save_{model._meta.label}"
        )
        post_delete.connect(
            permissions_changed,
            sender=model,
            dispatch_uid=f"permissions_delete_{model._meta.label}",
        )


class ModelBackend(FewerQueriesMixin, DjangoModelBackend):
    pass


class AuthenticationBackend(FewerQueriesMixin, AllauthBackend):
    pass
