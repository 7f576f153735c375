"""Reads behind the application pages: the queue, possible duplicates, invitations."""

import pytest
from allauth.account.models import EmailAddress
from django.http import Http404

from members import selectors
from members.models import ApplicationStatus, RepresentativeInvitation
from tests.accounts.factories import UserFactory
from tests.members.factories import MembershipApplicationFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_the_queue_holds_open_applications_unless_told_otherwise():
    open_one = MembershipApplicationFactory()
    decided = MembershipApplicationFactory(status=ApplicationStatus.REJECTED)
    assert list(selectors.application_queue()) == [open_one]
    assert list(selectors.application_queue(statuses=[ApplicationStatus.REJECTED])) == [decided]
    assert set(selectors.application_queue(statuses=None)) == {open_one, decided}


def test_duplicates_are_flagged_with_the_reason():
    application = MembershipApplicationFactory(
        organisation_name="Agencia de Desarrollo Económico de La Rioja",
        country="ES",
        website="https://www.ader.es/inicio",
    )
    same_name = OrganisationFactory(name="Agencia Desarrollo Economico La Rioja", country="ES")
    same_domain = OrganisationFactory(
        name="Something else", country="PT", website="https://ader.es"
    )
    # A similar name in another country is not flagged; nor is an unrelated body.
    OrganisationFactory(name="Agencia de Desarrollo Económico de La Rioja", country="PT")
    OrganisationFactory(name="Business Upper Austria", country="ES", website="https://leader.es")
    other_application = MembershipApplicationFactory(
        organisation_name="ADER", country="ES", website="http://ader.es"
    )
    MembershipApplicationFactory(
        organisation_name="Agencia de Desarrollo Económico de La Rioja",
        country="ES",
        status=ApplicationStatus.REJECTED,
    )

    duplicates = selectors.application_possible_duplicates(application=application)

    by_name = {organisation.name: organisation for organisation in duplicates["organisations"]}
    assert set(by_name) == {same_name.name, same_domain.name}
    assert by_name[same_name.name].duplicate_reasons == ["similar name in the same country"]
    assert by_name[same_domain.name].duplicate_reasons == ["same website domain (ader.es)"]
    assert duplicates["applications"] == [other_application]
    assert duplicates["applications"][0].duplicate_reasons == ["same website domain (ader.es)"]


def test_an_invitation_is_only_found_by_its_verified_addressee():
    invitation = RepresentativeInvitation.objects.create(
        organisation=OrganisationFactory(), email="Invited@Example.eu"
    )
    invited = UserFactory(email="invited@example.eu")
    assert selectors.invitation_get_for_invitee(user=invited, pk=invitation.pk) == invitation
    assert list(selectors.invitations_pending_for_user(user=invited)) == [invitation]
    with pytest.raises(Http404):
        selectors.invitation_get_for_invitee(user=UserFactory(), pk=invitation.pk)
    EmailAddress.objects.filter(user=invited).update(verified=False)
    with pytest.raises(Http404):
        selectors.invitation_get_for_invitee(user=invited, pk=invitation.pk)
    assert not selectors.invitations_pending_for_user(user=invited).exists()
