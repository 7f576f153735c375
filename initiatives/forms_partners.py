"""Forms of the actions on an initiative: partners, commitments, news, documents, status.
The services check the rules; these forms only shape what was typed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from initiatives.models import (
    STATEMENT_MAX_LENGTH,
    Commitment,
    InitiativePartner,
    NewsUpdate,
)
from members.models import Organisation

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
