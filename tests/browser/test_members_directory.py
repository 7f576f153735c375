"""The member directory, a profile and its management pages in a real browser: WCAG 2.1 A/AA
with axe-core, and the directory's filters with the keyboard only."""

import re
from datetime import date

import pytest

from members.models import FoundingNetwork, OrganisationKind
from tests.browser.axe import assert_accessible
from tests.members.factories import (
    ClusterProgrammeFactory,
    ContactFactory,
    OrganisationFactory,
    PolicyThemeFactory,
    RegionalAuthorityFactory,
    RepresentativeFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def alliance():
    green = PolicyThemeFactory(slug="green-transition", name="Green transition")
    digital = PolicyThemeFactory(slug="digital-transition", name="Digital transition")
    lyon = RegionalAuthorityFactory(
        name="Auvergne-Rhône-Alpes Regional Council",
        slug="auvergne-rhone-alpes",
        nuts_code="FRK",
        founding_network=FoundingNetwork.CLUNET,
        member_since=date(2010, 5, 1),
        description=(
            "Regional council of Auvergne-Rhône-Alpes.\n\nRuns the regional cluster policy."
        ),
    )
    lyon.themes.add(green, digital)
    ClusterProgrammeFactory(
        organisation=lyon,
        name="Pôles de compétitivité",
        target_sectors="health, mobility",
        link="https://region.example.fr/poles",
        description="Support for competitiveness poles.",
    )
    ClusterProgrammeFactory(organisation=lyon, name="Regional cluster vouchers", end_year=None)
    contact = ContactFactory(organisation=lyon, user__full_name="Claire Martin")
    RepresentativeFactory(organisation=lyon, user__full_name="Hugo Bernard")
    for number in range(30):
        OrganisationFactory(
            name=f"Austrian Agency {number:02d}",
            country="AT",
            kind=OrganisationKind.FUNDING_AGENCY,
        ).themes.add(digital)
    OrganisationFactory(
        name="Danish Cluster Agency", country="DK", kind=OrganisationKind.NATIONAL_AUTHORITY
    )
    return {"lyon": lyon, "contact": contact}


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?country=FR&theme=green-transition&ordering=newest",
        "?country=AT&page=2",
        "?country=FR&region=DE-BE&page=abc",
    ],
    ids=["unfiltered", "filtered", "second-page", "with-errors"],
)
def test_directory_has_no_wcag_violations(page, alliance, query):
    response = page.goto(f"/members/{query}")
    assert response.status == 200
    assert page.get_by_role("heading", level=1).inner_text() == "Member directory"
    assert_accessible(page)


def test_directory_with_an_error_says_what_is_wrong(page, alliance):
    page.goto("/members/?country=FR&region=DE-BE")
    alert = page.get_by_role("alert")
    assert "Berlin is not in France" in alert.inner_text()
    assert page.get_by_label("Region").get_attribute("aria-invalid") == "true"
    # The message links to the field it is about.
    alert.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "id_region"


def test_profile_has_no_wcag_violations(page, sign_in, password, alliance):
    page.goto("/members/auvergne-rhone-alpes/")
    assert_accessible(page)
    sign_in(page, email=alliance["contact"].user.email, password=password)
    page.goto("/members/auvergne-rhone-alpes/")
    assert page.get_by_role("link", name="Edit profile").is_visible()
    assert "Hugo Bernard" in page.get_by_role("main").inner_text()
    assert_accessible(page)


def test_edit_profile_form_has_no_wcag_violations_also_with_errors(
    page, sign_in, password, alliance
):
    sign_in(page, email=alliance["contact"].user.email, password=password)
    page.goto("/members/auvergne-rhone-alpes/edit/")
    assert_accessible(page)
    page.get_by_label("Region").select_option("DE-BE")
    page.get_by_label("NUTS code").fill("XX9")
    page.get_by_role("main").get_by_role("button", name="Save the profile").click()
    page.wait_for_load_state()
    assert page.get_by_label("Region").get_attribute("aria-invalid") == "true"
    assert (
        "This region is not in the selected country."
        in page.locator("#id_region_code_error").inner_text()
    )
    assert page.get_by_role("alert").is_visible()
    assert_accessible(page)


def test_representatives_page_has_no_wcag_violations(page, sign_in, password, alliance):
    sign_in(page, email=alliance["contact"].user.email, password=password)
    page.goto("/members/auvergne-rhone-alpes/representatives/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Representatives of")
    assert_accessible(page)
    # The last-contact rule, shown on the page rather than as an error page.
    page.get_by_role("button", name="Remove Claire Martin", exact=True).click()
    page.wait_for_load_state()
    assert "at least one contact" in page.get_by_role("alert").inner_text()
    assert_accessible(page)


def test_directory_filters_work_with_the_keyboard_only(page, alliance):
    page.goto("/members/")
    # Tab from the top of the page until the search field has the focus.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "id_q":
            break
    else:
        pytest.fail("Tab never reached the search field")
    page.keyboard.type("agency")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_country"
    page.keyboard.type("Austria")  # a focused select picks the option as one types
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_region"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_kind"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_theme"
    page.keyboard.type("Digital")
    # On through the remaining fields to the submit button, and send with Enter.
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "BUTTON":
            break
    assert page.evaluate("document.activeElement.textContent.trim()") == "Show members"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert re.search(r"[?&]q=agency(&|$)", page.url)
    assert "country=AT" in page.url and "theme=digital-transition" in page.url
    assert page.get_by_role("heading", name="30 organisations").is_visible()
    assert page.get_by_label("Country").input_value() == "AT"
    # The next page keeps the filters, and is reached with the keyboard too.
    page.get_by_role("link", name="Next page").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "page=2" in page.url and "country=AT" in page.url
    assert page.get_by_role("table").locator("tbody tr").count() == 5
