"""The reads: the directory and its filters, an initiative's page per role, pooled resources."""

from datetime import date
from decimal import Decimal

import pytest
from django.http import Http404

from initiatives import selectors, services
from initiatives.filters import InitiativeFilterSet
from initiatives.models import Commitment, Initiative, InitiativeStatus
from initiatives.permissions import initiative_access
from tests.dialogues.factories import pdf_file
from tests.initiatives.conftest import ROLES
from tests.initiatives.factories import (
    InitiativeFactory,
    add_partner,
    contact_user,
    funding,
    move_to,
)
from tests.members.factories import OrganisationFactory, PolicyThemeFactory

pytestmark = pytest.mark.django_db

MEMBER_READERS = {
    "member",
    "suspended_member",
    "lead_contact",
    "partner_contact",
    "other_contact",
    "secretariat",
}


# --- The directory --------------------------------------------------------------------------


@pytest.fixture
def directory(lead_contact, partner_organisation):
    green = PolicyThemeFactory(slug="green-transition", name="Green transition")
    digital = PolicyThemeFactory(slug="digital-transition", name="Digital transition")
    hydrogen = InitiativeFactory(
        proposer=lead_contact,
        title="Hydrogen valleys",
        summary="Électrolyseurs et Förderung der Wasserstoff-Cluster.",
        countries=["AT", "DK"],
        themes=[green],
        funding_source=funding("interreg"),
        start_date=date(2025, 1, 1),
        end_date=date(2027, 12, 31),
        partners=[partner_organisation],
        status=InitiativeStatus.ACTIVE,
    )
    basque = contact_user(OrganisationFactory(name="Basque Business Agency", country="ES"))
    vouchers = InitiativeFactory(
        proposer=basque,
        title="Digital vouchers",
        summary="Vouchers for manufacturing SMEs.",
        countries=["ES", "PT"],
        themes=[digital],
        funding_source=funding("single-market-programme"),
        start_date=date(2028, 1, 1),
        end_date=date(2029, 6, 30),
        status=InitiativeStatus.SEEKING_PARTNERS,
    )
    undated = InitiativeFactory(
        proposer=basque,
        title="Cluster academy",
        countries=["ES"],
        start_date=None,
        end_date=None,
        status=InitiativeStatus.CANCELLED,
    )
    return {"hydrogen": hydrogen, "vouchers": vouchers, "undated": undated}


def _titles(initiatives):
    return [initiative.title for initiative in initiatives]


def test_the_directory_lists_every_initiative_newest_first(directory):
    rows = list(selectors.initiative_list())
    assert _titles(rows) == ["Cluster academy", "Digital vouchers", "Hydrogen valleys"]
    counts = {row.title: row.partner_count for row in rows}
    assert counts == {"Cluster academy": 1, "Digital vouchers": 1, "Hydrogen valleys": 2}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"status": "active"}, ["Hydrogen valleys"]),
        ({"country": "PT"}, ["Digital vouchers"]),
        ({"country": "ES"}, ["Cluster academy", "Digital vouchers"]),
        ({"date_from": date(2027, 6, 1)}, ["Digital vouchers", "Hydrogen valleys"]),
        ({"date_to": date(2026, 12, 31)}, ["Hydrogen valleys"]),
        ({"date_from": date(2028, 1, 1), "date_to": date(2028, 2, 1)}, ["Digital vouchers"]),
        ({"query": "vouchers"}, ["Digital vouchers"]),
        ({"query": "electrolyseurs"}, ["Hydrogen valleys"]),
        ({"query": "Forderung"}, ["Hydrogen valleys"]),
        ({"query": "wasserstoff"}, ["Hydrogen valleys"]),
        ({"query": "   "}, ["Cluster academy", "Digital vouchers", "Hydrogen valleys"]),
    ],
)
def test_the_directory_filters(directory, filters, expected):
    assert sorted(_titles(selectors.initiative_list(**filters))) == expected


def test_the_directory_filters_by_theme_funding_and_lead(directory, lead_organisation):
    green = PolicyThemeFactory(slug="green-transition")
    assert _titles(selectors.initiative_list(theme=green)) == ["Hydrogen valleys"]
    assert _titles(selectors.initiative_list(funding_source=funding("interreg"))) == [
        "Hydrogen valleys"
    ]
    # The lead is found by the starts of the words of its name, in any case.
    for words in ("Lower Austria Business Agency", "lower austr", "AUSTRIA agen"):
        assert _titles(selectors.initiative_list(lead_name=words)) == ["Hydrogen valleys"], words
    assert _titles(selectors.initiative_list(lead_name="austria danish")) == []


def test_the_filterset_reads_the_query_string(directory):
    filterset = InitiativeFilterSet(
        {
            "theme": "digital-transition",
            "funding_source": "single-market-programme",
            "lead": "basque",
        }
    )
    assert filterset.is_valid()
    assert _titles(filterset.qs) == ["Digital vouchers"]
    assert _titles(InitiativeFilterSet({"q": "hydrogen", "country": "DK"}).qs) == [
        "Hydrogen valleys"
    ]
    assert len(InitiativeFilterSet({}).qs) == 3


def test_the_filterset_refuses_a_period_that_ends_before_it_starts(directory):
    filterset = InitiativeFilterSet({"date_from": "2027-01-01", "date_to": "2026-01-01"})
    assert not filterset.is_valid()
    assert filterset.errors["date_to"] == ["The end of the period cannot be before its start."]
    bad = InitiativeFilterSet({"status": "archived", "country": "US", "theme": "nope"})
    assert not bad.is_valid()
    assert set(bad.errors) == {"status", "country", "theme"}


def test_an_organisations_initiatives_and_open_questions(
    directory, partner_organisation, other_contact, other_organisation
):
    mine = list(selectors.initiative_list_for_organisation(organisation=partner_organisation))
    assert [(i.title, i.my_role) for i in mine] == [("Hydrogen valleys", "partner")]
    request = services.partner_request_create(
        initiative=directory["vouchers"], acting_user=other_contact, statement="Let us in."
    )
    assert list(
        selectors.partner_requests_pending_for_organisation(organisation=other_organisation)
    ) == [request]
    lead = directory["vouchers"].lead_organisation
    assert list(selectors.partner_requests_pending_for_organisation(organisation=lead)) == [request]


# --- An initiative's page, per role ---------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_every_initiative_is_public_in_every_status(role, as_role, lead_contact):
    user = as_role(role)
    for status in InitiativeStatus.values:
        initiative = move_to(InitiativeFactory(proposer=lead_contact), status)
        shown = selectors.initiative_get_for_viewer(user=user, slug=initiative.slug)
        assert shown == initiative
    with pytest.raises(Http404):
        selectors.initiative_get_for_viewer(user=user, slug="no-such-initiative")


@pytest.mark.parametrize("role", ROLES)
def test_partner_contacts_are_for_members(role, as_role, initiative, lead_contact, partner_contact):
    partners = selectors.partner_list_for_viewer(user=as_role(role), initiative=initiative)
    assert [p.role for p in partners] == ["lead", "partner"]
    people = {p.organisation_id: [c.user for c in p.contact_people] for p in partners}
    if role in MEMBER_READERS:
        assert people == {
            initiative.lead_organisation_id: [lead_contact],
            partner_contact.representative.organisation_id: [partner_contact],
        }
    else:
        assert all(contacts == [] for contacts in people.values())


@pytest.mark.parametrize("role", ROLES)
def test_documents_are_for_members_and_a_404_for_others(role, as_role, initiative, lead_contact):
    document = services.document_add(
        initiative=initiative, acting_user=lead_contact, upload=pdf_file()
    )
    user = as_role(role)
    listed = list(selectors.document_list_for_user(user=user, initiative=initiative))
    if role in MEMBER_READERS:
        assert listed == [document]
        assert selectors.document_get_for_user(user=user, pk=document.pk) == document
    else:
        assert listed == []
        with pytest.raises(Http404):
            selectors.document_get_for_user(user=user, pk=document.pk)
    with pytest.raises(Http404):
        selectors.document_get_for_user(user=user, pk=document.pk + 1000)


@pytest.mark.parametrize("role", ROLES)
def test_pending_requests_are_seen_by_the_two_sides_only(
    role, as_role, initiative, other_contact, lead_representative
):
    partner_request = services.partner_request_create(
        initiative=initiative, acting_user=other_contact, statement="Let us in."
    )
    user = as_role(role)
    sees = role in {"lead_contact", "other_contact", "secretariat"}
    pending = list(
        selectors.partner_requests_pending_for_initiative(user=user, initiative=initiative)
    )
    assert pending == ([partner_request] if sees else [])
    if sees:
        assert selectors.partner_request_get_for_user(user=user, pk=partner_request.pk)
    else:
        with pytest.raises(Http404):
            selectors.partner_request_get_for_user(user=user, pk=partner_request.pk)
    # The lead's other representatives see them too (read, not answer).
    assert list(
        selectors.partner_requests_pending_for_initiative(
            user=lead_representative, initiative=initiative
        )
    ) == [partner_request]


# What each role may do on the `initiative` fixture (seeking partners, lead + one partner).
ACCESS = {
    "anonymous": set(),
    "non_member": set(),
    "member": {"sees_member_content"},
    "suspended_member": {"sees_member_content"},
    "lead_contact": {
        "sees_member_content",
        "sees_pending_requests",
        "can_edit",
        "can_invite",
        "can_hand_over",
        "can_commit",
        "can_post_news",
        "can_add_document",
    },
    "partner_contact": {
        "sees_member_content",
        "can_leave",
        "can_commit",
        "can_post_news",
        "can_add_document",
    },
    "other_contact": {"sees_member_content", "can_request_to_join"},
    "secretariat": {"sees_member_content", "sees_pending_requests"},
}
TRANSITIONS = {
    "lead_contact": ("active", "cancelled"),
    "secretariat": ("cancelled",),
}
PARTNER_ROLE = {"lead_contact": "lead", "partner_contact": "partner"}


@pytest.mark.parametrize("role", ROLES)
def test_initiative_access_per_role(role, as_role, initiative):
    user = as_role(role)
    shown = selectors.initiative_get_for_viewer(user=user, slug=initiative.slug)
    access = initiative_access(user=user, initiative=shown)
    flags = {name for name, value in vars(access).items() if value is True}
    assert flags == ACCESS[role]
    assert access.transitions == TRANSITIONS.get(role, ())
    assert access.partner_role == PARTNER_ROLE.get(role)


def test_a_closed_initiative_offers_nothing_to_do(initiative, lead_contact, partner_contact):
    services.initiative_status_change(
        initiative=initiative, acting_user=lead_contact, to_status="cancelled", note="Over."
    )
    initiative.refresh_from_db()
    for user in (lead_contact, partner_contact):
        access = initiative_access(user=user, initiative=initiative)
        assert not any(
            [
                access.can_edit,
                access.can_invite,
                access.can_leave,
                access.can_commit,
                access.can_post_news,
                access.can_add_document,
                access.transitions,
            ]
        )


# --- Pooled resources and history ----------------------------------------------------------


def test_commitment_totals_by_kind_and_by_partner(
    initiative, lead_contact, partner_contact, partner_organisation
):
    third = OrganisationFactory(name="Aardvark Agency", country="BE")
    add_partner(initiative, third)
    third_contact = contact_user(third)
    for user, kind, amount in [
        (lead_contact, "staff_days", "120"),
        (lead_contact, "budget", "250000"),
        (partner_contact, "staff_days", "80.5"),
        (partner_contact, "events", "2"),
        (third_contact, "data_tools", "1"),
        (partner_contact, "staff_days", "90"),  # supersedes the 80.5
    ]:
        services.commitment_record(
            initiative=initiative, acting_user=user, kind=kind, amount=amount, description="x"
        )
    pooled = selectors.commitment_totals(initiative=initiative)
    assert [(row.kind, row.total, row.partner_count) for row in pooled.by_kind] == [
        ("staff_days", Decimal("210.00"), 2),
        ("budget", Decimal("250000.00"), 1),
        ("events", Decimal("2.00"), 1),
        ("data_tools", Decimal("1.00"), 1),
    ]
    assert pooled.total(Commitment.Kind.STAFF_DAYS) == Decimal("210")
    by_partner = {row.organisation.name: row for row in pooled.by_partner}
    assert list(by_partner) == sorted(by_partner)  # by name
    assert by_partner[partner_organisation.name].amount("staff_days") == Decimal("90")
    assert by_partner[partner_organisation.name].amount("budget") == Decimal("0")
    assert by_partner["Aardvark Agency"].amount("data_tools") == Decimal("1")

    history = list(selectors.commitment_history(initiative=initiative))
    assert len(history) == 6
    partner_days = [
        c for c in history if c.organisation == partner_organisation and c.kind == "staff_days"
    ]
    assert [(c.amount, c.is_current) for c in partner_days] == [
        (Decimal("90.00"), True),
        (Decimal("80.50"), False),
    ]
    assert history[0] == partner_days[0]  # newest first


def test_a_partner_that_leaves_leaves_the_totals(initiative, partner_contact):
    services.commitment_record(
        initiative=initiative, acting_user=partner_contact, kind="events", amount=3, description="x"
    )
    services.partner_leave(initiative=initiative, acting_user=partner_contact)
    pooled = selectors.commitment_totals(initiative=initiative)
    assert pooled.total("events") == 0 and pooled.by_partner == []
    assert len(selectors.commitment_history(initiative=initiative)) == 1


def test_the_change_log_and_the_status_history(initiative, lead_contact, partner_contact):
    services.news_update_post(
        initiative=initiative, acting_user=partner_contact, title="News", body="Text"
    )
    events = list(selectors.initiative_event_list(initiative=initiative))
    assert events[0].kind == "news_posted"
    assert [e.kind for e in events][-1] == "status_changed"  # the proposal comes first
    history = list(selectors.initiative_status_history(initiative=initiative))
    assert [(e.from_status, e.to_status) for e in history] == [
        ("", "proposed"),
        ("proposed", "seeking_partners"),
    ]
    assert [n.title for n in selectors.news_update_list(initiative=initiative)] == ["News"]


def test_partners_are_listed_lead_partners_observers(initiative, member):
    observer = OrganisationFactory(name="Aardvark Observers", country="BE")
    add_partner(initiative, observer, role="observer")
    partners = selectors.partner_list_for_viewer(user=member, initiative=initiative)
    assert [p.role for p in partners] == ["lead", "partner", "observer"]
    shown = selectors.initiative_get_for_viewer(user=member, slug=initiative.slug)
    assert [p.role for p in shown.current_partners] == ["lead", "partner", "observer"]


def test_the_filterset_narrows_a_given_queryset(directory):
    only_active = Initiative.objects.filter(status="active")
    assert _titles(InitiativeFilterSet({}, queryset=only_active).qs) == ["Hydrogen valleys"]
    assert _titles(InitiativeFilterSet({"country": "ES"}, queryset=only_active).qs) == []
