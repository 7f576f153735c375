"""The secretariat imports members from a CSV file (try, read the report, apply) and exports
them in the same format (members.member_csv).

Between trying and applying, the parsed rows wait in the secretariat member's session (the
database, with the session), never as a file on the server; "Apply" names the try it applies
by a token, so a second tab cannot apply rows the person did not see."""

import uuid

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from members.access import SecretariatRequiredMixin
from members.forms import MemberImportForm
from members.member_csv import (
    COLUMNS,
    MAX_ROWS,
    member_csv_write,
    member_import_run,
    report_counts,
)

SESSION_KEY = "member_import"


class MemberImportView(SecretariatRequiredMixin, FormView):
    """Upload a file: it is tried (nothing is changed) and the report is shown."""

    template_name = "members/member_import.html"
    form_class = MemberImportForm

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "columns": COLUMNS, "max_rows": MAX_ROWS}

    def form_valid(self, form):
        filename = form.cleaned_data["file"].name[:200]
        reports = member_import_run(
            rows=form.rows, acting_user=self.request.user, apply=False, filename=filename
        )
        self.request.session[SESSION_KEY] = {
            "token": uuid.uuid4().hex,
            "filename": filename,
            "rows": form.rows,
            "reports": reports,
            "applied": False,
        }
        return redirect("members:member_import_review")


class MemberImportReviewView(SecretariatRequiredMixin, TemplateView):
    """The report of the last try (or of the application), row by row."""

    template_name = "members/member_import_review.html"

    def get(self, request, *args, **kwargs):
        if SESSION_KEY not in request.session:
            messages.info(request, _("Choose a file to import first."))
            return redirect("members:member_import")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        state = self.request.session[SESSION_KEY]
        counts = report_counts(state["reports"])
        return {
            **super().get_context_data(**kwargs),
            "state": state,
            "reports": state["reports"],
            "counts": counts,
            "can_apply": not state["applied"] and (counts["created"] or counts["updated"]),
        }


class MemberImportApplyView(SecretariatRequiredMixin, View):
    """Apply the rows that were tried, in one transaction, and show what was done."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        state = request.session.get(SESSION_KEY)
        if not state or state["applied"] or request.POST.get("token") != state["token"]:
            messages.error(
                request,
                _("This import is no longer waiting to be applied. Choose the file again."),
            )
            return redirect("members:member_import")
        reports = member_import_run(
            rows=state["rows"],
            acting_user=request.user,
            apply=True,
            filename=state["filename"],
        )
        request.session[SESSION_KEY] = {
            **state,
            "rows": [],
            "reports": reports,
            "applied": True,
        }
        messages.success(request, _("The import was applied."))
        return redirect("members:member_import_review")


class MemberExportView(SecretariatRequiredMixin, View):
    """Every organisation with its people, in the import's format."""

    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        filename = f"eca-members-{timezone.localdate().isoformat()}.csv"
        response = HttpResponse(
            content_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="{filename}"',
                "Cache-Control": "no-store",
            },
        )
        member_csv_write(response)
        return response
