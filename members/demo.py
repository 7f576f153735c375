"""Demo data for the members app: a believable alliance, built through the services."""

from functools import cache

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from members import services
from members.models import (
    ClusterProgramme,
    FoundingNetwork,
    Organisation,
    OrganisationKind,
    PolicyTheme,
    Representative,
)
from members.permissions import SECRETARIAT_GROUP

THEMES = [
    (
        "smart-specialisation",
        "Smart specialisation",
        "Spécialisation intelligente",
        "Intelligente Spezialisierung",
    ),
    (
        "internationalisation",
        "Internationalisation",
        "Internationalisation",
        "Internationalisierung",
    ),
    ("digital-transition", "Digital transition", "Transition numérique", "Digitaler Wandel"),
    ("green-transition", "Green transition", "Transition écologique", "Grüner Wandel"),
    ("sme-support", "SME support", "Soutien aux PME", "KMU-Förderung"),
    ("cluster-excellence", "Cluster excellence", "Excellence des clusters", "Cluster-Exzellenz"),
    ("skills", "Skills and talent", "Compétences et talents", "Fachkräfte und Qualifizierung"),
    (
        "industrial-ecosystems",
        "Industrial ecosystems",
        "Écosystèmes industriels",
        "Industrielle Ökosysteme",
    ),
]

# slug, name, kind, country, region, NUTS, website, founding network, themes, description
ORGANISATIONS = [
    (
        "swedish-agency-regional-growth",
        "Swedish Agency for Regional Growth",
        OrganisationKind.NATIONAL_AUTHORITY,
        "SE",
        "",
        "SE",
        "https://regional-growth.example.se",
        FoundingNetwork.BSR_INNONET,
        ["smart-specialisation", "internationalisation"],
        "National agency for regional growth policy and the Swedish cluster programmes.",
    ),
    (
        "lower-austria-business-agency",
        "Lower Austria Business Agency",
        OrganisationKind.FUNDING_AGENCY,
        "AT",
        "AT-3",
        "AT12",
        "https://business-agency.example.at",
        FoundingNetwork.CEE_CLUSTERNETWORK,
        ["cluster-excellence", "sme-support"],
        "Manages the Lower Austria cluster programme: plastics, mechatronics, food, building.",
    ),
    (
        "berlin-innovation-agency",
        "Berlin Innovation Agency",
        OrganisationKind.REGIONAL_AUTHORITY,
        "DE",
        "DE-BE",
        "DE30",
        "https://innovation.example.berlin",
        FoundingNetwork.CLUNET,
        ["digital-transition", "cluster-excellence"],
        "Runs the joint innovation strategy of Berlin and Brandenburg and its cluster management.",
    ),
    (
        "danish-cluster-development-agency",
        "Danish Agency for Cluster Development",
        OrganisationKind.FUNDING_AGENCY,
        "DK",
        "",
        "DK",
        "https://clusters.example.dk",
        FoundingNetwork.INNET,
        ["cluster-excellence", "green-transition"],
        "Funds Denmark's national cluster organisations and their internationalisation.",
    ),
    (
        "auvergne-rhone-alpes-region",
        "Auvergne-Rhône-Alpes Regional Council",
        OrganisationKind.REGIONAL_AUTHORITY,
        "FR",
        "FR-ARA",
        "FRK",
        "https://region.example.fr",
        "",
        ["smart-specialisation", "industrial-ecosystems"],
        "The region's economic development directorate funds its 13 regional clusters.",
    ),
    (
        "basque-business-development-agency",
        "Basque Business Development Agency",
        OrganisationKind.FUNDING_AGENCY,
        "ES",
        "ES-PV",
        "ES21",
        "https://spri.example.eus",
        "",
        ["cluster-excellence", "internationalisation", "digital-transition"],
        "Supports the Basque cluster associations, one of Europe's oldest cluster policies.",
    ),
    (
        "lombardy-region",
        "Lombardy Region — Directorate for Economic Development",
        OrganisationKind.REGIONAL_AUTHORITY,
        "IT",
        "IT-25",
        "ITC4",
        "https://regione.example.it",
        "",
        ["industrial-ecosystems", "smart-specialisation"],
        "Recognises and funds the Lombardy technology clusters.",
    ),
    (
        "polish-enterprise-agency",
        "Polish Agency for Enterprise Development",
        OrganisationKind.FUNDING_AGENCY,
        "PL",
        "",
        "PL",
        "https://enterprise.example.pl",
        "",
        ["sme-support", "cluster-excellence"],
        "Implements the Key National Clusters programme and SME support schemes.",
    ),
    (
        "czech-investment-agency",
        "Czech Business and Investment Agency",
        OrganisationKind.FUNDING_AGENCY,
        "CZ",
        "",
        "CZ",
        "https://invest.example.cz",
        "",
        ["internationalisation", "sme-support"],
        "Runs the cluster support calls of the operational programme for enterprise.",
    ),
    (
        "netherlands-enterprise-agency",
        "Netherlands Enterprise Agency",
        OrganisationKind.NATIONAL_AUTHORITY,
        "NL",
        "",
        "NL",
        "https://enterprise.example.nl",
        "",
        ["green-transition", "digital-transition"],
        "Executes the ministry's top-sector and regional cluster policy.",
    ),
    (
        "flanders-innovation-agency",
        "Flanders Innovation & Entrepreneurship",
        OrganisationKind.FUNDING_AGENCY,
        "BE",
        "BE-VLG",
        "BE2",
        "https://innovation.example.be",
        "",
        ["cluster-excellence", "skills"],
        "Funds the Flemish spearhead clusters and innovative business networks.",
    ),
    (
        "portugal-competitiveness-agency",
        "Portuguese Agency for Competitiveness and Innovation",
        OrganisationKind.NATIONAL_AUTHORITY,
        "PT",
        "",
        "PT",
        "https://competitividade.example.pt",
        "",
        ["industrial-ecosystems", "internationalisation"],
        "Recognises Portugal's competitiveness clusters and funds their action plans.",
    ),
]

PROGRAMMES = {
    "lower-austria-business-agency": [
        (
            "Lower Austria Cluster Programme",
            2021,
            2027,
            ClusterProgramme.BudgetBand.FROM_5_TO_20M,
            ["networking", "grants", "training"],
            "Plastics, mechatronics, food, green building",
        ),
    ],
    "berlin-innovation-agency": [
        (
            "Cluster Management Berlin-Brandenburg",
            2020,
            None,
            ClusterProgramme.BudgetBand.FROM_20_TO_100M,
            ["networking", "internationalisation"],
            "Health, ICT and media, energy, transport, optics",
        ),
    ],
    "danish-cluster-development-agency": [
        (
            "National Cluster Strategy 2024–2027",
            2024,
            2027,
            ClusterProgramme.BudgetBand.FROM_20_TO_100M,
            ["grants", "internationalisation"],
            "Green energy, life science, robotics",
        ),
    ],
    "basque-business-development-agency": [
        (
            "Basque Cluster Policy",
            1990,
            None,
            ClusterProgramme.BudgetBand.FROM_5_TO_20M,
            ["grants", "networking"],
            "Automotive, energy, aeronautics, machine tools",
        ),
        (
            "Basque Digital Innovation Hub vouchers",
            2022,
            2026,
            ClusterProgramme.BudgetBand.FROM_1_TO_5M,
            ["vouchers"],
            "Manufacturing SMEs",
        ),
    ],
    "polish-enterprise-agency": [
        (
            "Key National Clusters",
            2015,
            None,
            ClusterProgramme.BudgetBand.FROM_20_TO_100M,
            ["grants", "internationalisation", "training"],
            "All sectors",
        ),
    ],
    "auvergne-rhone-alpes-region": [
        (
            "Regional Clusters Contract",
            2023,
            2028,
            ClusterProgramme.BudgetBand.FROM_5_TO_20M,
            ["grants", "networking"],
            "Health, mobility, digital, energy",
        ),
    ],
}

DEMO_PASSWORD = "eca-demo-2026"


@cache
def _password_hash(password):
    # Hashing is slow by design; every demo account shares one hash.
    return make_password(password)


def _user(email, full_name, language="en", password=DEMO_PASSWORD):
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create(
            email=email,
            password=_password_hash(password),
            full_name=full_name,
            language=language,
        )
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    return user


def seed(*, password=DEMO_PASSWORD) -> list[tuple[str, str]]:
    """Create the demo alliance once; returns (role, email) of the demo accounts."""
    from django.contrib.auth.models import Group

    for slug, name, name_fr, name_de in THEMES:
        PolicyTheme.objects.get_or_create(
            slug=slug, defaults={"name": name, "name_fr": name_fr, "name_de": name_de}
        )
    themes = {theme.slug: theme for theme in PolicyTheme.objects.all()}

    secretariat = _user("secretariat@eca-portal.eu", "Sophie Lambert", "fr", password)
    secretariat.groups.add(Group.objects.get(name=SECRETARIAT_GROUP))
    admin = _user("admin@eca-portal.eu", "Portal Administrator", "en", password)
    if not admin.is_superuser:
        admin.is_staff = admin.is_superuser = True
        admin.save(update_fields=["is_staff", "is_superuser"])

    contact_names = [
        "Karin Lindqvist",
        "Markus Huber",
        "Julia Schneider",
        "Mette Nielsen",
        "Camille Bernard",
        "Iñaki Etxeberria",
        "Giulia Rossi",
        "Piotr Nowak",
        "Tereza Dvořáková",
        "Sanne de Vries",
        "Pieter Janssens",
        "Rita Carvalho",
    ]
    languages = {"AT": "de", "DE": "de", "FR": "fr", "BE": "fr"}
    for index, (
        slug,
        name,
        kind,
        country,
        region,
        nuts,
        website,
        network,
        theme_slugs,
        description,
    ) in enumerate(ORGANISATIONS):
        organisation, created = Organisation.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "kind": kind,
                "country": country,
                "region_code": region,
                "nuts_code": nuts,
                "website": website,
                "founding_network": network,
                "description": description,
                "member_since": timezone.datetime(2006 if network else 2009 + index, 9, 1).date(),
            },
        )
        if not created:
            continue
        organisation.full_clean()
        organisation.themes.set([themes[t] for t in theme_slugs])
        for programme_name, start, end, band, instruments, sectors in PROGRAMMES.get(slug, []):
            ClusterProgramme.objects.create(
                organisation=organisation,
                name=programme_name,
                start_year=start,
                end_year=end,
                budget_band=band,
                instruments=instruments,
                target_sectors=sectors,
            )
        first, last = contact_names[index].split(" ", 1)
        domain = website.split("//")[1]
        contact = _user(
            f"{first.lower()}.{last.lower().replace(' ', '')}@{domain}",
            contact_names[index],
            languages.get(country, "en"),
            password,
        )
        Representative.objects.create(
            user=contact,
            organisation=organisation,
            role=Representative.Role.CONTACT,
            position="Head of cluster policy",
        )
        colleague = _user(
            f"policy.officer@{domain}",
            f"Policy Officer, {name}",
            languages.get(country, "en"),
            password,
        )
        Representative.objects.create(
            user=colleague, organisation=organisation, position="Policy officer"
        )

    # Applications in several states, made through the services as the portal makes them.
    pending = [
        (
            "estonia",
            "Enterprise Estonia — Cluster Programme",
            OrganisationKind.FUNDING_AGENCY,
            "EE",
            "",
            "https://cluster.example.ee",
            None,
        ),
        (
            "ireland",
            "Enterprise Ireland Regional Clusters",
            OrganisationKind.FUNDING_AGENCY,
            "IE",
            "",
            "https://regional.example.ie",
            "start_review",
        ),
        (
            "slovenia",
            "Slovenian Ministry of the Economy",
            OrganisationKind.NATIONAL_AUTHORITY,
            "SI",
            "",
            "https://economy.example.si",
            "request_information",
        ),
        (
            "lithuania",
            "Lithuanian Innovation Agency",
            OrganisationKind.FUNDING_AGENCY,
            "LT",
            "",
            "https://innovation.example.lt",
            "resubmit",
        ),
        (
            "finland",
            "Regional Council of Pohjois-Savo",
            OrganisationKind.REGIONAL_AUTHORITY,
            "FI",
            "FI-15",
            "https://pohjois-savo.example.fi",
            "reject",
        ),
    ]
    for key, name, kind, country, region, website, step in pending:
        applicant = _user(
            f"applicant.{key}@example.eu", f"Applicant from {country}", "en", password
        )
        if applicant.membership_applications.exists():
            continue
        application = services.application_submit(
            applicant=applicant,
            data={
                "organisation_name": name,
                "kind": kind,
                "country": country,
                "region_code": region,
                "website": website,
                "description": f"{name} designs and funds cluster support in {country}.",
                "applicant_position": "Head of unit",
                "mandate": "Responsible for the national or regional cluster programme.",
                "motivation": "To compare our programme with others and find partners.",
            },
            themes=[themes["cluster-excellence"]],
        )
        if step in ("start_review", "request_information", "resubmit", "reject"):
            application = services.application_start_review(
                application=application, acting_user=secretariat
            )
        if step in ("request_information", "resubmit"):
            application = services.application_request_information(
                application=application,
                acting_user=secretariat,
                question="Which cluster programme does your organisation manage, and since when?",
            )
        if step == "resubmit":
            services.application_resubmit(
                application=application,
                acting_user=applicant,
                response="We manage the national cluster development programme since 2016.",
            )
        if step == "reject":
            services.application_reject(
                application=application,
                acting_user=secretariat,
                reason="A regional council with no cluster programme of its own: please apply "
                "together with the regional development agency that runs it.",
            )

    # Someone asking to join an existing member, and someone who is only signed up.
    joiner = _user("new.colleague@example.eu", "Anna Kowalska", "en", password)
    polish_agency = Organisation.objects.get(slug="polish-enterprise-agency")
    if not joiner.join_requests.exists():
        services.join_request_create(
            user=joiner,
            organisation=polish_agency,
            position="Cluster policy analyst",
            message="I joined the cluster unit last month and take over the ECA dialogue.",
        )
    _user("visitor@example.eu", "Signed-up Visitor", "en", password)

    return [
        ("secretariat (reviews applications)", secretariat.email),
        ("Django admin (superuser)", admin.email),
        ("contact of Berlin Innovation Agency", "julia.schneider@innovation.example.berlin"),
        ("representative of Berlin Innovation Agency", "policy.officer@innovation.example.berlin"),
        ("contact of Polish Agency (a join request waits)", "piotr.nowak@enterprise.example.pl"),
        ("applicant (application submitted)", "applicant.estonia@example.eu"),
        ("applicant (information requested)", "applicant.slovenia@example.eu"),
        ("join request pending", joiner.email),
        ("signed up, not a member", "visitor@example.eu"),
    ]
