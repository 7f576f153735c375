"""An initiative's page: what each role sees and may do."""

from decimal import Decimal

import pytest
from django.urls import reverse

from initiatives import services
from initiatives.models import Commitment
from tests.dialogues.factories import pdf_file
from tests.initiatives.conftest import ROLES
from tests.initiatives.factories import (
    InitiativeFactory,
    add_partner,
    contact_user,
    other_country_organisation,
)
from tests.members.factories import ClusterProgrammeFactory, OrganisationFactory, PolicyThemeFactory

pytestmark = pytest.mark.django_db

MEMBER_ROLES = {
    "member",
    "suspended_member",
    "lead_contact",
    "partner_contact",
    "other_contact",
    "secretariat",
}
# Session and user, the initiative, its partners (and their contacts), the totals, the news,
# the documents, the history, pending requests, similar initiatives and programmes, partner
# suggestions, with their savepoints: the same with 1 partner or 12.
DETAIL_MAX_QUERIES = 30


def detail_url(initiative):
    return reverse("initiatives:initiative_detail", kwargs={"slug": initiative.slug})


def page_as(client, user, initiative):
    if user.is_authenticated:
        client.force_login(user)
    response = client.get(detail_url(initiative))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def rich_initiative(initiative, lead_contact, partner_contact):
    services.commitment_record(
        initiative=initiative,
        acting_user=lead_contact,
        kind=Commitment.Kind.STAFF_DAYS,
        amount=Decimal(40),
        description="Two analysts",
    )
    services.commitment_record(
        initiative=initiative,
        acting_user=partner_contact,
        kind=Commitment.Kind.STAFF_DAYS,
        amount=Decimal(15),
        description="A coordinator",
    )
    services.news_update_post(
        initiative=initiative,
        acting_user=partner_contact,
        title="Kick-off in Aarhus",
        body="We met in **Aarhus**.",
    )
    services.document_add(
        initiative=initiative,
        acting_user=partner_contact,
        upload=pdf_file("roadmap.pdf"),
        title="Roadmap 2026",
    )
    return initiative


@pytest.mark.parametrize("role", ROLES)
def test_every_role_sees_the_public_page(client, as_role, role, rich_initiative):
    html = page_as(client, as_role(role), rich_initiative)
    assert "Hydrogen valleys cluster partnership" in html
    assert "Lower Austria Business Agency" in html and "Danish Cluster Agency" in html
    assert "Seeking partners" in html
    assert "Kick-off in Aarhus" in html and "<strong>Aarhus</strong>" in html
    assert "Two analysts" in html and "55" in html  # the pooled total
    assert reverse("dialogues:thread_detail", kwargs={"pk": rich_initiative.thread_id}) in html
    assert "History" in html and "Proposed" in html


@pytest.mark.parametrize("role", ROLES)
def test_contact_people_and_documents_are_for_members_only(
    client, as_role, role, rich_initiative, partner_contact
):
    html = page_as(client, as_role(role), rich_initiative)
    members_see = role in MEMBER_ROLES
    assert (partner_contact.email in html) is members_see
    assert ("Roadmap 2026" in html) is members_see
    if members_see:
        document = rich_initiative.documents.get()
        assert reverse("initiatives:document_download", kwargs={"pk": document.pk}) in html


ACTIONS = {
    "Ask to join": {"other_contact"},
    "Edit the initiative": {"lead_contact"},
    "Change the status": {"lead_contact", "secretariat"},
    "Invite an organisation": {"lead_contact"},
    "Requests and invitations": {"lead_contact", "secretariat"},
    "Record what your organisation commits": {"lead_contact", "partner_contact"},
    "Post news": {"lead_contact", "partner_contact"},
    "Add a document": {"lead_contact", "partner_contact"},
    "Hand over the lead": {"lead_contact"},
    "Leave the initiative": {"partner_contact"},
}


@pytest.mark.parametrize("role", ROLES)
def test_action_links_follow_the_role(client, as_role, role, initiative):
    html = page_as(client, as_role(role), initiative)
    for label, roles in ACTIONS.items():
        assert (label in html) is (role in roles), label
    if role == "anonymous":
        assert "Sign in</a> to take part" in html


def test_kept_pages_are_never_served_to_another_role(
    client, as_role, rich_initiative, partner_contact, other_organisation
):
    """The page is kept per audience (eca_portal.shared_pages, views.detail
    .initiative_audience): whatever the order of visits, each role sees its own actions and
    only members see the contact people; a request to join makes one's page one's own."""
    for _ in range(2):
        for role in ROLES:
            client.logout()
            page_as(client, as_role(role), rich_initiative)
    for role in reversed(ROLES):
        client.logout()
        html = page_as(client, as_role(role), rich_initiative)
        for label, roles in ACTIONS.items():
            assert (label in html) is (role in roles), (role, label)
        assert (partner_contact.email in html) is (role in MEMBER_ROLES), role
    services.partner_request_create(
        initiative=rich_initiative,
        acting_user=as_role("other_contact"),
        statement="We run a hydrogen cluster.",
    )
    client.logout()
    html = page_as(client, as_role("other_contact"), rich_initiative)
    assert f"{other_organisation.name} asks to join." in html


def test_the_description_is_shown_sanitised(client, lead_contact):
    initiative = InitiativeFactory(
        proposer=lead_contact, description="**Bold** <script>alert(1)</script>"
    )
    html = client.get(detail_url(initiative)).content.decode()
    assert "<strong>Bold</strong>" in html
    assert "<script>alert(1)" not in html


def test_an_unknown_initiative_is_a_404(client):
    response = client.get(reverse("initiatives:initiative_detail", kwargs={"slug": "nope"}))
    assert response.status_code == 404


def test_similar_initiatives_and_programmes_are_shown_with_reasons(client, lead_contact):
    hydrogen = PolicyThemeFactory(slug="hydrogen", name="Hydrogen")
    initiative = InitiativeFactory(
        proposer=lead_contact,
        title="Hydrogen valleys partnership",
        summary="Hydrogen clusters share electrolyser testbeds.",
        themes=[hydrogen],
    )
    twin = InitiativeFactory(
        title="Hydrogen valleys alliance",
        summary="Hydrogen clusters share electrolyser testbeds across borders.",
        themes=[hydrogen],
    )
    programme_owner = OrganisationFactory(name="Bavarian Cluster Office", country="DE")
    ClusterProgrammeFactory(
        organisation=programme_owner,
        name="Hydrogen valleys programme",
        description="Electrolyser testbeds for hydrogen clusters.",
    )
    html = client.get(detail_url(initiative)).content.decode()
    assert twin.get_absolute_url() in html
    assert "Why it is offered" in html
    assert "shared theme" in html


def test_the_lead_sees_partner_suggestions_with_reasons(client, lead_contact, other_contact):
    hydrogen = PolicyThemeFactory(slug="hydrogen", name="Hydrogen")
    initiative = InitiativeFactory(proposer=lead_contact, themes=[hydrogen])
    candidate = other_country_organisation("IT", name="Lombardy Cluster Agency")
    candidate.themes.add(hydrogen)
    client.force_login(lead_contact)
    html = client.get(detail_url(initiative)).content.decode()
    assert "Organisations you could invite" in html
    assert "Lombardy Cluster Agency" in html
    assert "shared theme" in html
    client.force_login(other_contact)
    assert (
        "Organisations you could invite" not in client.get(detail_url(initiative)).content.decode()
    )


@pytest.mark.parametrize("partner_count", [1, 12])
def test_query_count_does_not_grow_with_rows(
    client, django_assert_max_num_queries, partner_count, lead_contact, secretariat_user
):
    theme = PolicyThemeFactory(slug="hydrogen", name="Hydrogen")
    initiative = InitiativeFactory(proposer=lead_contact, themes=[theme], countries=["AT"])
    for number in range(partner_count):
        organisation = OrganisationFactory(country="DK", name=f"Partner {number}")
        contact = contact_user(organisation)
        add_partner(initiative, organisation)
        services.news_update_post(
            initiative=initiative, acting_user=contact, title=f"News {number}", body="Text."
        )
        InitiativeFactory(title=f"Hydrogen twin {number}", themes=[theme])
    client.force_login(secretariat_user)
    with django_assert_max_num_queries(DETAIL_MAX_QUERIES):
        response = client.get(detail_url(initiative))
    assert response.status_code == 200


def test_pending_requests_and_who_may_answer_them(
    client, initiative, lead_contact, lead_representative, other_contact, member
):
    partner_request = services.partner_request_create(
        initiative=initiative,
        acting_user=other_contact,
        statement="We bring a testbed.",
        role="partner",
    )
    answer_url = reverse("initiatives:partner_request_decide", kwargs={"pk": partner_request.pk})
    expectations = {
        lead_contact: (True, True),
        lead_representative: (True, False),
        other_contact: (True, False),
        member: (False, False),
    }
    for user, (sees_it, may_answer) in expectations.items():
        html = page_as(client, user, initiative)
        assert ("Basque Business Agency asks to join." in html) is sees_it
        assert (answer_url in html) is may_answer
