"""The initiative's state machine: every move, legal and illegal, by the right and the wrong
actor; each legal one recorded with who, when and the note."""

import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from initiatives import services
from initiatives.models import (
    INITIATIVE_TRANSITIONS,
    LEAD,
    SECRETARIAT,
    Initiative,
    InitiativeEvent,
    InitiativeStatus,
    PartnerRequest,
)
from initiatives.services import InitiativeError
from members.models import Organisation
from tests.initiatives.conftest import ROLES
from tests.initiatives.factories import InitiativeFactory, move_to

pytestmark = pytest.mark.django_db

PAIRS = [
    (source, target)
    for source, target in itertools.product(InitiativeStatus.values, repeat=2)
    if source != target
]
# Which role acts as which column of INITIATIVE_TRANSITIONS.
ACTOR_KIND = {"lead_contact": LEAD, "secretariat": SECRETARIAT}


def _initiative_in(status, lead_contact):
    return move_to(InitiativeFactory(proposer=lead_contact), status)


@pytest.mark.parametrize(("source", "target"), PAIRS)
@pytest.mark.parametrize("role", ROLES)
def test_every_move_by_every_role(source, target, role, as_role, lead_contact):
    initiative = _initiative_in(source, lead_contact)
    user = as_role(role)
    events_before = InitiativeEvent.objects.filter(initiative=initiative).count()
    allowed = INITIATIVE_TRANSITIONS[source].get(target)
    kind = ACTOR_KIND.get(role)

    def attempt():
        return services.initiative_status_change(
            initiative=initiative, acting_user=user, to_status=target, note="Our reasons."
        )

    if kind is None:
        with pytest.raises(PermissionDenied):
            attempt()
    elif allowed is None:
        with pytest.raises(InitiativeError, match="cannot become"):
            attempt()
    elif kind not in allowed:
        with pytest.raises(PermissionDenied):
            attempt()
    else:
        attempt()
        initiative.refresh_from_db()
        assert initiative.status == target
        event = InitiativeEvent.objects.filter(initiative=initiative).first()
        assert (event.kind, event.from_status, event.to_status) == (
            InitiativeEvent.Kind.STATUS_CHANGED,
            source,
            target,
        )
        assert (event.actor, event.note) == (user, "Our reasons.")
        return
    initiative.refresh_from_db()
    assert initiative.status == source
    assert InitiativeEvent.objects.filter(initiative=initiative).count() == events_before


def test_the_history_reads_from_the_proposal_to_the_end(lead_contact):
    initiative = _initiative_in(InitiativeStatus.COMPLETED, lead_contact)
    history = list(
        InitiativeEvent.objects.filter(
            initiative=initiative, kind=InitiativeEvent.Kind.STATUS_CHANGED
        ).order_by("created_at", "pk")
    )
    assert [(e.from_status, e.to_status) for e in history] == [
        ("", "proposed"),
        ("proposed", "seeking_partners"),
        ("seeking_partners", "active"),
        ("active", "completed"),
    ]
    assert {e.actor for e in history} == {lead_contact}


def test_cancelling_needs_a_reason(lead_contact):
    initiative = InitiativeFactory(proposer=lead_contact)
    with pytest.raises(ValidationError) as error:
        services.initiative_status_change(
            initiative=initiative, acting_user=lead_contact, to_status="cancelled", note="  "
        )
    assert error.value.message_dict == {"note": ["Say why the initiative is cancelled."]}
    assert Initiative.objects.get(pk=initiative.pk).status == InitiativeStatus.PROPOSED


def test_an_unknown_status_is_refused_as_illegal(lead_contact):
    initiative = InitiativeFactory(proposer=lead_contact)
    with pytest.raises(InitiativeError, match="cannot become “archived”"):
        services.initiative_status_change(
            initiative=initiative, acting_user=lead_contact, to_status="archived"
        )


def test_the_lead_organisations_other_representatives_do_not_move_the_status(
    lead_contact, lead_representative
):
    initiative = InitiativeFactory(proposer=lead_contact)
    with pytest.raises(PermissionDenied):
        services.initiative_status_change(
            initiative=initiative, acting_user=lead_representative, to_status="seeking_partners"
        )


def test_a_suspended_lead_no_longer_moves_the_status(lead_contact, lead_organisation):
    initiative = InitiativeFactory(proposer=lead_contact)
    Organisation.objects.filter(pk=lead_organisation.pk).update(
        membership_status=Organisation.MembershipStatus.SUSPENDED
    )
    lead_contact.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.initiative_status_change(
            initiative=initiative, acting_user=lead_contact, to_status="seeking_partners"
        )


@pytest.mark.parametrize("closing", [InitiativeStatus.CANCELLED, InitiativeStatus.COMPLETED])
def test_closing_closes_pending_requests_and_invitations(
    closing, initiative, lead_contact, other_contact, other_organisation, member
):
    request = services.partner_request_create(
        initiative=initiative, acting_user=other_contact, statement="We bring two testbeds."
    )
    invited = member.representative.organisation
    invitation = services.partner_invite(
        initiative=initiative, acting_user=lead_contact, organisation=invited
    )
    initiative = move_to_closed(initiative, closing, lead_contact)
    for partner_request in (request, invitation):
        partner_request.refresh_from_db()
        assert partner_request.status == PartnerRequest.Status.CLOSED
        assert partner_request.decided_at is not None
        assert partner_request.decided_by == lead_contact
    assert InitiativeEvent.objects.filter(
        initiative=initiative, kind=InitiativeEvent.Kind.REQUESTS_CLOSED
    ).exists()


def move_to_closed(initiative, closing, lead_contact):
    if closing == InitiativeStatus.COMPLETED:
        services.initiative_status_change(
            initiative=initiative, acting_user=lead_contact, to_status="active"
        )
    return services.initiative_status_change(
        initiative=initiative, acting_user=lead_contact, to_status=closing, note="Over."
    )


def test_transition_check_says_who_may_move(lead_contact):
    initiative = InitiativeFactory(proposer=lead_contact)
    assert services.initiative_transition_check(initiative=initiative, to_status="cancelled") == (
        LEAD,
        SECRETARIAT,
    )
    assert initiative.allowed_transitions(SECRETARIAT) == ["cancelled"]
    with pytest.raises(InitiativeError):
        services.initiative_transition_check(initiative=initiative, to_status="completed")
