"""The audit log's filters: one FilterSet for the page and for its CSV download."""

import datetime

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import AuditAction, AuditEntry

# The kinds of object the portal audits (app_label.model, as stored), with their names.
OBJECT_TYPES = [
    ("members.membershipapplication", _("Membership application")),
    ("members.organisation", _("Organisation")),
    ("members.representative", _("Representative")),
    ("dialogues.topic", _("Dialogue topic")),
    ("dialogues.thread", _("Dialogue thread")),
    ("dialogues.post", _("Dialogue post")),
    ("initiatives.initiative", _("Initiative")),
    ("accounts.user", _("User account")),
    ("auth.group", _("Group")),
]


class AuditFilterForm(forms.Form):
    def clean(self):
        cleaned_data = super().clean()
        date_from, date_to = cleaned_data.get("date_from"), cleaned_data.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", _("The end of the period cannot be before its start."))
        return cleaned_data


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class AuditEntryFilterSet(django_filters.FilterSet):
    action = django_filters.ChoiceFilter(
        label=_("Action"),
        choices=AuditAction.choices,
        empty_label=_("Any action"),
        error_messages={"invalid_choice": _("“%(value)s” is not an action of the audit trail.")},
    )
    actor = django_filters.CharFilter(
        label=_("Who"),
        max_length=200,
        help_text=_("A name, an email address or an account number."),
        widget=forms.TextInput(attrs={"type": "search"}),
        method="filter_actor",
    )
    object_type = django_filters.ChoiceFilter(
        label=_("Kind of object"),
        choices=OBJECT_TYPES,
        empty_label=_("Any kind"),
        error_messages={"invalid_choice": _("“%(value)s” is not a kind of object in the log.")},
    )
    date_from = django_filters.DateFilter(
        label=_("From"),
        method="filter_date_from",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a date such as 2026-03-31.")},
    )
    date_to = django_filters.DateFilter(
        label=_("Until"),
        method="filter_date_to",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a date such as 2026-03-31.")},
    )

    class Meta:
        model = AuditEntry
        fields = ["action", "actor", "object_type", "date_from", "date_to"]
        form = AuditFilterForm

    def filter_actor(self, queryset, name, value):
        value = value.strip().lstrip("#")
        if not value:
            return queryset
        if value.isdigit():
            return queryset.filter(actor_id=int(value))
        people = get_user_model().objects.filter(
            Q(full_name__icontains=value) | Q(email__icontains=value)
        )
        return queryset.filter(actor_id__in=people.values("pk"))

    # Bounds as times (not created_at__date) so that the created_at index serves them.
    def filter_date_from(self, queryset, name, value):
        return queryset.filter(created_at__gte=_day_start(value))

    def filter_date_to(self, queryset, name, value):
        return queryset.filter(created_at__lt=_day_start(value + datetime.timedelta(days=1)))
