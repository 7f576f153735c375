"""The secretariat's pages: who may open them, what they show, and their query bounds."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dialogues.models import Flag
from initiatives.models import FundingSource, InitiativeStatus
from members.models import ApplicationStatus, JoinRequest, OrganisationKind
from secretariat import selectors
from tests.dialogues.factories import TopicFactory, member_user
from tests.initiatives.factories import InitiativeFactory, funding
from tests.members.factories import MembershipApplicationFactory, OrganisationFactory
from tests.secretariat.data import posts_add, thread_in

pytestmark = pytest.mark.django_db

DASHBOARD = "/secretariat/"
QUEUES = "/secretariat/queues/"
VOCABULARIES = "/secretariat/vocabularies/"
FUNDING_SOURCES = "/secretariat/vocabularies/funding-sources/"


def edit_url(source):
    return reverse("secretariat:fundingsource_edit", kwargs={"pk": source.pk})


def delete_url(source):
    return reverse("secretariat:fundingsource_delete", kwargs={"pk": source.pk})


def pages():
    interreg = funding("interreg")
    return [DASHBOARD, QUEUES, VOCABULARIES, FUNDING_SOURCES, edit_url(interreg)]


# --- Who may open the pages ------------------------------------------------------------------


def test_anonymous_people_are_sent_to_sign_in(client):
    for url in pages():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith("/accounts/login/?next="), url
    response = client.post(delete_url(funding("other")))
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert FundingSource.objects.filter(slug="other").exists()


@pytest.mark.parametrize("role", ["verified_user", "representative", "contact"])
def test_people_outside_the_secretariat_are_refused(client, request, role):
    client.force_login(request.getfixturevalue(role))
    for url in pages():
        assert client.get(url).status_code == 403, url
    assert client.post(FUNDING_SOURCES, {"name": "Erasmus+"}).status_code == 403
    assert client.post(delete_url(funding("other"))).status_code == 403
    assert not FundingSource.objects.filter(name="Erasmus+").exists()
    assert FundingSource.objects.filter(slug="other").exists()


def test_the_secretariat_opens_every_page(client, secretariat_user):
    client.force_login(secretariat_user)
    for url in pages():
        assert client.get(url).status_code == 200, url


def test_the_secretariat_without_a_second_factor_is_sent_to_set_one_up(
    client, secretariat_user_without_2fa
):
    client.force_login(secretariat_user_without_2fa)
    for url in pages():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == reverse("mfa_index"), url
    response = client.post(FUNDING_SOURCES, {"name": "Erasmus+"})
    assert response.status_code == 302 and response.url == reverse("mfa_index")
    assert not FundingSource.objects.filter(name="Erasmus+").exists()
    response = client.post(delete_url(funding("other")))
    assert response.status_code == 302 and response.url == reverse("mfa_index")
    assert FundingSource.objects.filter(slug="other").exists()


def test_an_unknown_funding_source_is_not_found(client, secretariat_user):
    client.force_login(secretariat_user)
    assert client.get("/secretariat/vocabularies/funding-sources/999999/edit/").status_code == 404


# --- Navigation --------------------------------------------------------------------------------


def nav_of(response):
    return re.search(r'<nav class="site-nav".*?</nav>', response.content.decode(), re.S).group(0)


def test_the_secretariat_has_one_navigation_entry_current_on_its_pages(client, secretariat_user):
    client.force_login(secretariat_user)
    current = f'<a href="{DASHBOARD}" aria-current="page">Secretariat</a>'
    for url in [
        DASHBOARD,
        QUEUES,
        FUNDING_SOURCES,
        "/members/review/",
        "/members/themes/",
        "/dialogues/moderation/",
        reverse("audit:log"),
        reverse("secretariat_users:user_list"),
    ]:
        nav = nav_of(client.get(url))
        assert current in nav, url
        assert nav.count('aria-current="page"') == 1, url
    directory_nav = nav_of(client.get("/members/"))
    assert f'<a href="{DASHBOARD}">Secretariat</a>' in directory_nav
    assert 'aria-current="page">Member directory' in directory_nav


def test_people_outside_the_secretariat_have_no_secretariat_entry(client, contact):
    client.force_login(contact)
    assert DASHBOARD not in nav_of(client.get("/members/"))


def test_the_dashboard_links_to_every_secretariat_page(client, secretariat_user):
    client.force_login(secretariat_user)
    html = client.get(DASHBOARD).content.decode()
    for name in [
        "secretariat:queues",
        "secretariat:vocabularies",
        "secretariat:fundingsource_list",
        "members:application_queue",
        "members:policytheme_list",
        "dialogues:moderation_queue",
        "dialogues:moderation_log",
        "dialogues:topic_create",
        "audit:log",
        "secretariat_users:user_list",
    ]:
        assert f'href="{reverse(name)}"' in html, name


# --- The dashboard ---------------------------------------------------------------------------


def test_the_dashboard_charts_link_to_the_filtered_lists_and_carry_their_figures(
    client, secretariat_user
):
    # The other factories make Austrian agencies (the lead, the thread's author).
    OrganisationFactory.create_batch(2, country="SE")
    OrganisationFactory(country="DK", kind=OrganisationKind.NATIONAL_AUTHORITY)
    InitiativeFactory(funding_source=funding("interreg"), status=InitiativeStatus.ACTIVE)
    topic = TopicFactory(title="Energy clusters", slug="energy")
    posts_add(thread_in(topic), timezone.now(), timezone.now())
    now = timezone.now()
    MembershipApplicationFactory(
        submitted_at=now - timedelta(days=6), status=ApplicationStatus.APPROVED, decided_at=now
    )
    client.force_login(secretariat_user)

    html = client.get(DASHBOARD).content.decode()

    # Bars are links to the filtered lists, labelled and valued in text.
    for url, label, value in [
        ("/members/?country=SE", "Sweden", 2),
        ("/members/?country=AT", "Austria", 2),
        ("/members/?kind=national", "National public authority", 1),
        ("/initiatives/?status=active", "Active", 1),
        ("/initiatives/?funding_source=interreg", "Interreg", 1),
    ]:
        link = re.search(rf'<a href="{re.escape(url)}" class="chart__link">(.*?)</a>', html, re.S)
        assert link, url
        assert f">{label}</text>" in link.group(1)
        assert f">{value}</text>" in link.group(1)
    assert '<a href="/dialogues/energy/">Energy clusters</a>' in html
    assert '<a href="/members/review/?status=approved">Approved</a>' in html
    # Each chart has a text alternative: a caption, and the figures in a table.
    assert html.count("<figure") == html.count("<figcaption") == 6
    assert html.count('<details class="chart__data">') == 6
    assert "Median review time, from submission to decision: 6.0 days." in html
    assert "5 active members, by country." in html
    assert "2 posts in 12 months" in html
    # Text in the SVG is real text, and numbers in its geometry are never localised.
    assert re.search(r'<rect class="chart__bar" x="[\d.]+" y="[\d.]+" width="[\d.]+"', html)


def test_the_dashboard_geometry_is_not_localised_in_french(client, secretariat_user):
    OrganisationFactory.create_batch(3, country="AT")
    OrganisationFactory(
        country="FR", kind=OrganisationKind.REGIONAL_AUTHORITY, region_code="FR-ARA"
    )
    client.force_login(secretariat_user)
    html = client.get(DASHBOARD, headers={"accept-language": "fr"}).content.decode()
    widths = re.findall(r'<rect class="chart__bar" x="[^"]*" y="[^"]*" width="([^"]*)"', html)
    assert widths and all("," not in width for width in widths)


def test_an_empty_portal_shows_empty_charts_without_error(client, secretariat_user):
    client.force_login(secretariat_user)
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    html = response.content.decode()
    assert "No post in the last 12 months." in html
    assert "No decision yet in this period, so no review time." in html


def lots_of_everything(count):
    """`count` members, applications, posts, flags, join requests; a few initiatives."""
    countries = ["AT", "BE", "DK", "FI", "NL", "PL", "SE", "SI"]
    for index in range(count):
        OrganisationFactory(country=countries[index % len(countries)])
    now = timezone.now()
    for index in range(count):
        MembershipApplicationFactory(
            submitted_at=now - timedelta(days=20 * index + 5),
            status=ApplicationStatus.REJECTED if index % 2 else ApplicationStatus.SUBMITTED,
            decided_at=now - timedelta(days=10 * index) if index % 2 else None,
        )
    topics = [TopicFactory() for _index in range(max(count // 4, 1))]
    for index, topic in enumerate(topics):
        thread = thread_in(topic)
        posts = posts_add(thread, *(now - timedelta(days=9 * step) for step in range(index + 2)))
        Flag.objects.create(post=posts[0], flagged_by=member_user(), reason="Off topic.")
    organisation = OrganisationFactory()
    for index in range(count):
        JoinRequest.objects.create(
            user=member_user(),
            organisation=organisation,
            position="Analyst",
            created_at=now - timedelta(days=8 + index),
        )
    for _index in range(min(count, 3)):
        InitiativeFactory(funding_source=funding("erdf"))


# Every page's own (session, user, permissions, the two-factor check, the notification count:
# 13 today) and the page's: 13 for the dashboard's figures, 7 for the queues; a little room for
# the access rules to grow. A query per row would pass these bounds by far with 24 rows.
DASHBOARD_QUERIES = 30
QUEUE_QUERIES = 24


@pytest.mark.parametrize("count", [1, 24])
def test_the_dashboard_runs_a_fixed_number_of_queries(
    client, secretariat_user, django_assert_max_num_queries, count
):
    lots_of_everything(count)
    client.force_login(secretariat_user)
    client.get(DASHBOARD)  # the session's first request records it (allauth's usersessions)
    cache.clear()  # the figures counted again, not read from the cache
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        response = client.get(DASHBOARD)
    assert response.status_code == 200


def _dashboard(client):
    with CaptureQueriesContext(connection) as queries:
        html = client.get(DASHBOARD).content.decode()
    # The charts count by month; nothing else on the page does.
    return html, [q["sql"] for q in queries.captured_queries if "DATE_TRUNC" in q["sql"]]


def test_the_dashboard_figures_are_cached_for_five_minutes_and_say_when_counted(
    client, secretariat_user
):
    client.force_login(secretariat_user)
    InitiativeFactory(title="First initiative")
    html, counted = _dashboard(client)
    assert counted
    assert re.search(r"Figures counted at \d\d:\d\d; they are counted again every five", html)
    assert "1 initiative, by status" in html
    InitiativeFactory(title="Second initiative")
    html, counted = _dashboard(client)
    assert counted == []  # from the cache: still one initiative …
    assert "1 initiative, by status" in html
    cache.clear()  # … until the five minutes are over
    html, counted = _dashboard(client)
    assert counted and "2 initiatives, by status" in html


def test_the_queues_on_the_dashboard_are_never_cached(client, secretariat_user):
    client.force_login(secretariat_user)
    assert "0 applications to review" in _dashboard(client)[0]
    MembershipApplicationFactory(status=ApplicationStatus.SUBMITTED)
    assert "1 application to review" in _dashboard(client)[0]


def test_the_kept_dashboard_counts_its_queues_on_every_request_and_stays_the_secretariats(
    client, secretariat_user, contact, django_assert_max_num_queries
):
    """The dashboard is kept whole for the secretariat (eca_portal.shared_pages); its queues
    are filled in on every request, and the access checks still come first."""
    post = posts_add(thread_in(TopicFactory()), timezone.now())[0]
    flagger = member_user()
    client.force_login(secretariat_user)
    for _ in range(2):  # the first starts the cache's generation (nothing is kept before)
        assert "0 flagged posts to moderate" in _dashboard(client)[0]
    Flag.objects.create(post=post, flagged_by=flagger, reason="Off topic.")
    # Kept: the person, the two-factor check, the three queues (no figures, no template).
    with django_assert_max_num_queries(8):
        response = client.get(DASHBOARD)
    assert "secretariat/dashboard.html" not in [t.name for t in response.templates]
    html = response.content.decode()
    assert "1 flagged post to moderate" in html and "0 flagged posts" not in html
    assert html.count('class="workspace-counts"') == 1
    # The token of the sign-out form is the person's.
    assert 'name="csrfmiddlewaretoken" value=""' not in html
    other = Client()
    other.force_login(contact)
    assert other.get(DASHBOARD).status_code == 403
    assert Client().get(DASHBOARD).status_code == 302


def test_the_cached_figures_are_per_language(client, secretariat_user):
    client.force_login(secretariat_user)
    assert '<h2 id="members-title">Members</h2>' in _dashboard(client)[0]
    client.cookies["django_language"] = "fr"
    html, counted = _dashboard(client)
    assert counted and '<h2 id="members-title">Membres</h2>' in html


@pytest.mark.parametrize("count", [1, 24])
def test_the_queues_run_a_fixed_number_of_queries(
    client, secretariat_user, django_assert_max_num_queries, count
):
    lots_of_everything(count)
    client.force_login(secretariat_user)
    client.get(QUEUES)  # the session's first request records it (allauth's usersessions)
    with django_assert_max_num_queries(QUEUE_QUERIES):
        response = client.get(QUEUES)
    html = response.content.decode()
    shown = min(count, selectors.QUEUE_ITEMS_SHOWN)
    assert html.count('href="/members/review/') >= shown
    assert html.count('href="/dialogues/moderation/#flagged-') == min(
        max(count // 4, 1), selectors.QUEUE_ITEMS_SHOWN
    )


# --- The work queues -------------------------------------------------------------------------


def test_the_queues_show_what_waits_the_oldest_first_with_links_to_the_work(
    client, secretariat_user
):
    now = timezone.now()
    MembershipApplicationFactory(
        organisation_name="Newer Agency", submitted_at=now - timedelta(days=3)
    )
    older = MembershipApplicationFactory(
        organisation_name="Older Agency",
        submitted_at=now - timedelta(days=12),
        status=ApplicationStatus.RESUBMITTED,
    )
    MembershipApplicationFactory(
        organisation_name="Waiting For Its Applicant",
        status=ApplicationStatus.INFORMATION_REQUESTED,
    )
    thread = thread_in(TopicFactory(title="Energy clusters"))
    (post,) = posts_add(thread, now)
    Flag.objects.create(
        post=post, flagged_by=member_user(), reason="Rude.", created_at=now - timedelta(days=2)
    )
    organisation = OrganisationFactory(name="Basque Business Agency", slug="basque")
    JoinRequest.objects.create(
        user=member_user(full_name="Pat Patient"),
        organisation=organisation,
        position="Analyst",
        created_at=now - timedelta(days=9),
    )
    JoinRequest.objects.create(
        user=member_user(full_name="Neil New"), organisation=organisation, position="Analyst"
    )
    client.force_login(secretariat_user)

    html = client.get(QUEUES).content.decode()

    assert "2 applications waiting for review" in html
    assert html.index("Older Agency") < html.index("Newer Agency")
    assert f'<a href="/members/review/{older.pk}/">Older Agency</a>' in html
    assert "waiting 12 days" in html
    assert "Waiting For Its Applicant" not in html
    assert "1 flagged post awaiting moderation" in html
    assert f'href="/dialogues/moderation/#flagged-{post.pk}-title"' in html
    assert "flagged 2 days ago" in html
    assert "1 join request waiting too long" in html
    assert '<a href="/members/basque/join-requests/">Pat Patient asks to join Basque' in html
    assert "waiting 9 days" in html
    assert "Neil New" not in html


def test_empty_queues_say_so(client, secretariat_user):
    client.force_login(secretariat_user)
    html = client.get(QUEUES).content.decode()
    assert "No application waits for the secretariat." in html
    assert "No post waits for moderation." in html
    assert "No join request has waited too long." in html


# --- Vocabularies ----------------------------------------------------------------------------


def test_the_vocabularies_page_links_to_both_vocabularies(client, secretariat_user):
    client.force_login(secretariat_user)
    html = client.get(VOCABULARIES).content.decode()
    assert '<a href="/members/themes/">Policy themes</a>' in html
    assert f'<a href="{FUNDING_SOURCES}">Funding sources</a>' in html
    assert "6 funding sources." in html


def test_the_secretariat_adds_a_funding_source(client, secretariat_user):
    client.force_login(secretariat_user)
    response = client.post(
        FUNDING_SOURCES,
        {"name": " Erasmus+ ", "name_fr": "Erasmus+", "name_de": "Erasmus+ Programm"},
        follow=True,
    )
    source = FundingSource.objects.get(name="Erasmus+")
    assert (source.slug, source.name_de) == ("erasmus", "Erasmus+ Programm")
    assert "The funding source “Erasmus+” was added." in response.content.decode()


def error_of(response, field):
    match = re.search(rf'id="id_{field}_error"[^>]*>(.*?)</div>', response.content.decode(), re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else None


def test_bad_input_is_explained_next_to_the_field(client, secretariat_user):
    client.force_login(secretariat_user)
    empty = client.post(FUNDING_SOURCES, {"name": "", "name_fr": "Vide"})
    assert empty.status_code == 200
    assert error_of(empty, "name") == "This field is required."
    assert 'aria-invalid="true"' in empty.content.decode()

    taken = client.post(FUNDING_SOURCES, {"name": "interreg"})
    assert error_of(taken, "name") == "A funding source with this name exists already."

    too_long = client.post(FUNDING_SOURCES, {"name": "x" * 121})
    assert "at most 120 characters" in error_of(too_long, "name")
    assert FundingSource.objects.count() == 6


def test_the_secretariat_renames_a_funding_source_and_its_slug_stays(client, secretariat_user):
    source = funding("erdf")
    client.force_login(secretariat_user)
    response = client.post(
        edit_url(source),
        {"name": "ERDF", "name_fr": "FEDER", "name_de": "EFRE"},
        follow=True,
    )
    source.refresh_from_db()
    assert (source.slug, source.name, source.name_fr, source.name_de) == (
        "erdf",
        "ERDF",
        "FEDER",
        "EFRE",
    )
    assert "The funding source “ERDF” was saved." in response.content.decode()


def test_renaming_to_a_name_in_use_is_refused_next_to_the_field(client, secretariat_user):
    source = funding("erdf")
    client.force_login(secretariat_user)
    response = client.post(edit_url(source), {"name": "Horizon europe"})
    assert error_of(response, "name") == "A funding source with this name exists already."
    html = response.content.decode()
    assert "<h1>Edit the funding source “European Regional Development Fund”</h1>" in html
    source.refresh_from_db()
    assert source.name == "European Regional Development Fund"


def test_an_unused_funding_source_is_deleted_one_in_use_is_not(client, secretariat_user):
    initiative = InitiativeFactory(funding_source=funding("interreg"))
    client.force_login(secretariat_user)

    page = client.get(FUNDING_SOURCES).content.decode()
    assert f'action="{delete_url(funding("other"))}"' in page
    assert f'action="{delete_url(funding("interreg"))}"' not in page
    assert "In use: cannot be deleted" in page
    assert "A funding source that initiatives name cannot be deleted" in page

    refused = client.post(delete_url(funding("interreg")), follow=True)
    assert "“Interreg” cannot be deleted: 1 initiative names it." in refused.content.decode()
    assert FundingSource.objects.filter(slug="interreg").exists()
    initiative.refresh_from_db()
    assert initiative.funding_source.slug == "interreg"

    deleted = client.post(delete_url(funding("other")), follow=True)
    assert "The funding source “Other” was deleted." in deleted.content.decode()
    assert not FundingSource.objects.filter(slug="other").exists()


def test_deleting_needs_a_post(client, secretariat_user):
    client.force_login(secretariat_user)
    assert client.get(delete_url(funding("other"))).status_code == 405
