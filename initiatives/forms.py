"""Forms of the joint initiatives' pages. They validate input; initiatives.services write."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from initiatives.models import (
    STATEMENT_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Commitment,
    FundingSource,
    InitiativePartner,
    NewsUpdate,
    validate_coverage,
)
from members import geography
from members.models import Organisation, PolicyTheme

# --- Proposing and editing an initiative -------------------------------------------------------


class InitiativeForm(forms.Form):
    """What a proposal and an edit set. The services validate again (the model's clean); the
    form checks the dates and the places early, so that the similarity check sees valid ones."""

    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=SUMMARY_MAX_LENGTH,
        help_text=_("Two or three sentences: what the initiative does and for whom."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    description = forms.CharField(
        label=_("Description (optional)"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        help_text=_(
            "Formatting with Markdown: **bold**, *italic*, [a link](https://example.eu), "
            "a line starting with - for a list."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    objectives = forms.CharField(
        label=_("Objectives"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Policy themes (optional)"),
        queryset=PolicyTheme.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    countries = forms.MultipleChoiceField(
        label=_("Countries"),
        choices=geography.country_choices,
        help_text=_("The countries the initiative covers. Hold Ctrl (or ⌘) to choose several."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        error_messages={"required": _("Name at least one country the initiative covers.")},
    )
    regions = forms.MultipleChoiceField(
        label=_("Regions (optional)"),
        choices=geography.region_choices,
        required=False,
        help_text=_(
            "Only if it covers some regions rather than whole countries; each must lie in one "
            "of the countries chosen. Hold Ctrl (or ⌘) to choose several."
        ),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    start_date = forms.DateField(
        label=_("Start date (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end_date = forms.DateField(
        label=_("End date (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    funding_source = forms.ModelChoiceField(
        label=_("Funding source (optional)"),
        queryset=FundingSource.objects.all(),
        required=False,
        empty_label=_("Not known yet"),
    )
    budget = forms.DecimalField(
        label=_("Budget in euros (optional)"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
    )
    website = forms.URLField(label=_("Website (optional)"), required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The labels' choices are translated when the form is built, not at import.
        self.fields["countries"].choices = geography.country_choices()
        self.fields["regions"].choices = geography.region_choices()

    def clean(self):
        cleaned_data = super().clean()
        start, end = cleaned_data.get("start_date"), cleaned_data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date cannot be before the start date."))
        if "countries" in cleaned_data and "regions" in cleaned_data:
            # Checked before the similar initiatives are looked for, not only when saving.
            try:
                validate_coverage(
                    countries=cleaned_data["countries"], regions=cleaned_data["regions"]
                )
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    self.add_error(field, messages)
        return cleaned_data

    def service_data(self) -> dict:
        """The cleaned fields as initiatives.services take them (themes apart)."""
        data = {name: value for name, value in self.cleaned_data.items() if name != "themes"}
        return data

    @classmethod
    def initial_for(cls, initiative) -> dict:
        return {
            "title": initiative.title,
            "summary": initiative.summary,
            "description": initiative.description,
            "objectives": initiative.objectives,
            "themes": list(initiative.themes.all()),
            "countries": list(initiative.countries),
            "regions": list(initiative.regions),
            "start_date": initiative.start_date,
            "end_date": initiative.end_date,
            "funding_source": initiative.funding_source,
            "budget": initiative.budget,
            "website": initiative.website,
        }


class InitiativeProposeForm(InitiativeForm):
    """The proposal, in two steps: first checked for similar initiatives and programmes, then
    proposed once the proposer confirms they want a new one anyway (the view reads which
    button was pressed: "check" or "propose")."""


# --- Acting on an initiative: partners, commitments, news, documents, status -----------------

ROLE_CHOICES = [
    (InitiativePartner.Role.PARTNER, InitiativePartner.Role.PARTNER.label),
    (InitiativePartner.Role.OBSERVER, InitiativePartner.Role.OBSERVER.label),
]
NOTE_MAX_LENGTH = 2000


class PartnerRequestForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Take part as"),
        choices=ROLE_CHOICES,
        initial=InitiativePartner.Role.PARTNER,
        widget=forms.RadioSelect,
        help_text=_("Partners contribute resources; observers follow the work."),
    )
    statement = forms.CharField(
        label=_("What your organisation would bring"),
        max_length=STATEMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("A few sentences for the lead organisation, who decides."),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your answer"),
        choices=[("accept", _("Accept")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    @property
    def accepted(self):
        return self.cleaned_data["decision"] == "accept"


class PartnerInviteForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        help_text=_("Active member organisations that do not take part yet."),
    )
    role = forms.ChoiceField(
        label=_("Invite as"),
        choices=ROLE_CHOICES,
        initial=InitiativePartner.Role.PARTNER,
        widget=forms.RadioSelect,
    )
    message = forms.CharField(
        label=_("Message (optional)"),
        required=False,
        max_length=STATEMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class ConfirmForm(forms.Form):
    """Nothing to fill in: the button confirms (withdrawing a request, cancelling an
    invitation)."""


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class LeadHandoverForm(NoteForm):
    organisation = forms.ModelChoiceField(
        label=_("New lead organisation"), queryset=Organisation.objects.none()
    )
    field_order = ["organisation", "note"]

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class CommitmentForm(forms.ModelForm):
    class Meta:
        model = Commitment
        fields = ["kind", "amount", "description"]
        labels = {"amount": _("How much"), "description": _("What it is")}
        help_texts = {
            "amount": _(
                "Days for staff, euros for budget, a whole number for events and for data or tools."
            ),
            "description": _("For example: two analysts, one day a week for a year."),
        }


class CommitmentWithdrawForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of resource"), choices=Commitment.Kind.choices)


class NewsUpdateForm(forms.ModelForm):
    class Meta:
        model = NewsUpdate
        fields = ["title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}
        help_texts = {"body": _("Markdown: **bold**, *italic*, lists and links.")}


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title (optional)"), required=False, max_length=200)
    file = forms.FileField(label=_("File"))


class StatusChangeForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"), widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when cancelling: say why."),
    )

    def __init__(self, *args, transitions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [(status.value, status.label) for status in transitions]
