from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from members.models import PolicyTheme
from notifications.models import DigestFrequency


class PreferenceForm(forms.Form):
    """A person's email choices. Weekly is pre-selected; "no digest" is one click away."""

    digest = forms.ChoiceField(
        label=_("Digest email"),
        choices=[
            (DigestFrequency.WEEKLY, _("Weekly, on Monday morning")),
            (DigestFrequency.DAILY, _("Daily, at 07:00 (Brussels time)")),
            (DigestFrequency.OFF, _("No digest")),
        ],
        initial=DigestFrequency.WEEKLY,
        widget=forms.RadioSelect,
        help_text=_("A summary of what happened in your threads, topics and initiatives."),
    )
    email_mentions = forms.BooleanField(
        label=_("Email me at once when someone mentions me"), required=False, initial=True
    )
    email_decisions = forms.BooleanField(
        label=_(
            "Email me at once about requests to join my organisation or initiatives, their "
            "answers, and status decisions on my initiatives"
        ),
        required=False,
        initial=True,
    )
    email_announcements = forms.BooleanField(
        label=_("Email me the secretariat's announcements"), required=False, initial=True
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Tell me about new joint initiatives and new members in these themes"),
        queryset=PolicyTheme.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked to hear about none."),
    )
    language = forms.ChoiceField(
        label=_("Language of the emails"),
        choices=settings.LANGUAGES,
        help_text=_("The digest and the other emails are written in this language."),
    )


class AnnouncementForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Markdown: **bold**, *italic*, lists, [links](https://…)."),
    )
    countries = forms.MultipleChoiceField(
        label=_("Countries"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked to write to members in every country."),
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        queryset=PolicyTheme.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked to write to members of every theme."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from members.geography import country_choices

        self.fields["countries"].choices = country_choices()
