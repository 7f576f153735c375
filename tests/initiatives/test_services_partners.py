"""Partners: requests to join, invitations, leaving and handing over the lead."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from initiatives import services
from initiatives.models import (
    Commitment,
    Initiative,
    InitiativeEvent,
    InitiativePartner,
    InitiativeStatus,
    PartnerRequest,
)
from initiatives.services import InitiativeError
from members.models import Organisation
from tests.initiatives.factories import (
    InitiativeFactory,
    add_partner,
    contact_user,
    move_to,
    representative_user,
)
from tests.members.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _roles(initiative):
    return {
        partner.organisation_id: partner.role
        for partner in InitiativePartner.objects.filter(initiative=initiative, left_at__isnull=True)
    }


def _last_event(initiative):
    return InitiativeEvent.objects.filter(initiative=initiative).first()


# --- Requests to join --------------------------------------------------------------------------


@pytest.mark.parametrize("accept", [True, False])
def test_a_contact_asks_to_join_and_the_lead_answers(
    accept, initiative, other_contact, other_organisation, lead_contact
):
    partner_request = services.partner_request_create(
        initiative=initiative,
        acting_user=other_contact,
        statement="  We bring two hydrogen testbeds.  ",
        role=InitiativePartner.Role.OBSERVER,
    )
    assert (partner_request.status, partner_request.kind, partner_request.statement) == (
        "pending",
        "request",
        "We bring two hydrogen testbeds.",
    )
    event = _last_event(initiative)
    assert (event.kind, event.actor, event.organisation) == (
        "partner_requested",
        other_contact,
        other_organisation,
    )
    assert other_organisation.pk not in _roles(initiative)

    services.partner_request_decide(
        partner_request=partner_request, acting_user=lead_contact, accept=accept, note="Welcome"
    )
    partner_request.refresh_from_db()
    assert partner_request.status == ("accepted" if accept else "declined")
    assert (partner_request.decided_by, partner_request.decision_note) == (lead_contact, "Welcome")
    assert (_roles(initiative).get(other_organisation.pk)) == ("observer" if accept else None)
    assert _last_event(initiative).kind == ("request_accepted" if accept else "request_declined")


@pytest.mark.parametrize("status", [InitiativeStatus.PROPOSED, InitiativeStatus.ACTIVE])
def test_requests_only_while_seeking_partners(status, lead_contact, other_contact):
    initiative = move_to(InitiativeFactory(proposer=lead_contact), status)
    with pytest.raises(InitiativeError, match="not looking for partners"):
        services.partner_request_create(
            initiative=initiative, acting_user=other_contact, statement="Let us in."
        )
    assert not PartnerRequest.objects.exists()


@pytest.mark.parametrize("status", [InitiativeStatus.COMPLETED, InitiativeStatus.CANCELLED])
def test_no_new_partners_once_closed(status, lead_contact, other_contact, other_organisation):
    initiative = move_to(InitiativeFactory(proposer=lead_contact), status)
    with pytest.raises(InitiativeError, match="closed: it takes no new partners"):
        services.partner_request_create(
            initiative=initiative, acting_user=other_contact, statement="Let us in."
        )
    with pytest.raises(InitiativeError, match="closed: it takes no new partners"):
        services.partner_invite(
            initiative=initiative, acting_user=lead_contact, organisation=other_organisation
        )
    assert not PartnerRequest.objects.exists()


def test_an_answer_after_closing_is_refused(initiative, lead_contact, other_contact, member):
    partner_request = services.partner_request_create(
        initiative=initiative, acting_user=other_contact, statement="Let us in."
    )
    invited = member.representative.organisation
    invited_contact = contact_user(invited)
    invitation = services.partner_invite(
        initiative=initiative, acting_user=lead_contact, organisation=invited
    )
    services.initiative_status_change(
        initiative=initiative, acting_user=lead_contact, to_status="cancelled", note="No funds."
    )
    with pytest.raises(InitiativeError, match="already been answered"):
        services.partner_request_decide(
            partner_request=partner_request, acting_user=lead_contact, accept=True
        )
    with pytest.raises(InitiativeError, match="no longer open"):
        services.partner_invitation_decide(
            invitation=invitation, acting_user=invited_contact, accept=True
        )
    assert len(_roles(initiative)) == 2


@pytest.mark.parametrize("who", ["anonymous", "non_member", "member", "suspended_member"])
def test_only_an_active_members_contact_asks_to_join(who, initiative, as_role):
    with pytest.raises(PermissionDenied):
        services.partner_request_create(
            initiative=initiative, acting_user=as_role(who), statement="Let us in."
        )


def test_asking_twice_or_as_a_partner_is_refused(initiative, other_contact, partner_contact):
    services.partner_request_create(
        initiative=initiative, acting_user=other_contact, statement="Let us in."
    )
    with pytest.raises(InitiativeError, match="already asked to join"):
        services.partner_request_create(
            initiative=initiative, acting_user=other_contact, statement="Again."
        )
    with pytest.raises(InitiativeError, match="already takes part"):
        services.partner_request_create(
            initiative=initiative, acting_user=partner_contact, statement="Me too."
        )


def test_an_invited_organisation_accepts_instead_of_asking(
    initiative, lead_contact, other_contact, other_organisation
):
    services.partner_invite(
        initiative=initiative, acting_user=lead_contact, organisation=other_organisation
    )
    with pytest.raises(InitiativeError, match="accept the invitation instead"):
        services.partner_request_create(
            initiative=initiative, acting_user=other_contact, statement="Let us in."
        )


def test_a_request_needs_a_statement_and_a_known_role(initiative, other_contact):
    with pytest.raises(ValidationError) as error:
        services.partner_request_create(
            initiative=initiative, acting_user=other_contact, statement=" "
        )
    assert error.value.message_dict == {
        "statement": ["Say in a few words what your organisation would bring."]
    }
    with pytest.raises(ValidationError):
        services.partner_request_create(
            initiative=initiative, acting_user=other_contact, statement="Hi", role="lead"
        )


@pytest.mark.parametrize(
    "who", ["partner_contact", "other_contact", "member", "secretariat", "non_member"]
)
def test_only_the_leads_contact_answers_a_request(who, initiative, other_contact, as_role):
    partner_request = services.partner_request_create(
        initiative=initiative, acting_user=other_contact, statement="Let us in."
    )
    with pytest.raises(PermissionDenied):
        services.partner_request_decide(
            partner_request=partner_request, acting_user=as_role(who), accept=True
        )
    assert PartnerRequest.objects.get(pk=partner_request.pk).is_pending


def test_a_request_is_answered_once(initiative, other_contact, lead_contact):
    partner_request = services.partner_request_create(
        initiative=initiative, acting_user=other_contact, statement="Let us in."
    )
    services.partner_request_decide(
        partner_request=partner_request, acting_user=lead_contact, accept=False
    )
    with pytest.raises(InitiativeError, match="already been answered"):
        services.partner_request_decide(
            partner_request=partner_request, acting_user=lead_contact, accept=True
        )


def test_a_requester_suspended_meanwhile_cannot_be_accepted(
    initiative, other_contact, other_organisation, lead_contact
):
    partner_request = services.partner_request_create(
        initiative=initiative, acting_user=other_contact, statement="Let us in."
    )
    Organisation.objects.filter(pk=other_organisation.pk).update(
        membership_status=Organisation.MembershipStatus.SUSPENDED
    )
    with pytest.raises(InitiativeError, match="no longer an active member"):
        services.partner_request_decide(
            partner_request=partner_request, acting_user=lead_contact, accept=True
        )
    services.partner_request_decide(
        partner_request=partner_request, acting_user=lead_contact, accept=False
    )


def test_the_requester_withdraws_and_nobody_else_does(
    initiative, other_contact, other_organisation, lead_contact
):
    partner_request = services.partner_request_create(
        initiative=initiative, acting_user=other_contact, statement="Let us in."
    )
    colleague = representative_user(other_organisation)
    for user in (lead_contact, colleague):
        with pytest.raises(PermissionDenied):
            services.partner_request_withdraw(partner_request=partner_request, acting_user=user)
    services.partner_request_withdraw(partner_request=partner_request, acting_user=other_contact)
    partner_request.refresh_from_db()
    assert partner_request.status == "withdrawn"
    assert _last_event(initiative).kind == "request_withdrawn"
    with pytest.raises(InitiativeError):
        services.partner_request_withdraw(
            partner_request=partner_request, acting_user=other_contact
        )
    # Withdrawn, the organisation may ask again.
    services.partner_request_create(
        initiative=initiative, acting_user=other_contact, statement="Again, please."
    )


# --- Invitations ---------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [InitiativeStatus.PROPOSED, InitiativeStatus.ACTIVE])
@pytest.mark.parametrize("accept", [True, False])
def test_the_lead_invites_and_the_invited_contact_answers(
    status, accept, lead_contact, other_contact, other_organisation
):
    initiative = move_to(InitiativeFactory(proposer=lead_contact), status)
    invitation = services.partner_invite(
        initiative=initiative,
        acting_user=lead_contact,
        organisation=other_organisation,
        role=InitiativePartner.Role.OBSERVER,
        message="Your testbeds would help.",
    )
    assert (invitation.kind, invitation.status, invitation.statement) == (
        "invitation",
        "pending",
        "Your testbeds would help.",
    )
    assert _last_event(initiative).kind == "partner_invited"
    services.partner_invitation_decide(
        invitation=invitation, acting_user=other_contact, accept=accept
    )
    invitation.refresh_from_db()
    assert invitation.status == ("accepted" if accept else "declined")
    assert _roles(initiative).get(other_organisation.pk) == ("observer" if accept else None)
    assert _last_event(initiative).kind == (
        "invitation_accepted" if accept else "invitation_declined"
    )


@pytest.mark.parametrize(
    "who", ["partner_contact", "other_contact", "member", "secretariat", "suspended_member"]
)
def test_only_the_leads_contact_invites(who, initiative, other_organisation, as_role):
    with pytest.raises(PermissionDenied):
        services.partner_invite(
            initiative=initiative, acting_user=as_role(who), organisation=other_organisation
        )


def test_only_the_invited_organisations_contact_answers(
    initiative, lead_contact, other_organisation, partner_contact, secretariat_user
):
    invitation = services.partner_invite(
        initiative=initiative, acting_user=lead_contact, organisation=other_organisation
    )
    colleague = representative_user(other_organisation)
    for user in (lead_contact, partner_contact, secretariat_user, colleague):
        with pytest.raises(PermissionDenied):
            services.partner_invitation_decide(invitation=invitation, acting_user=user, accept=True)
    assert PartnerRequest.objects.get(pk=invitation.pk).is_pending


def test_who_may_be_invited(initiative, lead_contact, lead_organisation, partner_organisation):
    with pytest.raises(InitiativeError, match="already takes part"):
        services.partner_invite(
            initiative=initiative, acting_user=lead_contact, organisation=partner_organisation
        )
    with pytest.raises(InitiativeError, match="already takes part"):
        services.partner_invite(
            initiative=initiative, acting_user=lead_contact, organisation=lead_organisation
        )
    suspended = OrganisationFactory(membership_status=Organisation.MembershipStatus.SUSPENDED)
    with pytest.raises(InitiativeError, match="Only active member organisations"):
        services.partner_invite(
            initiative=initiative, acting_user=lead_contact, organisation=suspended
        )


def test_a_pending_request_is_answered_rather_than_invited(
    initiative, lead_contact, other_contact, other_organisation
):
    services.partner_request_create(
        initiative=initiative, acting_user=other_contact, statement="Let us in."
    )
    with pytest.raises(InitiativeError, match="answer its request instead"):
        services.partner_invite(
            initiative=initiative, acting_user=lead_contact, organisation=other_organisation
        )


def test_the_lead_cancels_an_invitation(
    initiative, lead_contact, other_contact, other_organisation, partner_contact
):
    invitation = services.partner_invite(
        initiative=initiative, acting_user=lead_contact, organisation=other_organisation
    )
    with pytest.raises(InitiativeError, match="already been invited"):
        services.partner_invite(
            initiative=initiative, acting_user=lead_contact, organisation=other_organisation
        )
    for user in (partner_contact, other_contact):
        with pytest.raises(PermissionDenied):
            services.partner_invitation_cancel(invitation=invitation, acting_user=user)
    services.partner_invitation_cancel(invitation=invitation, acting_user=lead_contact)
    invitation.refresh_from_db()
    assert invitation.status == "withdrawn"
    assert _last_event(initiative).kind == "invitation_cancelled"
    with pytest.raises(InitiativeError, match="no longer open"):
        services.partner_invitation_decide(
            invitation=invitation, acting_user=other_contact, accept=True
        )


# --- Leaving ---------------------------------------------------------------------------------


def test_a_partner_leaves_and_its_commitments_end(
    initiative, partner_contact, partner_organisation, lead_contact
):
    services.commitment_record(
        initiative=initiative,
        acting_user=partner_contact,
        kind="staff_days",
        amount=20,
        description="Testbed mapping",
    )
    partner = services.partner_leave(
        initiative=initiative, acting_user=partner_contact, note="Our budget was cut."
    )
    assert partner.left_at is not None
    assert partner_organisation.pk not in _roles(initiative)
    assert not Commitment.objects.filter(
        initiative=initiative, organisation=partner_organisation, superseded_at__isnull=True
    ).exists()
    event = _last_event(initiative)
    assert (event.kind, event.organisation, event.note, event.details) == (
        "partner_left",
        partner_organisation,
        "Our budget was cut.",
        {"commitments_withdrawn": 1},
    )
    # It may come back: a new row, the old one stays as history.
    add_partner(initiative, partner_organisation)
    assert (
        InitiativePartner.objects.filter(
            initiative=initiative, organisation=partner_organisation
        ).count()
        == 2
    )


def test_the_lead_cannot_leave_without_handing_over(initiative, lead_contact):
    with pytest.raises(InitiativeError, match="hand the lead over"):
        services.partner_leave(initiative=initiative, acting_user=lead_contact)


@pytest.mark.parametrize("who", ["other_contact", "member", "non_member", "secretariat"])
def test_only_a_partners_contact_takes_it_out(who, initiative, as_role):
    with pytest.raises(PermissionDenied):
        services.partner_leave(initiative=initiative, acting_user=as_role(who))


def test_a_partners_representative_is_not_its_contact(initiative, partner_representative):
    with pytest.raises(PermissionDenied):
        services.partner_leave(initiative=initiative, acting_user=partner_representative)


def test_nobody_leaves_a_closed_initiative(initiative, lead_contact, partner_contact):
    services.initiative_status_change(
        initiative=initiative, acting_user=lead_contact, to_status="cancelled", note="Over."
    )
    with pytest.raises(InitiativeError, match="cancelled"):
        services.partner_leave(initiative=initiative, acting_user=partner_contact)


# --- Handing over the lead --------------------------------------------------------------------


def test_the_lead_hands_over_to_a_partner(
    initiative, lead_contact, lead_organisation, partner_contact, partner_organisation
):
    services.lead_handover(
        initiative=initiative,
        acting_user=lead_contact,
        organisation=partner_organisation,
        note="Denmark coordinates from now on.",
    )
    initiative = Initiative.objects.get(pk=initiative.pk)
    assert initiative.lead_organisation == partner_organisation
    assert _roles(initiative) == {partner_organisation.pk: "lead", lead_organisation.pk: "partner"}
    event = _last_event(initiative)
    assert (event.kind, event.organisation, event.details["from_name"]) == (
        "lead_handed_over",
        partner_organisation,
        lead_organisation.name,
    )
    # The new lead acts as the lead; the former one leaves like any partner.
    services.initiative_status_change(
        initiative=initiative, acting_user=partner_contact, to_status="active"
    )
    with pytest.raises(PermissionDenied):
        services.initiative_status_change(
            initiative=initiative, acting_user=lead_contact, to_status="completed"
        )
    services.partner_leave(initiative=initiative, acting_user=lead_contact)
    assert _roles(initiative) == {partner_organisation.pk: "lead"}


def test_the_lead_goes_only_to_a_current_partner(
    initiative, lead_contact, lead_organisation, other_organisation, partner_organisation
):
    for organisation in (other_organisation, lead_organisation):
        with pytest.raises(InitiativeError, match="another partner"):
            services.lead_handover(
                initiative=initiative, acting_user=lead_contact, organisation=organisation
            )
    observer_org = OrganisationFactory(country="BE")
    add_partner(initiative, observer_org, role=InitiativePartner.Role.OBSERVER)
    with pytest.raises(InitiativeError, match="An observer cannot lead"):
        services.lead_handover(
            initiative=initiative, acting_user=lead_contact, organisation=observer_org
        )
    Organisation.objects.filter(pk=partner_organisation.pk).update(
        membership_status=Organisation.MembershipStatus.SUSPENDED
    )
    partner_organisation.refresh_from_db()
    with pytest.raises(InitiativeError, match="not an active member"):
        services.lead_handover(
            initiative=initiative, acting_user=lead_contact, organisation=partner_organisation
        )
    assert Initiative.objects.get(pk=initiative.pk).lead_organisation == lead_organisation


@pytest.mark.parametrize("who", ["partner_contact", "other_contact", "secretariat"])
def test_only_the_leads_contact_hands_over(who, initiative, partner_organisation, as_role):
    with pytest.raises(PermissionDenied):
        services.lead_handover(
            initiative=initiative, acting_user=as_role(who), organisation=partner_organisation
        )
