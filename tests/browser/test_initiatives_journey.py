"""A joint initiative end to end, in a real browser: a member proposes an initiative and, before
it is saved, is shown a similar existing one with the reasons; they propose theirs anyway. Then
— when the partner pages exist — a member from another country asks to join, the lead accepts,
and the new partner posts news. axe-core checks the pages on the way (WCAG 2.1 A/AA): the
directory, the propose form with errors and with similar results, and the initiative's page."""

import pytest

from initiatives import services
from initiatives.models import Initiative, InitiativePartner, InitiativeStatus, NewsUpdate
from tests.browser.axe import assert_accessible
from tests.initiatives.factories import InitiativeFactory, contact_user
from tests.members.factories import OrganisationFactory, PolicyThemeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def as_person(page, sign_in, password):
    """Sign the browser in as one person, after signing out whoever was signed in."""

    def switch(email):
        page.context.clear_cookies()
        sign_in(page, email=email, password=password)
        return page

    return switch


def click_and_wait(page, locator):
    with page.expect_navigation():
        locator.click()


def submit_main_form(page):
    """Press the submit button of the page's own form (not the header's sign-out form)."""
    click_and_wait(page, page.locator("main form[method='post'] button[type='submit']").first)


def test_propose_see_a_similar_one_then_join_and_post_news(page, as_person):
    hydrogen = PolicyThemeFactory(slug="hydrogen", name="Hydrogen")
    lead = contact_user(
        OrganisationFactory(name="Lower Austria Business Agency", country="AT"),
        full_name="Markus Lead",
        email="markus@ecoplus.example.at",
    )
    joiner = contact_user(
        OrganisationFactory(name="Danish Cluster Agency", country="DK"),
        full_name="Mette Partner",
        email="mette@cluster.example.dk",
    )
    existing = InitiativeFactory(
        title="Hydrogen valleys alliance",
        summary="Hydrogen clusters share electrolyser testbeds across borders.",
        objectives="Map electrolyser testbeds for hydrogen clusters.",
        themes=[hydrogen],
        status=InitiativeStatus.SEEKING_PARTNERS,
    )

    # The directory, from the navigation.
    as_person(lead.email)
    page.goto("/")
    click_and_wait(
        page,
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Joint initiatives"),
    )
    assert page.get_by_role("heading", name="1 initiative").is_visible()
    assert_accessible(page)

    # The form, sent empty: errors next to their fields.
    click_and_wait(page, page.get_by_role("link", name="Propose an initiative"))
    submit_main_form(page)
    assert page.get_by_role("alert").get_by_text("Please correct the following").is_visible()
    assert_accessible(page)

    # Filled in and checked: the similar initiative, with its reasons, before anything is saved.
    page.locator("#id_title").fill("Hydrogen valleys partnership")
    page.locator("#id_summary").fill("Hydrogen clusters share electrolyser testbeds.")
    page.locator("#id_objectives").fill("Map electrolyser testbeds; match hydrogen start-ups.")
    page.get_by_label("Hydrogen", exact=True).check()
    page.locator("#id_countries").select_option(["AT", "DK"])
    click_and_wait(page, page.get_by_role("button", name="Check for similar initiatives"))
    similar = page.locator(".similar-results")
    assert similar.get_by_role("link", name="Hydrogen valleys alliance", exact=True).is_visible()
    assert similar.get_by_text("shared theme").first.is_visible()
    assert similar.get_by_role(
        "link", name="Ask to join “Hydrogen valleys alliance” instead"
    ).is_visible()
    assert Initiative.objects.count() == 1
    assert_accessible(page)

    # Proposed anyway: the initiative's page.
    click_and_wait(page, page.get_by_role("button", name="Propose it anyway"))
    initiative = Initiative.objects.exclude(pk=existing.pk).get()
    assert page.get_by_role("heading", level=1, name="Hydrogen valleys partnership").is_visible()
    assert page.get_by_text("Your initiative was proposed.").is_visible()
    assert page.get_by_role("link", name="Hydrogen valleys alliance", exact=True).is_visible()
    assert_accessible(page)

    # The lead opens it to partners (the status page is not part of this journey).
    services.initiative_status_change(
        initiative=initiative, acting_user=lead, to_status=InitiativeStatus.SEEKING_PARTNERS
    )

    # A member from another country asks to join.
    as_person(joiner.email)
    page.goto(initiative.get_absolute_url())
    click_and_wait(page, page.get_by_role("link", name="Ask to join", exact=True))
    page.locator("#id_statement").fill("Our hydrogen cluster brings two electrolyser testbeds.")
    submit_main_form(page)

    # The lead accepts, from the initiative's page.
    as_person(lead.email)
    page.goto(initiative.get_absolute_url())
    assert page.get_by_role("heading", name="Waiting for an answer").is_visible()
    assert_accessible(page)
    click_and_wait(page, page.get_by_role("link", name="See and answer"))
    page.locator("input[name='decision'][value='accept']").check()
    submit_main_form(page)
    assert InitiativePartner.objects.filter(
        initiative=initiative, organisation=joiner.representative.organisation, left_at=None
    ).exists()

    # The new partner posts news; it shows on the page.
    as_person(joiner.email)
    page.goto(initiative.get_absolute_url())
    click_and_wait(page, page.get_by_role("link", name="Post news"))
    page.locator("#id_title").fill("Kick-off in Aarhus")
    page.locator("#id_body").fill("We met in **Aarhus** and agreed on a testbed map.")
    submit_main_form(page)
    assert NewsUpdate.objects.filter(initiative=initiative).count() == 1
    page.goto(initiative.get_absolute_url())
    assert page.get_by_role("heading", name="Kick-off in Aarhus").is_visible()
    assert page.get_by_role("rowheader", name="Danish Cluster Agency").is_visible()
    assert_accessible(page)
