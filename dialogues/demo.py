"""Demo data for the dialogues: exchanges between the demo organisations of members.demo,
made through the services as the portal makes them. Called by the members seed_demo command
after members.demo.seed(); does nothing when the demo topics exist already."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from dialogues import services
from dialogues.models import Follow, Post, Thread, Topic
from dialogues.rendering import mention_markup
from members.models import PolicyTheme, Representative

TOPIC_SLUGS = [
    "green-and-digital-transition",
    "internationalisation-and-euroclusters",
    "evaluating-cluster-programmes",
    "cluster-policy-after-2027",
]


def _people():
    """(organisation slug, "contact" | "officer") → user, from the members demo."""
    people = {}
    for representative in Representative.objects.select_related("user", "organisation"):
        role = "contact" if representative.is_contact else "officer"
        people[(representative.organisation.slug, role)] = representative.user
    return people


def _backdate(thread, start, step_hours):
    """Spread a thread's posts over time so that lists look lived-in."""
    posts = list(Post.objects.filter(thread=thread).order_by("number"))
    for index, post in enumerate(posts):
        post.created_at = start + timedelta(hours=step_hours * index)
    Post.objects.bulk_update(posts, ["created_at"])
    Thread.objects.filter(pk=thread.pk).update(
        created_at=posts[0].created_at, last_activity_at=posts[-1].created_at
    )


def seed() -> None:
    if Topic.objects.filter(slug__in=TOPIC_SLUGS).exists():
        return
    secretariat = get_user_model().objects.filter(email="secretariat@eca-portal.eu").first()
    people = _people()
    if secretariat is None or not people:
        return  # the members demo has not been seeded
    themes = {theme.slug: theme for theme in PolicyTheme.objects.all()}

    def who(slug, role="contact"):
        return people[(slug, role)]

    def theme_list(*slugs):
        return [themes[slug] for slug in slugs if slug in themes]

    denmark = who("danish-cluster-development-agency")
    austria = who("lower-austria-business-agency")
    berlin = who("berlin-innovation-agency")
    berlin_officer = who("berlin-innovation-agency", "officer")
    sweden = who("swedish-agency-regional-growth")
    france = who("auvergne-rhone-alpes-region")
    basque = who("basque-business-development-agency")
    lombardy = who("lombardy-region")
    poland = who("polish-enterprise-agency")
    czechia = who("czech-investment-agency")
    netherlands = who("netherlands-enterprise-agency")
    flanders = who("flanders-innovation-agency")
    portugal = who("portugal-competitiveness-agency")
    portugal_officer = who("portugal-competitiveness-agency", "officer")
    now = timezone.now()

    # --- 1. Green and digital transition (public) ---------------------------------------------
    green = services.topic_create(
        acting_user=secretariat,
        title="Cluster policy for the green and digital transition",
        slug=TOPIC_SLUGS[0],
        description=(
            "How national and regional programmes help clusters and their SMEs decarbonise "
            "and digitalise: instruments, budgets, what worked and what did not."
        ),
        moderators=[denmark],
    )
    roadmaps = services.thread_create(
        topic=green,
        author=denmark,
        title="Funding cluster-led decarbonisation roadmaps: what works?",
        kind=Thread.Kind.DISCUSSION,
        themes=theme_list("green-transition", "cluster-excellence"),
        body=(
            "In the Danish cluster strategy 2024–2027 every national cluster organisation must "
            "deliver a **decarbonisation roadmap** for its members. We co-fund the roadmap work "
            "(up to 50 %) but not the investments that follow.\n\n"
            "Two questions for the alliance:\n\n"
            "1. Do you fund the roadmap itself, the follow-up projects, or both?\n"
            "2. How do you check that a roadmap is more than a brochure?"
        ),
    )
    first_reply = services.post_create(
        thread=roadmaps,
        author=austria,
        body=(
            "Lower Austria funds both, in two steps. Step 1 is a small grant (max. €60,000) for "
            "the cluster management to build the roadmap with at least ten member companies. "
            "Step 2 opens only to SMEs that took part in step 1.\n\n"
            "The second step is what makes the roadmap real: companies know that the money "
            "comes later, so they show up to the workshops."
        ),
    )
    services.post_create(
        thread=roadmaps,
        author=berlin,
        reply_to=first_reply,
        body=(
            "We saw the same effect in Berlin-Brandenburg. One caveat from our evaluation: keep "
            "the roadmap template short. Our first template had 40 pages and the clusters "
            "hired consultants to fill it in."
        ),
    )
    services.post_create(
        thread=roadmaps,
        author=france,
        body=(
            f"{mention_markup(denmark)} on your second question: in Auvergne-Rhône-Alpes the "
            "roadmap must name three measurable targets (energy use, CO₂ of the main product, "
            "share of recycled material) and the cluster reports on them each year in its "
            "contrat de filière. Unrealistic targets are discussed, not sanctioned."
        ),
    )
    services.post_create(
        thread=roadmaps,
        author=netherlands,
        body=(
            "Useful thread. In the Netherlands the roadmaps feed the regional "
            "*Cluster Energy Strategies* of the industrial clusters, so the grid operators "
            "sit at the table from the start. Happy to share our template in a separate post."
        ),
    )
    _backdate(roadmaps, now - timedelta(days=20), 26)

    vouchers = services.thread_create(
        topic=green,
        author=basque,
        title="Good practice: green transition vouchers through the Basque cluster associations",
        kind=Thread.Kind.GOOD_PRACTICE,
        themes=theme_list("green-transition", "sme-support"),
        body=(
            "Since 2022 the Basque cluster associations distribute **green vouchers** "
            "(€5,000–€15,000) to member SMEs for energy audits and eco-design. Results so far:\n\n"
            "| Year | Vouchers | SMEs | Follow-up investment |\n"
            "|------|---------:|-----:|---------------------:|\n"
            "| 2022 | 140 | 118 | €9.2 m |\n"
            "| 2023 | 210 | 176 | €14.5 m |\n"
            "| 2024 | 260 | 221 | €19.8 m |\n\n"
            "The cluster knows its members, so take-up is much higher than for our open calls."
        ),
    )
    services.post_create(
        thread=vouchers,
        author=poland,
        body=(
            "Very convincing figures. How do you avoid the cluster favouring its board members "
            "when it chooses who gets a voucher?"
        ),
    )
    services.post_create(
        thread=vouchers,
        author=basque,
        body=(
            "The cluster checks eligibility, the agency decides. First come, first served "
            "within a yearly envelope per cluster, and the list of beneficiaries is public."
        ),
    )
    _backdate(vouchers, now - timedelta(days=9), 30)

    maturity = services.thread_create(
        topic=green,
        author=czechia,
        title="How do you measure the digital maturity of cluster members?",
        kind=Thread.Kind.QUESTION,
        themes=theme_list("digital-transition", "sme-support"),
        body=(
            "We are redesigning the cluster call of our operational programme and want to "
            "ask applicants for a baseline of their members' digital maturity. Do you use the "
            "EDIH Digital Maturity Assessment, a national tool, or nothing at all?"
        ),
    )
    services.post_create(
        thread=maturity,
        author=flanders,
        body=(
            "We use the EDIH tool (the open DMA questionnaire) and ask the cluster to repeat it "
            "after two years. It is not perfect, but everybody in Europe speaks the same language "
            "then."
        ),
    )
    services.post_create(
        thread=maturity,
        author=poland,
        body="Same in Poland for the Key National Clusters since 2024.",
    )
    _backdate(maturity, now - timedelta(days=3), 20)

    # --- 2. Internationalisation and Euroclusters (public) ------------------------------------
    international = services.topic_create(
        acting_user=secretariat,
        title="Internationalisation and Euroclusters",
        slug=TOPIC_SLUGS[1],
        description=(
            "Joint missions, Euroclusters, partner search for European calls and the support "
            "that national and regional programmes give to cluster internationalisation."
        ),
        moderators=[sweden],
    )
    plastics = services.thread_create(
        topic=international,
        author=austria,
        title="Partners wanted: Eurocluster on circular plastics",
        kind=Thread.Kind.CALL_FOR_PARTNERS,
        themes=theme_list("internationalisation", "green-transition", "industrial-ecosystems"),
        body=(
            "The Lower Austria plastics cluster prepares a Eurocluster proposal on circular "
            "plastics for the next Single Market Programme call. We look for programme owners "
            "in **Italy, Portugal and Central Europe** whose plastics or packaging clusters "
            "would join.\n\n"
            "What we offer: coordination, the SME voucher scheme design, and our experience "
            "of two earlier Euroclusters. Deadline for expressions of interest: end of next month."
        ),
    )
    services.post_create(
        thread=plastics,
        author=lombardy,
        body=(
            "Lombardy is interested: our green chemistry cluster has a circular plastics working "
            "group with 30 companies. I will ask the cluster manager to contact you."
        ),
    )
    services.post_create(
        thread=plastics,
        author=portugal,
        body=(
            f"{mention_markup(austria)} the Portuguese packaging cluster (recognised in 2023) "
            "would fit well. Can our agency join as an associated partner rather than "
            "beneficiary? Our rules make it hard to receive EU funds directly."
        ),
    )
    advert = services.post_create(
        thread=plastics,
        author=portugal_officer,
        body=(
            "For a fee our partner consultancy writes complete Eurocluster proposals, "
            "success guaranteed. Write to us for a quote."
        ),
    )
    services.post_flag(
        post=advert,
        user=sweden,
        reason="Commercial advertising for paid proposal writing, not a contribution.",
    )
    _backdate(plastics, now - timedelta(days=6), 18)

    missions = services.thread_create(
        topic=international,
        author=sweden,
        title="Joint cluster missions to third countries: sharing the costs",
        kind=Thread.Kind.DISCUSSION,
        themes=theme_list("internationalisation"),
        body=(
            "Several of us sent separate cluster delegations to the same trade fair in Japan "
            "last year. Should we coordinate: one joint ECA mission, each programme paying for "
            "its own SMEs, with shared costs for the matchmaking?"
        ),
    )
    services.post_create(
        thread=missions,
        author=denmark,
        body="Yes, and the secretariat could keep a shared calendar of planned missions.",
    )
    _backdate(missions, now - timedelta(days=13), 40)

    # --- 3. Evaluating cluster programmes (members only) --------------------------------------
    evaluation = services.topic_create(
        acting_user=secretariat,
        title="Evaluating cluster programmes",
        slug=TOPIC_SLUGS[2],
        visibility=Topic.Visibility.MEMBERS,
        description=(
            "Members only: evaluation designs, indicators and the results we do not publish "
            "(yet). Share drafts here with peers."
        ),
        moderators=[berlin],
    )
    indicators = services.thread_create(
        topic=evaluation,
        author=berlin,
        title="Common indicators for cluster programme evaluation",
        kind=Thread.Kind.DISCUSSION,
        themes=theme_list("cluster-excellence"),
        body=(
            "Our ministries keep asking how our cluster programme compares with others. Could "
            "we agree on a **small common set of indicators** that every member can report, "
            "whatever its programme looks like? A first proposal:\n\n"
            "- number of SMEs taking part in cluster projects\n"
            "- private co-funding leveraged per public euro\n"
            "- share of projects with partners from other regions or countries\n"
            "- member satisfaction (same five questions everywhere)"
        ),
    )
    services.post_create(
        thread=indicators,
        author=sweden,
        body=(
            "Agreed on the first three. Satisfaction surveys differ so much between countries "
            "that I would leave them out of a comparison."
        ),
    )
    services.post_create(
        thread=indicators,
        author=poland,
        body=(
            "The Key National Clusters already report the first two; we could add the third "
            "from 2026. The cost of data collection matters: nothing that needs a new survey."
        ),
    )
    services.post_create(
        thread=indicators,
        author=flanders,
        body=(
            f"+1. {mention_markup(berlin)} could the secretariat host the common reporting "
            "template, so that numbers come in once a year in the same format?"
        ),
    )
    services.post_create(
        thread=indicators,
        author=berlin_officer,
        body="We will draft the template and post it here for comments before the summer.",
    )
    _backdate(indicators, now - timedelta(days=30), 50)
    outcome = services.outcome_create(
        thread=indicators,
        acting_user=berlin,
        summary=(
            "The members taking part recommend three common indicators for every cluster "
            "programme, reported once a year:\n\n"
            "1. SMEs taking part in cluster projects;\n"
            "2. private co-funding per public euro;\n"
            "3. share of projects with partners from another region or country.\n\n"
            "Satisfaction surveys stay national."
        ),
    )
    outcome = services.outcome_update(
        outcome=outcome,
        acting_user=berlin,
        summary=(
            "The members taking part recommend three common indicators for every cluster "
            "programme, reported once a year with a template hosted by the secretariat:\n\n"
            "1. SMEs taking part in cluster projects;\n"
            "2. private co-funding per public euro;\n"
            "3. share of projects with partners from another region or country.\n\n"
            "Satisfaction surveys stay national. No indicator may require a new survey."
        ),
    )
    for endorser in (berlin, sweden, poland, flanders):
        services.outcome_endorse(outcome=outcome, acting_user=endorser)

    management_costs = services.thread_create(
        topic=evaluation,
        author=france,
        title="Do you still fund cluster management costs after year five?",
        kind=Thread.Kind.QUESTION,
        themes=theme_list("cluster-excellence", "smart-specialisation"),
        body=(
            "Our regional audit office asks why we still co-fund the management of clusters "
            "that are fifteen years old. What is your rule? Degressive funding, a ceiling, "
            "or only project funding after a start-up phase?"
        ),
    )
    services.post_create(
        thread=management_costs,
        author=basque,
        body=(
            "Degressive: 50 % in the first three years, then 30 %, and the rest must come from "
            "membership fees and services. Clusters that cannot reach that are not viable."
        ),
    )
    _backdate(management_costs, now - timedelta(days=2), 10)

    # --- 4. Cluster policy after 2027 (public, archived) --------------------------------------
    after_2027 = services.topic_create(
        acting_user=secretariat,
        title="Cluster policy after 2027: input to the consultation",
        slug=TOPIC_SLUGS[3],
        description=(
            "The alliance's joint input to the Commission's consultation on the next "
            "programming period. The consultation is closed; this topic is kept as a record."
        ),
    )
    consultation = services.thread_create(
        topic=after_2027,
        author=netherlands,
        title="Joint ECA position: clusters in the next cohesion policy",
        kind=Thread.Kind.DISCUSSION,
        themes=theme_list("smart-specialisation", "industrial-ecosystems"),
        body=(
            "Draft position for comments: clusters should remain an explicit instrument of "
            "smart specialisation strategies, with simpler rules for interregional cluster "
            "cooperation."
        ),
    )
    services.post_create(
        thread=consultation,
        author=czechia,
        body="Support. Please add a sentence on simplified cost options for cluster management.",
    )
    _backdate(consultation, now - timedelta(days=120), 72)
    services.topic_archive(
        topic=after_2027, acting_user=secretariat, reason="The consultation closed."
    )

    # --- Following and reading ----------------------------------------------------------------
    services.follow_set(user=sweden, topic=evaluation, state=Follow.State.FOLLOWING)
    services.follow_set(user=lombardy, topic=green, state=Follow.State.FOLLOWING)
    services.follow_set(user=portugal, thread=missions, state=Follow.State.MUTED)
    for thread in (roadmaps, vouchers, maturity):
        services.thread_mark_read(
            user=berlin, thread=Thread.objects.select_related("topic").get(pk=thread.pk)
        )
    services.topic_mark_read(user=sweden, topic=international)
