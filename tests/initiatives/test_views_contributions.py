"""What partners bring to an initiative: commitments, news and documents; and its status."""

from decimal import Decimal

import pytest
from django.urls import reverse

from initiatives import services
from initiatives.models import (
    Commitment,
    InitiativeDocument,
    InitiativeStatus,
    NewsUpdate,
)
from tests.initiatives.conftest import ROLES
from tests.initiatives.factories import InitiativeFactory
from tests.initiatives.test_services_content import exe_file, pdf_file

pytestmark = pytest.mark.django_db


def text(response):
    return response.content.decode()


def sign_in(client, user):
    if user.is_authenticated:
        client.force_login(user)


def assert_status(response, expected):
    if expected == "login":
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
    else:
        assert response.status_code == expected


def url(name, initiative):
    return reverse(f"initiatives:{name}", kwargs={"slug": initiative.slug})


# Expected GET answers per role, in ROLES order.
PAGES = {
    "commitment_record": ["login", 403, 403, 403, 200, 200, 403, 403],
    "commitment_withdraw": ["login", 403, 403, 403, 200, 200, 403, 403],
    "news_update_post": ["login", 403, 403, 403, 200, 200, 403, 403],
    "document_add": ["login", 403, 403, 403, 200, 200, 403, 403],
    "status_change": ["login", 403, 403, 403, 200, 403, 403, 200],
}


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_who_opens_each_page(client, as_role, initiative, page, role_index):
    sign_in(client, as_role(ROLES[role_index]))
    assert_status(client.get(url(page, initiative)), PAGES[page][role_index])


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", ["anonymous", "non_member", "member", "other_contact"])
def test_outsiders_cannot_post_either(client, as_role, initiative, page, role):
    sign_in(client, as_role(role))
    response = client.post(
        url(page, initiative),
        {
            "kind": "budget",
            "amount": "10",
            "description": "x",
            "title": "t",
            "body": "b",
            "to_status": "active",
            "note": "",
        },
    )
    assert response.status_code in (302, 403)
    assert not Commitment.objects.exists()
    assert not NewsUpdate.objects.exists()
    initiative.refresh_from_db()
    assert initiative.status == InitiativeStatus.SEEKING_PARTNERS


# --- Commitments --------------------------------------------------------------------------------


def test_a_partner_records_a_commitment(client, initiative, partner_contact, partner_organisation):
    client.force_login(partner_contact)
    html = text(client.get(url("commitment_record", initiative)))
    assert "What the partners pool now" in html
    assert f'href="{initiative.get_absolute_url()}"' in html
    response = client.post(
        url("commitment_record", initiative),
        {"kind": "staff_days", "amount": "40", "description": "Two analysts"},
    )
    assert response.status_code == 302
    commitment = Commitment.objects.get(organisation=partner_organisation)
    assert (commitment.kind, commitment.amount) == ("staff_days", Decimal("40"))


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "staff_days", "amount": "", "description": "Two analysts"}, "amount"),
        ({"kind": "staff_days", "amount": "-3", "description": "Two analysts"}, "amount"),
        ({"kind": "staff_days", "amount": "many", "description": "Two analysts"}, "amount"),
        ({"kind": "events", "amount": "1.5", "description": "Workshops"}, "amount"),
        ({"kind": "gold", "amount": "3", "description": "Bars"}, "kind"),
        ({"kind": "budget", "amount": "3", "description": ""}, "description"),
    ],
)
def test_bad_commitments_come_back_next_to_the_field(
    client, initiative, partner_contact, data, field
):
    client.force_login(partner_contact)
    response = client.post(url("commitment_record", initiative), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert 'role="alert"' in text(response)
    assert not Commitment.objects.exists()


def test_a_closed_initiative_refuses_commitments_with_a_message(
    client, initiative, lead_contact, partner_contact
):
    move_to_completed(initiative, lead_contact)
    client.force_login(partner_contact)
    html = text(client.get(url("commitment_record", initiative)))
    assert "takes no new commitments" in html
    response = client.post(
        url("commitment_record", initiative),
        {"kind": "budget", "amount": "5", "description": "Cash"},
    )
    assert response.status_code == 200
    assert "takes no new commitments" in text(response)


def move_to_completed(initiative, lead_contact):
    for status in (InitiativeStatus.ACTIVE, InitiativeStatus.COMPLETED):
        services.initiative_status_change(
            initiative=initiative, acting_user=lead_contact, to_status=status
        )


def test_a_partner_withdraws_a_commitment(client, initiative, partner_contact):
    services.commitment_record(
        initiative=initiative,
        acting_user=partner_contact,
        kind="budget",
        amount=10,
        description="Cash",
    )
    client.force_login(partner_contact)
    response = client.post(url("commitment_withdraw", initiative), {"kind": "budget"})
    assert response.status_code == 302
    assert not Commitment.objects.filter(superseded_at__isnull=True).exists()


def test_withdrawing_what_was_never_committed_says_so(client, initiative, partner_contact):
    client.force_login(partner_contact)
    response = client.post(url("commitment_withdraw", initiative), {"kind": "events"})
    assert response.status_code == 200
    assert "no commitment of this kind" in text(response)
    response = client.post(url("commitment_withdraw", initiative), {"kind": "nothing"})
    assert response.context["form"].errors["kind"]


# --- News ---------------------------------------------------------------------------------------


def test_a_partner_posts_news(client, initiative, partner_contact):
    client.force_login(partner_contact)
    response = client.post(
        url("news_update_post", initiative), {"title": "Kick-off", "body": "We **met**."}
    )
    assert response.status_code == 302
    assert NewsUpdate.objects.get().title == "Kick-off"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": "", "body": "Some news"}, "title"),
        ({"title": "Kick-off", "body": ""}, "body"),
        ({"title": "Kick-off", "body": "   "}, "body"),
        ({"title": "x" * 400, "body": "Some news"}, "title"),
    ],
)
def test_bad_news_comes_back_next_to_the_field(client, initiative, partner_contact, data, field):
    client.force_login(partner_contact)
    response = client.post(url("news_update_post", initiative), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not NewsUpdate.objects.exists()


def test_a_cancelled_initiative_takes_no_news(client, initiative, secretariat_user, lead_contact):
    services.initiative_status_change(
        initiative=initiative, acting_user=secretariat_user, to_status="cancelled", note="Spam"
    )
    client.force_login(lead_contact)
    assert "is cancelled" in text(client.get(url("news_update_post", initiative)))
    response = client.post(url("news_update_post", initiative), {"title": "a", "body": "b"})
    assert response.status_code == 200
    assert "is cancelled" in text(response)


# --- Documents ----------------------------------------------------------------------------------


def test_a_partner_adds_a_document(client, initiative, partner_contact):
    client.force_login(partner_contact)
    response = client.post(url("document_add", initiative), {"title": "Report", "file": pdf_file()})
    assert response.status_code == 302
    document = InitiativeDocument.objects.get()
    assert (document.title, document.content_type) == ("Report", "application/pdf")


def test_a_file_that_is_not_what_it_claims_is_refused_next_to_the_field(
    client, initiative, partner_contact
):
    client.force_login(partner_contact)
    response = client.post(url("document_add", initiative), {"title": "Report", "file": exe_file()})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert 'value="Report"' in text(response)
    assert "choose it again" in text(response)
    response = client.post(url("document_add", initiative), {"title": "No file"})
    assert response.context["form"].errors["file"]
    assert not InitiativeDocument.objects.exists()


@pytest.mark.parametrize(
    ("role", "expected"),
    list(zip(ROLES, [404, 404, 200, 200, 200, 200, 200, 200], strict=True)),
)
def test_who_downloads_a_document(client, as_role, initiative, partner_contact, role, expected):
    document = services.document_add(
        initiative=initiative, acting_user=partner_contact, upload=pdf_file(), title="Report"
    )
    sign_in(client, as_role(role))
    response = client.get(reverse("initiatives:document_download", kwargs={"pk": document.pk}))
    assert response.status_code == expected
    if expected == 200:
        assert response["Content-Disposition"].startswith("attachment")
        assert "evaluation-report.pdf" in response["Content-Disposition"]
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_missing_document_is_404(client, member):
    client.force_login(member)
    response = client.get(reverse("initiatives:document_download", kwargs={"pk": 999999}))
    assert response.status_code == 404


# --- Status -------------------------------------------------------------------------------------


def test_only_allowed_transitions_are_offered(client, initiative, lead_contact, secretariat_user):
    client.force_login(lead_contact)
    choices = dict(
        client.get(url("status_change", initiative)).context["form"].fields["to_status"].choices
    )
    assert set(choices) == {"active", "cancelled"}
    client.force_login(secretariat_user)
    choices = dict(
        client.get(url("status_change", initiative)).context["form"].fields["to_status"].choices
    )
    assert set(choices) == {"cancelled"}


def test_the_lead_moves_the_status(client, initiative, lead_contact):
    client.force_login(lead_contact)
    response = client.post(url("status_change", initiative), {"to_status": "active", "note": ""})
    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.status == InitiativeStatus.ACTIVE


@pytest.mark.parametrize(
    ("user", "data", "field"),
    [
        ("lead_contact", {"to_status": "completed"}, "to_status"),
        ("lead_contact", {"to_status": "cancelled", "note": " "}, "note"),
        ("secretariat", {"to_status": "active"}, "to_status"),
    ],
)
def test_refused_moves_come_back_next_to_the_field(client, as_role, initiative, user, data, field):
    client.force_login(as_role(user))
    response = client.post(url("status_change", initiative), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    initiative.refresh_from_db()
    assert initiative.status == InitiativeStatus.SEEKING_PARTNERS


def test_the_secretariat_cancels_with_a_reason(client, initiative, secretariat_user):
    client.force_login(secretariat_user)
    response = client.post(
        url("status_change", initiative), {"to_status": "cancelled", "note": "Duplicate."}
    )
    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.status == InitiativeStatus.CANCELLED


def test_a_final_status_says_it_can_no_longer_change(client, lead_contact):
    done = InitiativeFactory(proposer=lead_contact, status=InitiativeStatus.COMPLETED)
    client.force_login(lead_contact)
    html = text(client.get(url("status_change", done)))
    assert "can no longer change" in html
    assert 'name="to_status"' not in html
