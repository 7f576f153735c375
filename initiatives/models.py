"""Joint initiatives: trans-national cooperation and pilot initiatives in which member
organisations pool resources, and the records that keep them from duplicating each other.

Writes go through initiatives.services (which keep the status history, the change log, the
rendered HTML and the search vector up to date); reads through initiatives.selectors (which
apply the visibility rules of initiatives.permissions).

Roles belong to organisations, never to people: an organisation leads or takes part, and its
contact (or, for news and documents, any of its representatives) acts for it. A person who
leaves hands nothing over in this app; the organisation keeps its seat.
"""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Floor, Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from members import geography
from members.models import Organisation, PolicyTheme

TITLE_MAX_LENGTH = 200
SUMMARY_MAX_LENGTH = 600
TEXT_MAX_LENGTH = 20_000
STATEMENT_MAX_LENGTH = 1_000


class FundingSource(models.Model):
    """The managed vocabulary of funding sources (Interreg, Horizon Europe…); the secretariat
    edits it in its workspace (/secretariat/vocabularies/). Seeded by migration 0002."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name (English)"), max_length=120)
    name_fr = models.CharField(_("name (French)"), max_length=120, blank=True)
    name_de = models.CharField(_("name (German)"), max_length=120, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")
        constraints = [
            models.UniqueConstraint(Lower("name"), name="%(app_label)s_%(class)s_unique_name_ci"),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        language = (get_language() or "en")[:2]
        return getattr(self, f"name_{language}", "") or self.name


class InitiativeStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    SEEKING_PARTNERS = "seeking_partners", _("Seeking partners")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


# Who may move an initiative from which status to which: the state machine in one table.
# LEAD is a contact of the lead organisation (of an active member); the secretariat may only
# cancel (an abandoned or inappropriate initiative). Completed and cancelled are final.
LEAD = "lead"
SECRETARIAT = "secretariat"
INITIATIVE_TRANSITIONS = {
    InitiativeStatus.PROPOSED: {
        InitiativeStatus.SEEKING_PARTNERS: (LEAD,),
        # The partners may already be found (by invitation) when the initiative is proposed.
        InitiativeStatus.ACTIVE: (LEAD,),
        InitiativeStatus.CANCELLED: (LEAD, SECRETARIAT),
    },
    InitiativeStatus.SEEKING_PARTNERS: {
        InitiativeStatus.ACTIVE: (LEAD,),
        InitiativeStatus.CANCELLED: (LEAD, SECRETARIAT),
    },
    InitiativeStatus.ACTIVE: {
        # A running initiative may look for more partners again.
        InitiativeStatus.SEEKING_PARTNERS: (LEAD,),
        InitiativeStatus.COMPLETED: (LEAD,),
        InitiativeStatus.CANCELLED: (LEAD, SECRETARIAT),
    },
    InitiativeStatus.COMPLETED: {},
    InitiativeStatus.CANCELLED: {},
}
# Open initiatives take invitations, edits and commitments; closed ones take none of these.
OPEN_STATUSES = [status for status, targets in INITIATIVE_TRANSITIONS.items() if targets]
CLOSED_STATUSES = [status for status, targets in INITIATIVE_TRANSITIONS.items() if not targets]


def validate_coverage(*, countries, regions) -> None:
    """Countries must be eligible, and every region (ISO 3166-2) must lie in a listed country."""
    errors = {}
    unknown = [code for code in countries if code not in geography.ELIGIBLE_COUNTRIES]
    if unknown:
        errors["countries"] = _(
            "%(codes)s: initiatives cover EU or EEA member states or EU candidate countries."
        ) % {"codes": ", ".join(unknown)}
    elif not countries:
        errors["countries"] = _("Name at least one country the initiative covers.")
    if len(set(countries)) != len(countries):
        errors["countries"] = _("Name each country once.")
    misplaced = [
        region
        for region in regions
        if not any(geography.is_region_of(region, country) for country in countries)
    ]
    if misplaced:
        errors["regions"] = _(
            "%(regions)s: each region must lie in one of the countries the initiative covers."
        ) % {"regions": ", ".join(misplaced)}
    elif len(set(regions)) != len(regions):
        errors["regions"] = _("Name each region once.")
    if errors:
        raise ValidationError(errors)


class Initiative(models.Model):
    """A joint initiative of member organisations, led by one of them."""

    title = models.CharField(
        _("title"),
        max_length=TITLE_MAX_LENGTH,
        error_messages={
            "max_length": _(
                "A title has at most %(limit_value)d characters (this one has %(show_value)d)."
            )
        },
    )
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    summary = models.TextField(
        _("summary"),
        validators=[MaxLengthValidator(SUMMARY_MAX_LENGTH)],
        help_text=_("Two or three sentences: what the initiative does and for whom."),
    )
    # Markdown, rendered and sanitised by the services into description_html.
    description = models.TextField(
        _("description"), blank=True, validators=[MaxLengthValidator(TEXT_MAX_LENGTH)]
    )
    description_html = models.TextField(editable=False, blank=True)
    objectives = models.TextField(_("objectives"), validators=[MaxLengthValidator(TEXT_MAX_LENGTH)])
    # Kept equal to the partner row with the lead role by the services (see InitiativePartner).
    lead_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="led_initiatives",
        verbose_name=_("lead organisation"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=InitiativeStatus, default=InitiativeStatus.PROPOSED
    )
    themes = models.ManyToManyField(
        PolicyTheme, verbose_name=_("policy themes"), related_name="initiatives", blank=True
    )
    countries = ArrayField(
        models.CharField(max_length=2),
        verbose_name=_("countries"),
        default=list,
        # Required, but said by clean() (validate_coverage) in the initiative's own words.
        blank=True,
        help_text=_("The countries the initiative covers."),
    )
    regions = ArrayField(
        models.CharField(max_length=10),
        verbose_name=_("regions"),
        default=list,
        blank=True,
        help_text=_("ISO 3166-2 codes of the regions it covers, if not whole countries."),
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    funding_source = models.ForeignKey(
        FundingSource,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="initiatives",
        verbose_name=_("funding source"),
    )
    budget = models.DecimalField(
        _("budget (euros)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    website = models.URLField(_("website"), max_length=300, blank=True)
    # The discussion thread in the dialogues' "joint-initiatives" topic (thread.initiative).
    thread = models.OneToOneField(
        "dialogues.Thread",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="initiative",
        verbose_name=_("discussion thread"),
    )
    # title (A), summary (B), objectives (C), "simple" configuration with accent-free copies
    # of accented words: see initiatives/similarity.py. Written by the services.
    search_vector = SearchVectorField(null=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("proposed"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        indexes = [
            # initiative_list: the directory, newest first, optionally filtered by status.
            models.Index(F("created_at").desc(), F("id").desc(), name="initiatives_ini_new_idx"),
            models.Index(
                "status", F("created_at").desc(), F("id").desc(), name="initiatives_ini_status_idx"
            ),
            # initiative_list(country=…) (countries @> [c]) and initiative_similar (&&).
            GinIndex(fields=["countries"], name="initiatives_ini_countries_idx"),
            GinIndex(fields=["regions"], name="initiatives_ini_regions_idx"),
            # initiative_list(date_from/date_to): initiatives running in a period.
            models.Index(fields=["start_date", "end_date"], name="initiatives_ini_dates_idx"),
            # initiative_list(query=…) and initiative_similar: full-text search.
            GinIndex(fields=["search_vector"], name="initiatives_ini_search_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="%(app_label)s_%(class)s_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0),
                name="%(app_label)s_%(class)s_budget_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(status__in=InitiativeStatus.values),
                name="%(app_label)s_%(class)s_status_known",
            ),
            models.CheckConstraint(
                condition=~Q(title=""), name="%(app_label)s_%(class)s_title_not_empty"
            ),
            models.CheckConstraint(
                condition=~Q(countries=[]), name="%(app_label)s_%(class)s_has_country"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("initiatives:initiative_detail", kwargs={"slug": self.slug})

    def clean(self):
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The end date cannot be before the start date.")
        try:
            validate_coverage(countries=self.countries or [], regions=self.regions or [])
        except ValidationError as error:
            errors.update(error.message_dict)
        if errors:
            raise ValidationError(errors)

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    @property
    def is_closed(self):
        return self.status in CLOSED_STATUSES

    @property
    def takes_requests(self):
        """Member organisations may ask to join only while the lead is seeking partners."""
        return self.status == InitiativeStatus.SEEKING_PARTNERS

    @property
    def country_names(self):
        return [geography.country_name(code) for code in self.countries]

    @property
    def region_names(self):
        return [geography.region_name(code) for code in self.regions]

    @property
    def period(self):
        if self.start_date and self.end_date:
            return f"{self.start_date.year}–{self.end_date.year}"
        if self.start_date:
            return _("from %(year)s") % {"year": self.start_date.year}
        return ""

    def allowed_transitions(self, actor_kind):
        return [
            target
            for target, who in INITIATIVE_TRANSITIONS[self.status].items()
            if actor_kind in who
        ]


class InitiativePartner(models.Model):
    """An organisation's place in an initiative. A row is never deleted: leaving sets left_at,
    and joining again adds a new row, so the partnership's history stays."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        PARTNER = "partner", _("Partner")
        OBSERVER = "observer", _("Observer")

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="partners", verbose_name=_("initiative")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="initiative_partnerships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role, default=Role.PARTNER)
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)
    left_at = models.DateTimeField(_("left"), null=True, blank=True)

    class Meta:
        ordering = ["initiative_id", "role", "joined_at", "pk"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        constraints = [
            # Also the index of the page's current partners (initiative, left_at IS NULL).
            models.UniqueConstraint(
                fields=["initiative", "organisation"],
                condition=Q(left_at__isnull=True),
                name="%(app_label)s_%(class)s_once_per_initiative",
            ),
            models.UniqueConstraint(
                fields=["initiative"],
                condition=Q(role="lead", left_at__isnull=True),
                name="%(app_label)s_%(class)s_one_lead",
            ),
            # The lead cannot leave: it hands the lead over first (and becomes a partner).
            models.CheckConstraint(
                condition=~Q(role="lead") | Q(left_at__isnull=True),
                name="%(app_label)s_%(class)s_lead_stays",
            ),
            models.CheckConstraint(
                condition=Q(role__in=["lead", "partner", "observer"]),
                name="%(app_label)s_%(class)s_role_known",
            ),
        ]
        indexes = [
            # initiative_list_for_organisation: the initiatives an organisation takes part in.
            models.Index(
                fields=["organisation", "initiative"],
                condition=Q(left_at__isnull=True),
                name="initiatives_partner_org_idx",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} ({self.get_role_display()}) in {self.initiative}"

    @property
    def is_current(self):
        return self.left_at is None

    @property
    def is_lead(self):
        return self.role == self.Role.LEAD


class PartnerRequest(models.Model):
    """An organisation asks to join an initiative (a request, answered by the lead's contact),
    or the lead invites it (an invitation, answered by the organisation's contact)."""

    class Kind(models.TextChoices):
        REQUEST = "request", _("Request to join")
        INVITATION = "invitation", _("Invitation")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        # The initiative was completed or cancelled before anyone answered.
        CLOSED = "closed", _("Closed")

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="partner_requests"
    )
    # The organisation that would join (the requester, or the invited organisation).
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="initiative_partner_requests"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind)
    role = models.CharField(
        _("role"),
        max_length=10,
        choices=[
            (InitiativePartner.Role.PARTNER, InitiativePartner.Role.PARTNER.label),
            (InitiativePartner.Role.OBSERVER, InitiativePartner.Role.OBSERVER.label),
        ],
        default=InitiativePartner.Role.PARTNER,
    )
    statement = models.TextField(
        _("statement"),
        blank=True,
        validators=[MaxLengthValidator(STATEMENT_MAX_LENGTH)],
        help_text=_("What your organisation would bring, in a few sentences."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("answered"), null=True, blank=True)
    decision_note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("partner request or invitation")
        verbose_name_plural = _("partner requests and invitations")
        constraints = [
            # One open question per organisation and initiative, whichever side asked.
            models.UniqueConstraint(
                fields=["initiative", "organisation"],
                condition=Q(status="pending"),
                name="%(app_label)s_%(class)s_one_pending",
            ),
            models.CheckConstraint(
                condition=Q(status="pending", decided_at__isnull=True)
                | (~Q(status="pending") & Q(decided_at__isnull=False)),
                name="%(app_label)s_%(class)s_decided_at_matches_status",
            ),
            models.CheckConstraint(
                condition=Q(role__in=["partner", "observer"]),
                name="%(app_label)s_%(class)s_role_not_lead",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["request", "invitation"]),
                name="%(app_label)s_%(class)s_kind_known",
            ),
        ]
        indexes = [
            # partner_requests_pending_for_initiative: what waits for the lead, oldest first.
            models.Index(
                fields=["initiative", "status", "created_at"], name="initiatives_preq_ini_idx"
            ),
            # partner_requests_pending_for_organisation: invitations waiting for an organisation.
            models.Index(
                fields=["organisation", "status", "created_at"], name="initiatives_preq_org_idx"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.organisation} → {self.initiative}"

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING

    @property
    def is_invitation(self):
        return self.kind == self.Kind.INVITATION


class Commitment(models.Model):
    """What a partner commits to the initiative, one kind of resource per row. Append-only:
    a change adds a new row and marks the previous one superseded, so the rows are the
    history; the current commitments are those not superseded."""

    class Kind(models.TextChoices):
        STAFF_DAYS = "staff_days", _("Staff days")
        BUDGET = "budget", _("Budget (euros)")
        EVENTS = "events", _("Events hosted")
        DATA_TOOLS = "data_tools", _("Data or tools shared")

    # Kinds counted in whole units (an event, a data set or tool).
    WHOLE_KINDS = [Kind.EVENTS, Kind.DATA_TOOLS]

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="commitments")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="initiative_commitments"
    )
    kind = models.CharField(_("kind of resource"), max_length=12, choices=Kind)
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    description = models.CharField(_("what it is"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        constraints = [
            # Also the index of initiative_commitment_totals (the current rows).
            models.UniqueConstraint(
                fields=["initiative", "organisation", "kind"],
                condition=Q(superseded_at__isnull=True),
                name="%(app_label)s_%(class)s_one_current_per_kind",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="%(app_label)s_%(class)s_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["events", "data_tools"]) | Q(amount=Floor(F("amount"))),
                name="%(app_label)s_%(class)s_whole_units",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["staff_days", "budget", "events", "data_tools"]),
                name="%(app_label)s_%(class)s_kind_known",
            ),
        ]
        indexes = [
            # initiative_commitment_history: every row of an initiative, newest first.
            models.Index(
                "initiative", F("created_at").desc(), name="initiatives_commit_history_idx"
            ),
        ]

    def __str__(self):
        return f"{self.organisation}: {self.amount} {self.get_kind_display()}"

    def clean(self):
        if (
            self.kind in self.WHOLE_KINDS
            and self.amount is not None
            and self.amount != int(self.amount)
        ):
            raise ValidationError(
                {"amount": _("Count events, data sets and tools in whole units.")}
            )

    @property
    def is_current(self):
        return self.superseded_at is None


class NewsUpdate(models.Model):
    """News of the initiative, posted by a representative of a partner. body is Markdown;
    body_html is its sanitised rendering (dialogues.rendering), stored when it is written."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="news_updates"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    body = models.TextField(_("news"), validators=[MaxLengthValidator(TEXT_MAX_LENGTH)])
    body_html = models.TextField(editable=False)
    created_at = models.DateTimeField(_("posted"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("news update")
        verbose_name_plural = _("news updates")
        constraints = [
            models.CheckConstraint(
                condition=~Q(title=""), name="%(app_label)s_%(class)s_title_not_empty"
            ),
        ]
        indexes = [
            # news_update_list: an initiative's news, newest first.
            models.Index("initiative", F("created_at").desc(), name="initiatives_news_ini_idx"),
        ]

    def __str__(self):
        return self.title


def document_upload_to(instance, filename):
    # A random name: the stored path reveals nothing and cannot be guessed; the original name
    # is kept in original_name. Documents are served only through a view that checks the
    # reader (initiatives.selectors.document_get_for_user).
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"initiatives/documents/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class InitiativeDocument(models.Model):
    """A document of the initiative, checked by content (dialogues.attachments). Members only."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(_("file"), upload_to=document_upload_to, max_length=200)
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH, blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        indexes = [
            # document_list_for_user: an initiative's documents, newest first.
            models.Index("initiative", F("created_at").desc(), name="initiatives_doc_ini_idx"),
        ]

    def __str__(self):
        return self.title or self.original_name

    @property
    def display_title(self):
        return self.title or self.original_name


class InitiativeEvent(models.Model):
    """The change log of an initiative: every change, with who, when and a note. Status
    changes are rows of kind STATUS_CHANGED with the old and the new status: the recorded
    history of the state machine (INITIATIVE_TRANSITIONS)."""

    class Kind(models.TextChoices):
        STATUS_CHANGED = "status_changed", _("Status changed")
        EDITED = "edited", _("Details edited")
        PARTNER_REQUESTED = "partner_requested", _("Asked to join")
        REQUEST_ACCEPTED = "request_accepted", _("Request to join accepted")
        REQUEST_DECLINED = "request_declined", _("Request to join declined")
        REQUEST_WITHDRAWN = "request_withdrawn", _("Request to join withdrawn")
        PARTNER_INVITED = "partner_invited", _("Invited to join")
        INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")
        INVITATION_DECLINED = "invitation_declined", _("Invitation declined")
        INVITATION_CANCELLED = "invitation_cancelled", _("Invitation cancelled")
        REQUESTS_CLOSED = "requests_closed", _("Open requests and invitations closed")
        PARTNER_LEFT = "partner_left", _("Partner left")
        LEAD_HANDED_OVER = "lead_handed_over", _("Lead handed over")
        COMMITMENT_RECORDED = "commitment_recorded", _("Commitment recorded")
        COMMITMENT_WITHDRAWN = "commitment_withdrawn", _("Commitment withdrawn")
        NEWS_POSTED = "news_posted", _("News posted")
        DOCUMENT_ADDED = "document_added", _("Document added")
        DOCUMENT_REMOVED = "document_removed", _("Document removed")

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("change"), max_length=24, choices=Kind)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The organisation the change is about (the one joining, leaving, committing, the new lead).
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    from_status = models.CharField(max_length=20, choices=InitiativeStatus, blank=True)
    to_status = models.CharField(max_length=20, choices=InitiativeStatus, blank=True)
    note = models.TextField(_("note"), blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("initiative change")
        verbose_name_plural = _("initiative changes")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="status_changed") & ~Q(to_status=""))
                | (~Q(kind="status_changed") & Q(from_status="", to_status="")),
                name="%(app_label)s_%(class)s_statuses_only_on_status_change",
            ),
        ]
        indexes = [
            # initiative_event_list / initiative_status_history: an initiative's log, newest first.
            models.Index("initiative", F("created_at").desc(), name="initiatives_event_ini_idx"),
        ]

    def __str__(self):
        if self.kind == self.Kind.STATUS_CHANGED:
            return f"{self.from_status or '∅'} → {self.to_status}"
        return self.get_kind_display()
