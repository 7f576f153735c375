"""The authentication backends (accounts/backends.py): the signed-in person with their seat in
one query, and both the person and their permissions kept in the cache but never after they
change."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts.backends import ModelBackend
from members.permissions import SECRETARIAT_GROUP, is_secretariat
from tests.dialogues.factories import member_user

pytestmark = pytest.mark.django_db


def fresh(user):
    """The user as a new request loads them (permissions are cached on the object)."""
    return ModelBackend().get_user(user.pk)


def test_the_person_comes_with_their_seat_and_organisation_in_one_query(
    django_assert_num_queries,
):
    member = member_user()
    cache.clear()  # not kept yet
    with django_assert_num_queries(1):
        user = ModelBackend().get_user(member.pk)
        assert user.representative.organisation.is_active_member


def test_a_person_without_a_seat_or_inactive_is_handled(django_assert_num_queries):
    user = get_user_model().objects.create_user(email="nobody@example.eu", password="x" * 12)
    with django_assert_num_queries(1):
        assert not hasattr(ModelBackend().get_user(user.pk), "representative")
    user.is_active = False
    user.save()
    assert ModelBackend().get_user(user.pk) is None
    assert ModelBackend().get_user(999_999) is None


def test_permissions_are_kept_and_forgotten_when_a_group_membership_changes(
    secretariat_user, django_assert_num_queries
):
    assert is_secretariat(fresh(secretariat_user))
    user = fresh(secretariat_user)
    with django_assert_num_queries(0):  # the person and their permissions, from the cache
        user = fresh(secretariat_user)
        assert is_secretariat(user)
    secretariat_user.groups.remove(Group.objects.get(name=SECRETARIAT_GROUP))
    assert not is_secretariat(fresh(secretariat_user))
    secretariat_user.groups.add(Group.objects.get(name=SECRETARIAT_GROUP))
    assert is_secretariat(fresh(secretariat_user))


def test_permissions_are_forgotten_when_a_groups_or_a_persons_permissions_change():
    member = member_user()
    permission = Permission.objects.get(codename="review_membershipapplication")
    assert not is_secretariat(fresh(member))
    member.user_permissions.add(permission)
    assert is_secretariat(fresh(member))
    member.user_permissions.remove(permission)
    assert not is_secretariat(fresh(member))
    group = Group.objects.create(name="Reviewers")
    member.groups.add(group)
    assert not is_secretariat(fresh(member))
    group.permissions.add(permission)
    assert is_secretariat(fresh(member))
    group.delete()
    assert not is_secretariat(fresh(member))


def test_a_person_removed_from_the_secretariat_loses_its_pages_at_once(client, secretariat_user):
    client.force_login(secretariat_user)
    dashboard = reverse("secretariat:dashboard")
    assert client.get(dashboard).status_code == 200
    secretariat_user.groups.clear()
    assert client.get(dashboard).status_code in (403, 404)
    assert Client().get(dashboard).status_code == 302  # visitors are asked to sign in


def test_the_person_is_kept_and_forgotten_when_they_or_their_seat_change(
    django_assert_num_queries, secretariat_user
):
    from accounts.deactivation import user_deactivate
    from members.services import membership_suspend, representative_remove

    member = member_user()
    fresh(member)
    fresh(member)  # the first starts the cache's generation (nothing is kept before)
    with django_assert_num_queries(0):
        assert fresh(member).representative.organisation.is_active_member
    membership_suspend(
        organisation=member.representative.organisation, acting_user=secretariat_user, note="Dues"
    )
    assert not fresh(member).representative.organisation.is_active_member
    representative_remove(representative=member.representative, acting_user=secretariat_user)
    assert not hasattr(fresh(member), "representative")
    user_deactivate(user=member, acting_user=secretariat_user, reason="Left the agency")
    assert fresh(member) is None


def test_a_new_password_ends_the_other_sessions_at_once(client, password):
    member = member_user()
    member.set_password(password)
    member.save()
    client.force_login(member)
    for _ in range(2):
        assert client.get(reverse("notifications:list")).status_code == 200
    member.set_password("a-completely-new-passphrase")
    member.save()
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
