"""The secretariat's workspace in a real browser: accessible pages, and charts whose links lead
to the lists they count."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dialogues.models import Flag
from initiatives.models import FundingSource, InitiativeStatus
from members.models import ApplicationStatus, JoinRequest, OrganisationKind
from tests.browser.axe import assert_accessible
from tests.dialogues.factories import TopicFactory, member_user
from tests.initiatives.factories import InitiativeFactory
from tests.members.factories import MembershipApplicationFactory, OrganisationFactory
from tests.secretariat.data import posts_add, thread_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def interreg():
    """The source migration 0002 makes; a transactional test's flush may have removed it."""
    return FundingSource.objects.get_or_create(slug="interreg", defaults={"name": "Interreg"})[0]


@pytest.fixture
def alliance(db):
    """A little of everything the dashboard and the queues show."""
    now = timezone.now()
    OrganisationFactory(name="Swedish Cluster Agency", country="SE")
    OrganisationFactory(
        name="Ministry of Business of Denmark",
        country="DK",
        kind=OrganisationKind.NATIONAL_AUTHORITY,
    )
    InitiativeFactory(
        title="Baltic testbeds for circular plastics",
        funding_source=interreg(),
        status=InitiativeStatus.ACTIVE,
    )
    MembershipApplicationFactory(
        organisation_name="Agencia de Desarrollo de La Rioja",
        submitted_at=now - timedelta(days=12),
        status=ApplicationStatus.APPROVED,
        decided_at=now - timedelta(days=2),
    )
    MembershipApplicationFactory(
        organisation_name="Slovenian Business Agency", submitted_at=now - timedelta(days=4)
    )
    topic = TopicFactory(title="Energy clusters", slug="energy")
    posts = posts_add(thread_in(topic), now - timedelta(days=40), now - timedelta(days=1))
    Flag.objects.create(post=posts[-1], flagged_by=member_user(), reason="Off topic.")
    JoinRequest.objects.create(
        user=member_user(full_name="Pat Patient"),
        organisation=OrganisationFactory(name="Basque Business Agency", slug="basque"),
        position="Analyst",
        created_at=now - timedelta(days=10),
    )


def open_all_tables(page):
    for summary in page.locator("details.chart__data > summary").all():
        summary.click()


def test_the_dashboard_is_accessible_and_its_charts_lead_to_the_filtered_lists(
    page, live_server, sign_in, secretariat_user, password, alliance
):
    sign_in(page, email=secretariat_user.email, password=password)
    page.goto("/")
    page.get_by_role("link", name="Secretariat", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Secretariat workspace"
    assert (
        page.get_by_role("link", name="Secretariat", exact=True).get_attribute("aria-current")
        == "page"
    )
    assert_accessible(page)
    open_all_tables(page)
    assert_accessible(page)

    # Each chart's bars (SVG links) lead to the list they count, filtered.
    journeys = [
        ("/members/?country=SE", "Swedish Cluster Agency"),
        ("/members/?kind=national", "Ministry of Business of Denmark"),
        ("/initiatives/?status=active", "Baltic testbeds for circular plastics"),
        ("/initiatives/?funding_source=interreg", "Baltic testbeds for circular plastics"),
    ]
    for href, expected in journeys:
        page.goto("/secretariat/")
        with page.expect_navigation():
            page.locator(f'svg a.chart__link[href="{href}"]').click()
        assert page.url == f"{live_server.url}{href}"
        assert page.get_by_text(expected).first.is_visible()
    page.goto("/members/?country=SE")
    assert "Ministry of Business of Denmark" not in page.locator("main").inner_text()

    page.goto("/secretariat/")
    page.get_by_role("link", name="Energy clusters").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Energy clusters"

    page.goto("/secretariat/")
    page.get_by_role("link", name="Approved", exact=True).click()
    assert page.url.endswith("/members/review/?status=approved")
    assert page.get_by_role("link", name="Agencia de Desarrollo de La Rioja").is_visible()
    assert not page.get_by_text("Slovenian Business Agency").count()


def test_the_work_queues_are_accessible_and_lead_to_the_work(
    page, live_server, sign_in, secretariat_user, password, alliance
):
    sign_in(page, email=secretariat_user.email, password=password)
    page.goto("/secretariat/")
    page.get_by_role("link", name="1 flagged post to moderate").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Work queues"
    assert_accessible(page)
    assert page.get_by_role("heading", name="1 application waiting for review").is_visible()
    assert page.get_by_role("heading", name="1 join request waiting too long").is_visible()

    page.get_by_role("link", name="Post #3 in").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Moderation queue"
    assert page.url.endswith("#" + page.locator("article.flagged-post h3").get_attribute("id"))

    page.goto("/secretariat/queues/")
    page.get_by_role("link", name="Pat Patient asks to join Basque Business Agency").click()
    assert page.url.endswith("/members/basque/join-requests/")


def test_the_vocabularies_are_accessible_and_bad_input_is_explained(
    page, live_server, sign_in, secretariat_user, password
):
    interreg()
    sign_in(page, email=secretariat_user.email, password=password)
    page.goto("/secretariat/vocabularies/")
    assert_accessible(page)
    assert (
        page.get_by_role("link", name="Policy themes").get_attribute("href") == "/members/themes/"
    )

    page.get_by_role("link", name="Funding sources").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Funding sources"
    assert_accessible(page)

    page.get_by_label("name (English)").fill("Interreg")
    page.get_by_role("button", name="Add the funding source").click()
    assert (
        page.locator("#id_name_error").inner_text()
        == "A funding source with this name exists already."
    )
    assert page.get_by_label("name (English)").get_attribute("aria-invalid") == "true"
    assert_accessible(page)

    page.get_by_label("name (English)").fill("Erasmus+")
    page.get_by_label("name (German)").fill("Erasmus+ Programm")
    page.get_by_role("button", name="Add the funding source").click()
    page.get_by_text("The funding source “Erasmus+” was added.").wait_for()
    assert FundingSource.objects.get(name="Erasmus+").name_de == "Erasmus+ Programm"

    page.get_by_role("link", name="Edit Erasmus+").click()
    assert_accessible(page)
    page.get_by_label("name (French)").fill("Erasmus+ (FR)")
    page.get_by_role("button", name="Save the funding source").click()
    page.get_by_text("The funding source “Erasmus+” was saved.").wait_for()
    assert FundingSource.objects.get(name="Erasmus+").name_fr == "Erasmus+ (FR)"
