import factory
from django.utils import timezone

from members.models import (
    ClusterProgramme,
    MembershipApplication,
    Organisation,
    OrganisationKind,
    PolicyTheme,
    Representative,
)
from tests.accounts.factories import UserFactory


class PolicyThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicyTheme
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"theme-{n}")
    name = factory.Sequence(lambda n: f"Theme {n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Cluster Agency {n}")
    slug = factory.Sequence(lambda n: f"cluster-agency-{n}")
    kind = OrganisationKind.FUNDING_AGENCY
    country = "AT"
    website = factory.Sequence(lambda n: f"https://agency{n}.example.eu")
    description = "Runs the national cluster programme."
    member_since = factory.LazyFunction(timezone.localdate)


class RegionalAuthorityFactory(OrganisationFactory):
    kind = OrganisationKind.REGIONAL_AUTHORITY
    country = "FR"
    region_code = "FR-ARA"


class ClusterProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClusterProgramme

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Cluster Excellence Programme {n}")
    start_year = 2021
    end_year = 2027
    budget_band = ClusterProgramme.BudgetBand.FROM_5_TO_20M
    instruments = ["grants", "networking"]


class RepresentativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Representative

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Representative.Role.REPRESENTATIVE
    position = "Policy officer"


class ContactFactory(RepresentativeFactory):
    role = Representative.Role.CONTACT
    position = "Head of unit"


class MembershipApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MembershipApplication

    applicant = factory.SubFactory(UserFactory)
    organisation_name = factory.Sequence(lambda n: f"Regional Innovation Agency {n}")
    kind = OrganisationKind.FUNDING_AGENCY
    country = "PL"
    website = factory.Sequence(lambda n: f"https://ria{n}.example.pl")
    description = "Manages the regional cluster support programme."
    applicant_position = "Director"
    mandate = "Responsible for the regional smart specialisation strategy and its cluster calls."
    motivation = "To learn from other regions and to find partners."


def application_data(**overrides):
    """Form-shaped data for application_submit."""
    data = {
        "organisation_name": "Agencia de Desarrollo Económico de La Rioja",
        "kind": OrganisationKind.REGIONAL_AUTHORITY,
        "country": "ES",
        "region_code": "ES-RI",
        "nuts_code": "ES23",
        "website": "https://www.ader.es",
        "description": "Regional development agency of La Rioja.",
        "applicant_position": "Head of innovation",
        "mandate": "Runs the regional cluster programme (AEI support) of La Rioja.",
        "motivation": "Share experience of cluster policy with other regions.",
    }
    data.update(overrides)
    return data
