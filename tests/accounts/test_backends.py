"""The authentication backends (accounts/backends.py): the signed-in person with their seat in
one query, and their permissions kept in the cache but never after they change."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
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
    with django_assert_num_queries(1):  # the user; their permissions come from the cache
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
