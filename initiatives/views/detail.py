"""An initiative's page: everything public about it, the members-only parts for members, the
similar initiatives and programmes, and the actions the person may take."""

from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.views.generic import DetailView

from initiatives import permissions, selectors
from initiatives.models import InitiativePartner

# How many news updates and history rows the page shows (the newest).
NEWS_SHOWN = 10
EVENTS_SHOWN = 30


def _mark_answerable(pending, *, user, initiative) -> None:
    """The answer page each pending row links to for this person (`answer_url`, "" if none or
    if that page does not exist): the lead's contact answers requests; the invited
    organisation's contact, invitations."""
    lead_contact = permissions.is_lead_contact(user, initiative)
    contact = permissions.active_contact(user)
    for partner_request in pending:
        name = ""
        if partner_request.is_invitation:
            if contact is not None and contact.organisation_id == partner_request.organisation_id:
                name = "initiatives:partner_invitation_decide"
        elif lead_contact:
            name = "initiatives:partner_request_decide"
        try:
            partner_request.answer_url = (
                reverse(name, kwargs={"pk": partner_request.pk}) if name else ""
            )
        except NoReverseMatch:
            partner_request.answer_url = ""


def initiative_audience(request, slug) -> str | None:
    """Who sees an initiative's page alike (eca_portal.shared_pages): signed-in people whose
    organisation has no part in it (no partner row, no request or invitation, ever), by what
    initiative_access decides from the person. The partners' and the secretariat's pages
    (requests, actions) are not shared."""
    user = request.user
    if permissions.is_secretariat(user):
        return None
    representative = permissions.representative_of(user)
    if representative is None:
        return "no-organisation"
    if selectors.organisation_takes_part(
        organisation_id=representative.organisation_id, initiative_slug=slug
    ):
        return None
    reader = "member-reader" if permissions.sees_member_content(user) else "outsider"
    contact = "contact" if permissions.active_contact(user) is not None else "representative"
    return f"{reader}:{contact}"


class InitiativeDetailView(DetailView):
    template_name = "initiatives/initiative_detail.html"
    context_object_name = "initiative"

    def get_object(self, queryset=None):
        return selectors.initiative_get_for_viewer(user=self.request.user, slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, initiative = self.request.user, self.object
        access = permissions.initiative_access(user=user, initiative=initiative)
        suggestions = []
        if access.sees_pending_requests and initiative.is_open:
            try:
                suggestions = selectors.initiative_partner_suggestions(
                    user=user, initiative=initiative
                )
            except Http404:
                suggestions = []
        pending = (
            list(
                selectors.partner_requests_pending_for_initiative(user=user, initiative=initiative)
            )
            if user.is_authenticated
            else []
        )
        _mark_answerable(pending, user=user, initiative=initiative)
        pooled = selectors.commitment_totals(initiative=initiative)
        for row in pooled.by_partner:
            # One cell per kind, in the order of the totals' columns.
            row.cells = [row.commitments.get(kind.kind) for kind in pooled.by_kind]
        context.update(
            access=access,
            partner_role_label=InitiativePartner.Role(access.partner_role).label
            if access.partner_role
            else "",
            partners=selectors.partner_list_for_viewer(user=user, initiative=initiative),
            pooled=pooled,
            news_updates=list(selectors.news_update_list(initiative=initiative)[:NEWS_SHOWN]),
            documents=list(selectors.document_list_for_user(user=user, initiative=initiative)),
            events=list(selectors.initiative_event_list(initiative=initiative)[:EVENTS_SHOWN]),
            pending_requests=pending,
            similar=selectors.initiative_similar_for_page(initiative=initiative),
            partner_suggestions=suggestions,
            transitions=access.transitions,
        )
        return context
