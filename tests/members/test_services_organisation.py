"""Representatives, seats and membership status, through the services."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from members import services
from members.models import (
    MembershipStatusChange,
    Organisation,
    Representative,
    RepresentativeInvitation,
)
from tests.accounts.factories import UserFactory
from tests.members.factories import ContactFactory, OrganisationFactory, RepresentativeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation():
    return OrganisationFactory()


@pytest.fixture
def contact(organisation):
    return ContactFactory(organisation=organisation)


@pytest.fixture
def officer(organisation):
    return RepresentativeFactory(organisation=organisation)


def test_the_last_contact_cannot_be_removed_or_demoted(contact):
    with pytest.raises(services.MembershipError, match="at least one contact"):
        services.representative_remove(representative=contact, acting_user=contact.user)
    with pytest.raises(services.MembershipError, match="at least one contact"):
        services.representative_role_change(
            representative=contact,
            role=Representative.Role.REPRESENTATIVE,
            acting_user=contact.user,
        )
    assert Representative.objects.filter(pk=contact.pk, role="contact").exists()


def test_a_contact_can_be_demoted_once_another_contact_exists(contact, officer):
    services.representative_role_change(
        representative=officer, role=Representative.Role.CONTACT, acting_user=contact.user
    )
    officer.refresh_from_db()  # officer.user caches its Representative row
    services.representative_role_change(
        representative=contact, role=Representative.Role.REPRESENTATIVE, acting_user=officer.user
    )
    contact.refresh_from_db()
    assert contact.role == Representative.Role.REPRESENTATIVE


def test_only_the_contact_or_secretariat_manage_representatives(contact, officer, secretariat_user):
    other_contact = ContactFactory()
    for outsider in [officer.user, other_contact.user, UserFactory()]:
        with pytest.raises(PermissionDenied):
            services.representative_role_change(
                representative=officer, role="contact", acting_user=outsider
            )
    services.representative_role_change(
        representative=officer, role="contact", acting_user=secretariat_user
    )


def test_handover_passes_the_contact_role_and_frees_the_seat(contact, officer):
    successor = services.representative_handover(
        leaving=contact, successor=officer, acting_user=contact.user
    )
    assert successor.role == Representative.Role.CONTACT
    assert not Representative.objects.filter(pk=contact.pk).exists()
    assert contact.user.__class__.objects.filter(pk=contact.user.pk).exists()  # the person stays


def test_handover_runs_the_steps_other_apps_register(contact, officer, monkeypatch):
    calls = []
    monkeypatch.setattr(services, "HANDOVER_STEPS", [lambda **kw: calls.append(kw)])
    services.representative_handover(leaving=officer, successor=contact, acting_user=contact.user)
    assert calls == [{"leaving_user": officer.user, "successor_user": contact.user}]


def test_handover_only_to_a_colleague_of_the_same_organisation(contact, officer):
    stranger = RepresentativeFactory()
    with pytest.raises(services.MembershipError, match="same organisation"):
        services.representative_handover(
            leaving=officer, successor=stranger, acting_user=contact.user
        )


def test_invitation_is_mailed_and_accepted_by_the_invited_address_only(
    contact, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.representative_invite(
            organisation=contact.organisation,
            email="Marie.Dupont@region.eu",
            role=Representative.Role.REPRESENTATIVE,
            acting_user=contact.user,
        )
    assert mail.outbox[0].to == ["Marie.Dupont@region.eu"]
    assert f"/members/invitations/{invitation.pk}/" in mail.outbox[0].body
    with pytest.raises(PermissionDenied):
        services.invitation_accept(invitation=invitation, user=UserFactory())
    invitee = UserFactory(email="marie.dupont@region.eu")
    representative = services.invitation_accept(invitation=invitation, user=invitee)
    assert representative.organisation == contact.organisation
    invitation.refresh_from_db()
    assert invitation.status == RepresentativeInvitation.Status.ACCEPTED
    with pytest.raises(services.MembershipError):
        services.invitation_accept(invitation=invitation, user=invitee)


def test_inviting_the_same_address_twice_is_refused(contact):
    services.representative_invite(
        organisation=contact.organisation,
        email="a@b.eu",
        role="representative",
        acting_user=contact.user,
    )
    with pytest.raises(services.MembershipError, match="already been invited"):
        services.representative_invite(
            organisation=contact.organisation,
            email="A@B.eu",
            role="representative",
            acting_user=contact.user,
        )


def test_suspend_and_reinstate_are_recorded_and_mailed(
    contact, secretariat_user, django_capture_on_commit_callbacks
):
    organisation = contact.organisation
    with pytest.raises(ValidationError):
        services.membership_suspend(
            organisation=organisation, acting_user=secretariat_user, note=" "
        )
    with pytest.raises(PermissionDenied):
        services.membership_suspend(
            organisation=organisation, acting_user=contact.user, note="Unpaid"
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_suspend(
            organisation=organisation, acting_user=secretariat_user, note="No activity in 2026."
        )
    organisation.refresh_from_db()
    assert organisation.membership_status == Organisation.MembershipStatus.SUSPENDED
    with pytest.raises(services.MembershipError):
        services.membership_suspend(
            organisation=organisation, acting_user=secretariat_user, note="Again"
        )
    services.membership_reinstate(organisation=organisation, acting_user=secretariat_user)
    changes = list(
        MembershipStatusChange.objects.order_by("created_at", "pk").values_list(
            "from_status", "to_status", "actor"
        )
    )
    assert changes == [
        ("active", "suspended", secretariat_user.pk),
        ("suspended", "active", secretariat_user.pk),
    ]
    assert mail.outbox[0].to == [contact.user.email]
    assert "suspended" in mail.outbox[0].subject


def test_profile_update_validates_and_only_for_the_contact(contact, officer):
    organisation = contact.organisation
    with pytest.raises(PermissionDenied):
        services.organisation_update(
            organisation=organisation, acting_user=officer.user, data={"description": "x"}
        )
    with pytest.raises(ValidationError) as caught:
        services.organisation_update(
            organisation=organisation, acting_user=contact.user, data={"region_code": "DE-BY"}
        )
    assert "region_code" in caught.value.message_dict
    organisation.refresh_from_db()
    assert organisation.region_code == ""
    services.organisation_update(
        organisation=organisation,
        acting_user=contact.user,
        data={"description": "Funds 12 clusters."},
    )
    organisation.refresh_from_db()
    assert organisation.description == "Funds 12 clusters."
