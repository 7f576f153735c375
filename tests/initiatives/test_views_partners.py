"""The partners' pages: asking to join, answering, withdrawing, inviting, leaving, handing
over the lead, an initiative's pending requests and an organisation's own initiatives."""

import pytest
from django.urls import reverse

from initiatives import services
from initiatives.models import InitiativePartner, InitiativeStatus, PartnerRequest
from tests.initiatives.conftest import ROLES
from tests.initiatives.factories import InitiativeFactory, contact_user, lead_contact_of
from tests.members.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

LIST_MAX_QUERIES = 20  # 17–18 with one row or many: the layout, the session, the page


def text(response):
    return response.content.decode()


@pytest.fixture
def join_request(initiative, other_contact):
    return services.partner_request_create(
        initiative=initiative, acting_user=other_contact, statement="Our testbeds in Bilbao."
    )


@pytest.fixture
def invitation(initiative, lead_contact, other_organisation, other_contact):
    return services.partner_invite(
        initiative=initiative, acting_user=lead_contact, organisation=other_organisation
    )


def sign_in(client, user):
    if user.is_authenticated:
        client.force_login(user)


def assert_status(response, expected):
    if expected == "login":
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
    else:
        assert response.status_code == expected


# --- Who sees each page -------------------------------------------------------------------------

SLUG_PAGES = {
    # page: expected GET answer per role, in ROLES order
    "partner_request_create": ["login", 403, 403, 403, 200, 200, 200, 403],
    "partner_invite": ["login", 403, 403, 403, 200, 403, 403, 403],
    "partner_leave": ["login", 403, 403, 403, 200, 200, 403, 403],
    "lead_handover": ["login", 403, 403, 403, 200, 403, 403, 403],
    "partner_requests": ["login", 403, 403, 403, 200, 403, 403, 200],
}
REQUEST_PAGES = {
    "partner_request_decide": ["login", 404, 404, 404, 200, 404, 403, 403],
    "partner_request_withdraw": ["login", 404, 404, 404, 403, 404, 200, 403],
}
INVITATION_PAGES = {
    "partner_invitation_decide": ["login", 404, 404, 404, 403, 404, 200, 403],
    "partner_invitation_cancel": ["login", 404, 404, 404, 200, 404, 403, 403],
}


@pytest.mark.parametrize("page", SLUG_PAGES)
@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_who_opens_the_initiative_pages(client, as_role, initiative, page, role_index):
    sign_in(client, as_role(ROLES[role_index]))
    response = client.get(reverse(f"initiatives:{page}", kwargs={"slug": initiative.slug}))
    assert_status(response, SLUG_PAGES[page][role_index])


@pytest.mark.parametrize("page", REQUEST_PAGES)
@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_who_opens_a_request(client, as_role, join_request, page, role_index):
    sign_in(client, as_role(ROLES[role_index]))
    response = client.get(reverse(f"initiatives:{page}", kwargs={"pk": join_request.pk}))
    assert_status(response, REQUEST_PAGES[page][role_index])


@pytest.mark.parametrize("page", INVITATION_PAGES)
@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_who_opens_an_invitation(client, as_role, invitation, page, role_index):
    sign_in(client, as_role(ROLES[role_index]))
    response = client.get(reverse(f"initiatives:{page}", kwargs={"pk": invitation.pk}))
    assert_status(response, INVITATION_PAGES[page][role_index])


@pytest.mark.parametrize(
    ("role", "expected"),
    list(zip(ROLES, ["login", 403, 200, 200, 200, 200, 200, 403], strict=True)),
)
def test_who_opens_my_initiatives(client, as_role, initiative, role, expected):
    sign_in(client, as_role(role))
    assert_status(client.get(reverse("initiatives:my_initiatives")), expected)


def test_a_request_is_not_answered_as_an_invitation(client, join_request, other_contact):
    client.force_login(other_contact)
    url = reverse("initiatives:partner_invitation_decide", kwargs={"pk": join_request.pk})
    assert client.get(url).status_code == 404


# --- Asking to join -----------------------------------------------------------------------------


def join_url(initiative):
    return reverse("initiatives:partner_request_create", kwargs={"slug": initiative.slug})


def test_the_ask_to_join_form_explains_and_leads_back(client, initiative, other_contact):
    client.force_login(other_contact)
    html = text(client.get(join_url(initiative)))
    assert "Lower Austria Business Agency" in html
    assert f'href="{initiative.get_absolute_url()}"' in html
    assert 'name="statement"' in html


def test_a_contact_asks_to_join(client, initiative, other_contact, other_organisation):
    client.force_login(other_contact)
    response = client.post(
        join_url(initiative), {"role": "partner", "statement": "  Our Bilbao testbeds.  "}
    )
    assert response.status_code == 302
    assert response["Location"] == initiative.get_absolute_url()
    request = PartnerRequest.objects.get(initiative=initiative, organisation=other_organisation)
    assert (request.status, request.statement) == ("pending", "Our Bilbao testbeds.")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"role": "partner", "statement": ""}, "statement"),
        ({"role": "partner", "statement": "   "}, "statement"),
        ({"role": "lead", "statement": "We bring data."}, "role"),
        ({"role": "partner", "statement": "x" * 1001}, "statement"),
    ],
)
def test_bad_input_to_ask_to_join_comes_back_next_to_the_field(
    client, initiative, other_contact, data, field
):
    client.force_login(other_contact)
    response = client.post(join_url(initiative), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert 'role="alert"' in text(response)
    assert not PartnerRequest.objects.filter(kind="request").exists()


def test_asking_twice_shows_the_reason(client, initiative, join_request, other_contact):
    client.force_login(other_contact)
    response = client.post(join_url(initiative), {"role": "partner", "statement": "Again."})
    assert response.status_code == 200
    assert "already asked to join" in text(response)


def test_an_initiative_not_seeking_partners_refuses_with_a_message(client, other_contact):
    proposed = InitiativeFactory(status=InitiativeStatus.ACTIVE)
    client.force_login(other_contact)
    html = text(client.get(join_url(proposed)))
    assert "not looking for partners" in html
    assert 'name="statement"' not in html
    response = client.post(join_url(proposed), {"role": "partner", "statement": "Hello."})
    assert response.status_code == 200
    assert "not looking for partners" in text(response)


# --- Answering and withdrawing ------------------------------------------------------------------


@pytest.mark.parametrize(("decision", "status"), [("accept", "accepted"), ("decline", "declined")])
def test_the_lead_answers_a_request(
    client, initiative, join_request, lead_contact, other_organisation, decision, status
):
    client.force_login(lead_contact)
    url = reverse("initiatives:partner_request_decide", kwargs={"pk": join_request.pk})
    assert "Our testbeds in Bilbao." in text(client.get(url))
    response = client.post(url, {"decision": decision, "note": "Welcome"})
    assert response.status_code == 302
    join_request.refresh_from_db()
    assert join_request.status == status
    joined = InitiativePartner.objects.filter(
        initiative=initiative, organisation=other_organisation, left_at__isnull=True
    ).exists()
    assert joined is (decision == "accept")


def test_answering_without_a_decision_is_refused_next_to_the_field(
    client, join_request, lead_contact
):
    client.force_login(lead_contact)
    url = reverse("initiatives:partner_request_decide", kwargs={"pk": join_request.pk})
    response = client.post(url, {"decision": "maybe"})
    assert response.status_code == 200
    assert response.context["form"].errors["decision"]


def test_answering_twice_shows_the_reason(client, join_request, lead_contact):
    client.force_login(lead_contact)
    url = reverse("initiatives:partner_request_decide", kwargs={"pk": join_request.pk})
    client.post(url, {"decision": "decline"})
    assert "already been answered" in text(client.get(url))
    response = client.post(url, {"decision": "accept"})
    assert response.status_code == 200
    assert "already been answered" in text(response)


def test_a_post_by_another_role_is_refused(client, join_request, partner_contact, other_contact):
    client.force_login(other_contact)
    url = reverse("initiatives:partner_request_decide", kwargs={"pk": join_request.pk})
    assert client.post(url, {"decision": "accept"}).status_code == 403
    client.force_login(partner_contact)
    assert client.post(url, {"decision": "accept"}).status_code == 404
    join_request.refresh_from_db()
    assert join_request.is_pending


def test_the_requester_withdraws(client, join_request, other_contact):
    client.force_login(other_contact)
    url = reverse("initiatives:partner_request_withdraw", kwargs={"pk": join_request.pk})
    response = client.post(url, {})
    assert response["Location"] == reverse("initiatives:my_initiatives")
    join_request.refresh_from_db()
    assert join_request.status == PartnerRequest.Status.WITHDRAWN


# --- Invitations --------------------------------------------------------------------------------


def test_the_lead_invites_an_active_member(client, initiative, lead_contact, other_organisation):
    client.force_login(lead_contact)
    url = reverse("initiatives:partner_invite", kwargs={"slug": initiative.slug})
    html = text(client.get(url))
    assert other_organisation.name in html
    assert "Danish Cluster Agency" not in html  # already a partner: not offered
    response = client.post(url, {"organisation": other_organisation.pk, "role": "observer"})
    assert response.status_code == 302
    invitation = PartnerRequest.objects.get(organisation=other_organisation)
    assert (invitation.kind, invitation.role) == ("invitation", "observer")


@pytest.mark.parametrize(
    "data", [{"organisation": "", "role": "partner"}, {"organisation": "999999", "role": "x"}]
)
def test_bad_input_to_invite(client, initiative, lead_contact, data):
    client.force_login(lead_contact)
    url = reverse("initiatives:partner_invite", kwargs={"slug": initiative.slug})
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors["organisation"]


def test_the_invited_contact_accepts(client, initiative, invitation, other_contact):
    client.force_login(other_contact)
    url = reverse("initiatives:partner_invitation_decide", kwargs={"pk": invitation.pk})
    response = client.post(url, {"decision": "accept"})
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == PartnerRequest.Status.ACCEPTED


def test_the_lead_cancels_an_invitation(client, invitation, lead_contact):
    client.force_login(lead_contact)
    url = reverse("initiatives:partner_invitation_cancel", kwargs={"pk": invitation.pk})
    assert client.post(url, {}).status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == PartnerRequest.Status.WITHDRAWN


# --- Leaving and handing over -------------------------------------------------------------------


def test_a_partner_leaves(client, initiative, partner_contact, partner_organisation):
    client.force_login(partner_contact)
    url = reverse("initiatives:partner_leave", kwargs={"slug": initiative.slug})
    assert client.post(url, {"note": "Budget cuts."}).status_code == 302
    assert not InitiativePartner.objects.filter(
        initiative=initiative, organisation=partner_organisation, left_at__isnull=True
    ).exists()


def test_the_lead_cannot_leave_and_is_told_why(client, initiative, lead_contact):
    client.force_login(lead_contact)
    url = reverse("initiatives:partner_leave", kwargs={"slug": initiative.slug})
    assert "hand the lead over" in text(client.get(url))
    response = client.post(url, {})
    assert response.status_code == 200
    assert "hand the lead over" in text(response)


def test_the_lead_hands_over(client, initiative, lead_contact, partner_organisation):
    client.force_login(lead_contact)
    url = reverse("initiatives:lead_handover", kwargs={"slug": initiative.slug})
    response = client.post(url, {"organisation": partner_organisation.pk, "note": ""})
    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.lead_organisation == partner_organisation


def test_handing_over_to_a_stranger_is_refused_next_to_the_field(
    client, initiative, lead_contact, other_organisation
):
    client.force_login(lead_contact)
    url = reverse("initiatives:lead_handover", kwargs={"slug": initiative.slug})
    response = client.post(url, {"organisation": other_organisation.pk})
    assert response.status_code == 200
    assert response.context["form"].errors["organisation"]


# --- The lists, in a number of queries that does not grow ---------------------------------------


def _pending_rows(initiative, lead_contact, count):
    for index in range(count):
        organisation = OrganisationFactory(name=f"Applicant {index}")
        user = contact_user(organisation)
        if index % 2:
            services.partner_invite(
                initiative=initiative,
                acting_user=lead_contact,
                organisation=organisation,
            )
        else:
            services.partner_request_create(
                initiative=initiative, acting_user=user, statement=f"Statement {index}"
            )


def _lead_user(initiative):
    return lead_contact_of(initiative)


@pytest.mark.parametrize("count", [1, 12])
def test_the_pending_requests_page_in_a_fixed_number_of_queries(
    client, initiative, lead_contact, count, django_assert_max_num_queries
):
    _pending_rows(initiative, lead_contact, count)
    client.force_login(lead_contact)
    with django_assert_max_num_queries(LIST_MAX_QUERIES):
        response = client.get(
            reverse("initiatives:partner_requests", kwargs={"slug": initiative.slug})
        )
    html = text(response)
    assert html.count(">Applicant ") == count
    assert ("Statement 0" in html) and 'scope="row"' in html


@pytest.mark.parametrize("count", [1, 10])
def test_my_initiatives_in_a_fixed_number_of_queries(
    client, lead_contact, lead_organisation, count, django_assert_max_num_queries
):
    for index in range(count):
        led = InitiativeFactory(
            proposer=lead_contact,
            title=f"Led initiative {index}",
            status=InitiativeStatus.SEEKING_PARTNERS,
        )
        services.partner_request_create(
            initiative=led,
            acting_user=contact_user(OrganisationFactory(name=f"Asker {index}")),
            statement="We would bring data.",
        )
        invited_to = InitiativeFactory(title=f"Invited to {index}")
        services.partner_invite(
            initiative=invited_to,
            acting_user=_lead_user(invited_to),
            organisation=lead_organisation,
        )
    client.force_login(lead_contact)
    with django_assert_max_num_queries(LIST_MAX_QUERIES):
        response = client.get(reverse("initiatives:my_initiatives"))
    html = text(response)
    assert html.count(">Led initiative ") == count
    assert html.count(">Invited to ") == count
    assert html.count(">Asker ") == count


@pytest.mark.parametrize("page", ["partner_request_create", "partner_invite", "lead_handover"])
@pytest.mark.parametrize("role", ["anonymous", "non_member", "member", "suspended_member"])
def test_outsiders_cannot_post_either(client, as_role, initiative, other_organisation, page, role):
    sign_in(client, as_role(role))
    response = client.post(
        reverse(f"initiatives:{page}", kwargs={"slug": initiative.slug}),
        {"statement": "We join.", "role": "partner", "organisation": other_organisation.pk},
    )
    assert response.status_code in (302, 403)
    assert not PartnerRequest.objects.filter(organisation__membership_status="suspended").exists()
    assert not PartnerRequest.objects.filter(organisation=other_organisation).exists()
    initiative.refresh_from_db()
    assert initiative.lead_organisation.name == "Lower Austria Business Agency"


def test_a_note_too_long_to_leave_with_comes_back_next_to_the_field(
    client, initiative, partner_contact
):
    client.force_login(partner_contact)
    url = reverse("initiatives:partner_leave", kwargs={"slug": initiative.slug})
    response = client.post(url, {"note": "x" * 2001})
    assert response.status_code == 200
    assert response.context["form"].errors["note"]
    assert initiative.partners.filter(left_at__isnull=True).count() == 2
