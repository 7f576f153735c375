"""Reads of the joint initiatives, shaped for the pages that show them, with the visibility
rules of initiatives.permissions built in.

Pages these serve (views come later; URL names in initiatives/urls.py):
- the directory (initiatives:initiative_list): initiative_list + filters.InitiativeFilterSet;
- an initiative's page (initiatives:initiative_detail): initiative_get_for_viewer,
  permissions.initiative_access, partner_list_for_viewer, commitment_totals,
  commitment_history, news_update_list, document_list_for_user, initiative_event_list,
  partner_requests_pending_for_initiative, initiative_similar (with
  InitiativeDraft.from_initiative) and, for the lead, initiative_partner_suggestions;
- proposing (initiatives:initiative_propose): initiative_similar on the unsaved draft;
- an organisation's own initiatives and invitations: initiative_list_for_organisation,
  partner_requests_pending_for_organisation; a document's download: document_get_for_user;
  a request or invitation: partner_request_get_for_user.
Every one of them runs in a number of queries that does not grow with the rows.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchRank
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest, Least
from django.http import Http404
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from dialogues.search import search_query
from eca_portal.cache_generations import cached_in_generation, generation_next
from initiatives import permissions
from initiatives.models import (
    Commitment,
    FundingSource,
    Initiative,
    InitiativeDocument,
    InitiativeEvent,
    InitiativePartner,
    InitiativeStatus,
    NewsUpdate,
    PartnerRequest,
)
from initiatives.similarity import (
    ArrayIntersectionSize,
    Cardinality,
    matched_words,
    significant_words,
    words_query,
)
from members import geography
from members import selectors as members_selectors
from members.models import ClusterProgramme, Organisation, PolicyTheme, Representative
from members.permissions import is_secretariat, representative_of

# --- The directory ---------------------------------------------------------------------------


def _role_order():
    """Lead first, then partners, then observers."""
    return Case(
        *[
            When(role=role, then=Value(position))
            for position, role in enumerate(InitiativePartner.Role.values)
        ],
        output_field=IntegerField(),
    )


def _current_partners_prefetch():
    return Prefetch(
        "partners",
        queryset=InitiativePartner.objects.filter(left_at__isnull=True)
        .select_related("organisation")
        .order_by(_role_order(), "joined_at", "pk"),
        to_attr="current_partners",
    )


def _partner_count():
    return Coalesce(
        Subquery(
            InitiativePartner.objects.filter(initiative=OuterRef("pk"), left_at__isnull=True)
            .order_by()
            .values("initiative")
            .annotate(count=Count("pk"))
            .values("count"),
            output_field=IntegerField(),
        ),
        0,
    )


def initiative_list(
    *,
    status: str | None = None,
    theme: PolicyTheme | None = None,
    country: str | None = None,
    funding_source: FundingSource | None = None,
    lead_name: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    query: str = "",
    base=None,
):
    """The public directory: every initiative (none is secret), newest first, or best match
    first with a text search. Each row has its lead, funding source, themes and
    `partner_count`. `lead_name` keeps those whose lead organisation's name has its words
    (members.selectors.organisations_named). Dates keep initiatives that run at some time
    between date_from and date_to (an initiative without dates is not known to run then).
    `base` narrows the initiatives looked at (a page's own restriction); by default, all."""
    initiatives = (
        (base if base is not None else Initiative.objects.all())
        .select_related("lead_organisation", "funding_source")
        .prefetch_related("themes")
        .annotate(partner_count=_partner_count())
        .defer("description", "description_html", "objectives", "search_vector")
    )
    if status:
        initiatives = initiatives.filter(status=status)
    if theme is not None:
        initiatives = initiatives.filter(
            Exists(
                Initiative.themes.through.objects.filter(
                    initiative=OuterRef("pk"), policytheme=theme
                )
            )
        )
    if country:
        initiatives = initiatives.filter(countries__contains=[country])
    if funding_source is not None:
        initiatives = initiatives.filter(funding_source=funding_source)
    if lead_name:
        initiatives = initiatives.filter(
            lead_organisation__in=members_selectors.organisations_named(lead_name).values("pk")
        )
    if date_from is not None:
        initiatives = initiatives.filter(start_date__isnull=False).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=date_from)
        )
    if date_to is not None:
        initiatives = initiatives.filter(start_date__lte=date_to)
    search = search_query(query or "")
    if search is not None:
        return (
            initiatives.filter(search_vector=search)
            .annotate(rank=SearchRank(F("search_vector"), search))
            .order_by("-rank", "-created_at", "-pk")
        )
    return initiatives.order_by("-created_at", "-pk")


def initiative_list_for_organisation(*, organisation):
    """The initiatives an organisation takes part in now, with its role (`my_role`)."""
    role = InitiativePartner.objects.filter(
        initiative=OuterRef("pk"), organisation=organisation, left_at__isnull=True
    ).values("role")[:1]
    return (
        Initiative.objects.filter(Exists(role))
        .annotate(my_role=Subquery(role), partner_count=_partner_count())
        .select_related("lead_organisation", "funding_source")
        .prefetch_related("themes")
        .defer("description", "description_html", "objectives", "search_vector")
        .order_by("-created_at", "-pk")
    )


# --- One initiative --------------------------------------------------------------------------


def initiative_get_for_viewer(*, user, slug) -> Initiative:
    """An initiative's page: public, whatever its status (a 404 only if there is none). With
    its lead, funding source, thread, themes and current partners (`current_partners`, which
    permissions.initiative_access uses without further queries)."""
    initiative = (
        Initiative.objects.select_related("lead_organisation", "funding_source", "thread__topic")
        .prefetch_related("themes", _current_partners_prefetch())
        .defer("search_vector")
        .filter(slug=slug)
        .first()
    )
    if initiative is None:
        raise Http404
    return initiative


def partner_list_for_viewer(*, user, initiative) -> list:
    """The current partners: the lead, the partners, the observers, each by name. Each has
    `contact_people` (Representative rows with their user): filled for members and the
    secretariat, empty for everyone else."""
    partners = (
        InitiativePartner.objects.filter(initiative=initiative, left_at__isnull=True)
        .select_related("organisation")
        .order_by(_role_order(), "organisation__name", "pk")
    )
    if not permissions.sees_member_content(user):
        partners = list(partners)
        for partner in partners:
            partner.contact_people = []
        return partners
    partners = list(
        partners.prefetch_related(
            Prefetch(
                "organisation__representatives",
                queryset=Representative.objects.filter(role=Representative.Role.CONTACT)
                .select_related("user")
                .order_by("user__full_name", "pk"),
                to_attr="contact_representatives",
            )
        )
    )
    for partner in partners:
        partner.contact_people = partner.organisation.contact_representatives
    return partners


@dataclass
class KindTotal:
    kind: str
    label: str
    total: Decimal
    partner_count: int


@dataclass
class PartnerCommitments:
    organisation: Organisation
    commitments: dict = field(default_factory=dict)  # kind → current Commitment

    def amount(self, kind) -> Decimal:
        commitment = self.commitments.get(kind)
        return commitment.amount if commitment else Decimal(0)


@dataclass
class PooledResources:
    by_kind: list  # KindTotal, every kind, in Commitment.Kind order
    by_partner: list  # PartnerCommitments, by organisation name

    def total(self, kind) -> Decimal:
        return next((row.total for row in self.by_kind if row.kind == kind), Decimal(0))


def commitment_totals(*, initiative) -> PooledResources:
    """What the partners pool: the current commitments summed by kind (in SQL), and each
    partner's commitments. Two queries, whatever the number of partners."""
    current = Commitment.objects.filter(initiative=initiative, superseded_at__isnull=True)
    sums = {
        row["kind"]: row
        for row in current.order_by()
        .values("kind")
        .annotate(total=Sum("amount"), partner_count=Count("organisation", distinct=True))
    }
    by_kind = [
        KindTotal(
            kind=kind,
            label=label,
            total=sums.get(kind, {}).get("total") or Decimal(0),
            partner_count=sums.get(kind, {}).get("partner_count", 0),
        )
        for kind, label in Commitment.Kind.choices
    ]
    by_partner = {}
    for commitment in current.select_related("organisation").order_by("organisation__name", "pk"):
        row = by_partner.setdefault(
            commitment.organisation_id, PartnerCommitments(organisation=commitment.organisation)
        )
        row.commitments[commitment.kind] = commitment
    return PooledResources(by_kind=by_kind, by_partner=list(by_partner.values()))


def commitment_history(*, initiative):
    """Every commitment ever recorded, newest first; superseded ones have superseded_at."""
    return (
        Commitment.objects.filter(initiative=initiative)
        .select_related("organisation", "recorded_by")
        .order_by("-created_at", "-pk")
    )


def news_update_list(*, initiative):
    return (
        NewsUpdate.objects.filter(initiative=initiative)
        .select_related("author", "organisation")
        .order_by("-created_at", "-pk")
    )


def document_list_for_user(*, user, initiative):
    """The documents, for members and the secretariat; nothing for anyone else."""
    if not permissions.sees_member_content(user):
        return InitiativeDocument.objects.none()
    return (
        InitiativeDocument.objects.filter(initiative=initiative)
        .select_related("uploaded_by", "organisation")
        .order_by("-created_at", "-pk")
    )


def document_get_for_user(*, user, pk) -> InitiativeDocument:
    """A document to download: members and the secretariat; a 404 for everyone else."""
    document = InitiativeDocument.objects.select_related("initiative").filter(pk=pk).first()
    if document is None or not permissions.sees_member_content(user):
        raise Http404
    return document


def initiative_event_list(*, initiative):
    """The change log, newest first."""
    return (
        InitiativeEvent.objects.filter(initiative=initiative)
        .select_related("actor", "organisation")
        .order_by("-created_at", "-pk")
    )


def initiative_status_history(*, initiative):
    """The status changes, oldest first (the first is the proposal)."""
    return (
        InitiativeEvent.objects.filter(
            initiative=initiative, kind=InitiativeEvent.Kind.STATUS_CHANGED
        )
        .select_related("actor")
        .order_by("created_at", "pk")
    )


# --- Requests to join and invitations --------------------------------------------------------


def organisation_takes_part(*, organisation_id, initiative_slug) -> bool:
    """Whether the organisation has, or ever had, a part in the initiative: a partner row, or a
    request or invitation in any state."""
    return (
        Initiative.objects.filter(slug=initiative_slug)
        .filter(
            Exists(
                InitiativePartner.objects.filter(
                    initiative=OuterRef("pk"), organisation_id=organisation_id
                )
            )
            | Exists(
                PartnerRequest.objects.filter(
                    initiative=OuterRef("pk"), organisation_id=organisation_id
                )
            )
        )
        .exists()
    )


def partner_requests_pending_for_initiative(*, user, initiative):
    """What waits for an answer, oldest first: everything for the lead's representatives and
    the secretariat; the user's own organisation's request or invitation for others."""
    pending = (
        PartnerRequest.objects.filter(initiative=initiative, status=PartnerRequest.Status.PENDING)
        .select_related("organisation", "created_by")
        .order_by("created_at", "pk")
    )
    if is_secretariat(user) or permissions.is_lead_representative(user, initiative):
        return pending
    representative = representative_of(user)
    if representative is None:
        return PartnerRequest.objects.none()
    return pending.filter(organisation_id=representative.organisation_id)


def partner_request_get_for_user(*, user, pk) -> PartnerRequest:
    """A request or invitation, for the two organisations concerned and the secretariat."""
    partner_request = (
        PartnerRequest.objects.select_related(
            "initiative__lead_organisation", "organisation", "created_by", "decided_by"
        )
        .filter(pk=pk)
        .first()
    )
    if partner_request is None:
        raise Http404
    representative = representative_of(user)
    organisation_id = representative.organisation_id if representative else None
    if not (
        is_secretariat(user)
        or organisation_id
        in (partner_request.organisation_id, partner_request.initiative.lead_organisation_id)
    ):
        raise Http404
    return partner_request


def partner_requests_pending_for_organisation(*, organisation):
    """An organisation's open questions: invitations it received, requests it sent, and
    requests to the initiatives it leads, oldest first."""
    return (
        PartnerRequest.objects.filter(status=PartnerRequest.Status.PENDING)
        .filter(Q(organisation=organisation) | Q(initiative__lead_organisation=organisation))
        .select_related("initiative", "organisation", "created_by")
        .order_by("created_at", "pk")
    )


# --- Not duplicating: similar initiatives and programmes --------------------------------------

# How much each kind of overlap counts (they add up to 1). Structure first — the themes, the
# places, the dates and the funding — then the wording, which decides among structural twins
# and finds near-duplicates the proposer filed under other themes.
SIMILARITY_WEIGHTS = {
    "themes": 0.25,  # share of the proposal's themes the other one has
    "places": 0.15,  # 1 when a region is shared, else the share of the proposal's countries
    "dates": 0.10,  # the periods overlap
    "funding": 0.10,  # the same funding source (initiatives only)
    "text": 0.40,  # half ts_rank_cd (normalised 0..1), half the share of significant words
}
# Below this score, or with neither a shared theme nor shared wording, nothing is offered:
# sharing a country, a period or a funding source alone says nothing about the subject.
SIMILARITY_MIN_SCORE = 0.3
SIMILARITY_LIMIT = 8
# How many rows per kind SQL ranks before the final scoring in Python.
_CANDIDATES_PER_RESULT = 4
_REASON_WORDS = 6


@dataclass
class InitiativeDraft:
    """What is known of an initiative while it is proposed (nothing saved), or of an existing
    one (from_initiative). themes: PolicyTheme objects or their ids; funding_source: a
    FundingSource or its id."""

    title: str = ""
    summary: str = ""
    objectives: str = ""
    themes: tuple = ()
    countries: tuple = ()
    regions: tuple = ()
    start_date: date | None = None
    end_date: date | None = None
    funding_source: object = None

    @classmethod
    def from_initiative(cls, initiative) -> "InitiativeDraft":
        return cls(
            title=initiative.title,
            summary=initiative.summary,
            objectives=initiative.objectives,
            themes=tuple(initiative.themes.all()),
            countries=tuple(initiative.countries),
            regions=tuple(initiative.regions),
            start_date=initiative.start_date,
            end_date=initiative.end_date,
            funding_source=initiative.funding_source_id,
        )


@dataclass
class SimilarMatch:
    """An existing initiative or a member's cluster programme that overlaps the draft, with
    the reasons it was offered."""

    kind: str  # "initiative" or "programme"
    item: object
    score: float
    reasons: list
    shared_themes: list = field(default_factory=list)
    shared_countries: list = field(default_factory=list)
    shared_regions: list = field(default_factory=list)
    overlap_period: str = ""
    same_funding: bool = False
    matched_words: list = field(default_factory=list)

    @property
    def is_initiative(self):
        return self.kind == "initiative"


@dataclass
class _DraftTerms:
    """The draft, prepared once for both kinds of candidates."""

    draft: InitiativeDraft
    themes: list
    countries: list
    regions: list
    funding_source_id: int | None
    words: list
    query: object

    @classmethod
    def of(cls, draft: InitiativeDraft) -> "_DraftTerms":
        ids = [getattr(theme, "pk", theme) for theme in draft.themes]
        objects = [theme for theme in draft.themes if isinstance(theme, PolicyTheme)]
        if len(objects) != len(ids):
            objects = list(PolicyTheme.objects.filter(pk__in=ids))
        words = significant_words(draft.title, draft.summary, draft.objectives)
        return cls(
            draft=draft,
            themes=objects,
            countries=list(dict.fromkeys(draft.countries)),
            regions=list(dict.fromkeys(draft.regions)),
            funding_source_id=getattr(draft.funding_source, "pk", draft.funding_source),
            words=words,
            query=words_query(words),
        )

    @property
    def theme_ids(self):
        return [theme.pk for theme in self.themes]

    @property
    def min_matched_words(self):
        # One shared word says little in a long text; two in a short one say enough.
        return 1 if len(self.words) <= 3 else 2


def _share(count_expression, total: int):
    if not total:
        return Value(0.0)
    return Least(Cast(count_expression, FloatField()) / Value(float(total)), Value(1.0))


def _overlap(start_a, end_a, start_b, end_b):
    """The overlap of two periods (dates or years; an end of None is open), or None."""
    if start_a is None or start_b is None:
        return None
    start = max(start_a, start_b)
    ends = [end for end in (end_a, end_b) if end is not None]
    end = min(ends) if ends else None
    if end is not None and end < start:
        return None
    return start, end


def _period_label(overlap) -> str:
    """An overlap in years: "2026–2028", "2027", "from 2026"; "" for none."""
    if overlap is None:
        return ""
    start, end = (getattr(value, "year", value) for value in overlap)
    if end is None:
        return _("from %(year)s") % {"year": start}
    return f"{start}–{end}" if end != start else str(start)


def _reasons(
    terms, *, shared_themes, shared_countries, shared_regions, period, funding_name, words
):
    reasons = []
    if shared_themes:
        reasons.append(
            ngettext(
                "%(count)d shared theme: %(names)s",
                "%(count)d shared themes: %(names)s",
                len(shared_themes),
            )
            % {
                "count": len(shared_themes),
                "names": ", ".join(sorted(theme.display_name for theme in shared_themes)),
            }
        )
    if shared_regions:
        places = ", ".join(geography.region_name(code) for code in shared_regions)
        reasons.append(_("covers %(places)s as well") % {"places": places})
    elif shared_countries:
        places = ", ".join(geography.country_name(code) for code in shared_countries)
        reasons.append(_("covers %(places)s as well") % {"places": places})
    if period:
        reasons.append(_("overlapping dates %(period)s") % {"period": period})
    if funding_name:
        reasons.append(_("same funding source: %(name)s") % {"name": funding_name})
    if words:
        reasons.append(
            _("similar wording: %(words)s") % {"words": ", ".join(words[:_REASON_WORDS])}
        )
    return reasons


def _score(terms, *, theme_count, place, dates, funding, rank, words) -> float:
    weights = SIMILARITY_WEIGHTS
    coverage = len(words) / len(terms.words) if terms.words else 0.0
    return (
        weights["themes"] * (min(theme_count / len(terms.themes), 1.0) if terms.themes else 0.0)
        + weights["places"] * place
        + weights["dates"] * (1.0 if dates else 0.0)
        + weights["funding"] * (1.0 if funding else 0.0)
        + weights["text"] * (0.5 * float(rank or 0.0) + 0.5 * coverage)
    )


def _place_share(terms, shared_countries, shared_regions) -> float:
    if shared_regions:
        return 1.0
    return len(shared_countries) / len(terms.countries) if terms.countries else 0.0


def _similar_initiatives(terms: _DraftTerms, *, exclude, limit) -> list:
    """Existing initiatives (cancelled ones apart), ranked in SQL, then scored with reasons."""
    weights = SIMILARITY_WEIGHTS
    initiatives = Initiative.objects.exclude(status=InitiativeStatus.CANCELLED)
    if exclude is not None:
        initiatives = initiatives.exclude(pk=exclude.pk)
    topical = None
    has_theme = Initiative.themes.through.objects.filter(
        initiative_id=OuterRef("pk"), policytheme_id__in=terms.theme_ids
    )
    if terms.themes:
        topical = Exists(has_theme)
    if terms.query is not None:
        worded = Q(search_vector=terms.query)
        topical = worded if topical is None else (topical | worded)
    if topical is None:
        return []
    initiatives = initiatives.filter(topical).annotate(
        shared_theme_ids=ArraySubquery(has_theme.values("policytheme_id"))
        if terms.themes
        else Value([], output_field=ArrayField(IntegerField())),
        rank=SearchRank(
            F("search_vector"), terms.query, cover_density=True, normalization=Value(32)
        )
        if terms.query is not None
        else Value(0.0, output_field=FloatField()),
    )
    place = Value(0.0)
    if terms.countries:
        place = _share(
            ArrayIntersectionSize(
                F("countries"), Value(terms.countries, output_field=ArrayField(CharField()))
            ),
            len(terms.countries),
        )
    if terms.regions:
        place = Greatest(
            Case(When(regions__overlap=terms.regions, then=Value(1.0)), default=Value(0.0)), place
        )
    dates = Value(0.0)
    start, end = terms.draft.start_date, terms.draft.end_date
    if start is not None:
        running = Q(start_date__isnull=False) & (Q(end_date__isnull=True) | Q(end_date__gte=start))
        if end is not None:
            running &= Q(start_date__lte=end)
        dates = Case(When(running, then=Value(1.0)), default=Value(0.0))
    funding = Value(0.0)
    if terms.funding_source_id is not None:
        funding = Case(
            When(funding_source_id=terms.funding_source_id, then=Value(1.0)), default=Value(0.0)
        )
    initiatives = (
        initiatives.annotate(
            pre_score=weights["themes"] * _share(Cardinality("shared_theme_ids"), len(terms.themes))
            + weights["places"] * place
            + weights["dates"] * dates
            + weights["funding"] * funding
            + weights["text"] * F("rank"),
        )
        .select_related("lead_organisation", "funding_source")
        .defer("description", "description_html", "search_vector")
        .order_by("-pre_score", "-rank", "-pk")[: limit * _CANDIDATES_PER_RESULT]
    )
    themes_by_id = {theme.pk: theme for theme in terms.themes}
    matches = []
    for initiative in initiatives:
        shared_themes = [
            themes_by_id[pk] for pk in themes_by_id if pk in initiative.shared_theme_ids
        ]
        shared_countries = [code for code in terms.countries if code in initiative.countries]
        shared_regions = [code for code in terms.regions if code in initiative.regions]
        period = _period_label(_overlap(start, end, initiative.start_date, initiative.end_date))
        same_funding = (
            terms.funding_source_id is not None
            and initiative.funding_source_id == terms.funding_source_id
        )
        words = matched_words(
            terms.words, initiative.title, initiative.summary, initiative.objectives
        )
        if not shared_themes and len(words) < terms.min_matched_words:
            continue
        score = _score(
            terms,
            theme_count=len(shared_themes),
            place=_place_share(terms, shared_countries, shared_regions),
            dates=bool(period),
            funding=same_funding,
            rank=initiative.rank,
            words=words,
        )
        if score < SIMILARITY_MIN_SCORE:
            continue
        matches.append(
            SimilarMatch(
                kind="initiative",
                item=initiative,
                score=round(score, 4),
                reasons=_reasons(
                    terms,
                    shared_themes=shared_themes,
                    shared_countries=shared_countries,
                    shared_regions=shared_regions,
                    period=period,
                    funding_name=initiative.funding_source.display_name if same_funding else "",
                    words=words,
                ),
                shared_themes=shared_themes,
                shared_countries=shared_countries,
                shared_regions=shared_regions,
                overlap_period=period,
                same_funding=same_funding,
                matched_words=words,
            )
        )
    return matches


def _similar_programmes(terms: _DraftTerms, *, limit) -> list:
    """Cluster programmes of active members, ranked in SQL on their stored vector, then scored
    with reasons. Their themes are their organisation's."""
    weights = SIMILARITY_WEIGHTS
    organisation_has_theme = Organisation.themes.through.objects.filter(
        organisation_id=OuterRef("organisation_id"), policytheme_id__in=terms.theme_ids
    )
    programmes = ClusterProgramme.objects.filter(
        organisation__membership_status=Organisation.MembershipStatus.ACTIVE
    )
    topical = Exists(organisation_has_theme) if terms.themes else None
    if terms.query is not None:
        worded = Q(search_vector=terms.query)
        topical = worded if topical is None else (topical | worded)
    if topical is None:
        return []
    programmes = programmes.filter(topical).annotate(
        shared_theme_ids=ArraySubquery(organisation_has_theme.values("policytheme_id"))
        if terms.themes
        else Value([], output_field=ArrayField(IntegerField())),
        rank=SearchRank(
            F("search_vector"), terms.query, cover_density=True, normalization=Value(32)
        )
        if terms.query is not None
        else Value(0.0, output_field=FloatField()),
    )
    whens = []
    if terms.regions:
        whens.append(When(organisation__region_code__in=terms.regions, then=Value(1.0)))
    if terms.countries:
        whens.append(
            When(
                organisation__country__in=terms.countries,
                then=Value(1.0 / len(terms.countries)),
            )
        )
    place = Case(*whens, default=Value(0.0)) if whens else Value(0.0)
    dates = Value(0.0)
    start, end = terms.draft.start_date, terms.draft.end_date
    if start is not None:
        running = Q(end_year__isnull=True) | Q(end_year__gte=start.year)
        if end is not None:
            running &= Q(start_year__lte=end.year)
        dates = Case(When(running, then=Value(1.0)), default=Value(0.0))
    programmes = (
        programmes.annotate(
            pre_score=weights["themes"] * _share(Cardinality("shared_theme_ids"), len(terms.themes))
            + weights["places"] * place
            + weights["dates"] * dates
            + weights["text"] * F("rank"),
        )
        .select_related("organisation")
        .defer("search_vector")
        .order_by("-pre_score", "-rank", "-pk")[: limit * _CANDIDATES_PER_RESULT]
    )
    themes_by_id = {theme.pk: theme for theme in terms.themes}
    matches = []
    for programme in programmes:
        organisation = programme.organisation
        shared_themes = [
            themes_by_id[pk] for pk in themes_by_id if pk in programme.shared_theme_ids
        ]
        shared_countries = [organisation.country] if organisation.country in terms.countries else []
        shared_regions = (
            [organisation.region_code] if organisation.region_code in terms.regions else []
        )
        period = _period_label(
            _overlap(
                start.year if start else None,
                end.year if end else None,
                programme.start_year,
                programme.end_year,
            )
        )
        words = matched_words(
            terms.words, programme.name, programme.description, programme.target_sectors
        )
        if not shared_themes and len(words) < terms.min_matched_words:
            continue
        score = _score(
            terms,
            theme_count=len(shared_themes),
            place=_place_share(terms, shared_countries, shared_regions),
            dates=bool(period),
            funding=False,
            rank=programme.rank,
            words=words,
        )
        if score < SIMILARITY_MIN_SCORE:
            continue
        matches.append(
            SimilarMatch(
                kind="programme",
                item=programme,
                score=round(score, 4),
                reasons=_reasons(
                    terms,
                    shared_themes=shared_themes,
                    shared_countries=shared_countries,
                    shared_regions=shared_regions,
                    period=period,
                    funding_name="",
                    words=words,
                ),
                shared_themes=shared_themes,
                shared_countries=shared_countries,
                shared_regions=shared_regions,
                overlap_period=period,
                matched_words=words,
            )
        )
    return matches


def initiative_similar(
    *, draft: InitiativeDraft, exclude: Initiative | None = None, limit: int = SIMILARITY_LIMIT
) -> list[SimilarMatch]:
    """The existing initiatives and member cluster programmes most like the draft, best first,
    each with the reasons it was offered. Works before anything is saved (a proposal) and for
    an existing initiative (exclude=it). At most three queries: the draft's themes when given
    as ids, the initiatives, the programmes."""
    terms = _DraftTerms.of(draft)
    matches = _similar_initiatives(terms, exclude=exclude, limit=limit) + _similar_programmes(
        terms, limit=limit
    )
    matches.sort(key=lambda match: (-match.score, not match.is_initiative, str(match.item)))
    return matches[:limit]


# An initiative page's similar initiatives score thousands of candidates (hundreds of
# milliseconds at the benchmark's size) and are the same for every reader: they are cached per
# initiative and language, and forgotten when any initiative, programme or organisation changes
# (initiatives/apps.py moves the generation on) or after SIMILAR_CACHE_TTL.
SIMILAR_CACHE_TTL = 60 * 60
SIMILAR_GENERATION = "initiatives-similar"


def initiative_similar_for_page(*, initiative: Initiative) -> list[SimilarMatch]:
    """initiative_similar(exclude=initiative) for the initiative's own page, cached."""
    return cached_in_generation(
        SIMILAR_GENERATION,
        f"initiatives:similar:{initiative.pk}:{get_language()}",
        SIMILAR_CACHE_TTL,
        lambda: initiative_similar(
            draft=InitiativeDraft.from_initiative(initiative), exclude=initiative
        ),
    )


def initiative_similar_forget_all(**_signal_arguments) -> None:
    """Forget every cached list of similar initiatives (a signal receiver as well)."""
    generation_next(SIMILAR_GENERATION)


# --- Partner suggestions ----------------------------------------------------------------------


@dataclass
class PartnerSuggestion:
    organisation: Organisation
    score: float
    reasons: list
    shared_themes: list = field(default_factory=list)
    related_programmes: list = field(default_factory=list)


PARTNER_SUGGESTION_LIMIT = 8
_SUGGESTION_WEIGHTS = {"themes": 0.6, "programmes": 0.3, "covered_country": 0.1}


def initiative_partner_suggestions(
    *, user, initiative, limit: int = PARTNER_SUGGESTION_LIMIT
) -> list[PartnerSuggestion]:
    """Member organisations the lead might invite: active members from countries other than
    the lead's (trans-national cooperation), not partners yet and not already asked or
    invited, whose policy themes or cluster programmes overlap the initiative. Best first,
    with reasons. For the lead's representatives and the secretariat (404 for others); empty
    once the initiative is closed. Two queries at most (the initiative's themes, unless
    prefetched, and the organisations)."""
    if not (is_secretariat(user) or permissions.is_lead_representative(user, initiative)):
        raise Http404
    if initiative.is_closed:
        return []
    themes = list(initiative.themes.all())
    theme_ids = [theme.pk for theme in themes]
    query = words_query(
        significant_words(initiative.title, initiative.summary, initiative.objectives)
    )
    has_theme = Organisation.themes.through.objects.filter(
        organisation_id=OuterRef("pk"), policytheme_id__in=theme_ids
    )
    organisations = (
        Organisation.objects.filter(membership_status=Organisation.MembershipStatus.ACTIVE)
        .exclude(country=initiative.lead_organisation.country)
        .exclude(
            Exists(
                InitiativePartner.objects.filter(
                    initiative=initiative, organisation=OuterRef("pk"), left_at__isnull=True
                )
            )
        )
        .exclude(
            Exists(
                PartnerRequest.objects.filter(
                    initiative=initiative,
                    organisation=OuterRef("pk"),
                    status=PartnerRequest.Status.PENDING,
                )
            )
        )
    )
    topical = Exists(has_theme) if theme_ids else None
    related = None
    if query is not None:
        related = ClusterProgramme.objects.filter(
            organisation_id=OuterRef("pk"), search_vector=query
        )
        topical = Exists(related) if topical is None else (topical | Exists(related))
    if topical is None:
        return []
    organisations = organisations.filter(topical).annotate(
        shared_theme_ids=ArraySubquery(has_theme.values("policytheme_id"))
        if theme_ids
        else Value([], output_field=ArrayField(IntegerField())),
        related_programmes=ArraySubquery(
            related.annotate(
                rank=SearchRank(
                    F("search_vector"), query, cover_density=True, normalization=Value(32)
                )
            )
            .order_by("-rank", "name")
            .values("name")[:3]
        )
        if related is not None
        else Value([], output_field=ArrayField(CharField())),
    )
    weights = _SUGGESTION_WEIGHTS
    organisations = organisations.annotate(
        score=weights["themes"] * _share(Cardinality("shared_theme_ids"), len(theme_ids))
        + weights["programmes"]
        * Least(Cast(Cardinality("related_programmes"), FloatField()) / Value(2.0), Value(1.0))
        + weights["covered_country"]
        * Case(When(country__in=initiative.countries, then=Value(1.0)), default=Value(0.0))
    ).order_by("-score", "name", "pk")[:limit]
    themes_by_id = {theme.pk: theme for theme in themes}
    suggestions = []
    for organisation in organisations:
        shared = [themes_by_id[pk] for pk in themes_by_id if pk in organisation.shared_theme_ids]
        reasons = []
        if shared:
            reasons.append(
                ngettext(
                    "%(count)d shared theme: %(names)s",
                    "%(count)d shared themes: %(names)s",
                    len(shared),
                )
                % {
                    "count": len(shared),
                    "names": ", ".join(sorted(theme.display_name for theme in shared)),
                }
            )
        programmes = list(organisation.related_programmes)
        if programmes:
            reasons.append(
                ngettext(
                    "runs a related programme: %(names)s",
                    "runs related programmes: %(names)s",
                    len(programmes),
                )
                % {"names": ", ".join(programmes)}
            )
        if organisation.country in initiative.countries:
            reasons.append(
                _("based in %(country)s, which the initiative covers")
                % {"country": geography.country_name(organisation.country)}
            )
        suggestions.append(
            PartnerSuggestion(
                organisation=organisation,
                score=round(float(organisation.score), 4),
                reasons=reasons,
                shared_themes=shared,
                related_programmes=programmes,
            )
        )
    return suggestions
