"""The public directory of joint initiatives and its CSV download."""

import csv
import io
import re
from datetime import date

import pytest
from django.urls import reverse

from initiatives.models import InitiativeStatus
from tests.initiatives.conftest import ROLES
from tests.initiatives.factories import InitiativeFactory, contact_user, funding
from tests.members.factories import OrganisationFactory, PolicyThemeFactory

pytestmark = pytest.mark.django_db

DIRECTORY_URL = reverse("initiatives:initiative_list")
CSV_URL = reverse("initiatives:initiative_list_csv")
# Session, user, permissions, count, rows, their themes, the filters' choices (with their
# savepoints): the same with 3 rows or 40.
DIRECTORY_MAX_QUERIES = 21
CSV_MAX_QUERIES = 12


def titles_in_directory(response):
    return re.findall(
        r'<th scope="row">\s*<a href="[^"]+">([^<]+)</a>', response.content.decode(), re.S
    )


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def green():
    return PolicyThemeFactory(slug="green-transition", name="Green transition")


@pytest.fixture
def portfolio(green):
    """Three initiatives that differ in every filtered attribute."""
    danish = OrganisationFactory(name="Danish Cluster Agency", country="DK", slug="danish")
    hydrogen = InitiativeFactory(
        proposer=contact_user(danish),
        title="Hydrogen valleys partnership",
        summary="Hydrogen clusters share testbeds.",
        countries=["DK", "DE"],
        themes=[green],
        funding_source=funding("interreg"),
        start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
        status=InitiativeStatus.SEEKING_PARTNERS,
    )
    textiles = InitiativeFactory(
        title="Circular textiles pilot",
        summary="Textile clusters test recycling.",
        countries=["FR"],
        start_date=date(2028, 1, 1),
        end_date=date(2029, 12, 31),
    )
    formula = InitiativeFactory(
        title="=HYPERLINK(1) spreadsheet trap",
        summary="-2 starts like a formula.",
        countries=["AT"],
        start_date=None,
        end_date=None,
    )
    return {"hydrogen": hydrogen, "textiles": textiles, "formula": formula}


@pytest.mark.parametrize("role", ROLES)
def test_every_role_sees_the_directory(client, as_role, role, portfolio):
    user = as_role(role)
    if user.is_authenticated:
        client.force_login(user)
    response = client.get(DIRECTORY_URL)
    assert response.status_code == 200
    assert set(titles_in_directory(response)) == {
        "Hydrogen valleys partnership",
        "Circular textiles pilot",
        "=HYPERLINK(1) spreadsheet trap",
    }
    assert "3 initiatives" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "seeking_partners"}, {"Hydrogen valleys partnership"}),
        ({"theme": "green-transition"}, {"Hydrogen valleys partnership"}),
        ({"country": "FR"}, {"Circular textiles pilot"}),
        ({"funding_source": "interreg"}, {"Hydrogen valleys partnership"}),
        ({"lead": "danish"}, {"Hydrogen valleys partnership"}),
        ({"date_from": "2027-06-01"}, {"Circular textiles pilot"}),
        ({"date_to": "2026-06-01"}, {"Hydrogen valleys partnership"}),
        ({"q": "hydrogen"}, {"Hydrogen valleys partnership"}),
        ({"q": "hydrogen", "country": "FR"}, set()),
    ],
)
def test_each_filter(client, portfolio, query, expected):
    response = client.get(DIRECTORY_URL, query)
    assert response.status_code == 200
    assert set(titles_in_directory(response)) == expected


@pytest.mark.parametrize(
    "query",
    [
        {"status": "sleeping"},
        {"theme": "nope"},
        {"country": "US"},
        {"funding_source": "nope"},
        {"lead": "nope"},
        {"date_from": "yesterday"},
        {"date_from": "2027-01-01", "date_to": "2026-01-01"},
        {"page": "999"},
        {"page": "abc"},
    ],
)
def test_invalid_values_give_a_message_not_an_error(client, portfolio, query):
    response = client.get(DIRECTORY_URL, query)
    assert response.status_code == 200
    assert "Some of your choices could not be used" in response.content.decode()


def test_the_lead_is_found_by_words_of_its_name_accents_aside(client, portfolio):
    agency = OrganisationFactory(name="Agence régionale de développement", country="FR")
    InitiativeFactory(proposer=contact_user(agency), title="Regional agencies exchange")
    response = client.get(DIRECTORY_URL, {"lead": "danish clus"})
    assert set(titles_in_directory(response)) == {"Hydrogen valleys partnership"}
    response = client.get(DIRECTORY_URL, {"lead": "AGENCE regionale"})
    assert set(titles_in_directory(response)) == {"Regional agencies exchange"}


def test_a_lead_name_nobody_has_is_said_next_to_the_field(client, portfolio):
    response = client.get(DIRECTORY_URL, {"lead": "Atlantis agency", "country": "FR"})
    page = response.content.decode()
    assert "No organisation’s name has the words “Atlantis agency”." in page
    # The other filters still apply.
    assert set(titles_in_directory(response)) == {"Circular textiles pilot"}


def test_an_invalid_filter_leaves_the_others_applied(client, portfolio):
    response = client.get(DIRECTORY_URL, {"country": "FR", "status": "sleeping"})
    assert set(titles_in_directory(response)) == {"Circular textiles pilot"}


def test_filters_are_kept_in_the_form_the_pages_and_the_csv_link(client, portfolio):
    html = client.get(DIRECTORY_URL, {"country": "FR"}).content.decode()
    assert '<option value="FR" selected>' in html
    assert f"{CSV_URL}?country=FR" in html


def test_empty_directory_says_so(client):
    html = client.get(DIRECTORY_URL).content.decode()
    assert "0 initiatives" in html
    assert "No initiative matches these filters." in html


def test_pagination(client, settings):
    for number in range(27):
        InitiativeFactory(title=f"Initiative number {number}")
    first = client.get(DIRECTORY_URL)
    second = client.get(DIRECTORY_URL, {"page": 2})
    assert len(titles_in_directory(first)) == 25
    assert len(titles_in_directory(second)) == 2
    assert "27 initiatives" in second.content.decode()


def test_the_directory_is_linked_from_the_navigation_and_the_home_page(client):
    home = client.get(reverse("home")).content.decode()
    assert f'<a href="{DIRECTORY_URL}">Joint initiatives</a>' in home
    nav = re.search(r'<nav class="site-nav".*?</nav>', home, re.S).group(0)
    assert DIRECTORY_URL in nav


def test_csv_has_the_filtered_list_with_public_fields_only(client, portfolio):
    response = client.get(CSV_URL, {"country": "DK"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = csv_rows(response)
    assert rows[0][0] == "Title"
    assert [row[0] for row in rows[1:]] == ["Hydrogen valleys partnership"]
    text = response.content.decode("utf-8-sig")
    assert "@" not in text  # no e-mail address, no person


def test_csv_neutralises_formulas(client, portfolio):
    rows = csv_rows(client.get(CSV_URL, {"country": "AT"}))
    assert rows[1][0] == "'=HYPERLINK(1) spreadsheet trap"
    assert rows[1][2] == "'-2 starts like a formula."


def test_csv_with_invalid_filters_is_not_an_error(client, portfolio):
    response = client.get(CSV_URL, {"status": "sleeping", "country": "FR"})
    assert response.status_code == 200
    assert [row[0] for row in csv_rows(response)[1:]] == ["Circular textiles pilot"]


@pytest.mark.parametrize("count", [3, 40])
def test_query_count_does_not_grow_with_rows(
    client, django_assert_max_num_queries, green, count, member
):
    for number in range(count):
        InitiativeFactory(title=f"Initiative {number}", themes=[green])
    client.force_login(member)
    with django_assert_max_num_queries(DIRECTORY_MAX_QUERIES):
        response = client.get(DIRECTORY_URL, {"theme": "green-transition"})
    assert response.status_code == 200
    with django_assert_max_num_queries(CSV_MAX_QUERIES):
        response = client.get(CSV_URL, {"theme": "green-transition"})
    assert len(csv_rows(response)) == count + 1
