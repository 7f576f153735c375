"""Reads of the secretariat's workspace: the dashboard's figures and the work queues.

Every figure is aggregated by the database (GROUP BY, TruncMonth, percentile_cont), so the
number of queries and of rows read back is fixed whatever the number of members, applications,
posts or initiatives. Each row carries the URL of the filtered list it counts.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from django.db.models import Aggregate, Case, Count, F, FloatField, Func, IntegerField, Value, When
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dialogues import selectors as dialogue_selectors
from dialogues.models import Flag, Post
from initiatives.models import FundingSource, Initiative, InitiativeStatus
from members import geography
from members.models import (
    ApplicationStatus,
    JoinRequest,
    MembershipApplication,
    Organisation,
    OrganisationKind,
    PolicyTheme,
)
from secretariat.charts import ChartRow

# The dashboard's time charts cover this many months, the current one included.
MONTHS_SHOWN = 12
# The dialogue chart shows the busiest topics one by one, and the rest together as "other".
TOP_TOPICS = 5
# A join request is overdue when the organisation's contact has not answered it in this time.
JOIN_REQUEST_OVERDUE_DAYS = 7
# Each work queue shows this many items, the longest waiting first, and links to the rest.
QUEUE_ITEMS_SHOWN = 10
# Applications waiting for the secretariat (not for the applicant's answer).
APPLICATION_WAITING_STATUSES = [
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.UNDER_REVIEW,
    ApplicationStatus.RESUBMITTED,
]
DECIDED_STATUSES = [ApplicationStatus.APPROVED, ApplicationStatus.REJECTED]
SECONDS_PER_DAY = 86_400


def _url(name: str, **query) -> str:
    url = reverse(name)
    return f"{url}?{urlencode(query)}" if query else url


def months_shown(*, today: date | None = None, count: int = MONTHS_SHOWN) -> list[date]:
    """The first day of each of the last `count` months, oldest first, this month last."""
    today = today or timezone.localdate()
    year, month = today.year, today.month
    months = []
    for _index in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def _month_start_datetime(month: date):
    return timezone.make_aware(datetime(month.year, month.month, 1))


def _month_of(value) -> date:
    """TruncMonth gives a datetime in the current time zone; the chart's months are dates."""
    return value.date() if hasattr(value, "date") else value


# --- Members ---------------------------------------------------------------------------------


def members_by_country() -> list[ChartRow]:
    """Active members per country, the most first (the countries without members are left
    out). Each row links to the member directory filtered by the country."""
    counts = (
        Organisation.objects.filter(membership_status=Organisation.MembershipStatus.ACTIVE)
        .values("country")
        .annotate(count=Count("pk"))
        .order_by()
    )
    rows = [
        ChartRow(
            label=geography.country_name(row["country"]),
            value=row["count"],
            url=_url("members:organisation_list", country=row["country"]),
            key=row["country"],
        )
        for row in counts
    ]
    return sorted(rows, key=lambda row: (-row.value, row.label))


def members_by_kind() -> list[ChartRow]:
    """Active members per kind of organisation, every kind in its usual order."""
    counts = dict(
        Organisation.objects.filter(membership_status=Organisation.MembershipStatus.ACTIVE)
        .values_list("kind")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return [
        ChartRow(
            label=kind.label,
            value=counts.get(kind.value, 0),
            url=_url("members:organisation_list", kind=kind.value),
            key=kind.value,
        )
        for kind in OrganisationKind
    ]


# --- Applications ----------------------------------------------------------------------------


class Median(Aggregate):
    """PostgreSQL's median of a number."""

    function = "percentile_cont"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _review_seconds():
    """Seconds from submission to decision, for an application that is decided."""
    return Func(
        F("decided_at") - F("submitted_at"),
        template="EXTRACT(EPOCH FROM %(expressions)s)",
        output_field=FloatField(),
    )


def _days(seconds) -> float | None:
    return None if seconds is None else round(seconds / SECONDS_PER_DAY, 1)


@dataclass(frozen=True)
class ApplicationMonth:
    month: date
    received: int
    decided: int
    median_review_days: float | None


@dataclass(frozen=True)
class ApplicationFigures:
    months: list[ApplicationMonth]
    median_review_days: float | None
    decided_count: int

    @property
    def received_total(self) -> int:
        return sum(month.received for month in self.months)


def application_figures(*, today: date | None = None) -> ApplicationFigures:
    """Applications received and decided (approved or rejected) per month over the last
    MONTHS_SHOWN months, with the median time from submission to decision per month and over
    the whole period. Three queries."""
    months = months_shown(today=today)
    since = _month_start_datetime(months[0])
    received = dict(
        MembershipApplication.objects.filter(submitted_at__gte=since)
        .annotate(month=TruncMonth("submitted_at"))
        .values_list("month")
        .annotate(count=Count("pk"))
        .order_by()
    )
    decided_applications = MembershipApplication.objects.filter(
        status__in=DECIDED_STATUSES, decided_at__gte=since
    )
    decided = {
        _month_of(row["month"]): row
        for row in decided_applications.annotate(month=TruncMonth("decided_at"))
        .values("month")
        .annotate(count=Count("pk"), median=Median(_review_seconds()))
        .order_by()
    }
    overall = decided_applications.aggregate(count=Count("pk"), median=Median(_review_seconds()))
    received = {_month_of(month): count for month, count in received.items()}
    return ApplicationFigures(
        months=[
            ApplicationMonth(
                month=month,
                received=received.get(month, 0),
                decided=decided[month]["count"] if month in decided else 0,
                median_review_days=_days(decided[month]["median"]) if month in decided else None,
            )
            for month in months
        ],
        median_review_days=_days(overall["median"]),
        decided_count=overall["count"],
    )


def application_status_links() -> list[ChartRow]:
    """Where the application chart leads: the queue, open and by decision."""
    return [
        ChartRow(
            label=_("Open applications"), value=0, url=_url("members:application_queue"), key=""
        ),
        *(
            ChartRow(
                label=status.label,
                value=0,
                url=_url("members:application_queue", status=status.value),
                key=status.value,
            )
            for status in DECIDED_STATUSES
        ),
    ]


# --- Dialogues -------------------------------------------------------------------------------

OTHER_TOPICS = "other"


def dialogue_activity(*, today: date | None = None, top: int = TOP_TOPICS):
    """Posts per month over the last MONTHS_SHOWN months for the busiest `top` topics of the
    period, and for all other topics together. Hidden posts are not counted. Two queries: the
    busiest topics, then the counts per month, the other topics folded into one bucket.

    Returns (months, [(ChartRow, [count per month])]): a topic's row links to its page."""
    months = months_shown(today=today)
    since = _month_start_datetime(months[0])
    posts = Post.objects.filter(created_at__gte=since, hidden_at__isnull=True)
    busiest = list(
        posts.values("thread__topic_id", "thread__topic__title", "thread__topic__slug")
        .annotate(count=Count("pk"))
        .order_by("-count", "thread__topic__title")[:top]
    )
    busiest_ids = [row["thread__topic_id"] for row in busiest]
    bucket = Case(
        *[When(thread__topic_id=pk, then=Value(pk)) for pk in busiest_ids],
        default=Value(0),
        output_field=IntegerField(),
    )
    per_month = {}
    for row in (
        posts.annotate(month=TruncMonth("created_at"), bucket=bucket)
        .values("month", "bucket")
        .annotate(count=Count("pk"))
        .order_by()
    ):
        per_month[(row["bucket"], _month_of(row["month"]))] = row["count"]

    def series(bucket_id):
        return [per_month.get((bucket_id, month), 0) for month in months]

    rows = [
        (
            ChartRow(
                label=row["thread__topic__title"],
                value=row["count"],
                url=reverse("dialogues:topic_detail", kwargs={"slug": row["thread__topic__slug"]}),
                key=row["thread__topic__slug"],
            ),
            series(row["thread__topic_id"]),
        )
        for row in busiest
    ]
    others = series(0)
    if any(others):
        rows.append(
            (
                ChartRow(
                    label=_("Other topics"),
                    value=sum(others),
                    url=reverse("dialogues:topic_list"),
                    key=OTHER_TOPICS,
                ),
                others,
            )
        )
    return months, rows


# --- Initiatives -----------------------------------------------------------------------------


def initiatives_by_status() -> list[ChartRow]:
    counts = dict(Initiative.objects.values_list("status").annotate(count=Count("pk")).order_by())
    return [
        ChartRow(
            label=status.label,
            value=counts.get(status.value, 0),
            url=_url("initiatives:initiative_list", status=status.value),
            key=status.value,
        )
        for status in InitiativeStatus
    ]


def initiatives_by_funding_source() -> list[ChartRow]:
    """Every funding source with its number of initiatives, the most first, and the
    initiatives without one last (the directory has no filter for those). Two queries."""
    sources = FundingSource.objects.annotate(count=Count("initiatives")).order_by("name")
    rows = sorted(
        (
            ChartRow(
                label=source.display_name,
                value=source.count,
                url=_url("initiatives:initiative_list", funding_source=source.slug),
                key=source.slug,
            )
            for source in sources
        ),
        key=lambda row: -row.value,
    )
    without = Initiative.objects.filter(funding_source__isnull=True).count()
    if without:
        rows.append(ChartRow(label=_("No funding source named"), value=without, key=""))
    return rows


# --- Work queues -----------------------------------------------------------------------------


def applications_waiting():
    """Applications waiting for the secretariat (not for the applicant), oldest first."""
    return (
        MembershipApplication.objects.filter(status__in=APPLICATION_WAITING_STATUSES)
        .only("pk", "organisation_name", "country", "status", "submitted_at", "decided_at")
        .order_by("submitted_at", "pk")
    )


def flagged_posts_waiting(*, user):
    """Posts with open flags, the longest waiting first: the moderation queue's own order, so
    that the first items here are the first items there."""
    return dialogue_selectors.moderation_queue_for_user(user=user)


def open_flag_post_count() -> int:
    """Posts with at least one open flag (for the secretariat, who moderates every topic)."""
    return Flag.objects.filter(resolved_at__isnull=True).values("post_id").distinct().count()


def join_requests_overdue(*, now=None):
    """Join requests no contact has answered in JOIN_REQUEST_OVERDUE_DAYS, oldest first."""
    now = now or timezone.now()
    return (
        JoinRequest.objects.filter(
            status=JoinRequest.Status.PENDING,
            created_at__lt=now - timedelta(days=JOIN_REQUEST_OVERDUE_DAYS),
        )
        .select_related("user", "organisation")
        .only(
            "pk",
            "position",
            "created_at",
            "user__full_name",
            "user__email",
            "organisation__name",
            "organisation__slug",
        )
        .order_by("created_at", "pk")
    )


@dataclass(frozen=True)
class QueueCounts:
    applications: int
    flagged_posts: int
    join_requests: int


def queue_counts(*, now=None) -> QueueCounts:
    """How much work waits in each queue: three counts."""
    return QueueCounts(
        applications=applications_waiting().count(),
        flagged_posts=open_flag_post_count(),
        join_requests=join_requests_overdue(now=now).count(),
    )


# --- Vocabularies ----------------------------------------------------------------------------


def funding_source_list():
    """The funding sources with how many initiatives name each (`initiative_count`)."""
    return FundingSource.objects.annotate(initiative_count=Count("initiatives")).order_by("name")


@dataclass(frozen=True)
class VocabularyCounts:
    policy_themes: int
    funding_sources: int


def vocabulary_counts() -> VocabularyCounts:
    return VocabularyCounts(
        policy_themes=PolicyTheme.objects.count(),
        funding_sources=FundingSource.objects.count(),
    )
