from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User


class SignupDetailsForm(forms.Form):
    """What allauth's sign-up form asks beyond email and password."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def signup(self, request, user):
        user.full_name = self.cleaned_data["full_name"]
        user.language = getattr(request, "LANGUAGE_CODE", "en")
        user.save(update_fields=["full_name", "language"])


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "language"]
        widgets = {"full_name": forms.TextInput(attrs={"autocomplete": "name"})}
