"""The directory's filters: the FilterSet hands its cleaned values to selectors.initiative_list,
so that the page, a future CSV download and the tests filter in exactly one way."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from initiatives import selectors
from initiatives.models import FundingSource, Initiative, InitiativeStatus
from members import geography
from members import selectors as members_selectors
from members.models import PolicyTheme


class InitiativeFilterForm(forms.Form):
    """Checks the filters against each other: a period must not end before it starts."""

    def clean(self):
        cleaned_data = super().clean()
        date_from, date_to = cleaned_data.get("date_from"), cleaned_data.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", _("The end of the period cannot be before its start."))
        return cleaned_data

    def clean_lead(self):
        lead = self.cleaned_data.get("lead", "").strip()
        if lead and not members_selectors.organisations_named(lead).exists():
            raise forms.ValidationError(
                _("No organisation’s name has the words “%(words)s”."),
                params={"words": lead},
            )
        return lead


class InitiativeFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        max_length=200,
        help_text=_("Words in the title, the summary or the objectives."),
        widget=forms.TextInput(attrs={"type": "search"}),
        method="filter_nothing",
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=InitiativeStatus.choices,
        empty_label=_("Any status"),
        method="filter_nothing",
        error_messages={"invalid_choice": _("“%(value)s” is not a status of an initiative.")},
    )
    theme = django_filters.ModelChoiceFilter(
        label=_("Policy theme"),
        queryset=PolicyTheme.objects.all(),
        to_field_name="slug",
        empty_label=_("Any theme"),
        method="filter_nothing",
        error_messages={"invalid_choice": _("There is no policy theme “%(value)s”.")},
    )
    country = django_filters.ChoiceFilter(
        label=_("Country"),
        choices=geography.country_choices,
        empty_label=_("Any country"),
        method="filter_nothing",
        error_messages={"invalid_choice": _("“%(value)s” is not an eligible country.")},
    )
    funding_source = django_filters.ModelChoiceFilter(
        label=_("Funding source"),
        queryset=FundingSource.objects.all(),
        to_field_name="slug",
        empty_label=_("Any funding source"),
        method="filter_nothing",
        error_messages={"invalid_choice": _("There is no funding source “%(value)s”.")},
    )
    # Words of the lead organisation's name, not a list: a list of thousands of organisations
    # is unusable and costs more to render than the rest of the page (bench/NOTES.md).
    lead = django_filters.CharFilter(
        label=_("Lead organisation"),
        max_length=200,
        help_text=_("Words of its name, such as “Business Finland”."),
        method="filter_nothing",
    )
    date_from = django_filters.DateFilter(
        label=_("Running after"),
        method="filter_nothing",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        label=_("Running before"),
        method="filter_nothing",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Initiative
        fields = []
        form = InitiativeFilterForm

    def __init__(self, data=None, queryset=None, **kwargs):
        # The queryset, if given, narrows what is filtered; the selector shapes the rows.
        super().__init__(
            data, queryset if queryset is not None else Initiative.objects.all(), **kwargs
        )

    def filter_nothing(self, queryset, name, value):
        # Each filter's value is applied by filter_queryset, all together, by the selector.
        return queryset

    def filter_queryset(self, queryset):
        values = self.form.cleaned_data
        return selectors.initiative_list(
            status=values.get("status") or None,
            theme=values.get("theme"),
            country=values.get("country") or None,
            funding_source=values.get("funding_source"),
            lead_name=values.get("lead") or "",
            date_from=values.get("date_from"),
            date_to=values.get("date_to"),
            query=values.get("q") or "",
            base=queryset,
        )
