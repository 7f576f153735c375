"""The public member directory and its CSV download."""

import csv
import io
import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import FoundingNetwork, Organisation, OrganisationKind
from tests.members.factories import (
    ClusterProgrammeFactory,
    ContactFactory,
    OrganisationFactory,
    PolicyThemeFactory,
    RegionalAuthorityFactory,
    RepresentativeFactory,
)

pytestmark = pytest.mark.django_db

DIRECTORY_URL = reverse("members:organisation_list")
CSV_URL = reverse("members:organisation_list_csv")
# Count, rows, their themes, and the theme filter's choices: the same with 5 rows or 200.
DIRECTORY_MAX_QUERIES = 5
# Rows, their themes, their programmes (and the theme filter's lookup when one is given).
CSV_MAX_QUERIES = 4


def names_in_directory(response):
    """Organisation names in the results table, in the order shown."""
    return re.findall(
        r'<th scope="row">.*?<a href="[^"]+">([^<]+)</a>', response.content.decode(), re.S
    )


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def themes():
    return {
        "green": PolicyThemeFactory(slug="green-transition", name="Green transition"),
        "digital": PolicyThemeFactory(slug="digital-transition", name="Digital transition"),
    }


@pytest.fixture
def alliance(themes):
    """A small alliance: organisations that differ in every filtered attribute."""
    lyon = RegionalAuthorityFactory(
        name="Auvergne-Rhône-Alpes Regional Council",
        country="FR",
        region_code="FR-ARA",
        nuts_code="FRK",
        founding_network=FoundingNetwork.CLUNET,
        member_since=date(2010, 5, 1),
        description="Regional council of Auvergne-Rhône-Alpes.",
    )
    lyon.themes.add(themes["green"])
    ClusterProgrammeFactory(organisation=lyon, name="Pôles de compétitivité regionaux")
    berlin = RegionalAuthorityFactory(
        name="Berlin Innovation Agency",
        country="DE",
        region_code="DE-BE",
        founding_network=FoundingNetwork.INNET,
        member_since=date(2020, 1, 15),
        description="Runs the joint innovation strategy of Berlin and Brandenburg.",
    )
    berlin.themes.add(themes["digital"], themes["green"])
    ClusterProgrammeFactory(organisation=berlin, name="Cluster management Berlin")
    ClusterProgrammeFactory(organisation=berlin, name="Hydrogen cluster support")
    vienna = OrganisationFactory(
        name="Austrian Cluster Platform",
        kind=OrganisationKind.NATIONAL_AUTHORITY,
        country="AT",
        founding_network=FoundingNetwork.CEE_CLUSTERNETWORK,
        member_since=date(2008, 1, 10),
        description="National platform of the Austrian cluster initiatives.",
    )
    vienna.themes.add(themes["digital"])
    paris = OrganisationFactory(
        name="Bpifrance Cluster Office",
        kind=OrganisationKind.FUNDING_AGENCY,
        country="FR",
        member_since=date(2024, 3, 1),
        description="Funds cluster programmes in France.",
    )
    suspended = OrganisationFactory(
        name="Suspended Agency",
        country="FR",
        membership_status=Organisation.MembershipStatus.SUSPENDED,
    )
    return {
        "lyon": lyon,
        "berlin": berlin,
        "vienna": vienna,
        "paris": paris,
        "suspended": suspended,
    }


# --- Listing -----------------------------------------------------------------------------------


def test_directory_lists_active_members_by_name_with_their_details(client, alliance):
    response = client.get(DIRECTORY_URL)
    assert response.status_code == 200
    assert names_in_directory(response) == [
        "Austrian Cluster Platform",
        "Auvergne-Rhône-Alpes Regional Council",
        "Berlin Innovation Agency",
        "Bpifrance Cluster Office",
    ]
    html = response.content.decode()
    assert "Suspended Agency" not in html
    assert "4 organisations" in html
    berlin_row = re.search(
        r'<tr>\s*<th scope="row">[^<]*<a href="/members/[^"]+/">Berlin.*?</tr>', html, re.S
    ).group(0)
    assert f'href="{alliance["berlin"].get_absolute_url()}"' in berlin_row
    for shown in [
        "Regional public authority",
        "Germany",
        "Berlin",
        "Digital transition",
        "Green transition",
        "<td>2</td>",
    ]:
        assert shown in berlin_row


def test_a_logo_is_shown_with_alt_text(client, alliance):
    Organisation.objects.filter(pk=alliance["vienna"].pk).update(logo="logos/acp.png")
    html = client.get(DIRECTORY_URL).content.decode()
    assert re.search(
        rf'<img [^>]*src="/members/{alliance["vienna"].slug}/logo/\?v=\d+"[^>]*'
        r'alt="Logo of Austrian Cluster Platform"',
        html,
    )


def test_the_directory_is_linked_from_the_navigation_and_the_home_page(client):
    home = client.get(reverse("home")).content.decode()
    nav = re.search(r'<nav class="site-nav".*?</nav>', home, re.S).group(0)
    assert f'href="{DIRECTORY_URL}"' in nav
    assert f'<h3><a href="{DIRECTORY_URL}">Member directory</a></h3>' in home
    directory_nav = re.search(
        r'<nav class="site-nav".*?</nav>', client.get(DIRECTORY_URL).content.decode(), re.S
    ).group(0)
    assert f'<a href="{DIRECTORY_URL}" aria-current="page">Member directory</a>' in directory_nav


def test_empty_directory_says_so(client):
    html = client.get(DIRECTORY_URL).content.decode()
    assert "0 organisations" in html
    assert "No member organisation matches these filters." in html


# --- Filters ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"country": "FR"}, ["Auvergne-Rhône-Alpes Regional Council", "Bpifrance Cluster Office"]),
        ({"region": "DE-BE"}, ["Berlin Innovation Agency"]),
        ({"country": "DE", "region": "DE-BE"}, ["Berlin Innovation Agency"]),
        ({"kind": "national"}, ["Austrian Cluster Platform"]),
        (
            {"kind": "regional"},
            ["Auvergne-Rhône-Alpes Regional Council", "Berlin Innovation Agency"],
        ),
        (
            {"theme": "green-transition"},
            ["Auvergne-Rhône-Alpes Regional Council", "Berlin Innovation Agency"],
        ),
        ({"founding_network": "cee-clusternetwork"}, ["Austrian Cluster Platform"]),
        ({"country": "FR", "kind": "regional"}, ["Auvergne-Rhône-Alpes Regional Council"]),
        ({"theme": "digital-transition", "kind": "national"}, ["Austrian Cluster Platform"]),
        ({"country": "AT", "theme": "green-transition"}, []),
    ],
)
def test_each_filter_and_their_combinations(client, alliance, query, expected):
    response = client.get(DIRECTORY_URL, query)
    assert response.status_code == 200
    assert names_in_directory(response) == expected
    html = response.content.decode()
    assert "could not be used" not in html
    assert f"{len(expected)} organisation" in html


def test_filter_form_keeps_the_chosen_values(client, alliance):
    html = client.get(DIRECTORY_URL, {"country": "FR", "q": "council"}).content.decode()
    assert '<option value="FR" selected>France</option>' in html
    assert 'value="council"' in html
    assert 'method="get"' in html  # the URL of the results can be shared and bookmarked


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("berlin", ["Berlin Innovation Agency"]),  # name
        ("brandenburg", ["Berlin Innovation Agency"]),  # description
        ("compétitivité", ["Auvergne-Rhône-Alpes Regional Council"]),  # a programme's name
        ("HYDROGEN", ["Berlin Innovation Agency"]),  # any case
        ("cluster france", ["Bpifrance Cluster Office"]),  # every word must match
        ("nothing-like-this", []),
    ],
)
def test_text_search_over_names_descriptions_and_programmes(client, alliance, words, expected):
    response = client.get(DIRECTORY_URL, {"q": words})
    assert names_in_directory(response) == expected


def test_an_organisation_with_several_matching_programmes_is_listed_once(client, alliance):
    # "cluster" is in two of Berlin's programme names and in its name too.
    response = client.get(DIRECTORY_URL, {"q": "cluster", "region": "DE-BE"})
    assert names_in_directory(response) == ["Berlin Innovation Agency"]
    assert "1 organisation" in response.content.decode()
    csv_response = client.get(CSV_URL, {"q": "cluster", "region": "DE-BE"})
    assert len(csv_rows(csv_response)) == 2  # the header and one organisation


# --- Sorting -----------------------------------------------------------------------------------


def test_sorting_by_newest_members_first(client, alliance):
    response = client.get(DIRECTORY_URL, {"ordering": "newest"})
    assert names_in_directory(response) == [
        "Bpifrance Cluster Office",
        "Berlin Innovation Agency",
        "Auvergne-Rhône-Alpes Regional Council",
        "Austrian Cluster Platform",
    ]


def test_sorting_by_country_uses_the_country_names(client):
    # By code CZ would come before HR; by name Croatia comes before Czechia.
    OrganisationFactory(name="A Czech agency", country="CZ")
    OrganisationFactory(name="B Croatian agency", country="HR")
    OrganisationFactory(name="C Austrian agency", country="AT")
    response = client.get(DIRECTORY_URL, {"ordering": "country"})
    assert names_in_directory(response) == [
        "C Austrian agency",
        "B Croatian agency",
        "A Czech agency",
    ]


def test_sorting_by_country_follows_the_readers_language(client):
    # In English Austria comes before Germany; in German Deutschland comes before Österreich.
    OrganisationFactory(name="Austrian", country="AT")
    OrganisationFactory(name="German", country="DE")
    english = names_in_directory(client.get(DIRECTORY_URL, {"ordering": "country"}))
    german = names_in_directory(
        client.get(DIRECTORY_URL, {"ordering": "country"}, headers={"accept-language": "de"})
    )
    assert english == ["Austrian", "German"]
    assert german == ["German", "Austrian"]


# --- Pagination --------------------------------------------------------------------------------


@pytest.fixture
def many_austrian_agencies():
    for number in range(30):
        OrganisationFactory(name=f"Agency {number:02d}", country="AT")
    OrganisationFactory(name="Agency in Belgium", country="BE")


def test_pagination_shows_25_a_page_and_keeps_the_filters(client, many_austrian_agencies):
    first = client.get(DIRECTORY_URL, {"country": "AT"})
    html = first.content.decode()
    assert len(names_in_directory(first)) == 25
    assert "30 organisations" in html
    nav = re.search(r'<nav class="pagination" aria-label="[^"]+">.*?</nav>', html, re.S).group(0)
    assert 'href="?country=AT&amp;page=2"' in nav
    assert 'aria-current="page"' in nav
    assert "Next page" in nav

    second = client.get(DIRECTORY_URL, {"country": "AT", "page": "2"})
    assert names_in_directory(second) == [f"Agency {number}" for number in range(25, 30)]
    assert 'href="?country=AT&amp;page=1"' in second.content.decode()
    assert "Agency in Belgium" not in second.content.decode()


def test_the_csv_link_carries_the_filters_but_not_the_page(client, many_austrian_agencies):
    html = client.get(DIRECTORY_URL, {"country": "AT", "page": "2"}).content.decode()
    assert f'href="{CSV_URL}?country=AT"' in html


# --- Invalid values ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"country": "US"}, "“US” is not an eligible country."),
        ({"country": "<script>"}, "“&lt;script&gt;” is not an eligible country."),
        ({"region": "XX-99"}, "“XX-99” is not a region we know."),
        (
            {"country": "FR", "region": "DE-BE"},
            "Berlin is not in France. Choose a region of France, or any region.",
        ),
        ({"kind": "ngo"}, "“ngo” is not a kind of organisation."),
        ({"theme": "no-such-theme"}, "There is no policy theme “no-such-theme”."),
        ({"founding_network": "other"}, "“other” is not a founding network."),
        ({"ordering": "-pk"}, "“-pk” is not a way to sort; sorted by name instead."),
        ({"page": "abc"}, "There is no page “abc”; showing page 1."),
        ({"page": "0"}, "There is no page “0”; showing page 1."),
        ({"q": "x" * 500}, "Ensure this value has at most 200 characters"),
    ],
)
def test_invalid_values_give_a_clear_message_not_an_error(client, alliance, query, message):
    response = client.get(DIRECTORY_URL, query)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Some of your choices could not be used" in html
    assert message in html
    # The invalid value is left out; the directory still lists members.
    assert names_in_directory(response)


def test_a_region_of_another_country_still_applies_the_country(client, alliance):
    response = client.get(DIRECTORY_URL, {"country": "FR", "region": "DE-BE"})
    assert names_in_directory(response) == [
        "Auvergne-Rhône-Alpes Regional Council",
        "Bpifrance Cluster Office",
    ]
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_region_error"' in html


def test_a_page_past_the_end_shows_the_last_page(client, many_austrian_agencies):
    response = client.get(DIRECTORY_URL, {"country": "AT", "page": "9999"})
    assert response.status_code == 200
    assert "There is no page “9999”; showing page 2." in response.content.decode()
    assert len(names_in_directory(response)) == 5


def test_invalid_values_in_the_csv_are_left_out_not_an_error(client, alliance):
    response = client.get(CSV_URL, {"country": "US", "kind": "regional", "page": "abc"})
    assert response.status_code == 200
    assert [row[0] for row in csv_rows(response)[1:]] == [
        "Auvergne-Rhône-Alpes Regional Council",
        "Berlin Innovation Agency",
    ]


# --- CSV -------------------------------------------------------------------------------------


def test_csv_download_has_the_directory_columns(client, alliance):
    response = client.get(CSV_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="eca-member-directory-{today}.csv"'
    )
    rows = csv_rows(response)
    assert rows[0] == [
        "Name",
        "Kind",
        "Country",
        "Region",
        "NUTS code",
        "Website",
        "Policy themes",
        "Founding network",
        "Member since",
        "Cluster programmes",
    ]
    assert [row[0] for row in rows[1:]] == [
        "Austrian Cluster Platform",
        "Auvergne-Rhône-Alpes Regional Council",
        "Berlin Innovation Agency",
        "Bpifrance Cluster Office",
    ]
    berlin = rows[3]
    assert berlin == [
        "Berlin Innovation Agency",
        "Regional public authority",
        "Germany",
        "Berlin",
        "",
        alliance["berlin"].website,
        "Digital transition; Green transition",
        "INNET",
        "2020-01-15",
        "Cluster management Berlin; Hydrogen cluster support",
    ]
    assert rows[2][4] == "FRK"


def test_csv_applies_the_same_filters_and_sorting_as_the_page(client, alliance):
    query = {"country": "FR", "ordering": "newest"}
    page_names = names_in_directory(client.get(DIRECTORY_URL, query))
    csv_names = [row[0] for row in csv_rows(client.get(CSV_URL, query))[1:]]
    assert (
        csv_names
        == page_names
        == [
            "Bpifrance Cluster Office",
            "Auvergne-Rhône-Alpes Regional Council",
        ]
    )
    assert [row[0] for row in csv_rows(client.get(CSV_URL, {"q": "hydrogen"}))[1:]] == [
        "Berlin Innovation Agency"
    ]


def test_csv_has_no_personal_data(client, alliance):
    ContactFactory(
        organisation=alliance["berlin"],
        user__full_name="Jana Schmidt",
        user__email="jana.schmidt@berlin.example.de",
    )
    RepresentativeFactory(
        organisation=alliance["berlin"],
        user__full_name="Otto Weber",
        user__email="otto.weber@berlin.example.de",
    )
    text = client.get(CSV_URL).content.decode("utf-8-sig")
    assert "@" not in text
    assert "Jana Schmidt" not in text and "Otto Weber" not in text


def test_csv_neutralises_spreadsheet_formulas(client):
    OrganisationFactory(
        name='=HYPERLINK("https://evil.example","Click")',
        description="harmless",
        website="https://agency.example.eu",
    )
    ClusterProgrammeFactory(
        organisation=Organisation.objects.get(),
        name="@SUM(A1:A9)",
    )
    OrganisationFactory(name="+cmd|' /C calc'!A0")
    OrganisationFactory(name="-2+3")
    rows = csv_rows(client.get(CSV_URL))[1:]
    names = sorted(row[0] for row in rows)
    assert names == sorted(
        [
            '\'=HYPERLINK("https://evil.example","Click")',
            "'+cmd|' /C calc'!A0",
            "'-2+3",
        ]
    )
    hyperlink_row = next(row for row in rows if "HYPERLINK" in row[0])
    assert hyperlink_row[9] == "'@SUM(A1:A9)"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


# --- Query counts ------------------------------------------------------------------------------


def _populate(count, themes):
    for number in range(count):
        organisation = OrganisationFactory(name=f"Organisation {number:03d}")
        organisation.themes.add(themes["green"], themes["digital"])
        ClusterProgrammeFactory(organisation=organisation, name=f"Programme {number} A")
        ClusterProgrammeFactory(organisation=organisation, name=f"Programme {number} B")
        ContactFactory(organisation=organisation)


@pytest.mark.parametrize("count", [5, 200])
@pytest.mark.parametrize(
    "query",
    [{}, {"theme": "green-transition", "q": "programme", "ordering": "country", "page": "2"}],
    ids=["unfiltered", "filtered"],
)
def test_directory_queries_do_not_grow_with_the_rows(
    client, themes, count, query, django_assert_max_num_queries
):
    _populate(count, themes)
    with django_assert_max_num_queries(DIRECTORY_MAX_QUERIES):
        response = client.get(DIRECTORY_URL, query)
    assert response.status_code == 200
    # Page 2 of 5 rows falls back to page 1: a full page, or all the rows, either way.
    assert len(names_in_directory(response)) == min(count, 25)


@pytest.mark.parametrize("count", [5, 200])
@pytest.mark.parametrize(
    "query", [{}, {"theme": "green-transition", "q": "programme"}], ids=["all", "filtered"]
)
def test_csv_queries_do_not_grow_with_the_rows(
    client, themes, count, query, django_assert_max_num_queries
):
    _populate(count, themes)
    with django_assert_max_num_queries(CSV_MAX_QUERIES):
        response = client.get(CSV_URL, query)
    rows = csv_rows(response)
    assert len(rows) == count + 1
    assert rows[1][9] == "Programme 0 A; Programme 0 B"


def test_the_region_list_holds_the_chosen_countrys_regions_only(client, alliance):
    html = client.get(DIRECTORY_URL).content.decode()
    assert 'value="DE-BE"' not in html
    assert "Choose a country and show the members to list its regions." in html
    html = client.get(DIRECTORY_URL, {"country": "DE"}).content.decode()
    assert '<option value="DE-BE">Berlin</option>' in html
    assert 'value="FR-ARA"' not in html
    # A region alone (a shared link) is kept, and shown as chosen.
    html = client.get(DIRECTORY_URL, {"region": "DE-BE"}).content.decode()
    assert '<option value="DE-BE" selected>Berlin</option>' in html
