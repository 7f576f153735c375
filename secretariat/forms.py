from django import forms
from django.utils.translation import gettext_lazy as _

from initiatives.models import FundingSource


class FundingSourceForm(forms.ModelForm):
    """A funding source's names; the service checks them again (and that the name is free)."""

    class Meta:
        model = FundingSource
        fields = ["name", "name_fr", "name_de"]
        help_texts = {
            "name_fr": _("Without one, French readers see the English name."),
            "name_de": _("Without one, German readers see the English name."),
        }

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        others = FundingSource.objects.filter(name__iexact=name).exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("A funding source with this name exists already."))
        return name
