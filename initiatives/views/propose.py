"""Proposing an initiative (after seeing the similar ones, so as not to duplicate them) and
editing it.

Proposing is a two-step POST that works without scripts: "Check for similar initiatives"
validates the form and shows the most similar initiatives and member programmes with their
reasons, then the form again; "Propose it anyway" calls initiatives.services.initiative_propose.
The services decide: PermissionDenied answers 403, a ValidationError goes on the form next to
its field, an InitiativeError is shown above the form. What the person typed always comes back.
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView

from dialogues.permissions import is_member_reader
from eca_portal.forms import form_errors_attach
from initiatives import permissions, selectors, services
from initiatives.forms import InitiativeForm, InitiativeProposeForm
from initiatives.services import InitiativeError

CHECK, PROPOSE = "check", "propose"


def _refusal(request, *, title, reason):
    """A 403 page that says why, instead of the bare "not allowed"."""
    return render(
        request,
        "initiatives/initiative_refused.html",
        {"refusal_title": title, "refusal_reason": reason},
        status=403,
    )


def _propose_refusal_reason(user) -> str:
    if is_member_reader(user):
        return _(
            "Your organisation's membership is suspended: you can read the initiatives but "
            "not propose one."
        )
    return _(
        "Only representatives of the alliance's member organisations can propose a joint "
        "initiative. If your organisation is a member, ask its contact to add you as a "
        "representative."
    )


class _InitiativeFormMixin:
    """Anonymous people are sent to sign in first; then `refusal` runs."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        refused = self.refusal()
        if refused is not None:
            return refused
        return super().dispatch(request, *args, **kwargs)

    def refusal(self):
        return None

    def attach_errors(self, form, error):
        if isinstance(error, ValidationError):
            form_errors_attach(form, error)
        else:
            form.add_error(None, str(error))
        return self.form_invalid(form)


class InitiativeProposeView(_InitiativeFormMixin, FormView):
    template_name = "initiatives/initiative_form.html"
    form_class = InitiativeProposeForm

    def refusal(self):
        if permissions.active_representative(self.request.user) is None:
            return _refusal(
                self.request,
                title=_("You cannot propose an initiative"),
                reason=_propose_refusal_reason(self.request.user),
            )
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("checked", False)
        context.setdefault("similar", [])
        context["is_proposal"] = True
        context["lead_organisation"] = permissions.active_representative(
            self.request.user
        ).organisation
        return context

    def form_valid(self, form):
        if self.request.POST.get("action") != PROPOSE:
            draft = selectors.InitiativeDraft(
                title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
                objectives=form.cleaned_data["objectives"],
                themes=tuple(form.cleaned_data["themes"]),
                countries=tuple(form.cleaned_data["countries"]),
                regions=tuple(form.cleaned_data["regions"]),
                start_date=form.cleaned_data["start_date"],
                end_date=form.cleaned_data["end_date"],
                funding_source=form.cleaned_data["funding_source"],
            )
            return self.render_to_response(
                self.get_context_data(
                    form=form, checked=True, similar=selectors.initiative_similar(draft=draft)
                )
            )
        try:
            initiative = services.initiative_propose(
                acting_user=self.request.user,
                data=form.service_data(),
                themes=form.cleaned_data["themes"],
            )
        except (ValidationError, InitiativeError) as error:
            return self.attach_errors(form, error)
        messages.success(
            self.request,
            _(
                "Your initiative was proposed. Invite partners, or open it to requests to join "
                "when you are ready."
            ),
        )
        return HttpResponseRedirect(initiative.get_absolute_url())


class InitiativeEditView(_InitiativeFormMixin, FormView):
    template_name = "initiatives/initiative_form.html"
    form_class = InitiativeForm

    @cached_property
    def initiative(self):
        return selectors.initiative_get_for_viewer(user=self.request.user, slug=self.kwargs["slug"])

    def refusal(self):
        if not permissions.is_lead_contact(self.request.user, self.initiative):
            return _refusal(
                self.request,
                title=_("You cannot edit this initiative"),
                reason=_(
                    "Only the contact of the lead organisation of an active member can edit an "
                    "initiative."
                ),
            )
        if not self.initiative.is_open:
            return _refusal(
                self.request,
                title=_("You cannot edit this initiative"),
                reason=_("This initiative is closed: it can be read but no longer changed."),
            )
        return None

    def get_initial(self):
        return InitiativeForm.initial_for(self.initiative)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["initiative"] = self.initiative
        context["is_proposal"] = False
        return context

    def form_valid(self, form):
        try:
            services.initiative_update(
                initiative=self.initiative,
                acting_user=self.request.user,
                data=form.service_data(),
                themes=form.cleaned_data["themes"],
            )
        except (ValidationError, InitiativeError) as error:
            return self.attach_errors(form, error)
        messages.success(self.request, _("The initiative was updated."))
        return HttpResponseRedirect(self.initiative.get_absolute_url())
