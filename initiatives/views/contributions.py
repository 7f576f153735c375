"""What partners bring to an initiative: commitments, news, documents; and its status.

Same pattern as initiatives.views.partners: a form page on GET, the service on POST, the
service's refusals shown on the page. A document is served only through document_download,
to members and the secretariat (404 for anyone else), always as an attachment."""

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from initiatives import permissions, selectors, services
from initiatives.forms import (
    CommitmentForm,
    CommitmentWithdrawForm,
    DocumentForm,
    NewsUpdateForm,
    StatusChangeForm,
)
from initiatives.models import InitiativeStatus
from initiatives.views.partners import InitiativeActionView
from members.access import SecretariatMfaMixin
from members.permissions import is_secretariat

# --- Commitments --------------------------------------------------------------------------------


class CommitmentRecordView(InitiativeActionView):
    template_name = "initiatives/commitment_form.html"
    form_class = CommitmentForm

    def allowed(self):
        return permissions.committing_partner(self.request.user, self.initiative) is not None

    def refusal(self):
        if not self.access.can_commit:
            return _("A completed or cancelled initiative takes no new commitments.")
        return ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            pooled=selectors.commitment_totals(initiative=self.initiative), **kwargs
        )

    def perform(self, form):
        data = form.cleaned_data
        services.commitment_record(
            initiative=self.initiative,
            acting_user=self.request.user,
            kind=data["kind"],
            amount=data["amount"],
            description=data["description"],
        )
        self.success_message = _("Your organisation's commitment has been recorded.")


class CommitmentWithdrawView(InitiativeActionView):
    template_name = "initiatives/commitment_withdraw.html"
    form_class = CommitmentWithdrawForm

    def allowed(self):
        return permissions.committing_partner(self.request.user, self.initiative) is not None

    def refusal(self):
        if not self.access.can_commit:
            return _("This initiative is closed: it can be read but no longer changed.")
        return ""

    def get_initial(self):
        return {"kind": self.request.GET.get("kind", "")}

    def perform(self, form):
        services.commitment_withdraw(
            initiative=self.initiative,
            acting_user=self.request.user,
            kind=form.cleaned_data["kind"],
        )
        self.success_message = _("Your organisation's commitment has been withdrawn.")


# --- News and documents -------------------------------------------------------------------------


class NewsUpdatePostView(InitiativeActionView):
    template_name = "initiatives/news_form.html"
    form_class = NewsUpdateForm

    def allowed(self):
        return permissions.contributing_partner(self.request.user, self.initiative) is not None

    def refusal(self):
        if not self.access.can_post_news:
            return _("This initiative is cancelled: it can be read but no longer changed.")
        return ""

    def perform(self, form):
        services.news_update_post(
            initiative=self.initiative,
            acting_user=self.request.user,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
        )
        self.success_message = _("Your news has been posted.")


class DocumentAddView(InitiativeActionView):
    template_name = "initiatives/document_form.html"
    form_class = DocumentForm

    def allowed(self):
        return permissions.contributing_partner(self.request.user, self.initiative) is not None

    def refusal(self):
        if not self.access.can_add_document:
            return _("This initiative is cancelled: it can be read but no longer changed.")
        return ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            files_to_choose_again=self.request.method == "POST" and bool(self.request.FILES),
            **kwargs,
        )

    def perform(self, form):
        services.document_add(
            initiative=self.initiative,
            acting_user=self.request.user,
            upload=form.cleaned_data["file"],
            title=form.cleaned_data["title"],
        )
        self.success_message = _("The document has been added.")


@require_GET
def document_download(request, pk):
    """Members and the secretariat only (404 for anyone else); never shown in the browser."""
    document = selectors.document_get_for_user(user=request.user, pk=pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Status -------------------------------------------------------------------------------------


class StatusChangeView(SecretariatMfaMixin, InitiativeActionView):
    """The lead's contact or the secretariat (who needs 2FA first) moves the status along."""

    template_name = "initiatives/status_form.html"
    form_class = StatusChangeForm

    def allowed(self):
        user = self.request.user
        return is_secretariat(user) or permissions.is_lead_contact(user, self.initiative)

    def refusal(self):
        if not self.access.transitions:
            return _("This initiative is %(status)s: its status can no longer change.") % {
                "status": InitiativeStatus(self.initiative.status).label.lower()
            }
        return ""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "transitions": self.access.transitions}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            current_status=InitiativeStatus(self.initiative.status),
            history=selectors.initiative_status_history(initiative=self.initiative),
            **kwargs,
        )

    def perform(self, form):
        to_status = form.cleaned_data["to_status"]
        services.initiative_status_change(
            initiative=self.initiative,
            acting_user=self.request.user,
            to_status=to_status,
            note=form.cleaned_data["note"],
        )
        self.success_message = _("The initiative is now “%(status)s”.") % {
            "status": InitiativeStatus(to_status).label
        }
