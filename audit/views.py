"""The secretariat's audit log: filter it, page through it, download it as CSV. Read-only: no
page changes or deletes an entry."""

import csv

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_filters.views import FilterView

from audit import selectors
from audit.filters import AuditEntryFilterSet
from audit.models import ActorRole
from eca_portal.pagination import ForgivingPaginationMixin
from members.access import SecretariatRequiredMixin, secretariat_required

PAGE_SIZE = 50
# A cell starting with one of these would be a formula in a spreadsheet.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def actor_display(entry) -> str:
    if entry.actor_id is None:
        return str(ActorRole.SYSTEM.label)
    if entry.actor_name is None:
        return _("deleted account #%(id)s") % {"id": entry.actor_id}
    return entry.actor_name


def object_display(entry) -> str:
    if entry.object_type == "accounts.user" and entry.object_id is not None:
        if entry.object_user_name is None:
            return _("deleted account #%(id)s") % {"id": entry.object_id}
        return f"{entry.object_user_name} (#{entry.object_id})"
    return entry.object_label


def _value(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(_value(item) for item in value)
    return str(value)


def change_lines(changes: dict) -> list[tuple[str, str]]:
    """{"status": ["submitted", "under_review"], "note": "…"} → [("status", "submitted →
    under_review"), ("note", "…")]: before → after where the entry has both."""
    lines = []
    for key, value in (changes or {}).items():
        if isinstance(value, list) and len(value) == 2 and key not in ("added", "removed"):
            lines.append((key, f"{_value(value[0])} → {_value(value[1])}"))
        else:
            lines.append((key, _value(value)))
    return lines


class AuditLogView(SecretariatRequiredMixin, ForgivingPaginationMixin, FilterView):
    """Every privileged action, newest first, filtered by action, actor, kind of object and
    period."""

    filterset_class = AuditEntryFilterSet
    template_name = "audit/auditentry_list.html"
    context_object_name = "entries"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return selectors.audit_entries_for_log()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for entry in context["entries"]:
            entry.actor_text = actor_display(entry)
            entry.object_text = object_display(entry)
            entry.change_list = change_lines(entry.changes)
        context["is_filtered"] = any(
            value for name, value in self.request.GET.items() if name != "page"
        )
        return context


class _Echo:
    """A file-like object for csv.writer that hands back what it is given (streaming)."""

    def write(self, value):
        return value


def _csv_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


@require_GET
@secretariat_required
def audit_log_csv(request):
    """The log as filtered on the page, as CSV, streamed row by row from one query."""
    filterset = AuditEntryFilterSet(
        request.GET or None, queryset=selectors.audit_entries_for_log(), request=request
    )
    if filterset.is_bound and not filterset.is_valid():
        rows = filterset.queryset.none()  # the page explains the bad filters; nothing here
    else:
        rows = filterset.qs
    writer = csv.writer(_Echo())
    header = [
        _("When"),
        _("Actor account"),
        _("Actor"),
        _("Actor's role"),
        _("Action"),
        _("Kind of object"),
        _("Object id"),
        _("Object"),
        _("Changes"),
        _("IP address"),
    ]

    def lines():
        # A byte-order mark, so that spreadsheet programs read the file as UTF-8.
        yield "\ufeff" + writer.writerow(header)
        for entry in rows.iterator(chunk_size=1000):
            yield writer.writerow(
                _csv_cell(value)
                for value in [
                    timezone.localtime(entry.created_at).isoformat(timespec="seconds"),
                    entry.actor_id,
                    actor_display(entry),
                    entry.get_actor_label_display(),
                    entry.get_action_display(),
                    entry.object_type,
                    entry.object_id,
                    object_display(entry),
                    "; ".join(f"{key}: {text}" for key, text in change_lines(entry.changes)),
                    entry.ip_address,
                ]
            )

    filename = f"eca-audit-log-{timezone.localdate().isoformat()}.csv"
    return StreamingHttpResponse(
        lines(),
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )
