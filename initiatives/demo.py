"""Demo data for the joint initiatives: initiatives in every status, led by the demo
organisations of members.demo, with partners, commitments, news, their discussion threads and a
near-duplicate pair that initiative_similar finds. Made through the services, as the portal
makes them. Called by the members seed_demo command after the dialogues demo; does nothing when
the demo initiatives exist already, or when the members demo has not been seeded."""

from datetime import date

from dialogues import services as dialogue_services
from initiatives import services
from initiatives.models import (
    Commitment,
    FundingSource,
    Initiative,
    InitiativePartner,
    InitiativeStatus,
)
from members.models import Organisation, PolicyTheme, Representative

HYDROGEN = "Hydrogen valleys: cluster cooperation for green hydrogen"
HYDROGEN_TWIN = "Cross-border cluster partnership for green hydrogen valleys"
VOUCHERS = "Digital innovation vouchers for manufacturing SMEs"
BENCHMARKING = "Benchmarking the evaluation of cluster programmes"
ALPINE = "Alpine cluster skills academy"
JAPAN = "Joint cluster missions to Japan"
TITLES = [HYDROGEN, HYDROGEN_TWIN, VOUCHERS, BENCHMARKING, ALPINE, JAPAN]


def _contacts():
    """organisation slug → its contact (user), from the members demo."""
    return {
        representative.organisation.slug: representative.user
        for representative in Representative.objects.filter(
            role=Representative.Role.CONTACT
        ).select_related("user", "organisation")
    }


def seed() -> None:
    if Initiative.objects.filter(title__in=TITLES).exists():
        return
    contacts = _contacts()
    needed = [
        "danish-cluster-development-agency",
        "netherlands-enterprise-agency",
        "lower-austria-business-agency",
        "flanders-innovation-agency",
        "berlin-innovation-agency",
        "basque-business-development-agency",
        "czech-investment-agency",
        "portugal-competitiveness-agency",
        "swedish-agency-regional-growth",
        "polish-enterprise-agency",
        "lombardy-region",
        "auvergne-rhone-alpes-region",
    ]
    if any(slug not in contacts for slug in needed):
        return  # the members demo has not been seeded
    organisations = {o.slug: o for o in Organisation.objects.filter(slug__in=needed)}
    themes = {theme.slug: theme for theme in PolicyTheme.objects.all()}
    funding = {source.slug: source for source in FundingSource.objects.all()}

    def theme_list(*slugs):
        return [themes[slug] for slug in slugs if slug in themes]

    def join(initiative, slug, role=InitiativePartner.Role.PARTNER):
        """The lead invites the organisation; its contact accepts."""
        lead = contacts[Initiative.objects.get(pk=initiative.pk).lead_organisation.slug]
        invitation = services.partner_invite(
            initiative=initiative, acting_user=lead, organisation=organisations[slug], role=role
        )
        services.partner_invitation_decide(
            invitation=invitation, acting_user=contacts[slug], accept=True
        )

    def move(initiative, *statuses, note=""):
        lead = contacts[Initiative.objects.get(pk=initiative.pk).lead_organisation.slug]
        for status in statuses:
            initiative = services.initiative_status_change(
                initiative=initiative, acting_user=lead, to_status=status, note=note
            )
        return initiative

    netherlands = contacts["netherlands-enterprise-agency"]
    denmark = contacts["danish-cluster-development-agency"]
    austria = contacts["lower-austria-business-agency"]
    flanders = contacts["flanders-innovation-agency"]

    # --- 1. Active: proposed by the Netherlands, led today by Denmark ------------------------
    hydrogen = services.initiative_propose(
        acting_user=netherlands,
        data={
            "title": HYDROGEN,
            "summary": (
                "Cluster organisations of the hydrogen valleys in Denmark, the Netherlands and "
                "Lower Austria pool their matchmaking, testbeds and SME support to build "
                "cross-border green hydrogen value chains."
            ),
            "description": (
                "Each valley has its own cluster programme; none of them alone reaches the "
                "scale the **hydrogen value chain** needs.\n\n"
                "- a shared map of testbeds and pilot plants\n"
                "- matchmaking events that rotate between the valleys\n"
                "- one skills toolkit instead of three"
            ),
            "objectives": (
                "Map the hydrogen valleys' cluster members and testbeds; run joint matchmaking "
                "events for SMEs along the green hydrogen value chain; share one toolkit for "
                "hydrogen skills."
            ),
            "countries": ["NL", "DK", "AT", "BE"],
            "regions": ["AT-3", "BE-VLG"],
            "start_date": date(2025, 3, 1),
            "end_date": date(2027, 12, 31),
            "funding_source": funding["interreg"],
            "budget": "1800000",
            "website": "https://hydrogen-valleys.example.eu",
        },
        themes=theme_list("green-transition", "cluster-excellence", "industrial-ecosystems"),
    )
    move(hydrogen, InitiativeStatus.SEEKING_PARTNERS)
    join(hydrogen, "danish-cluster-development-agency")
    join(hydrogen, "lower-austria-business-agency")
    request = services.partner_request_create(
        initiative=hydrogen,
        acting_user=flanders,
        statement="Flanders follows the hydrogen valleys closely and would like to observe.",
        role=InitiativePartner.Role.OBSERVER,
    )
    services.partner_request_decide(partner_request=request, acting_user=netherlands, accept=True)
    services.lead_handover(
        initiative=hydrogen,
        acting_user=netherlands,
        organisation=organisations["danish-cluster-development-agency"],
        note="The Danish agency coordinates the Interreg application from now on.",
    )
    move(hydrogen, InitiativeStatus.ACTIVE)
    for user, kind, amount, description in [
        (denmark, Commitment.Kind.STAFF_DAYS, 120, "Project coordination and reporting"),
        (denmark, Commitment.Kind.BUDGET, 250000, "Co-funding of the matchmaking events"),
        (netherlands, Commitment.Kind.STAFF_DAYS, 80, "Testbed mapping"),
        (netherlands, Commitment.Kind.DATA_TOOLS, 2, "Testbed database and its API"),
        (austria, Commitment.Kind.EVENTS, 2, "Matchmaking days in St. Pölten"),
        (austria, Commitment.Kind.BUDGET, 150000, "Regional co-funding"),
    ]:
        services.commitment_record(
            initiative=hydrogen,
            acting_user=user,
            kind=kind,
            amount=amount,
            description=description,
        )
    # The Danish agency raised its budget: the history keeps both rows.
    services.commitment_record(
        initiative=hydrogen,
        acting_user=denmark,
        kind=Commitment.Kind.BUDGET,
        amount=300000,
        description="Co-funding of the matchmaking events and the toolkit",
    )
    services.news_update_post(
        initiative=hydrogen,
        acting_user=denmark,
        title="First matchmaking day: 64 SMEs from three valleys",
        body=(
            "The first matchmaking day took place in Esbjerg. **64 SMEs** met, and 11 of them "
            "agreed to test electrolyser components together."
        ),
    )
    services.news_update_post(
        initiative=hydrogen,
        acting_user=austria,
        title="Testbed map online",
        body="The shared map now lists 23 testbeds and pilot plants across the valleys.",
    )
    if hydrogen.thread is not None:
        dialogue_services.post_create(
            thread=hydrogen.thread,
            author=austria,
            body=(
                "We can host the second matchmaking day in St. Pölten in spring. Who would "
                "bring a delegation?"
            ),
        )

    # --- 2. Proposed: a near-duplicate of the first, from Berlin --------------------------------
    services.initiative_propose(
        acting_user=contacts["berlin-innovation-agency"],
        data={
            "title": HYDROGEN_TWIN,
            "summary": (
                "Hydrogen valley cluster organisations pool matchmaking, testbeds and SME support "
                "along the green hydrogen value chain, across borders."
            ),
            "objectives": (
                "Joint matchmaking events for SMEs of the hydrogen value chain; a shared map of "
                "testbeds; a hydrogen skills toolkit."
            ),
            "countries": ["DE", "AT"],
            "regions": ["DE-BE", "AT-3"],
            "start_date": date(2026, 1, 1),
            "end_date": date(2028, 12, 31),
            "funding_source": funding["interreg"],
        },
        themes=theme_list("green-transition", "cluster-excellence"),
    )

    # --- 3. Seeking partners: a request and an invitation wait --------------------------------
    basque = contacts["basque-business-development-agency"]
    vouchers = services.initiative_propose(
        acting_user=basque,
        data={
            "title": VOUCHERS,
            "summary": (
                "Regions that run innovation voucher schemes open them to each other's "
                "manufacturing SMEs, so that a company can buy digital services across borders."
            ),
            "description": "A pilot for two years, then an evaluation.",
            "objectives": (
                "Align the voucher rules of the participating regions; let SMEs spend vouchers "
                "at digital innovation hubs abroad; evaluate the pilot."
            ),
            "countries": ["ES", "PT", "CZ"],
            "regions": ["ES-PV"],
            "start_date": date(2026, 9, 1),
            "end_date": date(2028, 8, 31),
            "funding_source": funding["single-market-programme"],
            "budget": "600000",
        },
        themes=theme_list("digital-transition", "sme-support"),
    )
    move(vouchers, InitiativeStatus.SEEKING_PARTNERS)
    services.partner_request_create(
        initiative=vouchers,
        acting_user=contacts["czech-investment-agency"],
        statement="Our cluster calls fund digital services for SMEs: we would bring two hubs.",
    )
    services.partner_invite(
        initiative=vouchers,
        acting_user=basque,
        organisation=organisations["portugal-competitiveness-agency"],
        message="Your competitiveness clusters would be a natural partner.",
    )

    # --- 4. Completed ---------------------------------------------------------------------------
    sweden = contacts["swedish-agency-regional-growth"]
    benchmarking = services.initiative_propose(
        acting_user=sweden,
        data={
            "title": BENCHMARKING,
            "summary": (
                "Four agencies compared how they evaluate their cluster programmes and agreed "
                "on a common core of indicators."
            ),
            "objectives": (
                "Compare evaluation methods; agree on shared indicators; publish a guide for "
                "programme managers."
            ),
            "countries": ["SE", "PL", "IT"],
            "start_date": date(2022, 1, 1),
            "end_date": date(2024, 6, 30),
            "funding_source": funding["horizon-europe"],
        },
        themes=theme_list("cluster-excellence", "smart-specialisation"),
    )
    join(benchmarking, "polish-enterprise-agency")
    join(benchmarking, "lombardy-region")
    join(benchmarking, "czech-investment-agency", role=InitiativePartner.Role.OBSERVER)
    move(benchmarking, InitiativeStatus.ACTIVE)
    services.commitment_record(
        initiative=benchmarking,
        acting_user=contacts["polish-enterprise-agency"],
        kind=Commitment.Kind.STAFF_DAYS,
        amount=40,
        description="Data collection in Poland",
    )
    services.partner_leave(
        initiative=benchmarking,
        acting_user=contacts["czech-investment-agency"],
        note="We will use the guide, but cannot follow the working group.",
    )
    services.news_update_post(
        initiative=benchmarking,
        acting_user=sweden,
        title="The evaluation guide is published",
        body="The guide and its twelve shared indicators are attached to this initiative.",
    )
    move(benchmarking, InitiativeStatus.COMPLETED, note="Guide published; the group ends.")

    # --- 5. Cancelled: the open invitation is closed with it ----------------------------------
    alpine = services.initiative_propose(
        acting_user=austria,
        data={
            "title": ALPINE,
            "summary": "Training for cluster managers of the Alpine regions.",
            "objectives": "A yearly academy for cluster managers; shared training modules.",
            "countries": ["AT", "IT"],
            "regions": ["AT-3", "IT-25"],
            "start_date": date(2026, 1, 1),
            "end_date": date(2026, 12, 31),
            "funding_source": funding["national-or-regional-budget"],
        },
        themes=theme_list("skills"),
    )
    services.partner_invite(
        initiative=alpine, acting_user=austria, organisation=organisations["lombardy-region"]
    )
    move(
        alpine,
        InitiativeStatus.CANCELLED,
        note="The partners' training budgets were cut for 2026; we may try again in 2027.",
    )

    # --- 6. Seeking partners, from France ---------------------------------------------------------
    japan = services.initiative_propose(
        acting_user=contacts["auvergne-rhone-alpes-region"],
        data={
            "title": JAPAN,
            "summary": (
                "Regional clusters travel together to Japan instead of each on its own, with "
                "one programme of company visits."
            ),
            "objectives": "Two joint missions a year; shared contacts in Japanese prefectures.",
            "countries": ["FR", "IT"],
            "regions": ["FR-ARA"],
            "start_date": date(2026, 4, 1),
            "funding_source": funding["erdf"],
        },
        themes=theme_list("internationalisation", "industrial-ecosystems"),
    )
    move(japan, InitiativeStatus.SEEKING_PARTNERS)
