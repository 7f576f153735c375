"""One person per role of the dialogues, and topics to try them on."""

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.accounts.factories import UserFactory
from tests.dialogues.factories import (
    MembersOnlyTopicFactory,
    TopicFactory,
    member_user,
    suspended_member_user,
)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def anonymous():
    return AnonymousUser()


@pytest.fixture
def non_member(db):
    """Signed up, verified, represents no organisation."""
    return UserFactory(full_name="Nora Visitor")


@pytest.fixture
def member(db):
    """A representative of an active member."""
    return member_user(full_name="Anna Active")


@pytest.fixture
def other_member(db):
    return member_user(full_name="Oskar Other")


@pytest.fixture
def suspended_member(db):
    return suspended_member_user(full_name="Sven Suspended")


@pytest.fixture
def moderator(db):
    """Named moderator of the `topic` and `members_topic` fixtures; represents no member."""
    return UserFactory(full_name="Mia Moderator")


@pytest.fixture
def topic(moderator):
    return TopicFactory(title="Green transition", moderators=[moderator])


@pytest.fixture
def members_topic(moderator):
    return MembersOnlyTopicFactory(title="Programme evaluation", moderators=[moderator])


ROLES = ["anonymous", "non_member", "member", "suspended_member", "moderator", "secretariat"]


@pytest.fixture
def as_role(request, anonymous, non_member, member, suspended_member, moderator, secretariat_user):
    """The user of a role named in ROLES."""

    def get(role):
        return {
            "anonymous": anonymous,
            "non_member": non_member,
            "member": member,
            "suspended_member": suspended_member,
            "moderator": moderator,
            "secretariat": secretariat_user,
        }[role]

    return get


# --- Pages: every role, including a moderator of another topic ---------------------------------

PAGE_ROLES = [*ROLES[:5], "other_moderator", "secretariat"]


@pytest.fixture
def other_moderator(db):
    """Named moderator of another topic only (not of `topic` nor `members_topic`)."""
    user = UserFactory(full_name="Otto Elsewhere")
    TopicFactory(title="Digital transition", moderators=[user])
    return user


@pytest.fixture
def client_as(client, as_role, other_moderator):
    """`client_as(role)`: the test client signed in as the person of a role in PAGE_ROLES."""

    def sign_in(role):
        client.logout()
        if role != "anonymous":
            user = other_moderator if role == "other_moderator" else as_role(role)
            client.force_login(user)
        return client

    return sign_in
