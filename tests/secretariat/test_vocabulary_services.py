"""The funding-source vocabulary's services (initiatives.services), used by the workspace."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from initiatives import services
from initiatives.models import FundingSource
from initiatives.services import InitiativeError
from tests.initiatives.factories import InitiativeFactory, funding

pytestmark = pytest.mark.django_db


def test_the_secretariat_adds_a_source_with_a_slug_of_its_own(secretariat_user):
    first = services.funding_source_save(
        acting_user=secretariat_user, data={"name": "Digital Europe", "name_fr": "Europe numérique"}
    )
    second = services.funding_source_save(
        acting_user=secretariat_user, data={"name": "Digital-Europe"}
    )
    assert (first.slug, first.name_fr, first.name_de) == ("digital-europe", "Europe numérique", "")
    assert second.slug == "digital-europe-2"


def test_a_rename_keeps_the_slug(secretariat_user):
    source = services.funding_source_save(
        acting_user=secretariat_user,
        data={"name": "ERDF", "name_fr": "FEDER", "name_de": "EFRE"},
        funding_source=funding("erdf"),
    )
    source.refresh_from_db()
    assert (source.slug, source.name, source.name_de) == ("erdf", "ERDF", "EFRE")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "  "}, "This field cannot be blank."),
        ({"name": "INTERREG"}, "A funding source with this name exists already."),
        ({"name": "x" * 121}, "Ensure this value has at most 120 characters (it has 121)."),
    ],
)
def test_bad_names_are_refused_on_the_name_field(secretariat_user, data, message):
    with pytest.raises(ValidationError) as error:
        services.funding_source_save(acting_user=secretariat_user, data=data)
    assert error.value.message_dict["name"] == [message]
    assert FundingSource.objects.count() == 6


def test_only_the_secretariat_edits_the_vocabulary(contact):
    with pytest.raises(PermissionDenied):
        services.funding_source_save(acting_user=contact, data={"name": "Erasmus+"})
    with pytest.raises(PermissionDenied):
        services.funding_source_save(
            acting_user=contact, data={"name": "Hacked"}, funding_source=funding("erdf")
        )
    with pytest.raises(PermissionDenied):
        services.funding_source_delete(acting_user=contact, funding_source=funding("other"))
    assert funding("erdf").name == "European Regional Development Fund"
    assert FundingSource.objects.count() == 6


def test_a_source_in_use_is_not_deleted_an_unused_one_is(secretariat_user):
    InitiativeFactory(funding_source=funding("interreg"))
    InitiativeFactory(funding_source=funding("interreg"))
    with pytest.raises(InitiativeError, match="2 initiatives name it"):
        services.funding_source_delete(
            acting_user=secretariat_user, funding_source=funding("interreg")
        )
    assert FundingSource.objects.filter(slug="interreg").exists()

    services.funding_source_delete(acting_user=secretariat_user, funding_source=funding("other"))
    assert not FundingSource.objects.filter(slug="other").exists()
