"""Proposing an initiative (after seeing the similar ones) and editing it."""

import pytest
from django.urls import reverse

from initiatives.models import Initiative, InitiativeStatus
from tests.initiatives.conftest import ROLES
from tests.initiatives.factories import InitiativeFactory, move_to
from tests.members.factories import PolicyThemeFactory

pytestmark = pytest.mark.django_db

PROPOSE_URL = reverse("initiatives:initiative_propose")
# Session, user, representative, the form's choices, the similar initiatives and programmes
# (with their savepoints): the same with 1 similar initiative or 15.
CHECK_MAX_QUERIES = 20


def edit_url(initiative):
    return reverse("initiatives:initiative_edit", kwargs={"slug": initiative.slug})


def proposal(**overrides):
    data = {
        "title": "Hydrogen valleys partnership",
        "summary": "Hydrogen clusters share electrolyser testbeds.",
        "description": "Three regions, one **testbed network**.",
        "objectives": "Map electrolyser testbeds; match hydrogen start-ups.",
        "countries": ["AT", "DK"],
        "regions": ["AT-3"],
        "start_date": "2026-01-01",
        "end_date": "2027-12-31",
        "funding_source": "",
        "budget": "250000",
        "website": "https://hydrogen.example.eu",
    }
    data.update(overrides)
    return data


@pytest.fixture
def hydrogen():
    return PolicyThemeFactory(slug="hydrogen", name="Hydrogen")


# --- Who may propose ---------------------------------------------------------------------------


def test_anonymous_people_are_sent_to_sign_in(client):
    for response in (client.get(PROPOSE_URL), client.post(PROPOSE_URL, proposal())):
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    assert not Initiative.objects.exists()


@pytest.mark.parametrize(
    ("role", "reason"),
    [
        ("non_member", "Only representatives of the"),
        ("suspended_member", "membership is suspended"),
        ("secretariat", "Only representatives of the"),
    ],
)
def test_others_get_a_403_that_says_why(client, as_role, role, reason):
    client.force_login(as_role(role))
    for response in (
        client.get(PROPOSE_URL),
        client.post(PROPOSE_URL, proposal(action="propose")),
    ):
        assert response.status_code == 403
        assert reason in response.content.decode()
    assert not Initiative.objects.exists()


@pytest.mark.parametrize("role", ["member", "lead_contact", "partner_contact", "other_contact"])
def test_representatives_of_active_members_see_the_form(client, as_role, role):
    client.force_login(as_role(role))
    response = client.get(PROPOSE_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Check for similar initiatives" in html
    assert "Propose it anyway" not in html


# --- The two steps ---------------------------------------------------------------------------


def test_checking_shows_similar_initiatives_before_anything_is_saved(client, member, hydrogen):
    existing = InitiativeFactory(
        title="Hydrogen valleys alliance",
        summary="Hydrogen clusters share electrolyser testbeds across borders.",
        themes=[hydrogen],
        status=InitiativeStatus.SEEKING_PARTNERS,
    )
    client.force_login(member)
    response = client.post(PROPOSE_URL, proposal(themes=[hydrogen.pk], action="check"))
    assert response.status_code == 200
    html = response.content.decode()
    assert Initiative.objects.count() == 1
    assert existing.get_absolute_url() in html
    assert "Why it is offered" in html and "shared theme" in html
    assert "Ask to join “Hydrogen valleys alliance” instead" in html
    assert "Propose it anyway" in html
    # What was typed comes back.
    assert 'value="Hydrogen valleys partnership"' in html


def test_checking_without_matches_says_so_and_offers_to_propose(client, member):
    client.force_login(member)
    html = client.post(PROPOSE_URL, proposal(action="check")).content.decode()
    assert "We found no initiative or member programme like yours." in html
    assert "Propose the initiative" in html


def test_proposing_creates_the_initiative_led_by_the_proposers_organisation(
    client, member, hydrogen
):
    client.force_login(member)
    response = client.post(PROPOSE_URL, proposal(themes=[hydrogen.pk], action="propose"))
    initiative = Initiative.objects.get()
    assert response.status_code == 302
    assert response.url == initiative.get_absolute_url()
    assert initiative.lead_organisation == member.representative.organisation
    assert initiative.status == InitiativeStatus.PROPOSED
    assert list(initiative.themes.all()) == [hydrogen]
    assert initiative.countries == ["AT", "DK"] and initiative.regions == ["AT-3"]
    assert "<strong>testbed network</strong>" in initiative.description_html
    assert initiative.thread is not None
    page = client.get(response.url).content.decode()
    assert "Your initiative was proposed." in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "This field is required."),
        ({"title": "x" * 201}, "title", "at most 200 characters"),
        ({"countries": []}, "countries", "Name at least one country"),
        ({"countries": ["US"]}, "countries", "Select a valid choice"),
        ({"regions": ["FR-IDF"]}, "regions", "must lie in one of the countries"),
        ({"end_date": "2025-01-01"}, "end_date", "cannot be before the start date"),
        ({"start_date": "soon"}, "start_date", "Enter a valid date"),
        ({"budget": "-5"}, "budget", "greater than or equal to 0"),
        ({"budget": "lots"}, "budget", "Enter a number"),
        ({"website": "not a url"}, "website", "Enter a valid URL"),
        ({"funding_source": "999"}, "funding_source", "Select a valid choice"),
    ],
)
@pytest.mark.parametrize("action", ["check", "propose"])
def test_bad_input_is_shown_next_to_its_field_and_kept(
    client, member, overrides, field, message, action
):
    client.force_login(member)
    response = client.post(PROPOSE_URL, proposal(action=action, **overrides))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please correct the following" in html
    assert message in html
    assert f'href="#id_{field}"' in html
    assert "Hydrogen clusters share electrolyser testbeds." in html
    assert not Initiative.objects.exists()


@pytest.mark.parametrize("count", [1, 15])
def test_the_check_runs_in_a_bounded_number_of_queries(
    client, django_assert_max_num_queries, member, hydrogen, count
):
    for number in range(count):
        InitiativeFactory(title=f"Hydrogen valleys {number}", themes=[hydrogen])
    client.force_login(member)
    with django_assert_max_num_queries(CHECK_MAX_QUERIES):
        response = client.post(PROPOSE_URL, proposal(themes=[hydrogen.pk], action="check"))
    assert "Why it is offered" in response.content.decode()


# --- Editing ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_only_the_leads_contact_edits(client, as_role, role, initiative):
    user = as_role(role)
    if user.is_authenticated:
        client.force_login(user)
    response = client.get(edit_url(initiative))
    if role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    elif role == "lead_contact":
        assert response.status_code == 200
        assert 'value="Hydrogen valleys cluster partnership"' in response.content.decode()
    else:
        assert response.status_code == 403
        assert "Only the contact of the lead organisation" in response.content.decode()
    response = client.post(edit_url(initiative), proposal(title="Changed"))
    initiative.refresh_from_db()
    assert (initiative.title == "Changed") is (role == "lead_contact")


def test_the_lead_representative_who_is_not_the_contact_may_not_edit(
    client, lead_representative, initiative
):
    client.force_login(lead_representative)
    assert client.get(edit_url(initiative)).status_code == 403


def test_editing_saves_through_the_service(client, lead_contact, initiative, hydrogen):
    client.force_login(lead_contact)
    response = client.post(
        edit_url(initiative), proposal(title="Hydrogen valleys 2.0", themes=[hydrogen.pk])
    )
    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.title == "Hydrogen valleys 2.0"
    assert list(initiative.themes.all()) == [hydrogen]
    assert initiative.events.filter(kind="edited").exists()


def test_bad_input_on_edit_is_kept(client, lead_contact, initiative):
    client.force_login(lead_contact)
    response = client.post(edit_url(initiative), proposal(title="New title", regions=["FR-IDF"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "must lie in one of the countries" in html
    assert 'value="New title"' in html
    initiative.refresh_from_db()
    assert initiative.title == "Hydrogen valleys cluster partnership"


def test_a_closed_initiative_cannot_be_edited(client, lead_contact, initiative):
    move_to(initiative, InitiativeStatus.CANCELLED)
    client.force_login(lead_contact)
    response = client.get(edit_url(initiative))
    assert response.status_code == 403
    assert "closed" in response.content.decode()
