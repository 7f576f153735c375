"""The member directory's filters: one FilterSet for the page and for its CSV download."""

import django_filters
from django import forms
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Value, When
from django.utils.translation import gettext_lazy as _

from members import geography
from members.models import (
    OPEN_APPLICATION_STATUSES,
    ApplicationStatus,
    ClusterProgramme,
    FoundingNetwork,
    MembershipApplication,
    Organisation,
    OrganisationKind,
    PolicyTheme,
)

# A search is split into words, each of which must match; more words than this are ignored.
SEARCH_MAX_WORDS = 8


class OrderingChoice:
    NAME = "name"
    NEWEST = "newest"
    COUNTRY = "country"

    choices = [
        (NAME, _("Name (A–Z)")),
        (NEWEST, _("Newest members first")),
        (COUNTRY, _("Country")),
    ]


def _region_filter_choices():
    return geography.region_choices()


class OrganisationFilterForm(forms.Form):
    """Checks the filters against each other: a region must lie in the chosen country."""

    def clean(self):
        cleaned_data = super().clean()
        country, region = cleaned_data.get("country"), cleaned_data.get("region")
        if country and region and not geography.is_region_of(region, country):
            self.add_error(
                "region",
                _(
                    "%(region)s is not in %(country)s. Choose a region of %(country)s, "
                    "or any region."
                )
                % {
                    "region": geography.region_name(region),
                    "country": geography.country_name(country),
                },
            )
        return cleaned_data


class OrganisationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        max_length=200,
        help_text=_("Words in the name, the description or a cluster programme's name."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    country = django_filters.ChoiceFilter(
        label=_("Country"),
        choices=geography.country_choices,
        empty_label=_("Any country"),
        error_messages={"invalid_choice": _("“%(value)s” is not an eligible country.")},
    )
    region = django_filters.ChoiceFilter(
        label=_("Region"),
        field_name="region_code",
        choices=_region_filter_choices,
        empty_label=_("Any region"),
        error_messages={"invalid_choice": _("“%(value)s” is not a region we know.")},
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind of organisation"),
        choices=OrganisationKind.choices,
        empty_label=_("Any kind"),
        error_messages={"invalid_choice": _("“%(value)s” is not a kind of organisation.")},
    )
    theme = django_filters.ModelChoiceFilter(
        label=_("Policy theme"),
        queryset=PolicyTheme.objects.all(),
        to_field_name="slug",
        method="filter_theme",
        empty_label=_("Any theme"),
        error_messages={"invalid_choice": _("There is no policy theme “%(value)s”.")},
    )
    founding_network = django_filters.ChoiceFilter(
        label=_("Founding network"),
        choices=FoundingNetwork.choices,
        empty_label=_("Any network"),
        error_messages={"invalid_choice": _("“%(value)s” is not a founding network.")},
    )
    ordering = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=OrderingChoice.choices,
        method="filter_ordering",
        empty_label=None,
        error_messages={
            "invalid_choice": _("“%(value)s” is not a way to sort; sorted by name instead.")
        },
    )

    class Meta:
        model = Organisation
        fields = []
        form = OrganisationFilterForm

    @property
    def form(self):
        if not hasattr(self, "_form"):
            self._regions_narrow(super().form)
        return self._form

    def _regions_narrow(self, form):
        """The region list shows the chosen country's regions only: all of them, over a
        thousand, made the page slow to render and the list unusable (bench/NOTES.md). Every
        region is still accepted, so a link with a region alone keeps working."""
        field = form.fields["region"]
        data = self.data or {}
        country, chosen = data.get("country", ""), data.get("region", "")
        if country in geography.ELIGIBLE_COUNTRIES:
            shown = list(geography.regions_of(country))
        else:
            field.help_text = _("Choose a country and show the members to list its regions.")
            known = chosen and geography.region_name(chosen) != chosen
            shown = [(chosen, geography.region_name(chosen))] if known else []
        field.widget.choices = [field.choices[0], *shown]

    def filter_search(self, queryset, name, value):
        for word in value.split()[:SEARCH_MAX_WORDS]:
            # Exists() rather than a join: an organisation with many matching programmes is
            # still one row.
            programme_matches = ClusterProgramme.objects.filter(
                organisation=OuterRef("pk"), name__icontains=word
            )
            queryset = queryset.filter(
                Q(name__icontains=word)
                | Q(description__icontains=word)
                | Q(Exists(programme_matches))
            )
        return queryset

    def filter_theme(self, queryset, name, theme):
        has_theme = Organisation.themes.through.objects.filter(
            organisation=OuterRef("pk"), policytheme=theme
        )
        return queryset.filter(Exists(has_theme))

    def filter_ordering(self, queryset, name, value):
        if value == OrderingChoice.NEWEST:
            return queryset.order_by(F("member_since").desc(nulls_last=True), "name", "pk")
        if value == OrderingChoice.COUNTRY:
            # By the country's name in the reader's language, not by its ISO code.
            position = Case(
                *[
                    When(country=code, then=Value(index))
                    for index, (code, _name) in enumerate(geography.country_choices())
                ],
                default=Value(len(geography.ELIGIBLE_COUNTRIES)),
                output_field=IntegerField(),
            )
            return queryset.order_by(position, "name", "pk")
        return queryset.order_by("name", "pk")


# --- The secretariat's review queue ----------------------------------------------------------


class ApplicationQueueFilterSet(django_filters.FilterSet):
    """Open applications unless a status is asked for; any status, decided ones included, when
    it is. Takes the queryset of selectors.application_queue(statuses=None)."""

    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=ApplicationStatus.choices,
        empty_label=_("Any open status"),
        error_messages={"invalid_choice": _("“%(value)s” is not a status of an application.")},
    )
    country = django_filters.ChoiceFilter(
        label=_("Country"),
        choices=geography.country_choices,
        empty_label=_("Any country"),
        error_messages={"invalid_choice": _("“%(value)s” is not an eligible country.")},
    )

    class Meta:
        model = MembershipApplication
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        # Always bound, so that the default (open applications only) applies to a bare URL too.
        super().__init__(data if data is not None else {}, *args, **kwargs)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.filter(status__in=OPEN_APPLICATION_STATUSES)
        return queryset
