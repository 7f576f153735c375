"""The secretariat's topic management: create, edit, name moderators, archive and reopen. The
secretariat only; everyone else 403, anonymous people to the sign-in page."""

import pytest
from django.urls import reverse

from dialogues.models import ModerationAction, Topic
from members.models import Organisation
from tests.dialogues.conftest import PAGE_ROLES
from tests.dialogues.factories import member_user, suspended_member_user
from tests.members.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
STATUS = dict.fromkeys(PAGE_ROLES, 403) | {"anonymous": 302, "secretariat": 200}


def _text(response):
    return response.content.decode()


def _data(**overrides):
    return {
        "title": "Interregional investments",
        "description": "Joint cluster investments across regions.",
        "visibility": "public",
        **overrides,
    }


@pytest.mark.parametrize("role", PAGE_ROLES)
def test_only_the_secretariat_opens_topics(role, client_as):
    client = client_as(role)
    url = reverse("dialogues:topic_create")
    response = client.get(url)
    assert response.status_code == STATUS[role]
    if role == "anonymous":
        assert response["Location"].startswith(LOGIN)
    posted = client.post(url, _data())
    assert posted.status_code == (302 if role in ("anonymous", "secretariat") else 403)
    assert Topic.objects.filter(title="Interregional investments").exists() == (
        role == "secretariat"
    )


@pytest.mark.parametrize("role", PAGE_ROLES)
def test_only_the_secretariat_edits_archives_and_reopens(role, client_as, topic, moderator):
    client = client_as(role)
    edit = reverse("dialogues:topic_edit", kwargs={"slug": topic.slug})
    assert client.get(edit).status_code == STATUS[role]
    after_post = 302 if role in ("anonymous", "secretariat") else 403
    edited = client.post(edit, _data(title="Renamed", moderators=[moderator.pk]))
    assert edited.status_code == after_post
    archive = reverse("dialogues:topic_archive", kwargs={"slug": topic.slug})
    assert client.post(archive, {"status-reason": "Done."}).status_code == after_post
    reopen = reverse("dialogues:topic_reopen", kwargs={"slug": topic.slug})
    assert client.post(reopen, {"status-reason": "More to say."}).status_code == after_post
    topic.refresh_from_db()
    assert (topic.title == "Renamed") == (role == "secretariat")
    assert ModerationAction.objects.count() == (2 if role == "secretariat" else 0)


def test_opening_a_topic_with_moderators(client_as, member):
    suspended = suspended_member_user(full_name="Sara Suspended")
    client = client_as("secretariat")
    form = _text(client.get(reverse("dialogues:topic_create")))
    organisation = member.representative.organisation.name
    assert f"Anna Active ({organisation})" in form
    assert "Sara Suspended" in form
    response = client.post(
        reverse("dialogues:topic_create"),
        _data(visibility="members", moderators=[member.pk, suspended.pk]),
    )
    topic = Topic.objects.get(title="Interregional investments")
    assert response["Location"] == reverse("dialogues:topic_detail", kwargs={"slug": topic.slug})
    assert topic.slug == "interregional-investments"
    assert topic.is_members_only and topic.created_by.full_name == "Sophie Secretariat"
    assert set(topic.moderators.all()) == {member, suspended}


def test_moderators_come_from_member_organisations(client_as, non_member):
    lapsed = member_user(
        OrganisationFactory(membership_status=Organisation.MembershipStatus.LAPSED),
        full_name="Larry Lapsed",
    )
    client = client_as("secretariat")
    form = _text(client.get(reverse("dialogues:topic_create")))
    assert "Nora Visitor" not in form and "Larry Lapsed" not in form
    response = client.post(reverse("dialogues:topic_create"), _data(moderators=[non_member.pk]))
    assert response.status_code == 200
    assert "Choose moderators from the list." in _text(response)
    response = client.post(reverse("dialogues:topic_create"), _data(moderators=[lapsed.pk]))
    assert "Choose moderators from the list." in _text(response)
    assert not Topic.objects.filter(title="Interregional investments").exists()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (_data(title=""), "Give the topic a title."),
        (_data(title="t" * 201), "A title has at most 200 characters (this one has 201)."),
        (_data(visibility="secret"), "Select a valid choice. secret is not one of the"),
        (_data(visibility=""), "Choose who reads the topic."),
    ],
)
def test_bad_topic_input_is_explained_and_kept(data, error, client_as):
    response = client_as("secretariat").post(reverse("dialogues:topic_create"), data)
    assert response.status_code == 200
    text = _text(response)
    assert error in text
    assert 'role="alert"' in text
    assert "Joint cluster investments across regions." in text
    assert not Topic.objects.filter(
        description="Joint cluster investments across regions."
    ).exists()


def test_a_topic_never_takes_the_address_of_a_dialogues_page(client_as):
    client = client_as("secretariat")
    client.post(reverse("dialogues:topic_create"), _data(title="Search"))
    topic = Topic.objects.get(title="Search")
    assert topic.slug == "search-2"
    page = client.get(reverse("dialogues:topic_detail", kwargs={"slug": topic.slug}))
    assert page.status_code == 200 and page.context["topic"] == topic


def test_editing_a_topic_and_its_moderators_is_logged(client_as, secretariat_user, topic, member):
    client = client_as("secretariat")
    url = reverse("dialogues:topic_edit", kwargs={"slug": topic.slug})
    form = _text(client.get(url))
    # The current moderator stays a choice (and chosen) though they represent no member.
    assert "Mia Moderator" in form and "checked" in form
    client.post(url, _data(title="Green and digital", moderators=[member.pk]))
    topic.refresh_from_db()
    assert topic.title == "Green and digital"
    assert list(topic.moderators.all()) == [member]
    action = ModerationAction.objects.get(action=ModerationAction.Action.SET_MODERATORS)
    assert action.actor == secretariat_user and action.details["added"] == [member.pk]


def test_archiving_and_reopening_a_topic(client_as, secretariat_user, topic):
    client = client_as("secretariat")
    edit = reverse("dialogues:topic_edit", kwargs={"slug": topic.slug})
    assert "Archive the topic" in _text(client.get(edit))
    response = client.post(
        reverse("dialogues:topic_archive", kwargs={"slug": topic.slug}),
        {"status-reason": "The dialogue concluded."},
        follow=True,
    )
    assert "The topic is archived" in _text(response)
    topic.refresh_from_db()
    assert topic.is_archived
    assert "Reopen the topic" in _text(client.get(edit))
    client.post(reverse("dialogues:topic_reopen", kwargs={"slug": topic.slug}))
    topic.refresh_from_db()
    assert not topic.is_archived
    assert list(
        ModerationAction.objects.order_by("created_at", "pk").values_list("action", "reason")
    ) == [("archive_topic", "The dialogue concluded."), ("reopen_topic", "")]


def test_an_overlong_archive_reason_is_explained_on_the_edit_page(client_as, topic):
    client = client_as("secretariat")
    response = client.post(
        reverse("dialogues:topic_archive", kwargs={"slug": topic.slug}),
        {"status-reason": "r" * 1001},
    )
    assert response.status_code == 200
    text = _text(response)
    assert "Keep it to 1000 characters at most (this has 1001)." in text
    assert "r" * 1001 in text
    assert 'value="Green transition"' in text  # the topic form is shown unchanged
    topic.refresh_from_db()
    assert not topic.is_archived


def test_the_secretariat_finds_topic_management_on_the_dialogue_pages(client_as, topic):
    overview = reverse("dialogues:topic_list")
    topic_page = reverse("dialogues:topic_detail", kwargs={"slug": topic.slug})
    create = reverse("dialogues:topic_create")
    edit = reverse("dialogues:topic_edit", kwargs={"slug": topic.slug})
    client = client_as("secretariat")
    assert create in _text(client.get(overview))
    assert edit in _text(client.get(topic_page))
    client = client_as("moderator")
    assert create not in _text(client.get(overview))
    assert edit not in _text(client.get(topic_page))
    assert reverse("dialogues:moderation_queue") in _text(client.get(topic_page))
