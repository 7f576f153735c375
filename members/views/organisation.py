"""One member organisation: its public profile, and what its contacts and the secretariat
manage on it (profile, programmes, representatives, membership status)."""

import copy

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.generic import CreateView, DeleteView, DetailView, FormView, UpdateView
from django.views.generic.base import TemplateView

from eca_portal.forms import form_errors_attach
from members import selectors, services
from members.access import SecretariatMfaMixin
from members.forms import (
    MembershipStatusForm,
    OrganisationForm,
    ProgrammeForm,
    RepresentativeHandoverForm,
    RepresentativeInviteForm,
    RepresentativeRoleForm,
)
from members.models import ClusterProgramme, Representative, RepresentativeInvitation
from members.permissions import is_active_member, is_secretariat, representative_of
from members.services import MembershipError


def _pk_or_404(value) -> int:
    """A primary key from a POSTed field; anything that is not one is a 404, not a 500."""
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def profile_audience(request, slug) -> str | None:
    """Who sees an organisation's profile alike (eca_portal.shared_pages): what
    OrganisationDetailView.get_context_data decides from the person. Its own representatives'
    page (their contacts manage it) is not shared."""
    user = request.user
    if is_secretariat(user):
        return "secretariat"
    representative = representative_of(user)
    if representative is None:
        return "no-organisation"
    if representative.organisation.slug == slug:
        return None
    return "active-member" if representative.organisation.is_active_member else "other-member"


class OrganisationDetailView(DetailView):
    """The profile. Active members are public; people's names only for signed-in members,
    never anyone's email address."""

    template_name = "members/organisation_detail.html"
    context_object_name = "organisation"

    def get_object(self, queryset=None):
        return selectors.organisation_get_for_viewer(
            user=self.request.user, slug=self.kwargs["slug"]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, organisation = self.request.user, self.object
        representative = representative_of(user)
        secretariat = is_secretariat(user)
        own = representative is not None and representative.organisation_id == organisation.pk
        # Names and positions are for the alliance's members, not for the public.
        can_see_representatives = secretariat or own or is_active_member(user)
        if can_see_representatives:
            shown, total = selectors.representatives_shown(organisation=organisation)
            context.update(representatives=shown, representatives_not_shown=total - len(shown))
        context.update(
            is_secretariat=secretariat,
            can_manage=secretariat or (own and representative.is_contact),
            is_own_organisation=own,
            can_see_representatives=can_see_representatives,
            # The secretariat runs the alliance; it does not join its members.
            can_ask_to_join=(
                user.is_authenticated
                and representative is None
                and not secretariat
                and organisation.is_active_member
            ),
        )
        return context


class OrganisationManageMixin(LoginRequiredMixin, SecretariatMfaMixin):
    """Pages of an organisation's contacts and the secretariat; a 404 for everyone else."""

    @cached_property
    def organisation(self):
        return selectors.organisation_get_for_contact(
            user=self.request.user, slug=self.kwargs["slug"]
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(organisation=self.organisation, **kwargs)


class OrganisationUpdateView(OrganisationManageMixin, UpdateView):
    form_class = OrganisationForm
    template_name = "members/organisation_form.html"

    def get_object(self, queryset=None):
        return self.organisation

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        # The form works on a copy, so that the page's heading keeps the saved name while
        # the form shows what was typed.
        kwargs["instance"] = copy.copy(self.object)
        kwargs["secretariat"] = is_secretariat(self.request.user)
        return kwargs

    def form_valid(self, form):
        try:
            organisation = services.organisation_update(
                organisation=form.instance,
                acting_user=self.request.user,
                data=form.organisation_data(),
                themes=form.cleaned_data["themes"],
            )
        except ValidationError as error:
            form_errors_attach(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The profile was saved."))
        return HttpResponseRedirect(organisation.get_absolute_url())


class ProgrammeCreateView(OrganisationManageMixin, CreateView):
    form_class = ProgrammeForm
    template_name = "members/programme_form.html"

    def form_valid(self, form):
        try:
            programme = services.programme_save(
                organisation=self.organisation,
                acting_user=self.request.user,
                data=form.programme_data(),
            )
        except ValidationError as error:
            form_errors_attach(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("The programme “%(name)s” was added.") % {"name": programme.name}
        )
        return HttpResponseRedirect(self.organisation.get_absolute_url() + "#programmes")


class ProgrammeObjectMixin(OrganisationManageMixin):
    context_object_name = "programme"

    def get_object(self, queryset=None):
        return get_object_or_404(
            ClusterProgramme, pk=self.kwargs["pk"], organisation=self.organisation
        )


class ProgrammeUpdateView(ProgrammeObjectMixin, UpdateView):
    form_class = ProgrammeForm
    template_name = "members/programme_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": copy.copy(self.object)}

    def form_valid(self, form):
        try:
            programme = services.programme_save(
                organisation=self.organisation,
                acting_user=self.request.user,
                data=form.programme_data(),
                programme=self.object,
            )
        except ValidationError as error:
            form_errors_attach(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("The programme “%(name)s” was saved.") % {"name": programme.name}
        )
        return HttpResponseRedirect(self.organisation.get_absolute_url() + "#programmes")


class ProgrammeDeleteView(ProgrammeObjectMixin, DeleteView):
    """Asks for confirmation on GET; deletes on POST."""

    template_name = "members/programme_confirm_delete.html"

    def form_valid(self, form):
        services.programme_delete(programme=self.object, acting_user=self.request.user)
        messages.success(
            self.request, _("The programme “%(name)s” was deleted.") % {"name": self.object.name}
        )
        return HttpResponseRedirect(self.organisation.get_absolute_url() + "#programmes")


class RepresentativeManageView(OrganisationManageMixin, TemplateView):
    """The organisation's representatives, with small POST forms (a hidden `action` says which)
    to change a role, remove someone, hand over, invite a colleague or cancel an invitation.

    A form with errors comes back bound, with its errors next to its fields; a rule that
    refuses the action (MembershipError) is shown on the form that asked for it."""

    template_name = "members/representative_manage.html"
    ACTIONS = {
        "role": "change_role",
        "remove": "remove",
        "handover": "handover",
        "invite": "invite",
        "cancel_invitation": "cancel_invitation",
    }

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        self.organisation  # noqa: B018 -- a 404 for those who may not manage, before anything
        handler_name = self.ACTIONS.get(request.POST.get("action", ""))
        if handler_name is None:
            messages.error(request, _("That action is not known. Nothing was changed."))
            return self._redirect()
        return getattr(self, handler_name)(request)

    # --- The page ---

    @cached_property
    def representatives(self):
        return list(selectors.representative_list_for_organisation(organisation=self.organisation))

    def _representative(self, request) -> Representative:
        pk = _pk_or_404(request.POST.get("representative"))
        for representative in self.representatives:
            if representative.pk == pk:
                return representative
        raise Http404

    def _colleagues(self, representative):
        return [other for other in self.representatives if other.pk != representative.pk]

    def _role_form(self, representative, data=None):
        return RepresentativeRoleForm(
            data, prefix=f"role-{representative.pk}", initial={"role": representative.role}
        )

    def _handover_form(self, representative, data=None):
        return RepresentativeHandoverForm(
            data,
            prefix=f"handover-{representative.pk}",
            colleagues=self._colleagues(representative),
        )

    def _remove_form(self, representative, data=None):
        return forms.Form(data, prefix=f"remove-{representative.pk}")

    def get_context_data(self, *, bound_form=None, bound_key=None, invite_form=None, **kwargs):
        rows = []
        for representative in self.representatives:
            row = {
                "representative": representative,
                "role_form": self._role_form(representative),
                "handover_form": self._handover_form(representative),
                "remove_form": self._remove_form(representative),
                "has_colleagues": len(self.representatives) > 1,
            }
            if bound_key and bound_key[1] == representative.pk:
                row[bound_key[0]] = bound_form
            rows.append(row)
        return super().get_context_data(
            rows=rows,
            invite_form=invite_form or RepresentativeInviteForm(prefix="invite"),
            invitations=selectors.invitation_list_pending(organisation=self.organisation),
            failed_form=bound_form if bound_form is not None else invite_form,
            **kwargs,
        )

    def _redirect(self):
        return HttpResponseRedirect(
            reverse("members:representative_manage", kwargs={"slug": self.organisation.slug})
        )

    def _rerender(self, **kwargs):
        return self.render_to_response(self.get_context_data(**kwargs))

    def _after_leaving(self, leaving):
        """Where to go once someone left: the page, unless the person who acted just left
        and may no longer see it."""
        if leaving.user_id != self.request.user.pk or is_secretariat(self.request.user):
            return self._redirect()
        if self.organisation.is_active_member:
            return HttpResponseRedirect(self.organisation.get_absolute_url())
        return HttpResponseRedirect(reverse("home"))

    # --- The actions ---

    def change_role(self, request):
        representative = self._representative(request)
        form = self._role_form(representative, request.POST)
        if form.is_valid():
            try:
                services.representative_role_change(
                    representative=representative,
                    role=form.cleaned_data["role"],
                    acting_user=request.user,
                )
            except MembershipError as error:
                form.add_error(None, str(error))
            except ValidationError as error:
                form_errors_attach(form, error)
        if form.errors:
            return self._rerender(bound_form=form, bound_key=("role_form", representative.pk))
        messages.success(
            request,
            _("The role of %(name)s is now “%(role)s”.")
            % {
                "name": representative.user.full_name,
                "role": Representative.Role(form.cleaned_data["role"]).label,
            },
        )
        return self._redirect()

    def remove(self, request):
        representative = self._representative(request)
        form = self._remove_form(representative, request.POST)
        try:
            services.representative_remove(representative=representative, acting_user=request.user)
        except MembershipError as error:
            form.add_error(None, str(error))
            return self._rerender(bound_form=form, bound_key=("remove_form", representative.pk))
        messages.success(
            request,
            _("%(name)s no longer represents %(organisation)s.")
            % {
                "name": representative.user.full_name,
                "organisation": self.organisation.name,
            },
        )
        return self._after_leaving(representative)

    def handover(self, request):
        leaving = self._representative(request)
        form = self._handover_form(leaving, request.POST)
        successor = None
        if form.is_valid():
            successor = next(
                (
                    other
                    for other in self.representatives
                    if other.pk == form.cleaned_data["successor"]
                ),
                None,
            )
            try:
                services.representative_handover(
                    leaving=leaving, successor=successor, acting_user=request.user
                )
            except MembershipError as error:
                form.add_error(None, str(error))
        if form.errors:
            return self._rerender(bound_form=form, bound_key=("handover_form", leaving.pk))
        messages.success(
            request,
            _("%(name)s handed over to %(successor)s and no longer represents %(organisation)s.")
            % {
                "name": leaving.user.full_name,
                "successor": successor.user.full_name,
                "organisation": self.organisation.name,
            },
        )
        return self._after_leaving(leaving)

    def invite(self, request):
        form = RepresentativeInviteForm(request.POST, prefix="invite")
        if form.is_valid():
            try:
                invitation = services.representative_invite(
                    organisation=self.organisation,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    acting_user=request.user,
                )
            except MembershipError as error:
                form.add_error("email", str(error))
            except IntegrityError:  # the same address invited twice at the same moment
                form.add_error("email", _("This person has already been invited."))
            except ValidationError as error:
                form_errors_attach(form, error)
        if form.errors:
            return self._rerender(invite_form=form)
        messages.success(
            request, _("An invitation was sent to %(email)s.") % {"email": invitation.email}
        )
        return self._redirect()

    def cancel_invitation(self, request):
        invitation = get_object_or_404(
            RepresentativeInvitation,
            pk=_pk_or_404(request.POST.get("invitation")),
            organisation=self.organisation,
            status=RepresentativeInvitation.Status.PENDING,
        )
        services.invitation_cancel(invitation=invitation, acting_user=request.user)
        messages.success(
            request, _("The invitation to %(email)s was cancelled.") % {"email": invitation.email}
        )
        return self._redirect()


class MembershipStatusView(LoginRequiredMixin, SecretariatMfaMixin, FormView):
    """The secretariat suspends or reinstates a membership, and sees the history."""

    template_name = "members/membership_status.html"
    form_class = MembershipStatusForm

    @cached_property
    def organisation(self):
        return selectors.organisation_get_for_secretariat(
            user=self.request.user, slug=self.kwargs["slug"]
        )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "suspend": self.organisation.is_active_member}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            organisation=self.organisation,
            history=self.organisation.status_changes.all(),
            suspend=self.organisation.is_active_member,
            **kwargs,
        )

    def get_success_url(self):
        return reverse("members:membership_status", kwargs={"slug": self.organisation.slug})

    def form_valid(self, form):
        note = form.cleaned_data["note"]
        try:
            if self.organisation.is_active_member:
                services.membership_suspend(
                    organisation=self.organisation, acting_user=self.request.user, note=note
                )
                messages.success(self.request, _("The membership is suspended."))
            else:
                services.membership_reinstate(
                    organisation=self.organisation, acting_user=self.request.user, note=note
                )
                messages.success(self.request, _("The membership is active again."))
        except MembershipError as error:
            # Someone else changed the status meanwhile: show it as it is now.
            messages.error(self.request, str(error))
        except ValidationError as error:
            form_errors_attach(form, error)
            return self.form_invalid(form)
        return HttpResponseRedirect(self.get_success_url())


@require_GET
def organisation_logo(request, slug):
    """An organisation's logo, visible to whoever may see the organisation. Uploaded files are
    not served from a public folder: this view is the only way to them."""
    organisation = selectors.organisation_get_for_viewer(user=request.user, slug=slug)
    if not organisation.logo:
        raise Http404
    try:
        logo = organisation.logo.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    content_types = {
        "png": "image/png",
        "jpg": "image/jpeg",
        "jpeg": "image/jpeg",
        "webp": "image/webp",
    }
    extension = organisation.logo.name.rsplit(".", 1)[-1].lower()
    response = FileResponse(logo, content_type=content_types.get(extension, "image/png"))
    # Public logos of active members may be cached; the URL changes when the logo does.
    if organisation.is_active_member:
        response["Cache-Control"] = "public, max-age=86400"
    else:
        response["Cache-Control"] = "private, no-store"
    return response
