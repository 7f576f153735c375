"""Who may see and do what in the joint initiatives.

Seeing. No initiative is secret: the directory and every initiative's page, in every status
(cancelled ones included, so that nobody repeats them unknowingly), are public — title,
summary, description, objectives, themes, places, dates, funding, budget, website, the partner
organisations and their roles, the pooled commitments, the news and the history. What is for
members only (representatives of an active or suspended member, as in the dialogues'
members-only topics, and the secretariat): the partners' contact people and the documents. To
anyone else a document does not exist (404). A pending request or invitation is seen by the
two organisations concerned (the lead and the one that would join) and the secretariat only.

Acting (always as a representative of an ACTIVE member; a suspended member's people read but
do not act):
- propose an initiative: any representative; their organisation becomes the lead;
- edit it, move its status, invite organisations, answer requests to join, cancel invitations,
  hand over the lead: the lead organisation's contact;
- cancel it: also the secretariat (an abandoned or inappropriate initiative);
- ask to join, answer an invitation, withdraw its request, leave: the organisation's contact;
- record or withdraw what the organisation commits: the contact of a lead or partner
  organisation (observers commit nothing);
- post news and add documents: any representative of a lead or partner organisation; remove a
  document: the person who added it, or the lead's contact.

The predicates below check the role only; the services check the initiative's state apart
(and say why with an InitiativeError). initiative_access() combines both for a page's buttons.
"""

from dataclasses import dataclass

from dialogues.permissions import is_member_reader
from initiatives.models import (
    INITIATIVE_TRANSITIONS,
    LEAD,
    SECRETARIAT,
    InitiativePartner,
    InitiativeStatus,
)
from members.permissions import is_secretariat, representative_of

CONTRIBUTING_ROLES = [InitiativePartner.Role.LEAD, InitiativePartner.Role.PARTNER]


def active_representative(user):
    """The user's Representative row if their organisation is an active member, else None."""
    representative = representative_of(user)
    if representative is None or not representative.organisation.is_active_member:
        return None
    return representative


def active_contact(user):
    representative = active_representative(user)
    return representative if representative is not None and representative.is_contact else None


def sees_member_content(user) -> bool:
    """Partner contacts and documents: members (active or suspended) and the secretariat."""
    return is_secretariat(user) or is_member_reader(user)


def current_partners(initiative) -> list:
    """The initiative's current partner rows: the selector's prefetch when there is one."""
    prefetched = getattr(initiative, "current_partners", None)
    if prefetched is not None:
        return prefetched
    return list(
        InitiativePartner.objects.filter(initiative=initiative, left_at__isnull=True)
        .select_related("organisation")
        .order_by("role", "joined_at", "pk")
    )


def partner_row(initiative, organisation_id):
    """The organisation's current partner row in the initiative, or None."""
    if organisation_id is None:
        return None
    for partner in current_partners(initiative):
        if partner.organisation_id == organisation_id:
            return partner
    return None


def is_lead_contact(user, initiative) -> bool:
    contact = active_contact(user)
    return contact is not None and contact.organisation_id == initiative.lead_organisation_id


def is_lead_representative(user, initiative) -> bool:
    representative = representative_of(user)
    return (
        representative is not None
        and representative.organisation_id == initiative.lead_organisation_id
    )


def status_actor_kinds(user, initiative) -> set:
    """The columns of INITIATIVE_TRANSITIONS the user acts as."""
    kinds = set()
    if is_lead_contact(user, initiative):
        kinds.add(LEAD)
    if is_secretariat(user):
        kinds.add(SECRETARIAT)
    return kinds


def allowed_transitions_for(user, initiative) -> list:
    kinds = status_actor_kinds(user, initiative)
    return [
        InitiativeStatus(target)
        for target, who in INITIATIVE_TRANSITIONS[initiative.status].items()
        if kinds.intersection(who)
    ]


def contributing_partner(user, initiative):
    """The partner row (lead or partner role) of an active member the user represents."""
    representative = active_representative(user)
    if representative is None:
        return None
    partner = partner_row(initiative, representative.organisation_id)
    return partner if partner is not None and partner.role in CONTRIBUTING_ROLES else None


def committing_partner(user, initiative):
    """The partner row whose commitments the user (its contact) may record."""
    partner = contributing_partner(user, initiative)
    return partner if partner is not None and representative_of(user).is_contact else None


@dataclass(frozen=True)
class InitiativeAccess:
    """What a person may see and do on an initiative's page (role and state combined)."""

    sees_member_content: bool
    sees_pending_requests: bool
    partner_role: str | None
    can_edit: bool
    transitions: tuple
    can_request_to_join: bool
    can_invite: bool
    can_hand_over: bool
    can_leave: bool
    can_commit: bool
    can_post_news: bool
    can_add_document: bool


def initiative_access(*, user, initiative) -> InitiativeAccess:
    representative = representative_of(user)
    own_partner = partner_row(
        initiative, representative.organisation_id if representative else None
    )
    contact = active_contact(user)
    lead_contact = is_lead_contact(user, initiative)
    contributing = contributing_partner(user, initiative) is not None
    not_cancelled = initiative.status != InitiativeStatus.CANCELLED
    return InitiativeAccess(
        sees_member_content=sees_member_content(user),
        sees_pending_requests=is_secretariat(user) or is_lead_representative(user, initiative),
        partner_role=own_partner.role if own_partner else None,
        can_edit=lead_contact and initiative.is_open,
        transitions=tuple(allowed_transitions_for(user, initiative)),
        can_request_to_join=contact is not None
        and own_partner is None
        and initiative.takes_requests,
        can_invite=lead_contact and initiative.is_open,
        can_hand_over=lead_contact and initiative.is_open,
        can_leave=contact is not None
        and own_partner is not None
        and not own_partner.is_lead
        and initiative.is_open,
        can_commit=contributing and contact is not None and initiative.is_open,
        can_post_news=contributing and not_cancelled,
        can_add_document=contributing and not_cancelled,
    )
