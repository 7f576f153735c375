"""The invariants the database itself guards, and the model-level validation."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from initiatives.models import (
    INITIATIVE_TRANSITIONS,
    Commitment,
    FundingSource,
    Initiative,
    InitiativeEvent,
    InitiativePartner,
    InitiativeStatus,
)
from initiatives.services import initiative_propose
from tests.initiatives.factories import InitiativeFactory, initiative_data

pytestmark = pytest.mark.django_db


def test_the_funding_source_vocabulary_exists_on_a_fresh_database():
    names = set(FundingSource.objects.values_list("name", flat=True))
    assert names == {
        "Interreg",
        "Horizon Europe",
        "Single Market Programme",
        "European Regional Development Fund",
        "National or regional budget",
        "Other",
    }
    erdf = FundingSource.objects.get(slug="erdf")
    from django.utils import translation

    with translation.override("de"):
        assert str(erdf) == "Europäischer Fonds für regionale Entwicklung"
    with translation.override("fr"):
        assert erdf.display_name == "Fonds européen de développement régional"


def test_funding_source_names_are_unique_whatever_the_case():
    with pytest.raises(IntegrityError), transaction.atomic():
        FundingSource.objects.create(slug="interreg-2", name="INTERREG")


def test_the_database_refuses_dates_in_the_wrong_order(lead_contact):
    initiative = InitiativeFactory(proposer=lead_contact)
    with pytest.raises(IntegrityError, match="dates_ordered"), transaction.atomic():
        Initiative.objects.filter(pk=initiative.pk).update(
            start_date=date(2027, 1, 1), end_date=date(2026, 1, 1)
        )


def test_validation_says_clearly_that_the_end_is_before_the_start(lead_contact):
    with pytest.raises(ValidationError) as error:
        initiative_propose(
            acting_user=lead_contact,
            data=initiative_data(start_date=date(2027, 1, 1), end_date=date(2026, 6, 30)),
        )
    assert error.value.message_dict["end_date"] == ["The end date cannot be before the start date."]
    assert not Initiative.objects.exists()


def test_budget_is_never_negative(lead_contact):
    with pytest.raises(ValidationError) as error:
        initiative_propose(acting_user=lead_contact, data=initiative_data(budget=-1))
    assert "budget" in error.value.message_dict
    initiative = InitiativeFactory(proposer=lead_contact)
    with pytest.raises(IntegrityError, match="budget_not_negative"), transaction.atomic():
        Initiative.objects.filter(pk=initiative.pk).update(budget=-5)


@pytest.mark.parametrize(
    ("countries", "regions", "field", "message"),
    [
        ([], [], "countries", "Name at least one country the initiative covers."),
        (["US"], [], "countries", "US: initiatives cover EU or EEA member states"),
        (["AT"], ["DE-BY"], "regions", "DE-BY: each region must lie in one of the countries"),
        (["AT", "DE"], ["FR-ARA"], "regions", "FR-ARA: each region must lie"),
        (["AT"], ["AT-99"], "regions", "AT-99: each region must lie"),
    ],
)
def test_countries_are_eligible_and_regions_lie_in_them(
    lead_contact, countries, regions, field, message
):
    with pytest.raises(ValidationError) as error:
        initiative_propose(
            acting_user=lead_contact, data=initiative_data(countries=countries, regions=regions)
        )
    assert error.value.message_dict[field][0].startswith(message)


def test_codes_are_cleaned_and_regions_of_listed_countries_accepted(lead_contact):
    initiative = initiative_propose(
        acting_user=lead_contact,
        data=initiative_data(countries=["at", " DE ", "AT"], regions=["de-by", "AT-3"]),
    )
    assert initiative.countries == ["AT", "DE"]
    assert initiative.regions == ["DE-BY", "AT-3"]
    assert initiative.region_names == ["Bayern", "Niederösterreich"]


def test_exactly_one_lead_per_initiative(lead_contact, partner_organisation):
    initiative = InitiativeFactory(proposer=lead_contact, partners=[partner_organisation])
    partner = InitiativePartner.objects.get(
        initiative=initiative, organisation=partner_organisation
    )
    with pytest.raises(IntegrityError, match="one_lead"), transaction.atomic():
        InitiativePartner.objects.filter(pk=partner.pk).update(role="lead")
    lead = InitiativePartner.objects.get(initiative=initiative, role="lead")
    assert lead.organisation == initiative.lead_organisation
    with pytest.raises(IntegrityError, match="lead_stays"), transaction.atomic():
        InitiativePartner.objects.filter(pk=lead.pk).update(left_at=initiative.created_at)


def test_an_organisation_is_a_current_partner_once(lead_contact, partner_organisation):
    initiative = InitiativeFactory(proposer=lead_contact, partners=[partner_organisation])
    with pytest.raises(IntegrityError, match="once_per_initiative"), transaction.atomic():
        InitiativePartner.objects.create(initiative=initiative, organisation=partner_organisation)


def test_commitments_are_whole_for_events_and_never_negative(lead_contact):
    initiative = InitiativeFactory(proposer=lead_contact)
    organisation = initiative.lead_organisation
    with pytest.raises(IntegrityError, match="whole_units"), transaction.atomic():
        Commitment.objects.create(
            initiative=initiative, organisation=organisation, kind="events", amount="1.5"
        )
    with pytest.raises(IntegrityError, match="amount_not_negative"), transaction.atomic():
        Commitment.objects.create(
            initiative=initiative, organisation=organisation, kind="budget", amount="-1"
        )
    Commitment.objects.create(
        initiative=initiative, organisation=organisation, kind="staff_days", amount="0.5"
    )


def test_status_changes_carry_statuses_and_other_changes_do_not(lead_contact):
    initiative = InitiativeFactory(proposer=lead_contact)
    with pytest.raises(IntegrityError, match="statuses_only"), transaction.atomic():
        InitiativeEvent.objects.create(
            initiative=initiative, kind=InitiativeEvent.Kind.EDITED, to_status="active"
        )
    with pytest.raises(IntegrityError, match="statuses_only"), transaction.atomic():
        InitiativeEvent.objects.create(
            initiative=initiative, kind=InitiativeEvent.Kind.STATUS_CHANGED
        )


def test_the_transition_table_covers_every_status_and_closed_ones_are_final():
    assert set(INITIATIVE_TRANSITIONS) == set(InitiativeStatus.values)
    assert INITIATIVE_TRANSITIONS[InitiativeStatus.COMPLETED] == {}
    assert INITIATIVE_TRANSITIONS[InitiativeStatus.CANCELLED] == {}
    for targets in INITIATIVE_TRANSITIONS.values():
        assert set(targets) <= set(InitiativeStatus.values)


def test_the_absolute_url_names_the_initiative_page(lead_contact, client):
    initiative = InitiativeFactory(proposer=lead_contact, title="Alpine skills academy")
    assert initiative.slug == "alpine-skills-academy"
    assert initiative.get_absolute_url() == reverse(
        "initiatives:initiative_detail", kwargs={"slug": "alpine-skills-academy"}
    )
    response = client.get(initiative.get_absolute_url())
    assert response.status_code == 200
    assert "Alpine skills academy" in response.content.decode()


def test_slugs_are_unique_and_avoid_the_words_of_the_pages(lead_contact):
    first = InitiativeFactory(proposer=lead_contact, title="Cluster academy")
    second = InitiativeFactory(proposer=lead_contact, title="Cluster academy")
    reserved = InitiativeFactory(proposer=lead_contact, title="New")
    assert (first.slug, second.slug, reserved.slug) == (
        "cluster-academy",
        "cluster-academy-2",
        "new-initiative",
    )
