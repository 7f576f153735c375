import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from members.models import Organisation, OrganisationKind, Representative, validate_place
from tests.accounts.factories import UserFactory
from tests.members.factories import (
    ClusterProgrammeFactory,
    OrganisationFactory,
    RepresentativeFactory,
)

pytestmark = pytest.mark.django_db


def place(**overrides):
    values = {
        "country": "FR",
        "region_code": "FR-ARA",
        "nuts_code": "FRK2",
        "kind": OrganisationKind.REGIONAL_AUTHORITY,
    }
    values.update(overrides)
    return values


def errors_of(**overrides):
    with pytest.raises(ValidationError) as caught:
        validate_place(**place(**overrides))
    return caught.value.message_dict


def test_a_valid_place_passes():
    validate_place(**place())
    validate_place(
        **place(
            country="GR", region_code="", nuts_code="EL30", kind=OrganisationKind.NATIONAL_AUTHORITY
        )
    )


def test_a_region_of_another_country_is_refused():
    assert errors_of(region_code="DE-BY") == {
        "region_code": ["This region is not in the selected country."]
    }


def test_an_unknown_or_ineligible_country_is_refused():
    assert "country" in errors_of(country="US", region_code="", nuts_code="")


def test_a_regional_authority_must_name_its_region():
    assert errors_of(region_code="") == {
        "region_code": ["A regional authority must name its region."]
    }


def test_a_nuts_code_must_belong_to_the_country():
    assert errors_of(nuts_code="DE21") == {
        "nuts_code": ["A NUTS code in this country starts with FR."]
    }


def test_organisation_full_clean_rejects_malformed_values():
    organisation = OrganisationFactory.build(
        website="not a url", nuts_code="fr-1", country="FR", region_code=""
    )
    with pytest.raises(ValidationError) as caught:
        organisation.full_clean()
    assert {"website", "nuts_code"} <= set(caught.value.message_dict)


def test_the_database_refuses_a_regional_authority_without_region():
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(kind=OrganisationKind.REGIONAL_AUTHORITY, region_code="")


def test_the_database_refuses_a_region_outside_the_country():
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(country="AT", region_code="DE-BY")


def test_a_person_represents_at_most_one_organisation():
    user = UserFactory()
    RepresentativeFactory(user=user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Representative.objects.create(user=user, organisation=OrganisationFactory())


def test_programme_years_must_be_ordered():
    with pytest.raises(IntegrityError), transaction.atomic():
        ClusterProgrammeFactory(start_year=2025, end_year=2020)
    programme = ClusterProgrammeFactory.build(start_year=2025, end_year=2020)
    with pytest.raises(ValidationError) as caught:
        programme.clean()
    assert "end_year" in caught.value.message_dict


def test_country_and_theme_names_follow_the_language():
    from django.utils import translation

    from members.models import PolicyTheme

    organisation = OrganisationFactory.build(country="DE")
    theme = PolicyTheme(
        slug="green", name="Green transition", name_fr="Transition écologique", name_de=""
    )
    with translation.override("fr"):
        assert organisation.country_name == "Allemagne"
        assert theme.display_name == "Transition écologique"
    with translation.override("de"):
        assert organisation.country_name == "Deutschland"
        assert theme.display_name == "Green transition"  # falls back to English
    assert Organisation.MembershipStatus.ACTIVE == "active"
