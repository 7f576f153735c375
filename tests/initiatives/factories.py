"""Factories for the joint initiatives. Initiatives, partners and statuses are made through the
services, as the app makes them, so the lead, the change log, the search vector and the
discussion thread are always consistent."""

from datetime import date

import factory

from initiatives import services
from initiatives.models import (
    FundingSource,
    Initiative,
    InitiativePartner,
    InitiativeStatus,
)
from members.models import Organisation, Representative
from tests.members.factories import ContactFactory, OrganisationFactory, RepresentativeFactory

# How to reach each status from "proposed", through the transitions the lead may make.
PATH_TO = {
    InitiativeStatus.PROPOSED: [],
    InitiativeStatus.SEEKING_PARTNERS: [InitiativeStatus.SEEKING_PARTNERS],
    InitiativeStatus.ACTIVE: [InitiativeStatus.SEEKING_PARTNERS, InitiativeStatus.ACTIVE],
    InitiativeStatus.COMPLETED: [
        InitiativeStatus.SEEKING_PARTNERS,
        InitiativeStatus.ACTIVE,
        InitiativeStatus.COMPLETED,
    ],
    InitiativeStatus.CANCELLED: [InitiativeStatus.CANCELLED],
}


def funding(slug="interreg") -> FundingSource:
    """One of the funding sources migration 0002 creates."""
    return FundingSource.objects.get(slug=slug)


def contact_user(organisation=None, **user_fields):
    """The contact of a member organisation (a new active one unless given)."""
    kwargs = {"organisation": organisation} if organisation is not None else {}
    for field, value in user_fields.items():
        kwargs[f"user__{field}"] = value
    return ContactFactory(**kwargs).user


def representative_user(organisation, **user_fields):
    kwargs = {f"user__{field}": value for field, value in user_fields.items()}
    return RepresentativeFactory(organisation=organisation, **kwargs).user


def contact_of(organisation):
    """The organisation's first contact, made if it has none."""
    contact = (
        Representative.objects.filter(organisation=organisation, role=Representative.Role.CONTACT)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return contact.user if contact else contact_user(organisation)


def lead_contact_of(initiative):
    return contact_of(Initiative.objects.get(pk=initiative.pk).lead_organisation)


def initiative_data(**overrides):
    """Form-shaped data for initiative_propose."""
    data = {
        "title": "Cluster cooperation for circular plastics",
        "summary": "Plastics clusters pool their testbeds and matchmaking for recyclers.",
        "description": "Three regions, one **testbed network**.",
        "objectives": "Map recycling testbeds; run matchmaking for recyclers and converters.",
        "countries": ["AT", "FR"],
        "regions": ["AT-3"],
        "start_date": date(2026, 1, 1),
        "end_date": date(2027, 12, 31),
        "funding_source": None,
        "budget": None,
        "website": "",
    }
    data.update(overrides)
    return data


def add_partner(initiative, organisation, role=InitiativePartner.Role.PARTNER):
    """The lead invites the organisation and its contact accepts."""
    invitation = services.partner_invite(
        initiative=initiative,
        acting_user=lead_contact_of(initiative),
        organisation=organisation,
        role=role,
    )
    services.partner_invitation_decide(
        invitation=invitation, acting_user=contact_of(organisation), accept=True
    )
    return InitiativePartner.objects.get(
        initiative=initiative, organisation=organisation, left_at__isnull=True
    )


def move_to(initiative, status):
    """Take a proposed initiative to `status`, as its lead's contact."""
    lead = lead_contact_of(initiative)
    for step in PATH_TO[status]:
        initiative = services.initiative_status_change(
            initiative=initiative,
            acting_user=lead,
            to_status=step,
            note="Not enough partners." if step == InitiativeStatus.CANCELLED else "",
        )
    return Initiative.objects.get(pk=initiative.pk)


class InitiativeFactory(factory.django.DjangoModelFactory):
    """initiative_propose(); pass `proposer` (default: the contact of a new active member),
    `themes`, `status` (reached through the transitions) and `partners` (organisations that
    join by invitation while the initiative is proposed)."""

    class Meta:
        model = Initiative

    proposer = factory.LazyFunction(contact_user)
    title = factory.Sequence(lambda n: f"Cluster cooperation for circular plastics {n}")
    summary = "Plastics clusters pool their testbeds and matchmaking for recyclers."
    description = "Three regions, one **testbed network**."
    objectives = "Map recycling testbeds; run matchmaking for recyclers and converters."
    countries = factory.LazyFunction(lambda: ["AT"])
    regions = factory.LazyFunction(list)
    start_date = date(2026, 1, 1)
    end_date = date(2027, 12, 31)

    @classmethod
    def _create(
        cls,
        model_class,
        *args,
        proposer,
        themes=(),
        status=InitiativeStatus.PROPOSED,
        partners=(),
        **data,
    ):
        initiative = services.initiative_propose(acting_user=proposer, data=data, themes=themes)
        for organisation in partners:
            add_partner(initiative, organisation)
        return move_to(initiative, status)


def other_country_organisation(country, **fields):
    return OrganisationFactory(country=country, **fields)


def suspended_organisation(**fields):
    return OrganisationFactory(membership_status=Organisation.MembershipStatus.SUSPENDED, **fields)
