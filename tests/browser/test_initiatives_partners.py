"""Joining an initiative and pooling resources, in a real browser: the contact of a member
organisation from another country asks to join an initiative that seeks partners; the lead's
contact accepts on the pending-requests page; the new partner posts news and records a
commitment (first with a mistake); the initiative's page then shows the partner, the news and
the pooled total. axe-core checks the ask-to-join form, the pending-requests page, the news
form, the commitment form (also with its errors), the answer form and the organisation's own
initiatives: zero WCAG 2.1 A/AA violations."""

import pytest
from django.urls import reverse

from initiatives.models import InitiativeStatus
from tests.browser.axe import assert_accessible
from tests.initiatives.factories import InitiativeFactory, contact_user
from tests.members.factories import OrganisationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def submit(page, button_name):
    with page.expect_navigation():
        page.get_by_role("button", name=button_name, exact=True).click()


def test_a_member_from_another_country_joins_and_pools_resources(page, sign_in, password):
    lead = contact_user(
        OrganisationFactory(name="Lower Austria Business Agency", country="AT"),
        full_name="Markus Lead",
        email="markus@ecoplus.example.at",
    )
    joiner_organisation = OrganisationFactory(name="Basque Business Agency", country="ES")
    joiner = contact_user(
        joiner_organisation, full_name="Iñaki Other", email="inaki@spri.example.es"
    )
    initiative = InitiativeFactory(
        proposer=lead,
        title="Hydrogen valleys cluster partnership",
        status=InitiativeStatus.SEEKING_PARTNERS,
    )
    initiative_url = initiative.get_absolute_url()

    # The Basque agency's contact asks to join.
    sign_in(page, email=joiner.email, password=password)
    page.goto(reverse("initiatives:partner_request_create", kwargs={"slug": initiative.slug}))
    assert_accessible(page)
    page.get_by_label("What your organisation would bring").fill(
        "Our hydrogen testbeds in Bilbao and two analysts."
    )
    submit(page, "Send the request")
    assert page.url.endswith(initiative_url)
    page.goto(reverse("initiatives:my_initiatives"))
    assert page.get_by_role("link", name="Withdraw the request to join").count() == 1
    assert_accessible(page)

    # The lead's contact accepts it from the pending-requests page.
    page.context.clear_cookies()
    sign_in(page, email=lead.email, password=password)
    page.goto(reverse("initiatives:partner_requests", kwargs={"slug": initiative.slug}))
    assert page.get_by_text("Our hydrogen testbeds in Bilbao").count() == 1
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Answer the request of Basque Business Agency").click()
    assert_accessible(page)
    page.get_by_label("Accept").check()
    submit(page, "Send the answer")
    assert page.get_by_text("No request waits for an answer.").count() == 1

    # The new partner posts news and records a commitment.
    page.context.clear_cookies()
    sign_in(page, email=joiner.email, password=password)
    page.goto(reverse("initiatives:news_update_post", kwargs={"slug": initiative.slug}))
    assert_accessible(page)
    page.get_by_label("Title").fill("Bilbao testbed open to the partners")
    page.get_by_label("News").fill("From March, partners can book **test days**.")
    submit(page, "Post the news")

    page.goto(reverse("initiatives:commitment_record", kwargs={"slug": initiative.slug}))
    assert_accessible(page)
    page.get_by_label("Kind of resource").select_option("budget")
    page.get_by_label("How much").fill("-5")
    page.get_by_label("What it is").fill("Co-funding of the testbed")
    submit(page, "Record the commitment")
    assert page.get_by_role("alert").count() == 1
    assert page.get_by_label("What it is").input_value() == "Co-funding of the testbed"
    assert_accessible(page)
    page.get_by_label("How much").fill("25000")
    submit(page, "Record the commitment")
    assert page.url.endswith(initiative_url)

    # The initiative's page shows the partner, the news and the pooled total.
    page.goto(initiative_url)
    content = page.locator("main").inner_text()
    assert "Basque Business Agency" in content
    assert "Bilbao testbed open to the partners" in content
    assert "25,000" in content or "25000" in content or "25 000" in content
