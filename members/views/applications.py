"""Applying for membership, the secretariat's review queue and decisions, join requests to
existing members, and invitations to represent one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import FormView, TemplateView
from django_filters.views import FilterView

from eca_portal.forms import form_errors_attach
from eca_portal.pagination import ForgivingPaginationMixin
from members import selectors, services
from members.access import (
    SecretariatMfaMixin,
    SecretariatRequiredMixin,
    secretariat_mfa_enforced,
    secretariat_required,
)
from members.filters import ApplicationQueueFilterSet
from members.forms import (
    ApplicationForm,
    ApplicationRespondForm,
    ApproveForm,
    ChecklistForm,
    JoinRequestDecisionForm,
    JoinRequestForm,
    RejectForm,
    RequestInformationForm,
)
from members.models import SECRETARIAT, ApplicationStatus
from members.permissions import is_secretariat, representative_of
from members.services import MembershipError

QUEUE_PAGE_SIZE = 25


# --- Helpers -----------------------------------------------------------------------------------


# --- Applying -----------------------------------------------------------------------------------


class ApplicationCreateView(LoginRequiredMixin, FormView):
    """A signed-in person who represents no organisation applies for its membership."""

    template_name = "members/application_form.html"
    form_class = ApplicationForm

    def get(self, request, *args, **kwargs):
        representative = representative_of(request.user)
        open_application = selectors.application_open_of_user(user=request.user)
        if representative or open_application:
            # A friendly explanation instead of the form.
            return render(
                request,
                self.template_name,
                {"representative": representative, "open_application": open_application},
            )
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            application = services.application_submit(
                applicant=self.request.user,
                data=form.application_data(),
                themes=form.cleaned_data["themes"],
            )
        except MembershipError as error:
            open_application = selectors.application_open_of_user(user=self.request.user)
            if open_application:
                form.add_error(
                    None,
                    format_html(
                        '{} <a href="{}">{}</a>',
                        str(error),
                        open_application.get_absolute_url(),
                        _("See your application."),
                    ),
                )
            else:
                form.add_error(None, str(error))
            return self.form_invalid(form)
        except ValidationError as error:
            form_errors_attach(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _(
                "Thank you: your application has been sent to the secretariat. We have emailed "
                "you a confirmation; you can follow its progress on this page."
            ),
        )
        return redirect(application)


class MyMembershipView(LoginRequiredMixin, TemplateView):
    """What a person has: the organisation they represent, their applications, join requests
    and invitations waiting for them."""

    template_name = "members/my_membership.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        representative = representative_of(user)
        return super().get_context_data(
            representative=representative,
            organisation=representative.organisation if representative else None,
            applications=selectors.applications_of_user(user=user),
            join_requests=selectors.join_requests_of_user(user=user),
            invitations=selectors.invitations_pending_for_user(user=user),
            **kwargs,
        )


# --- One application, as the applicant sees it -----------------------------------------------


def _history(application, *, viewer):
    """The transitions, with the actor named for the secretariat and anonymised (as "the
    secretariat") for the applicant, who need not know which staff member acted."""
    viewer_is_applicant = application.applicant_id == viewer.pk
    rows = []
    for transition in application.transitions.all():
        if transition.actor_id == application.applicant_id:
            actor = _("You") if viewer_is_applicant else str(application.applicant)
        elif viewer_is_applicant:
            actor = _("Secretariat")
        else:
            actor = str(transition.actor) if transition.actor else _("Deleted account")
        rows.append({"transition": transition, "actor": actor})
    return rows


class _ApplicationPageMixin(LoginRequiredMixin):
    def get_application(self):
        if not hasattr(self, "application"):
            self.application = selectors.application_get_for_user(
                user=self.request.user, pk=self.kwargs["pk"]
            )
        return self.application

    def application_context(self):
        application = self.get_application()
        is_applicant = application.applicant_id == self.request.user.pk
        return {
            "application": application,
            "is_applicant": is_applicant,
            "viewer_is_secretariat": is_secretariat(self.request.user),
            "history": _history(application, viewer=self.request.user),
            "can_respond": is_applicant
            and application.status == ApplicationStatus.INFORMATION_REQUESTED,
            "can_withdraw": is_applicant and application.is_open,
        }


class ApplicationDetailView(_ApplicationPageMixin, TemplateView):
    """The application, its status in words and its history; the applicant's answer form when
    the secretariat has asked something."""

    template_name = "members/application_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.application_context())
        if context["can_respond"]:
            context["respond_form"] = ApplicationRespondForm(application=context["application"])
        return context


class ApplicationRespondView(_ApplicationPageMixin, FormView):
    """The applicant answers the secretariat's question (and uploads a document if asked)."""

    template_name = "members/application_detail.html"
    form_class = ApplicationRespondForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            application = self.get_application()
            if application.applicant_id != request.user.pk:
                raise PermissionDenied  # the secretariat sees the application but cannot answer
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return redirect(self.get_application())

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "application": self.get_application()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.application_context())
        context["respond_form"] = context.pop("form")
        return context

    def form_valid(self, form):
        application = self.get_application()
        try:
            services.application_resubmit(
                application=application,
                acting_user=self.request.user,
                response=form.cleaned_data["response"],
                document=form.cleaned_data["document"] or None,
            )
        except MembershipError as error:
            messages.error(self.request, str(error))
            return redirect(application)
        except ValidationError as error:
            form_errors_attach(form, error, renamed={"supporting_document": "document"})
            return self.form_invalid(form)
        messages.success(
            self.request, _("Thank you: your answer has been sent to the secretariat.")
        )
        return redirect(application)


@require_POST
@login_required
def application_withdraw(request, pk):
    application = selectors.application_get_for_user(user=request.user, pk=pk)
    try:
        services.application_withdraw(application=application, acting_user=request.user)
    except MembershipError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your application has been withdrawn."))
    return redirect(application)


@never_cache
@require_GET
@login_required
def application_document(request, pk):
    """The supporting document, for the applicant and the secretariat only: uploaded files are
    private and are never served from a public media URL."""
    application = selectors.application_get_for_user(user=request.user, pk=pk)
    if not application.supporting_document:
        raise Http404
    try:
        document = application.supporting_document.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(
        document,
        as_attachment=True,
        filename=f"application-{application.pk}-supporting-document.pdf",
        content_type="application/pdf",
    )


# --- The secretariat's review -------------------------------------------------------------------


class ApplicationQueueView(SecretariatRequiredMixin, ForgivingPaginationMixin, FilterView):
    """Open applications oldest first, or any status when asked, with how long each has waited."""

    filterset_class = ApplicationQueueFilterSet
    template_name = "members/application_queue.html"
    context_object_name = "applications"
    paginate_by = QUEUE_PAGE_SIZE

    def get_queryset(self):
        return selectors.application_queue(statuses=None)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_filtered"] = any(
            value for name, value in self.request.GET.items() if name != "page"
        )
        return context


# The secretariat's decisions: the status each leads to, its form and its form's prefix.
DECISIONS = {
    "start_review": (ApplicationStatus.UNDER_REVIEW, None),
    "request_information": (ApplicationStatus.INFORMATION_REQUESTED, RequestInformationForm),
    "approve": (ApplicationStatus.APPROVED, ApproveForm),
    "reject": (ApplicationStatus.REJECTED, RejectForm),
}
DECISION_PREFIXES = {"request_information": "info", "approve": "approve", "reject": "reject"}


def _decision_form(action, application, duplicates, data=None):
    _target, form_class = DECISIONS[action]
    if form_class is None:
        return None
    kwargs = {"prefix": DECISION_PREFIXES[action]}
    if form_class is ApproveForm:
        kwargs["duplicate_organisations"] = duplicates["organisations"]
    return form_class(data, **kwargs)


def _render_review(request, application, *, checklist_form=None, bound_forms=None):
    duplicates = selectors.application_possible_duplicates(application=application)
    allowed = application.allowed_transitions(SECRETARIAT)
    bound_forms = bound_forms or {}
    decisions = {
        action: bound_forms.get(action) or _decision_form(action, application, duplicates)
        for action, (target, _form_class) in DECISIONS.items()
        if target in allowed
    }
    context = {
        "application": application,
        "history": _history(application, viewer=request.user),
        "duplicates": duplicates,
        "checklist_form": checklist_form
        or (
            ChecklistForm(application=application, prefix="checklist")
            if application.is_open
            else None
        ),
        "decisions": decisions,
    }
    return render(request, "members/application_review.html", context)


class ApplicationReviewView(SecretariatRequiredMixin, TemplateView):
    """The full application, its document, the eligibility checklist, possible duplicates and
    the decisions allowed from its status."""

    def get_application(self):
        return selectors.application_get_for_user(user=self.request.user, pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        return _render_review(request, self.get_application())

    def post(self, request, *args, **kwargs):
        """The checklist."""
        application = self.get_application()
        form = ChecklistForm(request.POST, application=application, prefix="checklist")
        if not form.is_valid():
            return _render_review(request, application, checklist_form=form)
        try:
            services.application_checklist_update(
                application=application, acting_user=request.user, **form.cleaned_data
            )
        except MembershipError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The checklist has been saved."))
        return redirect("members:application_review", pk=application.pk)


@require_POST
@secretariat_required
def application_decide(request, pk):
    """Start the review, ask for information, approve or reject: only what the application's
    status allows; anything else is refused with the state machine's message."""
    application = selectors.application_get_for_user(user=request.user, pk=pk)
    review_url = reverse("members:application_review", kwargs={"pk": application.pk})
    action = request.POST.get("action")
    if action not in DECISIONS:
        messages.error(request, _("Choose one of the decisions shown on the page."))
        return redirect(review_url)
    target, _form_class = DECISIONS[action]
    try:
        services.application_transition_check(application=application, to_status=target)
    except MembershipError as error:
        messages.error(request, str(error))
        return redirect(review_url)

    duplicates = selectors.application_possible_duplicates(application=application)
    form = _decision_form(action, application, duplicates, data=request.POST)
    if form is not None and not form.is_valid():
        return _render_review(request, application, bound_forms={action: form})
    try:
        if action == "start_review":
            services.application_start_review(application=application, acting_user=request.user)
            success = _("The review has started.")
        elif action == "request_information":
            services.application_request_information(
                application=application,
                acting_user=request.user,
                question=form.cleaned_data["question"],
                request_document=form.cleaned_data["request_document"],
            )
            success = _("Your question has been emailed to the applicant.")
        elif action == "approve":
            application = services.application_approve(
                application=application,
                acting_user=request.user,
                existing_organisation=form.cleaned_data.get("existing_organisation"),
                note=form.cleaned_data["note"],
            )
            success = _(
                "The application is approved: %(organisation)s is a member, and the applicant "
                "is its contact."
            ) % {"organisation": application.organisation.name}
        else:
            services.application_reject(
                application=application,
                acting_user=request.user,
                reason=form.cleaned_data["reason"],
            )
            success = _("The application is rejected; the applicant has been emailed the reason.")
    except MembershipError as error:
        messages.error(request, str(error))
        return redirect(review_url)
    except ValidationError as error:
        if form is None:
            messages.error(request, " ".join(error.messages))
            return redirect(review_url)
        form_errors_attach(form, error)
        return _render_review(request, application, bound_forms={action: form})
    messages.success(request, success)
    return redirect(review_url)


# --- Joining an existing member --------------------------------------------------------------


class JoinRequestCreateView(LoginRequiredMixin, FormView):
    """A person who represents no organisation asks to represent an active member."""

    template_name = "members/join_request_form.html"
    form_class = JoinRequestForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.organisation = selectors.organisation_get_for_viewer(
                user=request.user, slug=kwargs["slug"]
            )
        return super().dispatch(request, *args, **kwargs)

    def refusal(self):
        """Why the person cannot ask, in words, or "" when they can."""
        user = self.request.user
        representative = representative_of(user)
        if representative and representative.organisation_id == self.organisation.pk:
            return _("You already represent this organisation.")
        if representative:
            return _(
                "You already represent %(organisation)s. A person represents one organisation "
                "at most."
            ) % {"organisation": representative.organisation.name}
        if not self.organisation.is_active_member:
            return _("Only active member organisations take new representatives.")
        pending = selectors.join_request_pending_of_user(user=user)
        if pending:
            return _(
                "You already have a pending request to join %(organisation)s. Withdraw it "
                "first if you want to join another organisation."
            ) % {"organisation": pending.organisation.name}
        return ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(organisation=self.organisation, **kwargs)
        if self.request.method == "GET":
            context["refusal"] = self.refusal()
        return context

    def form_valid(self, form):
        try:
            services.join_request_create(
                user=self.request.user,
                organisation=self.organisation,
                position=form.cleaned_data["position"],
                message=form.cleaned_data["message"],
            )
        except MembershipError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        except ValidationError as error:
            form_errors_attach(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _(
                "Your request has been sent to the contact of %(organisation)s. We will email "
                "you their answer."
            )
            % {"organisation": self.organisation.name},
        )
        return redirect("members:my_membership")


class JoinRequestListView(LoginRequiredMixin, SecretariatMfaMixin, TemplateView):
    """The organisation's contact (or the secretariat) answers requests to join it."""

    template_name = "members/join_request_list.html"

    def get_context_data(self, **kwargs):
        organisation = selectors.organisation_get_for_contact(
            user=self.request.user, slug=self.kwargs["slug"]
        )
        return super().get_context_data(
            organisation=organisation,
            pending=selectors.join_requests_pending_for_organisation(organisation=organisation),
            recent=selectors.join_requests_recently_decided_for_organisation(
                organisation=organisation
            ),
            recent_days=selectors.JOIN_REQUEST_RECENT_DAYS,
            **kwargs,
        )


@require_POST
@login_required
@secretariat_mfa_enforced
def join_request_decide(request, pk):
    join_request = selectors.join_request_get_for_decider(user=request.user, pk=pk)
    list_url = reverse("members:join_request_list", kwargs={"slug": join_request.organisation.slug})
    form = JoinRequestDecisionForm(request.POST, prefix=f"request-{join_request.pk}")
    if not form.is_valid():
        messages.error(request, _("Choose to accept or to decline the request."))
        return redirect(list_url)
    accept = form.cleaned_data["decision"] == JoinRequestDecisionForm.ACCEPT
    try:
        services.join_request_decide(
            join_request=join_request,
            acting_user=request.user,
            accept=accept,
            note=form.cleaned_data["note"],
        )
    except MembershipError as error:
        messages.error(request, str(error))
        return redirect(list_url)
    values = {"person": str(join_request.user), "organisation": join_request.organisation.name}
    if accept:
        messages.success(request, _("%(person)s now represents %(organisation)s.") % values)
    else:
        messages.success(request, _("The request of %(person)s has been declined.") % values)
    return redirect(list_url)


@require_POST
@login_required
def join_request_withdraw(request, pk):
    join_request = selectors.join_request_get_for_requester(user=request.user, pk=pk)
    try:
        services.join_request_withdraw(join_request=join_request, acting_user=request.user)
    except MembershipError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your request to join has been withdrawn."))
    return redirect("members:my_membership")


# --- Invitations ---------------------------------------------------------------------------------


class InvitationAcceptView(LoginRequiredMixin, TemplateView):
    """The invited person, signed in with the invited address, accepts; others get a 404."""

    template_name = "members/invitation_accept.html"

    def get_invitation(self):
        return selectors.invitation_get_for_invitee(user=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        invitation = self.get_invitation()
        return super().get_context_data(
            invitation=invitation,
            representative=representative_of(self.request.user),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        invitation = self.get_invitation()
        try:
            representative = services.invitation_accept(invitation=invitation, user=request.user)
        except MembershipError as error:
            messages.error(request, str(error))
            return redirect("members:invitation_accept", pk=invitation.pk)
        messages.success(
            request,
            _("Welcome: you now represent %(organisation)s.")
            % {"organisation": representative.organisation.name},
        )
        return redirect(representative.organisation)
