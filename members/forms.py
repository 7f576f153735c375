"""Forms of the members app. They validate input; the services in members/services.py write."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _

from members import geography
from members.models import (
    LOGO_MAX_BYTES,
    ClusterProgramme,
    JoinRequest,
    MembershipApplication,
    Organisation,
    PolicyTheme,
    Representative,
    validate_document,
)

PDF_ACCEPT = {"accept": "application/pdf,.pdf"}


# --- Applying for membership ------------------------------------------------------------------


class ApplicationForm(forms.ModelForm):
    """What a person fills in to apply for their organisation's membership."""

    region_code = forms.ChoiceField(
        label=_("Region"),
        required=False,
        help_text=_("Required for a regional authority. Leave empty for a national body."),
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Policy themes"),
        queryset=PolicyTheme.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("The themes your organisation works on. Choose any that apply."),
    )

    class Meta:
        model = MembershipApplication
        fields = [
            "organisation_name",
            "kind",
            "country",
            "region_code",
            "nuts_code",
            "website",
            "description",
            "themes",
            "applicant_position",
            "mandate",
            "motivation",
            "supporting_document",
        ]
        widgets = {
            "organisation_name": forms.TextInput(attrs={"autocomplete": "organization"}),
            "nuts_code": forms.TextInput(attrs={"autocapitalize": "characters", "size": 6}),
            "website": forms.URLInput(attrs={"autocomplete": "url"}),
            "applicant_position": forms.TextInput(attrs={"autocomplete": "organization-title"}),
            "description": forms.Textarea(attrs={"rows": 4}),
            "mandate": forms.Textarea(attrs={"rows": 4}),
            "motivation": forms.Textarea(attrs={"rows": 4}),
            "supporting_document": forms.FileInput(attrs=PDF_ACCEPT),
        }
        labels = {
            "organisation_name": _("Name of the organisation"),
            "kind": _("Kind of organisation"),
            "website": _("Website of the organisation"),
            "description": _("What the organisation does"),
            "applicant_position": _("Your position in the organisation"),
            "mandate": _("Mandate"),
            "motivation": _("Why the organisation wants to join"),
            "supporting_document": _("Supporting document (optional)"),
        }
        help_texts = {
            "nuts_code": _("Optional: the NUTS code of the territory you cover, e.g. DE21 or FR1."),
            "website": _("For example https://www.region.example.eu"),
            "mandate": _(
                "Which cluster policy or programme your organisation is responsible for, or funds."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Names in the reader's language, so the choices are built per request.
        self.fields["country"].choices = [("", _("Choose a country")), *geography.country_choices()]
        self.fields["region_code"].choices = [
            ("", _("No region (national body)")),
            *geography.region_choices(),
        ]

    def clean_nuts_code(self):
        return self.cleaned_data["nuts_code"].strip().upper()

    def application_data(self) -> dict:
        """The cleaned fields as services.application_submit takes them (themes apart)."""
        data = {name: value for name, value in self.cleaned_data.items() if name != "themes"}
        if not data.get("supporting_document"):
            data.pop("supporting_document", None)
        return data


class ApplicationRespondForm(forms.Form):
    """The applicant answers the secretariat's question, with a document if one was asked for."""

    response = forms.CharField(label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 6}))
    document = forms.FileField(
        label=_("Supporting document"),
        required=False,
        validators=[FileExtensionValidator(["pdf"]), validate_document],
        widget=forms.FileInput(attrs=PDF_ACCEPT),
        help_text=_("A mandate letter or similar, as a PDF of at most 10 MB."),
    )

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        if application.document_requested and not application.supporting_document:
            self.fields["document"].required = True
            self.fields["document"].error_messages["required"] = _(
                "The secretariat asked for a supporting document."
            )
        elif application.supporting_document:
            self.fields["document"].label = _("Replace the supporting document (optional)")
        else:
            self.fields["document"].label = _("Supporting document (optional)")


# --- The secretariat's review ---------------------------------------------------------------------

YES, NO, UNDECIDED = "yes", "no", "undecided"
_CHECKLIST_VALUES = {YES: True, NO: False, UNDECIDED: None}


def _checklist_field(label):
    return forms.TypedChoiceField(
        label=label,
        choices=[(YES, _("Yes")), (NO, _("No")), (UNDECIDED, _("Not decided yet"))],
        coerce=_CHECKLIST_VALUES.get,
        widget=forms.RadioSelect,
    )


class ChecklistForm(forms.Form):
    """The reviewer's eligibility checklist: yes, no or not decided yet for each point."""

    is_public_body = _checklist_field(_("Is it a public or publicly mandated body?"))
    is_eligible_country = _checklist_field(
        _("Is it in an EU or EEA member state or an EU candidate country?")
    )
    has_cluster_mandate = _checklist_field(
        _("Is it responsible for a cluster policy or programme, or does it fund one?")
    )

    def __init__(self, *args, application, **kwargs):
        initial = {
            name: {True: YES, False: NO, None: UNDECIDED}[getattr(application, name)]
            for name in ("is_public_body", "is_eligible_country", "has_cluster_mandate")
        }
        super().__init__(*args, initial=initial, **kwargs)


class RequestInformationForm(forms.Form):
    question = forms.CharField(
        label=_("Your question to the applicant"), widget=forms.Textarea(attrs={"rows": 4})
    )
    request_document = forms.BooleanField(
        label=_("Ask for a supporting document (PDF)"), required=False
    )


class ApproveForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the applicant (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    existing_organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Create a new member organisation"),
        blank=True,
        widget=forms.RadioSelect,
        help_text=_("Or link the applicant to an organisation that is already registered."),
    )

    def __init__(self, *args, duplicate_organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        if duplicate_organisations:
            self.fields["existing_organisation"].queryset = Organisation.objects.filter(
                pk__in=[organisation.pk for organisation in duplicate_organisations]
            )
        else:
            del self.fields["existing_organisation"]


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason, sent to the applicant"), widget=forms.Textarea(attrs={"rows": 4})
    )


# --- Joining an existing member -----------------------------------------------------------------


class JoinRequestForm(forms.ModelForm):
    class Meta:
        model = JoinRequest
        fields = ["position", "message"]
        widgets = {
            "position": forms.TextInput(attrs={"autocomplete": "organization-title"}),
            "message": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"message": _("Message to the organisation's contact (optional)")}


class JoinRequestDecisionForm(forms.Form):
    ACCEPT, DECLINE = "accept", "decline"

    decision = forms.ChoiceField(choices=[(ACCEPT, _("Accept")), (DECLINE, _("Decline"))])
    note = forms.CharField(label=_("Note to the person (optional)"), required=False)


# --- An organisation's own pages: profile, programmes, representatives, status ----------------

LOGO_FORMATS = {"PNG", "JPEG", "WEBP"}
LOGO_ACCEPT = "image/png,image/jpeg,image/webp"


def _region_choices():
    return [("", _("No region (national body)")), *geography.region_choices()]


class OrganisationForm(forms.ModelForm):
    """The profile a contact (or the secretariat) edits. Only the secretariat renames an
    organisation or records its founding network."""

    SECRETARIAT_ONLY_FIELDS = ("name", "founding_network")

    region_code = forms.ChoiceField(
        label=_("Region"),
        required=False,
        choices=_region_choices,
        help_text=_("Required for a regional authority. The region must be in the country."),
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Policy themes"),
        queryset=PolicyTheme.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("The themes your organisation works on. Choose any that apply."),
    )

    class Meta:
        model = Organisation
        fields = [
            "name",
            "description",
            "website",
            "kind",
            "region_code",
            "nuts_code",
            "themes",
            "logo",
            "founding_network",
        ]
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "organization"}),
            "description": forms.Textarea(attrs={"rows": 6}),
            "website": forms.URLInput(attrs={"autocomplete": "url"}),
            "nuts_code": forms.TextInput(attrs={"autocapitalize": "characters", "size": 6}),
            "logo": forms.ClearableFileInput(attrs={"accept": LOGO_ACCEPT}),
        }
        labels = {
            "name": _("Name of the organisation"),
            "kind": _("Kind of organisation"),
            "description": _("What the organisation does"),
        }
        help_texts = {
            "nuts_code": _("Optional: the NUTS code of the territory you cover, e.g. DE21 or FR1."),
            "website": _("For example https://www.region.example.eu"),
        }

    def __init__(self, *args, secretariat: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not secretariat:
            for name in self.SECRETARIAT_ONLY_FIELDS:
                del self.fields[name]

    def clean_nuts_code(self):
        return self.cleaned_data["nuts_code"].strip().upper()

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        # Only a new upload carries the image Pillow read (forms.ImageField sets `.image`).
        image = getattr(logo, "image", None)
        if image is not None:
            if logo.size > LOGO_MAX_BYTES:
                raise ValidationError(_("The logo must be 1 MB or smaller."), code="logo_too_large")
            if image.format not in LOGO_FORMATS:
                raise ValidationError(
                    _("The logo must be a PNG, JPEG or WebP image."), code="logo_format"
                )
        return logo

    def organisation_data(self) -> dict:
        """The fields as services.organisation_update takes them (themes apart). Read from the
        instance, where the form already put them (the logo's "clear" and "keep" included)."""
        return {name: getattr(self.instance, name) for name in self.fields if name != "themes"}


class ProgrammeForm(forms.ModelForm):
    start_year = forms.IntegerField(label=_("First year"), min_value=1950, max_value=2100)
    end_year = forms.IntegerField(
        label=_("Last year"),
        min_value=1950,
        max_value=2100,
        required=False,
        help_text=_("Leave empty if the programme runs without a set end."),
    )
    instruments = forms.MultipleChoiceField(
        label=_("Instruments"),
        choices=ClusterProgramme.Instrument.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("How the programme supports clusters. Choose any that apply."),
    )

    class Meta:
        model = ClusterProgramme
        fields = [
            "name",
            "description",
            "start_year",
            "end_year",
            "budget_band",
            "instruments",
            "target_sectors",
            "link",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}
        labels = {
            "name": _("Name of the programme"),
            "budget_band": _("Budget"),
            "link": _("Web page of the programme"),
        }
        help_texts = {
            "target_sectors": _("For example: health, mobility, agri-food."),
            "budget_band": _("The programme's whole budget over its period."),
        }

    def programme_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields}


# --- Representatives ----------------------------------------------------------------------


class RepresentativeRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Representative.Role.choices)


class RepresentativeHandoverForm(forms.Form):
    successor = forms.TypedChoiceField(
        label=_("Successor"),
        coerce=int,
        error_messages={"required": _("Choose the colleague who takes over.")},
    )

    def __init__(self, *args, colleagues=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["successor"].choices = [
            ("", _("Choose a colleague")),
            *(
                (colleague.pk, colleague.user.full_name or str(colleague.user))
                for colleague in colleagues
            ),
        ]


class RepresentativeInviteForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address of your colleague"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        help_text=_("We send them a link to join as a representative of your organisation."),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Representative.Role.choices,
        initial=Representative.Role.REPRESENTATIVE,
        help_text=_("A contact also edits the profile and manages the representatives."),
    )


# --- Membership status ---------------------------------------------------------------------


class MembershipStatusForm(forms.Form):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, suspend: bool, **kwargs):
        super().__init__(*args, **kwargs)
        note = self.fields["note"]
        if suspend:
            note.label = _("Why is the membership suspended?")
            note.help_text = _("Sent to the organisation's contacts and kept in the history.")
            note.error_messages["required"] = _("Say why the membership is suspended.")
        else:
            note.label = _("Note (optional)")
            note.help_text = _("Sent to the organisation's contacts and kept in the history.")
            note.required = False


# --- The policy-theme vocabulary ---------------------------------------------------------------


class PolicyThemeForm(forms.ModelForm):
    class Meta:
        model = PolicyTheme
        fields = ["name", "name_fr", "name_de"]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        others = PolicyTheme.objects.filter(name__iexact=name).exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("A theme with this name exists already."))
        return name


class MemberImportForm(forms.Form):
    """The secretariat's CSV of organisations and people (members.member_csv)."""

    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "UTF-8, separated by commas or semicolons, at most 1 MB and 2,000 rows, with the "
            "columns of the export."
        ),
    )

    def clean_file(self):
        from members.member_csv import MAX_FILE_BYTES, member_csv_parse

        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)d KB. Split it into smaller files.")
                % {"size": MAX_FILE_BYTES // 1024},
                code="too_large",
            )
        self.rows = member_csv_parse(upload.read())
        return upload
