"""The dashboard's figures and the work queues, on a known data set."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from dialogues.models import Flag
from initiatives.models import InitiativeStatus
from members.models import (
    ApplicationStatus,
    JoinRequest,
    Organisation,
    OrganisationKind,
)
from secretariat import selectors
from tests.dialogues.factories import TopicFactory, member_user
from tests.initiatives.factories import InitiativeFactory, funding
from tests.members.factories import (
    MembershipApplicationFactory,
    OrganisationFactory,
    RegionalAuthorityFactory,
)
from tests.secretariat.data import moment, posts_add, thread_in

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)


def test_the_months_shown_are_the_last_twelve_this_month_last():
    months = selectors.months_shown(today=TODAY)
    assert len(months) == 12
    assert months[0] == date(2025, 7, 1)
    assert months[-1] == date(2026, 6, 1)
    assert selectors.months_shown(today=date(2026, 1, 31), count=2) == [
        date(2025, 12, 1),
        date(2026, 1, 1),
    ]


def test_members_are_counted_by_country_and_kind_active_ones_only():
    OrganisationFactory.create_batch(3, country="AT")
    OrganisationFactory(country="DE", kind=OrganisationKind.NATIONAL_AUTHORITY)
    RegionalAuthorityFactory.create_batch(2)  # France
    OrganisationFactory(country="DE", membership_status=Organisation.MembershipStatus.SUSPENDED)

    by_country = selectors.members_by_country()
    assert [(row.key, row.label, row.value) for row in by_country] == [
        ("AT", "Austria", 3),
        ("FR", "France", 2),
        ("DE", "Germany", 1),
    ]
    assert by_country[0].url == "/members/?country=AT"

    by_kind = {row.key: row for row in selectors.members_by_kind()}
    assert list(by_kind) == ["national", "regional", "agency", "other"]
    assert {key: row.value for key, row in by_kind.items()} == {
        "national": 1,
        "regional": 2,
        "agency": 3,
        "other": 0,
    }
    assert by_kind["regional"].url == "/members/?kind=regional"
    assert by_kind["regional"].label == "Regional public authority"


def application(submitted, status=ApplicationStatus.SUBMITTED, decided=None):
    return MembershipApplicationFactory(submitted_at=submitted, status=status, decided_at=decided)


def test_applications_received_and_decided_per_month_with_the_median_review_time():
    application(moment(2026, 3, 10), ApplicationStatus.APPROVED, moment(2026, 3, 20))  # 10 days
    application(moment(2026, 3, 15), ApplicationStatus.REJECTED, moment(2026, 4, 14))  # 30 days
    # A withdrawal is not a decision of the secretariat.
    application(moment(2026, 4, 1), ApplicationStatus.WITHDRAWN, moment(2026, 4, 5))
    application(moment(2026, 6, 1))
    # Submitted before the window, decided in it: 335 days.
    application(moment(2025, 5, 1), ApplicationStatus.APPROVED, moment(2026, 4, 1))
    # Before the window altogether.
    application(moment(2025, 6, 30), ApplicationStatus.REJECTED, moment(2025, 6, 30, 18))

    figures = selectors.application_figures(today=TODAY)

    by_month = {month.month: month for month in figures.months}
    assert len(by_month) == 12
    march, april, june = (by_month[date(2026, m, 1)] for m in (3, 4, 6))
    assert (march.received, march.decided, march.median_review_days) == (2, 1, 10.0)
    assert (april.received, april.decided, april.median_review_days) == (1, 2, 182.5)
    assert (june.received, june.decided, june.median_review_days) == (1, 0, None)
    assert by_month[date(2025, 7, 1)].received == 0
    assert figures.received_total == 4
    assert figures.decided_count == 3
    assert figures.median_review_days == 30.0


def test_no_decision_means_no_median():
    application(moment(2026, 5, 2))
    figures = selectors.application_figures(today=TODAY)
    assert figures.median_review_days is None
    assert figures.decided_count == 0
    assert figures.received_total == 1


def test_the_application_links_lead_to_the_queue_filtered_by_decision():
    assert [link.url for link in selectors.application_status_links()] == [
        "/members/review/",
        "/members/review/?status=approved",
        "/members/review/?status=rejected",
    ]


def test_dialogue_activity_per_month_for_the_busiest_topics_and_the_others_together():
    energy = TopicFactory(title="Energy clusters", slug="energy")
    health = TopicFactory(title="Health clusters", slug="health")
    tourism = TopicFactory(title="Tourism clusters", slug="tourism")
    textiles = TopicFactory(title="Textile clusters", slug="textiles")
    posts_add(thread_in(energy), moment(2026, 3, 2), moment(2026, 3, 3), moment(2026, 4, 1))
    posts_add(thread_in(energy), moment(2026, 3, 30))
    posts_add(thread_in(energy), moment(2026, 3, 4), hidden=True)  # hidden: not counted
    posts_add(thread_in(health), moment(2026, 5, 5), moment(2026, 5, 6))
    posts_add(thread_in(tourism), moment(2026, 6, 1))
    posts_add(thread_in(textiles), moment(2026, 3, 9), moment(2025, 6, 1))  # June 2025: too old

    months, rows = selectors.dialogue_activity(today=TODAY, top=2)

    assert len(months) == 12
    index = {month: position for position, month in enumerate(months)}
    summary = [(row.label, row.value, row.url) for row, _values in rows]
    assert summary == [
        ("Energy clusters", 4, "/dialogues/energy/"),
        ("Health clusters", 2, "/dialogues/health/"),
        ("Other topics", 2, "/dialogues/"),
    ]
    energy_months, health_months, other_months = (values for _row, values in rows)
    assert energy_months[index[date(2026, 3, 1)]] == 3
    assert energy_months[index[date(2026, 4, 1)]] == 1
    assert health_months[index[date(2026, 5, 1)]] == 2
    assert other_months[index[date(2026, 3, 1)]] == 1  # textiles
    assert other_months[index[date(2026, 6, 1)]] == 1  # tourism
    assert sum(energy_months) + sum(health_months) + sum(other_months) == 8


def test_no_other_topics_row_when_the_busiest_are_all_there_is():
    posts_add(thread_in(TopicFactory(title="Energy clusters")), moment(2026, 6, 2))
    _months, rows = selectors.dialogue_activity(today=TODAY)
    assert [row.label for row, _values in rows] == ["Energy clusters"]


def test_initiatives_are_counted_by_status_and_by_funding_source():
    InitiativeFactory(funding_source=funding("interreg"))
    InitiativeFactory(funding_source=funding("interreg"), status=InitiativeStatus.ACTIVE)
    InitiativeFactory(funding_source=funding("horizon-europe"), status=InitiativeStatus.ACTIVE)
    InitiativeFactory(status=InitiativeStatus.CANCELLED)

    by_status = {row.key: row for row in selectors.initiatives_by_status()}
    assert list(by_status) == list(InitiativeStatus.values)
    assert {key: row.value for key, row in by_status.items()} == {
        "proposed": 1,
        "seeking_partners": 0,
        "active": 2,
        "completed": 0,
        "cancelled": 1,
    }
    assert by_status["active"].url == "/initiatives/?status=active"

    by_source = selectors.initiatives_by_funding_source()
    assert [(row.key, row.value) for row in by_source[:2]] == [
        ("interreg", 2),
        ("horizon-europe", 1),
    ]
    assert by_source[0].url == "/initiatives/?funding_source=interreg"
    assert all(row.value == 0 for row in by_source[2:-1])
    assert (by_source[-1].label, by_source[-1].value, by_source[-1].url) == (
        "No funding source named",
        1,
        "",
    )


def test_the_work_queues_list_the_longest_waiting_first(secretariat_user):
    now = timezone.now()
    newer = application(now - timedelta(days=2), ApplicationStatus.UNDER_REVIEW)
    older = application(now - timedelta(days=20))
    application(now - timedelta(days=30), ApplicationStatus.INFORMATION_REQUESTED)
    application(now - timedelta(days=40), ApplicationStatus.APPROVED, now)
    assert list(selectors.applications_waiting()) == [older, newer]

    organisation = OrganisationFactory()
    overdue = JoinRequest.objects.create(
        user=member_user(), organisation=organisation, position="Analyst",
        created_at=now - timedelta(days=selectors.JOIN_REQUEST_OVERDUE_DAYS, hours=1),
    )  # fmt: skip
    JoinRequest.objects.create(
        user=member_user(), organisation=organisation, position="Analyst",
        created_at=now - timedelta(days=selectors.JOIN_REQUEST_OVERDUE_DAYS - 1),
    )  # fmt: skip
    JoinRequest.objects.create(
        user=member_user(), organisation=organisation, position="Analyst",
        status=JoinRequest.Status.DECLINED, created_at=now - timedelta(days=30),
    )  # fmt: skip
    assert list(selectors.join_requests_overdue(now=now)) == [overdue]

    thread = thread_in(TopicFactory())
    first, second = posts_add(thread, now, now)
    Flag.objects.create(post=second, flagged_by=member_user(), reason="Off topic.")
    Flag.objects.create(post=second, flagged_by=member_user(), reason="Rude.")
    Flag.objects.create(
        post=first, flagged_by=member_user(), reason="Old news.",
        created_at=now - timedelta(days=3),
    )  # fmt: skip
    Flag.objects.create(
        post=first, flagged_by=member_user(), reason="Dealt with.", resolved_at=now,
        resolution=Flag.Resolution.DISMISSED,
    )  # fmt: skip
    assert list(selectors.flagged_posts_waiting(user=secretariat_user)) == [first, second]

    counts = selectors.queue_counts(now=now)
    assert (counts.applications, counts.flagged_posts, counts.join_requests) == (2, 2, 1)
