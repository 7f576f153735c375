import re

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from initiatives.similarity import organisation_name_vector, programme_search_vector
from members import geography

NUTS_CODE_PATTERN = r"^[A-Z]{2}[0-9A-Z]{0,3}$"
LOGO_MAX_BYTES = 1024 * 1024
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024


def validate_logo_size(image):
    if image.size > LOGO_MAX_BYTES:
        raise ValidationError(_("The logo must be 1 MB or smaller."), code="logo_too_large")


def validate_document(document):
    if document.size > DOCUMENT_MAX_BYTES:
        raise ValidationError(_("The document must be 10 MB or smaller."), code="too_large")
    document.seek(0)
    if document.read(5) != b"%PDF-":
        raise ValidationError(_("The document must be a PDF file."), code="not_pdf")
    document.seek(0)


class OrganisationKind(models.TextChoices):
    NATIONAL_AUTHORITY = "national", _("National public authority")
    REGIONAL_AUTHORITY = "regional", _("Regional public authority")
    FUNDING_AGENCY = "agency", _("Cluster programme manager or funding agency")
    OTHER_PUBLIC_BODY = "other", _("Other public body")


class FoundingNetwork(models.TextChoices):
    BSR_INNONET = "bsr-innonet", "BSR InnoNet"
    CEE_CLUSTERNETWORK = "cee-clusternetwork", "CEE-ClusterNetwork"
    CLUNET = "clunet", "CLUNET"
    INNET = "innet", "INNET"


class PolicyTheme(models.Model):
    """The managed vocabulary of cluster-policy themes; the secretariat edits it."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name (English)"), max_length=120)
    name_fr = models.CharField(_("name (French)"), max_length=120, blank=True)
    name_de = models.CharField(_("name (German)"), max_length=120, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("policy theme")
        verbose_name_plural = _("policy themes")
        constraints = [
            models.UniqueConstraint(
                models.functions.Lower("name"), name="%(app_label)s_%(class)s_unique_name_ci"
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        language = (get_language() or "en")[:2]
        return getattr(self, f"name_{language}", "") or self.name


class Organisation(models.Model):
    """A member authority or agency (or one that is being admitted)."""

    class MembershipStatus(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        LAPSED = "lapsed", _("Lapsed")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind)
    country = models.CharField(_("country"), max_length=2, choices=geography.country_choices)
    region_code = models.CharField(
        _("region"), max_length=10, blank=True, help_text=_("ISO 3166-2 code, e.g. FR-ARA.")
    )
    nuts_code = models.CharField(
        _("NUTS code"),
        max_length=5,
        blank=True,
        validators=[RegexValidator(NUTS_CODE_PATTERN, _("Enter a NUTS code such as DE21 or FR1."))],
    )
    website = models.URLField(_("website"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    themes = models.ManyToManyField(
        PolicyTheme, verbose_name=_("policy themes"), related_name="organisations", blank=True
    )
    founding_network = models.CharField(
        _("founding network"), max_length=20, choices=FoundingNetwork, blank=True
    )
    membership_status = models.CharField(
        _("membership status"),
        max_length=10,
        choices=MembershipStatus,
        default=MembershipStatus.ACTIVE,
    )
    member_since = models.DateField(_("member since"), null=True, blank=True)
    logo = models.ImageField(
        _("logo"),
        upload_to="logos/",
        blank=True,
        validators=[
            validate_logo_size,
            FileExtensionValidator(["png", "jpg", "jpeg", "webp"]),
        ],
        help_text=_("PNG, JPEG or WebP, at most 1 MB."),
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("member organisation")
        verbose_name_plural = _("member organisations")
        permissions = [
            ("change_membership_status", _("Can suspend and reinstate memberships")),
        ]
        indexes = [
            # The directory: active members, filtered by country/kind, sorted by name.
            models.Index(fields=["membership_status", "name"], name="members_org_status_name_idx"),
            models.Index(
                fields=["membership_status", "country", "name"], name="members_org_country_idx"
            ),
            models.Index(fields=["membership_status", "kind"], name="members_org_kind_idx"),
            models.Index(
                fields=["membership_status", "member_since"], name="members_org_since_idx"
            ),
            models.Index(fields=["region_code"], name="members_org_region_idx"),
            models.Index(fields=["founding_network"], name="members_org_founding_idx"),
            # Organisations found by words of their name (the initiatives' lead filter).
            GinIndex(organisation_name_vector(), name="members_org_name_search_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="regional") | ~Q(region_code=""),
                name="%(app_label)s_%(class)s_regional_has_region",
            ),
            models.CheckConstraint(
                condition=Q(region_code="") | Q(region_code__startswith=models.F("country")),
                name="%(app_label)s_%(class)s_region_in_country",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("members:organisation_detail", kwargs={"slug": self.slug})

    def clean(self):
        validate_place(
            country=self.country,
            region_code=self.region_code,
            nuts_code=self.nuts_code,
            kind=self.kind,
        )

    @property
    def country_name(self):
        return geography.country_name(self.country)

    @property
    def region_name(self):
        return geography.region_name(self.region_code) if self.region_code else ""

    @property
    def logo_url(self):
        """Served by a view that checks visibility; the version busts caches after a change."""
        if not self.logo:
            return ""
        url = reverse("members:organisation_logo", kwargs={"slug": self.slug})
        return f"{url}?v={int(self.updated_at.timestamp())}"

    @property
    def is_active_member(self):
        return self.membership_status == self.MembershipStatus.ACTIVE


def validate_place(*, country, region_code, nuts_code, kind):
    """Rules shared by organisations and applications: region in country, NUTS in country."""
    errors = {}
    if country and country not in geography.ELIGIBLE_COUNTRIES:
        errors["country"] = _(
            "Members come from EU or EEA member states or EU candidate countries."
        )
    if region_code and country and not geography.is_region_of(region_code, country):
        errors["region_code"] = _("This region is not in the selected country.")
    if kind == OrganisationKind.REGIONAL_AUTHORITY and not region_code:
        errors["region_code"] = _("A regional authority must name its region.")
    if nuts_code and country:
        prefix = geography.NUTS_COUNTRY_PREFIX.get(country, country)
        if re.match(NUTS_CODE_PATTERN, nuts_code) and not nuts_code.startswith(prefix):
            errors["nuts_code"] = _("A NUTS code in this country starts with %(prefix)s.") % {
                "prefix": prefix
            }
    if errors:
        raise ValidationError(errors)


class ClusterProgramme(models.Model):
    """A cluster programme an organisation runs or funds: who funds what, to avoid duplication."""

    class BudgetBand(models.TextChoices):
        UNDER_1M = "lt1m", _("Under €1 million")
        FROM_1_TO_5M = "1-5m", _("€1–5 million")
        FROM_5_TO_20M = "5-20m", _("€5–20 million")
        FROM_20_TO_100M = "20-100m", _("€20–100 million")
        OVER_100M = "gt100m", _("Over €100 million")

    class Instrument(models.TextChoices):
        GRANTS = "grants", _("Grants")
        VOUCHERS = "vouchers", _("Innovation vouchers")
        NETWORKING = "networking", _("Networking and matchmaking")
        TRAINING = "training", _("Training and coaching")
        INTERNATIONALISATION = "internationalisation", _("Internationalisation support")
        INFRASTRUCTURE = "infrastructure", _("Infrastructure and facilities")
        LOANS = "loans", _("Loans and guarantees")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="programmes",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"), null=True, blank=True)
    budget_band = models.CharField(_("budget"), max_length=10, choices=BudgetBand)
    instruments = models.JSONField(_("instruments"), default=list, blank=True)
    target_sectors = models.CharField(_("target sectors"), max_length=300, blank=True)
    link = models.URLField(_("link"), max_length=300, blank=True)
    # Stored and indexed: "similar initiatives" and partner suggestions match thousands of
    # programmes per request, which cannot each compute their vector (bench/NOTES.md).
    # PostgreSQL keeps it current on every write, bulk ones included.
    search_vector = models.GeneratedField(
        expression=programme_search_vector(),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        ordering = ["-start_year", "name"]
        verbose_name = _("cluster programme")
        verbose_name_plural = _("cluster programmes")
        indexes = [GinIndex(fields=["search_vector"], name="members_programme_search_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__isnull=True) | Q(end_year__gte=models.F("start_year")),
                name="%(app_label)s_%(class)s_years_ordered",
            ),
            models.CheckConstraint(
                condition=Q(start_year__gte=1950) & Q(start_year__lte=2100),
                name="%(app_label)s_%(class)s_start_year_plausible",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.end_year is not None and self.start_year and self.end_year < self.start_year:
            raise ValidationError({"end_year": _("The last year cannot be before the first.")})
        unknown = set(self.instruments or []) - set(self.Instrument.values)
        if unknown:
            raise ValidationError({"instruments": _("Choose instruments from the list.")})

    @property
    def period(self):
        if self.end_year is None:
            return _("since %(year)s") % {"year": self.start_year}
        return f"{self.start_year}–{self.end_year}"

    @property
    def instrument_labels(self):
        labels = dict(self.Instrument.choices)
        return [labels.get(value, value) for value in self.instruments]


class Representative(models.Model):
    """A person who speaks for a member organisation. Seats belong to the organisation."""

    class Role(models.TextChoices):
        CONTACT = "contact", _("Contact")
        REPRESENTATIVE = "representative", _("Representative")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="representative",
        verbose_name=_("person"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="representatives",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role, default=Role.REPRESENTATIVE)
    position = models.CharField(_("position"), max_length=150, blank=True)
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)

    class Meta:
        ordering = ["role", "user__full_name"]
        verbose_name = _("representative")
        verbose_name_plural = _("representatives")
        indexes = [models.Index(fields=["organisation", "role"], name="members_rep_org_role_idx")]

    def __str__(self):
        return f"{self.user} ({self.organisation})"

    @property
    def is_contact(self):
        return self.role == self.Role.CONTACT


class RepresentativeInvitation(models.Model):
    """A contact invites a colleague, by email address, to represent the organisation."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        CANCELLED = "cancelled", _("Cancelled")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email address"))
    role = models.CharField(
        _("role"),
        max_length=20,
        choices=Representative.Role,
        default=Representative.Role.REPRESENTATIVE,
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                "organisation",
                models.functions.Lower("email"),
                condition=Q(status="pending"),
                name="%(app_label)s_%(class)s_one_pending_per_email",
            ),
        ]
        indexes = [models.Index(models.functions.Lower("email"), name="members_invite_email_idx")]

    def __str__(self):
        return f"{self.email} → {self.organisation}"


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    INFORMATION_REQUESTED = "information_requested", _("Information requested")
    RESUBMITTED = "resubmitted", _("Resubmitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Who may move an application from which status to which: the state machine in one table.
APPLICANT = "applicant"
SECRETARIAT = "secretariat"
APPLICATION_TRANSITIONS = {
    ApplicationStatus.SUBMITTED: {
        ApplicationStatus.UNDER_REVIEW: SECRETARIAT,
        ApplicationStatus.WITHDRAWN: APPLICANT,
    },
    ApplicationStatus.UNDER_REVIEW: {
        ApplicationStatus.INFORMATION_REQUESTED: SECRETARIAT,
        ApplicationStatus.APPROVED: SECRETARIAT,
        ApplicationStatus.REJECTED: SECRETARIAT,
        ApplicationStatus.WITHDRAWN: APPLICANT,
    },
    ApplicationStatus.INFORMATION_REQUESTED: {
        ApplicationStatus.RESUBMITTED: APPLICANT,
        ApplicationStatus.REJECTED: SECRETARIAT,
        ApplicationStatus.WITHDRAWN: APPLICANT,
    },
    ApplicationStatus.RESUBMITTED: {
        ApplicationStatus.UNDER_REVIEW: SECRETARIAT,
        ApplicationStatus.INFORMATION_REQUESTED: SECRETARIAT,
        ApplicationStatus.APPROVED: SECRETARIAT,
        ApplicationStatus.REJECTED: SECRETARIAT,
        ApplicationStatus.WITHDRAWN: APPLICANT,
    },
    ApplicationStatus.APPROVED: {},
    ApplicationStatus.REJECTED: {},
    ApplicationStatus.WITHDRAWN: {},
}
OPEN_APPLICATION_STATUSES = [
    status for status, targets in APPLICATION_TRANSITIONS.items() if targets
]


class MembershipApplication(models.Model):
    """A request to admit a new organisation, reviewed by the secretariat."""

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="membership_applications",
        verbose_name=_("applicant"),
    )
    status = models.CharField(
        _("status"), max_length=24, choices=ApplicationStatus, default=ApplicationStatus.SUBMITTED
    )
    # The organisation as the applicant describes it.
    organisation_name = models.CharField(_("organisation name"), max_length=200)
    kind = models.CharField(_("kind of organisation"), max_length=20, choices=OrganisationKind)
    country = models.CharField(_("country"), max_length=2, choices=geography.country_choices)
    region_code = models.CharField(_("region"), max_length=10, blank=True)
    nuts_code = models.CharField(
        _("NUTS code"),
        max_length=5,
        blank=True,
        validators=[RegexValidator(NUTS_CODE_PATTERN, _("Enter a NUTS code such as DE21 or FR1."))],
    )
    website = models.URLField(_("website"), max_length=300)
    description = models.TextField(_("what the organisation does"))
    themes = models.ManyToManyField(
        PolicyTheme, verbose_name=_("policy themes"), related_name="+", blank=True
    )
    applicant_position = models.CharField(_("your position"), max_length=150)
    mandate = models.TextField(
        _("mandate"),
        help_text=_(
            "Which cluster policy or programme your organisation is responsible for, or funds."
        ),
    )
    motivation = models.TextField(_("why you want to join"))
    # The reviewer's eligibility checklist: None until the reviewer has judged the point.
    is_public_body = models.BooleanField(
        _("public or publicly mandated body"), null=True, blank=True
    )
    is_eligible_country = models.BooleanField(_("eligible country"), null=True, blank=True)
    has_cluster_mandate = models.BooleanField(
        _("responsible for or funds a cluster policy or programme"), null=True, blank=True
    )
    document_requested = models.BooleanField(_("supporting document requested"), default=False)
    supporting_document = models.FileField(
        _("supporting document"),
        upload_to="applications/",
        blank=True,
        validators=[FileExtensionValidator(["pdf"]), validate_document],
        help_text=_("A mandate letter or similar, as a PDF of at most 10 MB."),
    )
    information_request = models.TextField(_("question from the secretariat"), blank=True)
    applicant_response = models.TextField(_("your answer"), blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("organisation"),
        help_text=_("Set on approval: the organisation created or linked."),
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["submitted_at"]
        verbose_name = _("membership application")
        verbose_name_plural = _("membership applications")
        permissions = [("review_membershipapplication", _("Can review membership applications"))]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant"],
                condition=Q(status__in=OPEN_APPLICATION_STATUSES),
                name="%(app_label)s_%(class)s_one_open_per_applicant",
            ),
            models.CheckConstraint(
                condition=Q(region_code="") | Q(region_code__startswith=models.F("country")),
                name="%(app_label)s_%(class)s_region_in_country",
            ),
        ]
        indexes = [
            # The review queue: open applications, oldest first, filtered by status/country.
            models.Index(fields=["status", "submitted_at"], name="members_app_queue_idx"),
            models.Index(fields=["country", "status"], name="members_app_country_idx"),
        ]

    def __str__(self):
        return f"{self.organisation_name} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("members:application_detail", kwargs={"pk": self.pk})

    def clean(self):
        validate_place(
            country=self.country,
            region_code=self.region_code,
            nuts_code=self.nuts_code,
            kind=self.kind,
        )

    @property
    def is_open(self):
        return self.status in OPEN_APPLICATION_STATUSES

    @property
    def days_waiting(self):
        end = self.decided_at or timezone.now()
        return (end - self.submitted_at).days

    @property
    def country_name(self):
        return geography.country_name(self.country)

    @property
    def region_name(self):
        return geography.region_name(self.region_code) if self.region_code else ""

    def allowed_transitions(self, actor_kind):
        return [
            target
            for target, who in APPLICATION_TRANSITIONS[self.status].items()
            if who == actor_kind
        ]


class ApplicationTransition(models.Model):
    """The history of an application: every status change, with who, when and the note."""

    application = models.ForeignKey(
        MembershipApplication, on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(max_length=24, choices=ApplicationStatus, blank=True)
    to_status = models.CharField(max_length=24, choices=ApplicationStatus)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["application", "created_at"], name="members_apptrans_idx")]

    def __str__(self):
        return f"{self.from_status or '∅'} → {self.to_status}"


class JoinRequest(models.Model):
    """A person asks to represent an organisation that is already a member."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="join_requests"
    )
    position = models.CharField(_("your position"), max_length=150)
    message = models.TextField(_("message to the organisation's contact"), blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision_note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status="pending"),
                name="%(app_label)s_%(class)s_one_pending_per_user",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organisation", "status", "created_at"], name="members_join_org_idx"
            ),
            models.Index(fields=["status", "created_at"], name="members_join_status_idx"),
        ]

    def __str__(self):
        return f"{self.user} → {self.organisation} ({self.status})"


class MembershipStatusChange(models.Model):
    """Suspensions and reinstatements, with who, when and why."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=10, choices=Organisation.MembershipStatus)
    to_status = models.CharField(max_length=10, choices=Organisation.MembershipStatus)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.organisation}: {self.from_status} → {self.to_status}"
