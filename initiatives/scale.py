"""Scale data for the joint initiatives (manage.py seed_scale): initiatives in every status, each
led by an active member (one lead partner row), with partners, the status history, pending
requests, commitments, news, and its discussion thread in the "joint-initiatives" topic — as
initiatives.services make them. The search vector is the services' own expression
(initiatives.similarity.initiative_search_vector), so the directory search and the "similar
initiatives" of an initiative's page work on seeded rows.
"""

from datetime import timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils.text import slugify

from dialogues import services as dialogue_services
from dialogues.models import Thread
from dialogues.rendering import render_markdown
from dialogues.scale import PLACES, SENTENCES, SUBJECTS, Body, DialogueWriter, rendered_body
from initiatives.models import (
    INITIATIVE_TRANSITIONS,
    Commitment,
    FundingSource,
    Initiative,
    InitiativeEvent,
    InitiativePartner,
    InitiativeStatus,
    NewsUpdate,
    PartnerRequest,
)
from initiatives.services import (
    JOINT_INITIATIVES_TOPIC_DESCRIPTION,
    JOINT_INITIATIVES_TOPIC_SLUG,
    JOINT_INITIATIVES_TOPIC_TITLE,
    _escape_link_text,
)
from initiatives.similarity import initiative_search_vector
from members import geography
from members.scale import ScaleContext, bulk

TITLE_PATTERNS = [
    "Cross-border partnership on {subject}",
    "{Subject}: a pilot for {place}",
    "Joint cluster action on {subject}",
    "Interregional network for {subject}",
    "{Subject} — shared toolkit",
    "Benchmarking {subject} across regions",
]
# How each status is reached from "proposed": the history rows the services would have written.
STATUS_PATHS = {
    InitiativeStatus.PROPOSED: [],
    InitiativeStatus.SEEKING_PARTNERS: [InitiativeStatus.SEEKING_PARTNERS],
    InitiativeStatus.ACTIVE: [InitiativeStatus.SEEKING_PARTNERS, InitiativeStatus.ACTIVE],
    InitiativeStatus.COMPLETED: [
        InitiativeStatus.SEEKING_PARTNERS,
        InitiativeStatus.ACTIVE,
        InitiativeStatus.COMPLETED,
    ],
    InitiativeStatus.CANCELLED: [InitiativeStatus.SEEKING_PARTNERS, InitiativeStatus.CANCELLED],
}
STATUS_WEIGHTS = {
    InitiativeStatus.PROPOSED: 15,
    InitiativeStatus.SEEKING_PARTNERS: 25,
    InitiativeStatus.ACTIVE: 35,
    InitiativeStatus.COMPLETED: 15,
    InitiativeStatus.CANCELLED: 10,
}


def _check_paths() -> None:
    for path in STATUS_PATHS.values():
        current = InitiativeStatus.PROPOSED
        for status in path:
            assert status in INITIATIVE_TRANSITIONS[current], (current, status)  # noqa: S101
            current = status


def _text(rng, count: int) -> str:
    return " ".join(rng.sample(SENTENCES, count))


def seed(ctx: ScaleContext, *, initiatives: int, writer: DialogueWriter) -> None:
    _check_paths()
    rng = ctx.rng
    leads = [pk for pk in ctx.active_organisation_ids if pk in ctx.contact_of]
    if not leads or initiatives <= 0:
        ctx.step("no active member with a contact: no initiatives")
        return
    topic = dialogue_services.topic_get_or_create_for_system(
        slug=JOINT_INITIATIVES_TOPIC_SLUG,
        title=JOINT_INITIATIVES_TOPIC_TITLE,
        description=JOINT_INITIATIVES_TOPIC_DESCRIPTION,
    )
    funding_ids = list(FundingSource.objects.values_list("pk", flat=True))
    descriptions = [rendered_body(f"## Background\n\n{_text(rng, 3)}\n\n{_text(rng, 2)}")]
    descriptions += [rendered_body(_text(rng, 4)) for _ in range(30)]
    existing_slugs = set(Initiative.objects.values_list("slug", flat=True))
    statuses, weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
    rows = []
    for _ in range(initiatives):
        subject = rng.choice(SUBJECTS)
        title = rng.choice(TITLE_PATTERNS).format(
            subject=subject, Subject=subject[0].upper() + subject[1:], place=rng.choice(PLACES)
        )
        base = slugify(title)[:200] or "initiative"
        slug, counter = base, 2
        while slug in existing_slugs:
            slug, counter = f"{base}-{counter}", counter + 1
        existing_slugs.add(slug)
        lead = rng.choice(leads)
        lead_country = ctx.organisations[lead][1]
        countries = [lead_country] + [
            c
            for c in rng.sample(geography.ELIGIBLE_COUNTRIES, rng.randint(0, 4))
            if c != lead_country
        ]
        regions = []
        if geography.regions_of(lead_country) and rng.random() < 0.4:
            regions = [rng.choice(geography.regions_of(lead_country))[0]]
        created = ctx.moment(days_ago_max=1400, days_ago_min=1)
        start = (
            (created + timedelta(days=rng.randint(0, 200))).date() if rng.random() < 0.8 else None
        )
        end = (
            start + timedelta(days=rng.randint(180, 1500)) if start and rng.random() < 0.8 else None
        )
        summary = (
            f"{subject[0].upper() + subject[1:]} for SMEs in {rng.choice(PLACES)}. {_text(rng, 1)}"
        )
        objectives = _text(rng, rng.randint(2, 3))
        description = rng.choice(descriptions)
        status = rng.choices(statuses, weights)[0]
        rows.append(
            Initiative(
                title=title,
                slug=slug,
                summary=summary[:600],
                description=description.body,
                description_html=description.html,
                objectives=objectives,
                lead_organisation_id=lead,
                status=status,
                countries=countries,
                regions=regions,
                start_date=start,
                end_date=end,
                funding_source_id=rng.choice(funding_ids)
                if funding_ids and rng.random() < 0.7
                else None,
                budget=Decimal(rng.randint(50, 5000) * 1000) if rng.random() < 0.6 else None,
                website=f"https://{slug[:40].strip('-')}.example.eu" if rng.random() < 0.3 else "",
                search_vector=initiative_search_vector(
                    title=title, summary=summary[:600], objectives=objectives
                ),
                created_by_id=ctx.contact_of[lead],
                created_at=created,
                updated_at=created,
            )
        )
    rows = bulk(Initiative, rows)
    through = Initiative.themes.through
    partners, events, requests, commitments, news = [], [], [], [], []
    theme_links, thread_of = [], {}
    for initiative in rows:
        lead = initiative.lead_organisation_id
        author = ctx.contact_of[lead]
        created = initiative.created_at
        theme_ids = rng.sample(ctx.theme_ids, rng.randint(1, min(3, len(ctx.theme_ids))))
        theme_links.extend(
            through(initiative_id=initiative.pk, policytheme_id=t) for t in theme_ids
        )
        partners.append(
            InitiativePartner(
                initiative_id=initiative.pk,
                organisation_id=lead,
                role=InitiativePartner.Role.LEAD,
                joined_at=created,
            )
        )
        others = [o for o in rng.sample(leads, min(len(leads), rng.randint(0, 8))) if o != lead]
        for organisation in others:
            partners.append(
                InitiativePartner(
                    initiative_id=initiative.pk,
                    organisation_id=organisation,
                    role=rng.choices(
                        [InitiativePartner.Role.PARTNER, InitiativePartner.Role.OBSERVER], [85, 15]
                    )[0],
                    joined_at=created + timedelta(days=rng.randint(1, 60)),
                )
            )
        moment, previous = created, ""
        for status in [InitiativeStatus.PROPOSED, *STATUS_PATHS[initiative.status]]:
            events.append(
                InitiativeEvent(
                    initiative_id=initiative.pk,
                    kind=InitiativeEvent.Kind.STATUS_CHANGED,
                    actor_id=author,
                    organisation_id=lead,
                    from_status=previous,
                    to_status=status,
                    created_at=moment,
                )
            )
            previous, moment = status, moment + timedelta(days=rng.randint(1, 90))
        if initiative.status == InitiativeStatus.SEEKING_PARTNERS and rng.random() < 0.3:
            outsider = rng.choice(leads)
            if outsider != lead and outsider not in others:
                requests.append(
                    PartnerRequest(
                        initiative_id=initiative.pk,
                        organisation_id=outsider,
                        kind=PartnerRequest.Kind.REQUEST,
                        statement=_text(rng, 1),
                        created_by_id=ctx.contact_of[outsider],
                        created_at=moment,
                    )
                )
        if initiative.status in (InitiativeStatus.ACTIVE, InitiativeStatus.COMPLETED):
            for organisation in [lead, *others][: rng.randint(1, 3)]:
                commitments.append(
                    Commitment(
                        initiative_id=initiative.pk,
                        organisation_id=organisation,
                        kind=rng.choice([Commitment.Kind.STAFF_DAYS, Commitment.Kind.BUDGET]),
                        amount=Decimal(rng.randint(5, 200)),
                        description="Staff of the cluster programme and co-funding.",
                        recorded_by_id=ctx.contact_of[organisation],
                        created_at=moment,
                    )
                )
            if rng.random() < 0.3:
                body = rng.choice(descriptions)
                news.append(
                    NewsUpdate(
                        initiative_id=initiative.pk,
                        author_id=author,
                        organisation_id=lead,
                        title="First results of the pilot",
                        body=body.body,
                        body_html=body.html,
                        created_at=moment,
                    )
                )
        # The discussion thread opened on proposal: summary and a link to the initiative.
        source = (
            f"{initiative.summary}\n\n[{_escape_link_text(initiative.title)}]"
            f"({reverse('initiatives:initiative_detail', kwargs={'slug': initiative.slug})})"
        )
        rendered = render_markdown(source)
        opening = Body(body=source, html=rendered.html, text=rendered.text)
        thread_of[initiative.pk] = writer.thread(
            topic=topic,
            title=initiative.title,
            kind=Thread.Kind.DISCUSSION,
            post_count=1,
            participants=[author],
            start=created,
            end=created,
            theme_ids=theme_ids,
            opening=opening,
        )
    bulk(through, theme_links)
    bulk(InitiativePartner, partners)
    bulk(InitiativeEvent, events)
    bulk(PartnerRequest, requests)
    bulk(Commitment, commitments)
    bulk(NewsUpdate, news)
    writer.flush()
    for initiative in rows:
        initiative.thread_id = thread_of[initiative.pk]
    Initiative.objects.bulk_update(rows, ["thread"], batch_size=1000)
    ctx.made("initiatives", len(rows))
    ctx.made("initiative partners (lead included)", len(partners))
    ctx.made("initiative status changes", len(events))
    ctx.made("pending partner requests", len(requests))
    ctx.made("commitments", len(commitments))
    ctx.made("news updates", len(news))
    ctx.step(f"{len(rows)} initiatives")
