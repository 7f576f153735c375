"""One person per role of the joint initiatives, and an initiative to try them on."""

import pytest
from django.contrib.auth.models import AnonymousUser

from initiatives.models import InitiativeStatus
from tests.accounts.factories import UserFactory
from tests.initiatives.factories import (
    InitiativeFactory,
    contact_user,
    representative_user,
    suspended_organisation,
)
from tests.members.factories import OrganisationFactory


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def lead_organisation(db):
    return OrganisationFactory(name="Lower Austria Business Agency", country="AT")


@pytest.fixture
def partner_organisation(db):
    return OrganisationFactory(name="Danish Cluster Agency", country="DK")


@pytest.fixture
def other_organisation(db):
    return OrganisationFactory(name="Basque Business Agency", country="ES")


@pytest.fixture
def anonymous():
    return AnonymousUser()


@pytest.fixture
def non_member(db):
    """Signed up, verified, represents no organisation."""
    return UserFactory(full_name="Nora Visitor")


@pytest.fixture
def member(db):
    """A representative (not the contact) of an active member that has nothing to do with the
    initiative."""
    return representative_user(OrganisationFactory(country="PT"), full_name="Rui Representative")


@pytest.fixture
def suspended_member(db):
    """The contact of a suspended member."""
    return contact_user(suspended_organisation(country="PL"), full_name="Sven Suspended")


@pytest.fixture
def lead_contact(lead_organisation):
    return contact_user(lead_organisation, full_name="Markus Lead")


@pytest.fixture
def lead_representative(lead_organisation, lead_contact):
    return representative_user(lead_organisation, full_name="Lea Lead-Officer")


@pytest.fixture
def partner_contact(partner_organisation):
    return contact_user(partner_organisation, full_name="Mette Partner")


@pytest.fixture
def partner_representative(partner_organisation, partner_contact):
    return representative_user(partner_organisation, full_name="Per Partner-Officer")


@pytest.fixture
def other_contact(other_organisation):
    """The contact of another active member, not (yet) in the initiative."""
    return contact_user(other_organisation, full_name="Iñaki Other")


@pytest.fixture
def initiative(lead_contact, partner_organisation, partner_contact):
    """Seeking partners, led by lead_organisation, with partner_organisation as partner."""
    return InitiativeFactory(
        proposer=lead_contact,
        title="Hydrogen valleys cluster partnership",
        countries=["AT", "DK"],
        regions=["AT-3"],
        partners=[partner_organisation],
        status=InitiativeStatus.SEEKING_PARTNERS,
    )


ROLES = [
    "anonymous",
    "non_member",
    "member",
    "suspended_member",
    "lead_contact",
    "partner_contact",
    "other_contact",
    "secretariat",
]


@pytest.fixture
def as_role(
    anonymous,
    non_member,
    member,
    suspended_member,
    lead_contact,
    partner_contact,
    other_contact,
    secretariat_user,
):
    """The user of a role named in ROLES."""

    def get(role):
        return {
            "anonymous": anonymous,
            "non_member": non_member,
            "member": member,
            "suspended_member": suspended_member,
            "lead_contact": lead_contact,
            "partner_contact": partner_contact,
            "other_contact": other_contact,
            "secretariat": secretariat_user,
        }[role]

    return get
