"""Forms of an organisation's own pages: its profile, programmes, representatives and status.

(Kept apart from members/forms.py, which holds the forms of applying and joining.)"""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from members import geography
from members.models import (
    LOGO_MAX_BYTES,
    ClusterProgramme,
    Organisation,
    PolicyTheme,
    Representative,
)

LOGO_FORMATS = {"PNG", "JPEG", "WEBP"}
LOGO_ACCEPT = "image/png,image/jpeg,image/webp"


def form_errors_attach(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: next to its field when the form has that
    field, above the form otherwise (never a ValueError for a field the form lacks)."""
    error_dict = error.error_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error}
    for field, errors in error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


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
