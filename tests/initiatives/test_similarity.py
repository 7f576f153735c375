"""Not duplicating: similar initiatives and programmes, with their reasons; partner suggestions."""

from datetime import date

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from initiatives import services
from initiatives.selectors import (
    InitiativeDraft,
    initiative_partner_suggestions,
    initiative_similar,
)
from initiatives.similarity import matched_words, significant_words
from members.models import Organisation
from tests.initiatives.factories import (
    InitiativeFactory,
    add_partner,
    contact_user,
    funding,
)
from tests.members.factories import (
    ClusterProgrammeFactory,
    OrganisationFactory,
    PolicyThemeFactory,
    RegionalAuthorityFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def themes(db):
    return {
        slug: PolicyThemeFactory(slug=slug, name=name)
        for slug, name in [
            ("green-transition", "Green transition"),
            ("cluster-excellence", "Cluster excellence"),
            ("skills", "Skills and talent"),
            ("sme-support", "SME support"),
        ]
    }


@pytest.fixture
def hydrogen(lead_contact, themes):
    return InitiativeFactory(
        proposer=lead_contact,
        title="Hydrogen valleys: cluster cooperation for green hydrogen",
        summary=(
            "Cluster organisations of the hydrogen valleys pool their matchmaking, testbeds and "
            "SME support to build cross-border green hydrogen value chains."
        ),
        objectives="Map the testbeds; run joint matchmaking for SMEs; a hydrogen skills toolkit.",
        countries=["AT", "DK"],
        regions=["AT-3"],
        start_date=date(2025, 3, 1),
        end_date=date(2027, 12, 31),
        funding_source=funding("interreg"),
        themes=[themes["green-transition"], themes["cluster-excellence"]],
    )


def _near_duplicate(themes):
    return InitiativeDraft(
        title="Cross-border cluster partnership for green hydrogen valleys",
        summary="Hydrogen valley clusters pool matchmaking and testbeds for SMEs.",
        objectives="Joint matchmaking for the hydrogen value chain; a map of testbeds.",
        themes=(themes["green-transition"].pk, themes["cluster-excellence"].pk),
        countries=("DE", "AT"),
        regions=("DE-BY", "AT-3"),
        start_date=date(2026, 1, 1),
        end_date=date(2028, 12, 31),
        funding_source=funding("interreg"),
    )


def test_a_near_duplicate_proposal_surfaces_the_existing_initiative_first(hydrogen, themes):
    # Noise: initiatives that share a theme or a word, but not the subject.
    other = contact_user(OrganisationFactory(country="ES"))
    InitiativeFactory(
        proposer=other,
        title="Green public procurement for clusters",
        summary="Buying green.",
        objectives="Guides for buyers.",
        countries=["ES"],
        themes=[themes["green-transition"]],
    )
    InitiativeFactory(
        proposer=other,
        title="Skills academy",
        summary="Courses for cluster managers.",
        objectives="A yearly academy.",
        countries=["AT"],
    )
    matches = initiative_similar(draft=_near_duplicate(themes))
    first = matches[0]
    assert first.item == hydrogen and first.is_initiative
    assert first.reasons[:4] == [
        "2 shared themes: Cluster excellence, Green transition",
        "covers Niederösterreich as well",
        "overlapping dates 2026–2027",
        "same funding source: Interreg",
    ]
    assert first.reasons[4].startswith("similar wording: ")
    assert {"hydrogen", "valleys", "matchmaking", "testbeds"} <= set(first.matched_words)
    assert first.score > 0.8
    assert all(first.score > match.score for match in matches[1:])
    assert "Skills academy" not in [str(match.item) for match in matches]


def test_an_unrelated_proposal_does_not_surface_it(hydrogen, themes):
    draft = InitiativeDraft(
        title="Textile design residencies",
        summary="Fashion schools host designers from partner regions.",
        objectives="Residencies for young designers; a yearly exhibition.",
        themes=(themes["skills"].pk,),
        countries=("AT", "DK"),  # same places, same dates, same funding: still unrelated
        start_date=date(2026, 1, 1),
        end_date=date(2027, 12, 31),
        funding_source=funding("interreg"),
    )
    assert hydrogen not in [match.item for match in initiative_similar(draft=draft)]


def test_an_existing_initiatives_page_excludes_itself_and_finds_its_twin(hydrogen, themes):
    twin_proposer = contact_user(OrganisationFactory(country="DE"))
    draft = _near_duplicate(themes)
    twin = services.initiative_propose(
        acting_user=twin_proposer,
        data={
            "title": draft.title,
            "summary": draft.summary,
            "objectives": draft.objectives,
            "countries": list(draft.countries),
            "regions": list(draft.regions),
            "start_date": draft.start_date,
            "end_date": draft.end_date,
            "funding_source": draft.funding_source,
        },
        themes=[themes["green-transition"], themes["cluster-excellence"]],
    )
    hydrogen_matches = initiative_similar(
        draft=InitiativeDraft.from_initiative(hydrogen), exclude=hydrogen
    )
    assert hydrogen not in [m.item for m in hydrogen_matches]
    assert hydrogen_matches[0].item == twin
    twin_matches = initiative_similar(draft=InitiativeDraft.from_initiative(twin), exclude=twin)
    assert twin_matches[0].item == hydrogen


def test_cancelled_initiatives_are_not_offered(hydrogen, themes, lead_contact):
    services.initiative_status_change(
        initiative=hydrogen, acting_user=lead_contact, to_status="cancelled", note="No money."
    )
    assert hydrogen not in [m.item for m in initiative_similar(draft=_near_duplicate(themes))]


def test_member_programmes_are_offered_with_their_reasons(themes):
    bavaria = RegionalAuthorityFactory(country="DE", region_code="DE-BY", name="Bavarian Ministry")
    bavaria.themes.set([themes["green-transition"]])
    programme = ClusterProgrammeFactory(
        organisation=bavaria,
        name="Hydrogen Valley Bavaria",
        description="Funds the cluster management of the hydrogen valley and its testbeds.",
        target_sectors="Electrolysers, hydrogen mobility",
        start_year=2024,
        end_year=2029,
    )
    ClusterProgrammeFactory(
        organisation=OrganisationFactory(country="DE"),
        name="Textile innovation vouchers",
        description="Vouchers for fashion SMEs.",
    )
    suspended = OrganisationFactory(membership_status=Organisation.MembershipStatus.SUSPENDED)
    suspended.themes.set([themes["green-transition"]])
    ClusterProgrammeFactory(organisation=suspended, name="Hydrogen valley of a suspended member")

    matches = initiative_similar(draft=_near_duplicate(themes))
    offered = [m.item for m in matches]
    assert offered[0] == programme
    first = matches[0]
    assert first.kind == "programme"
    assert first.reasons[:3] == [
        "1 shared theme: Green transition",
        "covers Bayern as well",
        "overlapping dates 2026–2028",
    ]
    assert "hydrogen" in first.matched_words and "testbeds" in first.matched_words
    assert all(str(item) != "Textile innovation vouchers" for item in offered)
    assert all(getattr(item, "organisation", None) != suspended for item in offered)


def test_french_and_german_text_with_or_without_accents(lead_contact):
    french = InitiativeFactory(
        proposer=lead_contact,
        title="Transition écologique des pôles de compétitivité",
        summary="Les pôles mutualisent leurs démonstrateurs pour l'économie circulaire.",
        objectives="Feuille de route de décarbonation pour chaque pôle.",
        countries=["FR"],
    )
    german = InitiativeFactory(
        proposer=lead_contact,
        title="KMU-Förderung über Cluster in Niederösterreich",
        summary="Gemeinsame Förderungen für Kunststoff-Cluster und Mechatronik.",
        objectives="Förderprogramme abstimmen.",
        countries=["AT"],
    )
    unaccented = InitiativeDraft(
        title="Transition ecologique des poles",
        summary="Demonstrateurs pour l'economie circulaire et decarbonation.",
    )
    (match,) = [m for m in initiative_similar(draft=unaccented) if m.is_initiative]
    assert match.item == french
    assert match.reasons == [
        "similar wording: transition, ecologique, poles, demonstrateurs, economie, circulaire"
    ]
    accented = InitiativeDraft(title="Förderung für Kunststoff-Cluster", summary="Mechatronik")
    matches = [m for m in initiative_similar(draft=accented) if m.is_initiative]
    assert [m.item for m in matches] == [german]
    assert set(matches[0].matched_words) == {"förderung", "kunststoff", "mechatronik"}
    plain = InitiativeDraft(title="Forderung fur Kunststoff und Mechatronik")
    assert [m.item for m in initiative_similar(draft=plain) if m.is_initiative] == [german]


def test_an_empty_draft_finds_nothing(hydrogen):
    assert initiative_similar(draft=InitiativeDraft()) == []
    assert initiative_similar(draft=InitiativeDraft(title="The and of für la")) == []


def test_significant_words_leave_out_function_and_generic_words():
    words = significant_words(
        "The cluster initiative for SMEs and the SME support of Europe",
        "Les pôles et la Förderung der Cluster, Valleys; valley.",
    )
    assert [w.word for w in words] == ["smes", "support", "pôles", "förderung", "valleys"]
    # "SME" (after "SMEs") and "valley" (after "valleys") widen the earlier words' prefixes.
    assert words[0].stems == ("sme",) and words[-1].stems == ("valley",)
    assert words[3].stems == ("förderu", "forderu")
    assert matched_words(words, "Förderungen für KMU", "SME vouchers in the VALLEY") == [
        "smes",
        "förderung",
        "valleys",
    ]


# --- Partner suggestions --------------------------------------------------------------------


@pytest.fixture
def seeking(hydrogen, lead_contact):
    return services.initiative_status_change(
        initiative=hydrogen, acting_user=lead_contact, to_status="seeking_partners"
    )


def test_suggestions_come_from_other_countries_with_overlapping_themes_or_programmes(
    seeking, themes, lead_contact, partner_organisation
):
    add_partner(seeking, partner_organisation)  # DK, now a partner
    austrian = OrganisationFactory(name="Austrian twin", country="AT")  # the lead's country
    austrian.themes.set([themes["green-transition"], themes["cluster-excellence"]])
    flemish = OrganisationFactory(name="Flanders Agency", country="BE")
    flemish.themes.set([themes["green-transition"], themes["cluster-excellence"]])
    dutch = OrganisationFactory(name="Dutch Agency", country="NL")
    dutch.themes.set([themes["green-transition"]])
    ClusterProgrammeFactory(
        organisation=dutch, name="Hydrogen testbeds NL", description="Electrolyser testbeds."
    )
    polish = OrganisationFactory(name="Polish Agency", country="PL")
    polish.themes.set([themes["cluster-excellence"]])
    unrelated = OrganisationFactory(name="Textile Agency", country="PT")
    unrelated.themes.set([themes["skills"]])
    suspended = OrganisationFactory(
        name="Suspended Agency",
        country="SE",
        membership_status=Organisation.MembershipStatus.SUSPENDED,
    )
    suspended.themes.set([themes["green-transition"]])
    asked = OrganisationFactory(name="Already asked", country="IT")
    asked.themes.set([themes["green-transition"]])
    services.partner_invite(initiative=seeking, acting_user=lead_contact, organisation=asked)

    suggestions = initiative_partner_suggestions(user=lead_contact, initiative=seeking)
    # Not the lead's country (AT), not a partner (DK), not already invited (IT), not suspended
    # (SE), not unrelated (PT); every theme shared first, then a theme and a programme.
    assert [(s.organisation.name, s.reasons) for s in suggestions] == [
        ("Flanders Agency", ["2 shared themes: Cluster excellence, Green transition"]),
        (
            "Dutch Agency",
            [
                "1 shared theme: Green transition",
                "runs a related programme: Hydrogen testbeds NL",
            ],
        ),
        ("Polish Agency", ["1 shared theme: Cluster excellence"]),
    ]
    assert suggestions[0].score > suggestions[1].score > suggestions[2].score


def test_suggestions_are_for_the_lead_and_the_secretariat(
    seeking, as_role, lead_representative, secretariat_user
):
    assert initiative_partner_suggestions(user=lead_representative, initiative=seeking) == []
    assert initiative_partner_suggestions(user=secretariat_user, initiative=seeking) == []
    for role in ["anonymous", "non_member", "member", "partner_contact", "other_contact"]:
        with pytest.raises(Http404):
            initiative_partner_suggestions(user=as_role(role), initiative=seeking)


def test_a_closed_initiative_has_no_suggestions(seeking, lead_contact, themes):
    OrganisationFactory(country="BE").themes.set([themes["green-transition"]])
    assert initiative_partner_suggestions(user=lead_contact, initiative=seeking)
    closed = services.initiative_status_change(
        initiative=seeking, acting_user=lead_contact, to_status="cancelled", note="Over."
    )
    assert initiative_partner_suggestions(user=lead_contact, initiative=closed) == []


def test_an_organisation_in_a_covered_country_says_so(seeking, lead_contact, themes):
    services.initiative_update(
        initiative=seeking, acting_user=lead_contact, data={"countries": ["AT", "DK", "BE"]}
    )
    seeking.refresh_from_db()
    OrganisationFactory(name="Flanders Agency", country="BE").themes.set(
        [themes["green-transition"]]
    )
    (suggestion,) = initiative_partner_suggestions(user=lead_contact, initiative=seeking)
    assert suggestion.reasons == [
        "1 shared theme: Green transition",
        "based in Belgium, which the initiative covers",
    ]


# --- The page's cached list ------------------------------------------------------------------


def _similar_on_page(client, initiative):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(initiative.get_absolute_url())
    assert response.status_code == 200
    section = response.content.decode().split('id="similar-title"')[1].split("</section>")[0]
    scored = [q for q in queries.captured_queries if "members_clusterprogramme" in q["sql"]]
    return section, scored


def test_the_pages_similar_list_is_cached_and_follows_changes(client, hydrogen, themes):
    section, scored = _similar_on_page(client, hydrogen)
    assert "No similar initiative or member programme was found." in section
    assert scored  # computed once …
    section, scored = _similar_on_page(client, hydrogen)
    assert scored == []  # … then read from the cache

    # A new initiative on the same subject is offered at once, not after the cache expires.
    bavaria = RegionalAuthorityFactory(country="DE", region_code="DE-BY", name="Bavarian Ministry")
    bavaria.themes.set([themes["green-transition"]])
    ClusterProgrammeFactory(
        organisation=bavaria,
        name="Hydrogen Valley Bavaria",
        description="Funds the cluster management of the hydrogen valley and its testbeds.",
    )
    section, scored = _similar_on_page(client, hydrogen)
    assert "Hydrogen Valley Bavaria" in section and scored

    # Suspending the programme's organisation takes it off the list.
    bavaria.membership_status = Organisation.MembershipStatus.SUSPENDED
    bavaria.save()
    section, _scored = _similar_on_page(client, hydrogen)
    assert "Hydrogen Valley Bavaria" not in section


def test_the_cached_list_is_per_language(client, hydrogen, themes):
    twin = InitiativeFactory(
        proposer=contact_user(OrganisationFactory(country="DE")),
        title="Green hydrogen valleys cluster partnership",
        summary="Hydrogen valley clusters pool matchmaking and testbeds.",
        themes=[themes["green-transition"]],
    )
    assert twin.title in _similar_on_page(client, hydrogen)[0]
    client.cookies["django_language"] = "fr"
    section, _scored = _similar_on_page(client, hydrogen)
    assert "Initiative conjointe" in section
