"""Acting on an initiative's partners: asking to join, inviting, answering, withdrawing,
leaving and handing over the lead; the pending requests of an initiative and an
organisation's own initiatives.

Each action is a form page on GET (what it does, and a way back) and the service on POST. The
services decide: PermissionDenied answers 403, a ValidationError goes next to its field, an
InitiativeError (closed, not seeking partners, already answered…) is shown above the form.
Anonymous people are sent to sign in first."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from eca_portal.forms import form_errors_attach
from initiatives import permissions, selectors, services
from initiatives.forms import (
    ConfirmForm,
    DecisionForm,
    LeadHandoverForm,
    NoteForm,
    PartnerInviteForm,
    PartnerRequestForm,
)
from initiatives.models import InitiativePartner, PartnerRequest
from initiatives.services import InitiativeError
from members.models import Organisation
from members.permissions import is_contact_of, is_secretariat, representative_of


def initiative_url(initiative) -> str:
    return reverse("initiatives:initiative_detail", kwargs={"slug": initiative.slug})


class SignedInMixin:
    """Anonymous people sign in first; then `check_access` may refuse (403) or redirect."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        self.check_access()
        return super().dispatch(request, *args, **kwargs)

    def check_access(self):
        """Raise PermissionDenied when the person's role does not allow the page at all."""


class InitiativeActionView(SignedInMixin, FormView):
    """A form page acting on one initiative (found by slug). Subclasses set `template_name`,
    `form_class`, `success_message`, and implement `allowed()`, `refusal()` and `perform()`."""

    success_message = ""

    @cached_property
    def initiative(self):
        return selectors.initiative_get_for_viewer(user=self.request.user, slug=self.kwargs["slug"])

    @cached_property
    def access(self):
        return permissions.initiative_access(user=self.request.user, initiative=self.initiative)

    def allowed(self) -> bool:
        return False

    def refusal(self) -> str:
        """Why the initiative's state refuses the action now (shown instead of the form)."""
        return ""

    def check_access(self):
        if not self.allowed():
            raise PermissionDenied

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            initiative=self.initiative,
            initiative_url=initiative_url(self.initiative),
            refusal=self.refusal() if self.request.method == "GET" else "",
            **kwargs,
        )

    def perform(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.perform(form)
        except ValidationError as error:
            form_errors_attach(form, error)
            return self.form_invalid(form)
        except InitiativeError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())

    def get_success_url(self):
        return initiative_url(self.initiative)


class PartnerRequestActionView(SignedInMixin, FormView):
    """A form page acting on one request or invitation (by pk), seen by the two organisations
    concerned and the secretariat (404 for anyone else)."""

    kind = PartnerRequest.Kind.REQUEST
    success_message = ""

    @cached_property
    def partner_request(self):
        partner_request = selectors.partner_request_get_for_user(
            user=self.request.user, pk=self.kwargs["pk"]
        )
        if partner_request.kind != self.kind:
            raise Http404
        return partner_request

    def check_access(self):
        self.partner_request  # noqa: B018 - a 404 for those who may not see it comes first
        if not self.allowed():
            raise PermissionDenied

    def allowed(self) -> bool:
        return False

    def get_context_data(self, **kwargs):
        initiative = self.partner_request.initiative
        refusal = ""
        if self.request.method == "GET" and not self.partner_request.is_pending:
            refusal = (
                _("This invitation is no longer open.")
                if self.partner_request.is_invitation
                else _("This request has already been answered.")
            )
        return super().get_context_data(
            partner_request=self.partner_request,
            initiative=initiative,
            initiative_url=initiative_url(initiative),
            refusal=refusal,
            **kwargs,
        )

    def form_valid(self, form):
        try:
            self.perform(form)
        except ValidationError as error:
            form_errors_attach(form, error)
            return self.form_invalid(form)
        except InitiativeError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())

    def get_success_url(self):
        return initiative_url(self.partner_request.initiative)


# --- Asking to join -----------------------------------------------------------------------------


class PartnerRequestCreateView(InitiativeActionView):
    template_name = "initiatives/partner_request_form.html"
    form_class = PartnerRequestForm

    def allowed(self):
        return permissions.active_contact(self.request.user) is not None

    def refusal(self):
        if self.access.partner_role is not None:
            return _("Your organisation already takes part in this initiative.")
        if not self.access.can_request_to_join:
            return _("This initiative is not looking for partners at the moment.")
        return ""

    def perform(self, form):
        services.partner_request_create(
            initiative=self.initiative,
            acting_user=self.request.user,
            statement=form.cleaned_data["statement"],
            role=form.cleaned_data["role"],
        )
        self.success_message = _(
            "Your request has been sent: the lead organisation will answer it."
        )


class PartnerRequestDecideView(PartnerRequestActionView):
    template_name = "initiatives/partner_request_decide.html"
    form_class = DecisionForm

    def allowed(self):
        return permissions.is_lead_contact(self.request.user, self.partner_request.initiative)

    def perform(self, form):
        services.partner_request_decide(
            partner_request=self.partner_request,
            acting_user=self.request.user,
            accept=form.accepted,
            note=form.cleaned_data["note"],
        )
        self.success_message = (
            _("%(organisation)s now takes part in the initiative.")
            if form.accepted
            else _("The request of %(organisation)s has been declined.")
        ) % {"organisation": self.partner_request.organisation.name}

    def get_success_url(self):
        return reverse(
            "initiatives:partner_requests",
            kwargs={"slug": self.partner_request.initiative.slug},
        )


class PartnerRequestWithdrawView(PartnerRequestActionView):
    template_name = "initiatives/partner_request_withdraw.html"
    form_class = ConfirmForm

    def allowed(self):
        return is_contact_of(self.request.user, self.partner_request.organisation)

    def perform(self, form):
        services.partner_request_withdraw(
            partner_request=self.partner_request, acting_user=self.request.user
        )
        self.success_message = _("Your request has been withdrawn.")

    def get_success_url(self):
        return reverse("initiatives:my_initiatives")


# --- Invitations --------------------------------------------------------------------------------


class PartnerInviteView(InitiativeActionView):
    template_name = "initiatives/partner_invite.html"
    form_class = PartnerInviteForm

    def allowed(self):
        return permissions.is_lead_contact(self.request.user, self.initiative)

    def refusal(self):
        if not self.access.can_invite:
            return _("This initiative is closed: it takes no new partners.")
        return ""

    def get_form_kwargs(self):
        partners = [row.organisation_id for row in permissions.current_partners(self.initiative)]
        organisations = (
            Organisation.objects.filter(membership_status=Organisation.MembershipStatus.ACTIVE)
            .exclude(pk__in=partners)
            .only("pk", "name", "country")
            .order_by("name", "pk")
        )
        return {**super().get_form_kwargs(), "organisations": organisations}

    def perform(self, form):
        data = form.cleaned_data
        services.partner_invite(
            initiative=self.initiative,
            acting_user=self.request.user,
            organisation=data["organisation"],
            role=data["role"],
            message=data["message"],
        )
        self.success_message = _("%(organisation)s has been invited.") % {
            "organisation": data["organisation"].name
        }

    def get_success_url(self):
        return reverse("initiatives:partner_requests", kwargs={"slug": self.initiative.slug})


class PartnerInvitationDecideView(PartnerRequestActionView):
    template_name = "initiatives/partner_invitation_decide.html"
    form_class = DecisionForm
    kind = PartnerRequest.Kind.INVITATION

    def allowed(self):
        contact = permissions.active_contact(self.request.user)
        return (
            contact is not None and contact.organisation_id == self.partner_request.organisation_id
        )

    def perform(self, form):
        services.partner_invitation_decide(
            invitation=self.partner_request,
            acting_user=self.request.user,
            accept=form.accepted,
            note=form.cleaned_data["note"],
        )
        self.success_message = (
            _("Your organisation now takes part in the initiative.")
            if form.accepted
            else _("You have declined the invitation.")
        )


class PartnerInvitationCancelView(PartnerRequestActionView):
    template_name = "initiatives/partner_invitation_cancel.html"
    form_class = ConfirmForm
    kind = PartnerRequest.Kind.INVITATION

    def allowed(self):
        return permissions.is_lead_contact(self.request.user, self.partner_request.initiative)

    def perform(self, form):
        services.partner_invitation_cancel(
            invitation=self.partner_request, acting_user=self.request.user
        )
        self.success_message = _("The invitation has been cancelled.")

    def get_success_url(self):
        return reverse(
            "initiatives:partner_requests",
            kwargs={"slug": self.partner_request.initiative.slug},
        )


# --- Leaving and handing over the lead ---------------------------------------------------------


class PartnerLeaveView(InitiativeActionView):
    template_name = "initiatives/partner_leave.html"
    form_class = NoteForm

    def allowed(self):
        representative = representative_of(self.request.user)
        return (
            representative is not None
            and representative.is_contact
            and self.access.partner_role is not None
        )

    def refusal(self):
        if self.access.partner_role == InitiativePartner.Role.LEAD:
            return _(
                "The lead organisation cannot leave: hand the lead over to another partner first."
            )
        if not self.access.can_leave:
            return _("This initiative is closed: it can be read but no longer changed.")
        return ""

    def perform(self, form):
        services.partner_leave(
            initiative=self.initiative,
            acting_user=self.request.user,
            note=form.cleaned_data["note"],
        )
        self.success_message = _("Your organisation has left the initiative.")


class LeadHandoverView(InitiativeActionView):
    template_name = "initiatives/partner_lead_handover.html"
    form_class = LeadHandoverForm

    def allowed(self):
        return permissions.is_lead_contact(self.request.user, self.initiative)

    def refusal(self):
        if not self.access.can_hand_over:
            return _("This initiative is closed: it can be read but no longer changed.")
        if not self.candidates():
            return _(
                "No partner can take the lead: only an active member with the partner role can."
            )
        return ""

    def candidates(self):
        return [
            partner.organisation
            for partner in permissions.current_partners(self.initiative)
            if partner.role == InitiativePartner.Role.PARTNER
            and partner.organisation.is_active_member
        ]

    def get_form_kwargs(self):
        organisations = Organisation.objects.filter(
            pk__in=[organisation.pk for organisation in self.candidates()]
        ).order_by("name", "pk")
        return {**super().get_form_kwargs(), "organisations": organisations}

    def perform(self, form):
        services.lead_handover(
            initiative=self.initiative,
            acting_user=self.request.user,
            organisation=form.cleaned_data["organisation"],
            note=form.cleaned_data["note"],
        )
        self.success_message = _("%(organisation)s now leads the initiative.") % {
            "organisation": form.cleaned_data["organisation"].name
        }


# --- What waits for an answer ------------------------------------------------------------------


class PartnerRequestListView(SignedInMixin, TemplateView):
    """An initiative's pending requests and invitations: for the lead's representatives and the
    secretariat (the lead's contact answers them)."""

    template_name = "initiatives/partner_requests.html"

    @cached_property
    def initiative(self):
        return selectors.initiative_get_for_viewer(user=self.request.user, slug=self.kwargs["slug"])

    def check_access(self):
        user = self.request.user
        if not (is_secretariat(user) or permissions.is_lead_representative(user, self.initiative)):
            raise PermissionDenied

    def get_context_data(self, **kwargs):
        pending = list(
            selectors.partner_requests_pending_for_initiative(
                user=self.request.user, initiative=self.initiative
            )
        )
        return super().get_context_data(
            initiative=self.initiative,
            initiative_url=initiative_url(self.initiative),
            requests=[row for row in pending if not row.is_invitation],
            invitations=[row for row in pending if row.is_invitation],
            is_lead_contact=permissions.is_lead_contact(self.request.user, self.initiative),
            **kwargs,
        )


class MyInitiativesView(SignedInMixin, TemplateView):
    """An organisation's initiatives and what waits for an answer: invitations it received,
    requests it sent, requests to the initiatives it leads. For its representatives."""

    template_name = "initiatives/my_initiatives.html"

    def check_access(self):
        if representative_of(self.request.user) is None:
            raise PermissionDenied

    def get_context_data(self, **kwargs):
        representative = representative_of(self.request.user)
        organisation = representative.organisation
        pending = list(
            selectors.partner_requests_pending_for_organisation(organisation=organisation)
        )
        own = [row for row in pending if row.organisation_id == organisation.pk]
        return super().get_context_data(
            organisation=organisation,
            is_contact=permissions.active_contact(self.request.user) is not None,
            initiatives=list(selectors.initiative_list_for_organisation(organisation=organisation)),
            invitations_received=[row for row in own if row.is_invitation],
            requests_sent=[row for row in own if not row.is_invitation],
            requests_received=[
                row
                for row in pending
                if row.organisation_id != organisation.pk and not row.is_invitation
            ],
            invitations_sent=[
                row
                for row in pending
                if row.organisation_id != organisation.pk and row.is_invitation
            ],
            **kwargs,
        )
