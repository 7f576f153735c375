"""The secretariat's list of user accounts: search by name or email, filter by status."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User


class UserAccountFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Name or email address"),
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
        method="filter_q",
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[("active", _("Active")), ("inactive", _("Deactivated"))],
        empty_label=_("Any status"),
        method="filter_status",
        error_messages={"invalid_choice": _("“%(value)s” is not a status of an account.")},
    )

    class Meta:
        model = User
        fields = ["q", "status"]

    def filter_q(self, queryset, name, value):
        for word in value.split()[:8]:
            queryset = queryset.filter(Q(full_name__icontains=word) | Q(email__icontains=word))
        return queryset

    def filter_status(self, queryset, name, value):
        return queryset.filter(is_active=value == "active")
