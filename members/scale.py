"""Scale data for the members app (manage.py seed_scale): thousands of organisations and people,
made in bulk but with every rule the services keep (one representative seat per person, one
contact per organisation, regions in their country, NUTS codes with the country's prefix).

The generators of the other apps (dialogues.scale, initiatives.scale) take the ScaleContext this
module fills: who exists, who may write, the accounts the benchmark signs in with.
"""

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection
from django.utils.text import slugify

from members import demo, geography
from members.models import (
    ClusterProgramme,
    FoundingNetwork,
    Organisation,
    OrganisationKind,
    PolicyTheme,
    Representative,
)
from members.permissions import SECRETARIAT_GROUP

# Every seeded account has this password (a benchmark database only, never production data).
SCALE_PASSWORD = "eca-scale-2026"
# The accounts the benchmark signs in with (bench/run.py): a contact of an active member with
# follows, unread threads and notifications, and a member of the secretariat.
BENCH_MEMBER_EMAIL = "bench.member@scale.eca-portal.eu"
BENCH_SECRETARIAT_EMAIL = "bench.secretariat@scale.eca-portal.eu"
CHUNK = 5000


@dataclass
class ScaleContext:
    """What the generators share. Lists hold ids (never model instances: 20,000 users)."""

    rng: random.Random
    now: datetime
    log: Callable[[str], None]
    counts: dict = field(default_factory=dict)
    theme_ids: list = field(default_factory=list)
    # organisation id → (slug, country, membership status)
    organisations: dict = field(default_factory=dict)
    active_organisation_ids: list = field(default_factory=list)
    # user id → full name; user id → organisation id (representatives only)
    user_names: dict = field(default_factory=dict)
    user_organisation: dict = field(default_factory=dict)
    # Representatives of active members: the people who write in the dialogues.
    writer_ids: list = field(default_factory=list)
    contact_of: dict = field(default_factory=dict)  # organisation id → contact user id
    secretariat_ids: list = field(default_factory=list)
    bench_member_id: int | None = None
    bench_secretariat_id: int | None = None
    started: float = field(default_factory=time.monotonic)

    def made(self, label: str, number: int) -> None:
        self.counts[label] = self.counts.get(label, 0) + number

    def step(self, message: str) -> None:
        self.log(f"[{time.monotonic() - self.started:7.1f}s] {message}")

    def moment(self, *, days_ago_max: float, days_ago_min: float = 0.0) -> datetime:
        """A moment in the past, uniformly between the two ages."""
        return self.now - timedelta(days=self.rng.uniform(days_ago_min, days_ago_max))


def bulk(model, rows: list, **options) -> list:
    """bulk_create in chunks (one INSERT per CHUNK rows)."""
    created = []
    for start in range(0, len(rows), CHUNK):
        created.extend(model.objects.bulk_create(rows[start : start + CHUNK], **options))
    return created


def sequence_reset(model) -> None:
    """After rows were inserted with explicit ids: the next id the database gives is free."""
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, %s), "  # noqa: S608 - our own table names
            f"GREATEST((SELECT MAX({column}) FROM {table}), 1))",
            [table, column],
        )


def next_id(model) -> int:
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


# --- Words ----------------------------------------------------------------------------------

FIRST_NAMES = (
    "Anna Lukas Marie Jonas Sophie Mateusz Agnieszka Jan Eva Pierre Camille Élodie Luc Inès "
    "Giulia Marco Francesca Lorenzo Sofia Javier Lucía Carmen Iñaki Ana João Inês Miguel "
    "Katarzyna Piotr Tomáš Zuzana Jiří Kristiina Mart Liis Jānis Ilze Rūta Jonas Mikael Sanna "
    "Lars Ingrid Søren Mette Björn Åsa Niamh Seán Eleni Giorgos Dimitra Nikola Ivana Marija "
    "Ștefan Ioana Bogdan Zsófia Gábor Péter Ágnes Ljubica Matej Tanja Wouter Saskia Pieter "
    "Annelies Hélène François Jürgen Gerlinde Dörte Ayşe Mehmet Olena Taras Nino Giorgi"
).split()
LAST_NAMES = (
    "Schneider Müller Weber Fischer Dubois Lefèvre Moreau Rossi Bianchi Esposito García "
    "Fernández López Martínez Silva Santos Ferreira Kowalski Nowak Wiśniewska Novák Dvořák "
    "Horváth Nagy Kovács Tamm Kask Bērziņš Kazlauskas Virtanen Korhonen Nieminen Andersson "
    "Johansson Nielsen Jensen Hansen Olsen Murphy O'Brien Papadopoulos Georgiou Popescu "
    "Ionescu Petrov Horvat Kovačević Novak Janssens Peeters De Vries Van Dijk Bakker Meijer "
    "Fontaine Girard Zimmermann Hoffmann Schäfer Koch Richter Yılmaz Kaya Shevchenko Bondarenko"
).split()
KIND_WORDS = {
    OrganisationKind.NATIONAL_AUTHORITY: [
        "Ministry of Economic Affairs",
        "Ministry of Enterprise and Innovation",
        "National Innovation Office",
        "Federal Ministry for Economy",
    ],
    OrganisationKind.REGIONAL_AUTHORITY: [
        "Regional Government",
        "Regional Development Department",
        "Region",
        "Regional Council",
    ],
    OrganisationKind.FUNDING_AGENCY: [
        "Innovation Agency",
        "Business Development Agency",
        "Cluster Programme Office",
        "Enterprise Agency",
        "Investment and Innovation Fund",
    ],
    OrganisationKind.OTHER_PUBLIC_BODY: [
        "Chamber of Industry",
        "Technology Transfer Office",
        "Economic Development Board",
    ],
}
DESCRIPTION_SENTENCES = [
    "Runs the regional cluster programme and funds cluster management organisations.",
    "Responsible for the smart specialisation strategy and its cluster instruments.",
    "Supports SMEs through innovation vouchers, internationalisation and matchmaking.",
    "Manages calls for cluster excellence and benchmarks cluster organisations.",
    "Co-funds cross-border cluster partnerships with Interreg and national budgets.",
    "Gère le programme régional des pôles de compétitivité et leur évaluation.",
    "Finance la transition écologique et numérique des PME dans les filières industrielles.",
    "Fördert Cluster und Netzwerke im Rahmen der regionalen Innovationsstrategie.",
    "Unterstützt die Internationalisierung von KMU und die Clusterförderung des Landes.",
    "Leads the national cluster policy together with the regional authorities.",
    "Funds green hydrogen, battery and circular economy clusters.",
    "Monitors the economic impact of clusters on regional employment.",
]
PROGRAMME_NAMES = [
    "Cluster Excellence Programme",
    "Innovation Vouchers for SMEs",
    "Cluster Internationalisation Scheme",
    "Green Transition Cluster Fund",
    "Digital Innovation Hubs Support",
    "Programme régional des pôles",
    "Clusterförderung",
    "Smart Specialisation Cluster Call",
    "Industrial Ecosystems Partnership",
    "Skills for Clusters",
]
SECTORS = [
    "automotive, mechatronics",
    "food, agriculture",
    "health, life sciences",
    "energy, hydrogen",
    "ICT, software",
    "textiles, creative industries",
    "construction, wood",
    "aerospace, mobility",
    "chemicals, plastics",
    "tourism",
]


def _person_name(rng) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def _email_part(text: str) -> str:
    return slugify(text).replace("-", ".") or "person"


# --- Generators -----------------------------------------------------------------------------


def seed_themes(ctx: ScaleContext) -> None:
    """The demo vocabulary of policy themes (kept if it exists)."""
    for slug, name, name_fr, name_de in demo.THEMES:
        PolicyTheme.objects.get_or_create(
            slug=slug, defaults={"name": name, "name_fr": name_fr, "name_de": name_de}
        )
    ctx.theme_ids = list(PolicyTheme.objects.values_list("pk", flat=True))


def _place(rng, kind):
    """(country, region code, place name) for an organisation of `kind`."""
    while True:
        country = rng.choice(geography.ELIGIBLE_COUNTRIES)
        regions = geography.regions_of(country)
        if kind == OrganisationKind.REGIONAL_AUTHORITY and not regions:
            continue
        if regions and (kind == OrganisationKind.REGIONAL_AUTHORITY or rng.random() < 0.5):
            code, name = rng.choice(regions)
            return country, code, name
        return country, "", geography.country_name(country, "en")


def seed_organisations(ctx: ScaleContext, number: int) -> None:
    rng = ctx.rng
    kinds = list(OrganisationKind)
    kind_weights = [15, 45, 30, 10]
    statuses = [Organisation.MembershipStatus.ACTIVE] * 90 + (
        [Organisation.MembershipStatus.SUSPENDED] * 6 + [Organisation.MembershipStatus.LAPSED] * 4
    )
    existing_slugs = set(Organisation.objects.values_list("slug", flat=True))
    used_names: dict[str, int] = {}
    organisations = []
    for _ in range(number):
        kind = rng.choices(kinds, kind_weights)[0]
        country, region_code, place = _place(rng, kind)
        name = f"{place} {rng.choice(KIND_WORDS[kind])}"
        used_names[name] = used_names.get(name, 0) + 1
        if used_names[name] > 1:
            name = f"{name} {used_names[name]}"
        slug = slugify(name)[:200] or "organisation"
        base, counter = slug, 2
        while slug in existing_slugs:
            slug, counter = f"{base}-{counter}", counter + 1
        existing_slugs.add(slug)
        prefix = geography.NUTS_COUNTRY_PREFIX.get(country, country)
        nuts = f"{prefix}{rng.randint(1, 9)}{rng.randint(1, 5)}" if rng.random() < 0.7 else ""
        status = rng.choice(statuses)
        created = ctx.moment(days_ago_max=3000, days_ago_min=30)
        organisations.append(
            Organisation(
                name=name,
                slug=slug,
                kind=kind,
                country=country,
                region_code=region_code,
                nuts_code=nuts,
                website=f"https://{slug[:40].strip('-')}.example.eu",
                description=" ".join(rng.sample(DESCRIPTION_SENTENCES, rng.randint(1, 4))),
                founding_network=rng.choice(list(FoundingNetwork)) if rng.random() < 0.1 else "",
                membership_status=status,
                member_since=created.date() if rng.random() < 0.95 else None,
                created_at=created,
            )
        )
    organisations = bulk(Organisation, organisations)
    through = Organisation.themes.through
    bulk(
        through,
        [
            through(organisation_id=organisation.pk, policytheme_id=theme_id)
            for organisation in organisations
            for theme_id in rng.sample(ctx.theme_ids, rng.randint(0, min(3, len(ctx.theme_ids))))
        ],
    )
    programmes = []
    for organisation in organisations:
        for _ in range(rng.choices([0, 1, 2, 3], [25, 40, 25, 10])[0]):
            start = rng.randint(2005, 2025)
            programmes.append(
                ClusterProgramme(
                    organisation_id=organisation.pk,
                    name=f"{rng.choice(PROGRAMME_NAMES)} {start}",
                    description=rng.choice(DESCRIPTION_SENTENCES),
                    start_year=start,
                    end_year=None if rng.random() < 0.5 else rng.randint(start, 2030),
                    budget_band=rng.choice(list(ClusterProgramme.BudgetBand)),
                    instruments=rng.sample(list(ClusterProgramme.Instrument.values), 2),
                    target_sectors=rng.choice(SECTORS),
                    link=f"https://{organisation.slug[:40].strip('-')}.example.eu/programme",
                )
            )
    bulk(ClusterProgramme, programmes)
    for organisation in organisations:
        ctx.organisations[organisation.pk] = (
            organisation.slug,
            organisation.country,
            organisation.membership_status,
        )
    ctx.active_organisation_ids = [
        pk
        for pk, (_slug, _country, status) in ctx.organisations.items()
        if status == Organisation.MembershipStatus.ACTIVE
    ]
    ctx.made("organisations", len(organisations))
    ctx.made("cluster programmes", len(programmes))


def seed_people(ctx: ScaleContext, number: int) -> None:
    """`number` accounts: a few secretariat members, some signed-up visitors, and the rest
    representatives — first one contact per organisation, then more representatives, more
    of them in some organisations than in others."""
    rng = ctx.rng
    User = get_user_model()
    password = make_password(SCALE_PASSWORD)
    organisation_ids = list(ctx.organisations)
    secretariat_count = min(5, max(1, number // 1000))
    visitor_count = number // 30
    users, seats = [], []  # seats: (organisation id, role) or None, per user
    users.append(
        User(
            email=BENCH_SECRETARIAT_EMAIL,
            full_name="Bench Secretariat",
            password=password,
            date_joined=ctx.moment(days_ago_max=1000),
        )
    )
    seats.append(("secretariat", None))
    bench_organisation = (
        rng.choice(ctx.active_organisation_ids) if ctx.active_organisation_ids else None
    )
    if bench_organisation is not None:
        users.append(
            User(
                email=BENCH_MEMBER_EMAIL,
                full_name="Bench Member",
                password=password,
                date_joined=ctx.moment(days_ago_max=1000),
            )
        )
        seats.append((bench_organisation, Representative.Role.CONTACT))
    remaining = max(0, number - len(users))
    for index in range(remaining):
        name = _person_name(rng)
        first, _, last = name.partition(" ")
        if index < secretariat_count - 1:
            seat = ("secretariat", None)
            domain = "eca-portal.eu"
        elif index < secretariat_count - 1 + visitor_count:
            seat = None
            domain = "example.org"
        else:
            seat = ("rep", None)
            domain = "example.eu"
        users.append(
            User(
                email=f"{_email_part(first)}.{_email_part(last)}.{index}@{domain}",
                full_name=name,
                password=password,
                language=rng.choices(["en", "fr", "de"], [70, 15, 15])[0],
                date_joined=ctx.moment(days_ago_max=1500, days_ago_min=1),
            )
        )
        seats.append(seat)
    # Who sits where: every organisation gets a contact before any gets a second seat.
    has_contact = {bench_organisation} if bench_organisation is not None else set()
    contact_queue = [pk for pk in organisation_ids if pk not in has_contact]
    rng.shuffle(contact_queue)
    # Some organisations have many representatives (a heavy tail), most have a few.
    weights = [rng.paretovariate(1.6) for _ in organisation_ids]
    resolved = []
    for seat in seats:
        if seat is None or seat[0] == "secretariat" or seat[1] is not None:
            resolved.append(seat)
        elif contact_queue:
            resolved.append((contact_queue.pop(), Representative.Role.CONTACT))
        else:
            organisation = rng.choices(organisation_ids, weights)[0]
            resolved.append((organisation, Representative.Role.REPRESENTATIVE))
    users = bulk(User, users)
    bulk(
        EmailAddress,
        [EmailAddress(user_id=u.pk, email=u.email, primary=True, verified=True) for u in users],
    )
    representatives, secretariat = [], []
    for user, seat in zip(users, resolved, strict=True):
        ctx.user_names[user.pk] = user.full_name
        if seat is None:
            continue
        if seat[0] == "secretariat":
            secretariat.append(user.pk)
            continue
        organisation_id, role = seat
        representatives.append(
            Representative(
                user_id=user.pk,
                organisation_id=organisation_id,
                role=role,
                position=rng.choice(["Policy officer", "Head of unit", "Programme manager"]),
                joined_at=user.date_joined,
            )
        )
        ctx.user_organisation[user.pk] = organisation_id
        if role == Representative.Role.CONTACT:
            ctx.contact_of[organisation_id] = user.pk
    bulk(Representative, representatives)
    group = Group.objects.get(name=SECRETARIAT_GROUP)
    bulk(
        User.groups.through,
        [User.groups.through(user_id=pk, group_id=group.pk) for pk in secretariat],
    )
    # The secretariat's pages need a second factor (members.access): an authenticator app.
    for user in users:
        if user.pk in set(secretariat):
            TOTP.activate(user, generate_totp_secret())
    active = set(ctx.active_organisation_ids)
    ctx.writer_ids = [
        pk for pk, organisation in ctx.user_organisation.items() if organisation in active
    ]
    ctx.secretariat_ids = secretariat
    by_email = {user.email: user.pk for user in users}
    ctx.bench_secretariat_id = by_email[BENCH_SECRETARIAT_EMAIL]
    ctx.bench_member_id = by_email.get(BENCH_MEMBER_EMAIL)
    ctx.made("users", len(users))
    ctx.made("representatives", len(representatives))
    ctx.made("secretariat members", len(secretariat))


def seed(ctx: ScaleContext, *, organisations: int, members: int) -> None:
    seed_themes(ctx)
    seed_organisations(ctx, organisations)
    ctx.step(f"{organisations} organisations")
    seed_people(ctx, members)
    ctx.step(f"{members} people")
