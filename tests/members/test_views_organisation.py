"""An organisation's profile, and what its contacts and the secretariat manage on it."""

import io
import os
import re
from datetime import date

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from members.models import (
    LOGO_MAX_BYTES,
    ClusterProgramme,
    FoundingNetwork,
    MembershipStatusChange,
    Organisation,
    OrganisationKind,
    Representative,
    RepresentativeInvitation,
)
from tests.members.factories import (
    ClusterProgrammeFactory,
    ContactFactory,
    MembershipApplicationFactory,
    OrganisationFactory,
    PolicyThemeFactory,
    RepresentativeFactory,
)

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "non_member",
    "applicant",
    "representative",
    "contact",
    "other_contact",
    "secretariat",
]
MANAGERS = {"contact", "secretariat"}
EMAIL_PATTERN = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# A signed-in request costs about nine queries whatever the page (user, session and its save,
# allauth's user-session record, permissions, savepoints). The profile adds six: organisation,
# themes, programmes, representatives with their users, and the viewer's seat and organisation.
PROFILE_MAX_QUERIES = 18
# The representatives page: organisation, the viewer's seat, representatives, invitations.
REPRESENTATIVES_PAGE_MAX_QUERIES = 16


@pytest.fixture
def organisation():
    organisation = OrganisationFactory(
        name="Lower Austria Business Agency",
        slug="lower-austria-business-agency",
        kind=OrganisationKind.REGIONAL_AUTHORITY,
        country="AT",
        region_code="AT-3",
        nuts_code="AT12",
        website="https://business-agency.example.at",
        description="Manages the cluster programme of Lower Austria.",
        founding_network=FoundingNetwork.CEE_CLUSTERNETWORK,
        member_since=date(2009, 6, 1),
    )
    organisation.themes.add(
        PolicyThemeFactory(slug="cluster-excellence", name="Cluster excellence")
    )
    return organisation


@pytest.fixture
def contact(organisation):
    return ContactFactory(
        organisation=organisation,
        position="Head of clusters",
        user__full_name="Karin Huber",
        user__email="karin.huber@business-agency.example.at",
    )


@pytest.fixture
def officer(organisation):
    return RepresentativeFactory(
        organisation=organisation,
        position="Cluster policy officer",
        user__full_name="Lukas Gruber",
        user__email="lukas.gruber@business-agency.example.at",
    )


@pytest.fixture
def other_contact():
    return ContactFactory(
        organisation=OrganisationFactory(name="Danish Agency for Cluster Development"),
        user__full_name="Mette Jensen",
        user__email="mette.jensen@clusters.example.dk",
    )


@pytest.fixture
def people(contact, officer, other_contact, verified_user, secretariat_user):
    return {
        "anonymous": None,
        "non_member": verified_user,
        "applicant": MembershipApplicationFactory().applicant,
        "representative": officer.user,
        "contact": contact.user,
        "other_contact": other_contact.user,
        "secretariat": secretariat_user,
    }


@pytest.fixture
def sign_in(client, people):
    def as_role(role):
        client.logout()
        if people[role] is not None:
            client.force_login(people[role])
        return client

    return as_role


@pytest.fixture
def programme(organisation):
    return ClusterProgrammeFactory(
        organisation=organisation,
        name="ecoplus Cluster Programme",
        description="Supports the Lower Austrian clusters.",
        start_year=2021,
        end_year=2027,
        budget_band=ClusterProgramme.BudgetBand.FROM_5_TO_20M,
        instruments=["grants", "training"],
        target_sectors="plastics, mechatronics, food",
        link="https://business-agency.example.at/clusters",
    )


def url(name, organisation, **kwargs):
    return reverse(f"members:{name}", kwargs={"slug": organisation.slug, **kwargs})


def field_errors(html, field_id):
    match = re.search(rf'<ul class="errorlist" id="{field_id}_error">(.*?)</ul>', html, re.S)
    return match.group(1) if match else ""


def png_bytes(size=(40, 20), noise=False, image_format="PNG"):
    if noise:
        image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    else:
        image = Image.new("RGB", size, (0, 51, 153))
    buffer = io.BytesIO()
    image.save(buffer, format=image_format)
    return buffer.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# --- The profile ----------------------------------------------------------------------------


def test_profile_shows_the_organisation_and_its_programmes(client, organisation, programme):
    response = client.get(organisation.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    for shown in [
        "<h1>Lower Austria Business Agency</h1>",
        "Regional public authority",
        "Austria",
        "Niederösterreich",
        "AT12",
        'href="https://business-agency.example.at"',
        "Manages the cluster programme of Lower Austria.",
        "Cluster excellence",
        "CEE-ClusterNetwork",
        "June 1, 2009",
        "Active",
        # The programme.
        'href="https://business-agency.example.at/clusters"',
        "ecoplus Cluster Programme",
        "2021–2027",
        "€5–20 million",
        "Grants, Training and coaching",
        "plastics, mechatronics, food",
        "Supports the Lower Austrian clusters.",
    ]:
        assert shown in html, shown


def test_profile_shows_the_logo_with_alt_text(client, organisation):
    Organisation.objects.filter(pk=organisation.pk).update(logo="logos/ecoplus.png")
    html = client.get(organisation.get_absolute_url()).content.decode()
    assert f'<img class="org-logo" src="/members/{organisation.slug}/logo/?v=' in html
    assert 'alt="Logo of Lower Austria Business Agency"' in html


def test_unknown_organisation_is_a_404(client):
    assert client.get(reverse("members:organisation_detail", args=["nobody"])).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_active_profile_is_public(sign_in, role, organisation):
    assert sign_in(role).get(organisation.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 404),
        ("non_member", 404),
        ("applicant", 404),
        ("other_contact", 404),
        ("representative", 200),
        ("contact", 200),
        ("secretariat", 200),
    ],
)
def test_a_suspended_profile_is_seen_only_by_its_people_and_the_secretariat(
    sign_in, role, status, organisation
):
    Organisation.objects.filter(pk=organisation.pk).update(
        membership_status=Organisation.MembershipStatus.SUSPENDED
    )
    response = sign_in(role).get(organisation.get_absolute_url())
    assert response.status_code == status
    if status == 200:
        assert "This membership is <strong>Suspended</strong>" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "sees_names"),
    [
        ("anonymous", False),
        ("non_member", False),
        ("applicant", False),
        ("representative", True),
        ("contact", True),
        ("other_contact", True),
        ("secretariat", True),
    ],
)
def test_representatives_names_are_for_members_and_emails_for_nobody(
    sign_in, people, role, sees_names, organisation, contact, officer
):
    html = sign_in(role).get(organisation.get_absolute_url()).content.decode()
    assert ("Karin Huber" in html) is sees_names
    assert ("Lukas Gruber" in html) is sees_names
    assert ("Cluster policy officer" in html) is sees_names
    assert not EMAIL_PATTERN.search(html), EMAIL_PATTERN.search(html).group(0)
    if not sees_names:
        assert "shown to members of the alliance" in html


def test_representatives_of_a_suspended_member_do_not_see_other_members_names(
    client, organisation, contact
):
    suspended = OrganisationFactory(membership_status=Organisation.MembershipStatus.SUSPENDED)
    client.force_login(RepresentativeFactory(organisation=suspended).user)
    html = client.get(organisation.get_absolute_url()).content.decode()
    assert "Karin Huber" not in html


@pytest.mark.parametrize("role", ROLES)
def test_profile_actions_depend_on_the_role(sign_in, role, organisation, programme):
    html = sign_in(role).get(organisation.get_absolute_url()).content.decode()
    assert_profile_actions_for(role, html, organisation, programme)


def test_kept_profile_pages_are_never_served_to_another_role(
    sign_in, organisation, programme, contact, officer, django_assert_max_num_queries
):
    """The profile is kept per audience (eca_portal.shared_pages, members.views.organisation
    .profile_audience): whatever the order of visits, each role sees its own page."""
    for _ in range(2):
        for role in ROLES:
            sign_in(role).get(organisation.get_absolute_url())
    for role in reversed(ROLES):
        html = sign_in(role).get(organisation.get_absolute_url()).content.decode()
        assert_profile_actions_for(role, html, organisation, programme)
        assert ("Karin Huber" in html) is (role not in {"anonymous", "non_member", "applicant"})
    # Served from the cache: no organisation, programme or representative is read.
    client = sign_in("other_contact")
    client.get(organisation.get_absolute_url())
    with django_assert_max_num_queries(6):
        assert "Karin Huber" in client.get(organisation.get_absolute_url()).content.decode()


def assert_profile_actions_for(role, html, organisation, programme):
    manages = role in MANAGERS
    assert (url("organisation_edit", organisation) in html) is manages
    assert ("Edit profile" in html) is manages
    assert ("Add a programme" in html) is manages
    assert (url("programme_update", organisation, pk=programme.pk) in html) is manages
    assert (url("programme_delete", organisation, pk=programme.pk) in html) is manages
    assert ("Manage representatives" in html) is manages
    assert (url("membership_status", organisation) in html) is (role == "secretariat")
    asks_to_join = role in {"non_member", "applicant"}
    assert ("Ask to join this organisation" in html) is asks_to_join
    if asks_to_join:
        assert f'href="{url("join_request_create", organisation)}"' in html
    if role == "anonymous":
        assert "Sign in to ask to join it" in html


# --- Who may open the management pages ---------------------------------------------------------


MANAGEMENT_PAGES = [
    "organisation_edit",
    "programme_create",
    "programme_update",
    "programme_delete",
    "representative_manage",
]


def _management_url(name, organisation, programme):
    if name in ("programme_update", "programme_delete"):
        return url(name, organisation, pk=programme.pk)
    return url(name, organisation)


@pytest.mark.parametrize("page", MANAGEMENT_PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_management_pages_are_for_the_contact_and_the_secretariat(
    sign_in, role, page, organisation, programme
):
    address = _management_url(page, organisation, programme)
    response = sign_in(role).get(address)
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    elif role in MANAGERS:
        assert response.status_code == 200
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_membership_status_is_for_the_secretariat_only(sign_in, role, organisation):
    response = sign_in(role).get(url("membership_status", organisation))
    if role == "anonymous":
        assert response.status_code == 302
    else:
        assert response.status_code == (200 if role == "secretariat" else 404)


@pytest.mark.parametrize(
    "role", ["anonymous", "non_member", "applicant", "representative", "other_contact"]
)
def test_posts_by_others_change_nothing(sign_in, role, organisation, programme, contact, officer):
    client = sign_in(role)
    expected = 302 if role == "anonymous" else 404
    posts = [
        (
            url("organisation_edit", organisation),
            {"description": "Defaced", "kind": "regional", "region_code": "AT-3"},
        ),
        (
            url("programme_create", organisation),
            {"name": "Fake", "start_year": "2020", "budget_band": "lt1m"},
        ),
        (
            url("programme_update", organisation, pk=programme.pk),
            {"name": "Renamed", "start_year": "2020", "budget_band": "lt1m"},
        ),
        (url("programme_delete", organisation, pk=programme.pk), {}),
        (
            url("representative_manage", organisation),
            {"action": "remove", "representative": officer.pk},
        ),
        (
            url("representative_manage", organisation),
            {"action": "invite", "invite-email": "x@example.eu", "invite-role": "contact"},
        ),
        (url("membership_status", organisation), {"note": "Suspended by a stranger"}),
    ]
    for address, data in posts:
        assert client.post(address, data).status_code == expected, address
    organisation.refresh_from_db()
    assert organisation.description == "Manages the cluster programme of Lower Austria."
    assert organisation.is_active_member
    assert list(organisation.programmes.values_list("name", flat=True)) == [
        "ecoplus Cluster Programme"
    ]
    assert Representative.objects.filter(pk=officer.pk).exists()
    assert not RepresentativeInvitation.objects.exists()


def test_a_programme_of_another_organisation_is_a_404(client, organisation, contact):
    foreign = ClusterProgrammeFactory()
    client.force_login(contact.user)
    for name in ("programme_update", "programme_delete"):
        assert client.get(url(name, organisation, pk=foreign.pk)).status_code == 404
    assert client.post(url("programme_delete", organisation, pk=foreign.pk)).status_code == 404
    assert ClusterProgramme.objects.filter(pk=foreign.pk).exists()


# --- Editing the profile ---------------------------------------------------------------------


def profile_data(**overrides):
    data = {
        "description": "Runs the cluster programme of Lower Austria since 2001.",
        "website": "https://www.ecoplus.example.at",
        "kind": "regional",
        "region_code": "AT-3",
        "nuts_code": "at12",
        "themes": [],
        "name": "ecoplus",
        "founding_network": "",
    }
    data.update(overrides)
    return data


def test_contact_edits_the_profile(client, organisation, contact):
    theme = PolicyThemeFactory(slug="green-transition", name="Green transition")
    client.force_login(contact.user)
    form_html = client.get(url("organisation_edit", organisation)).content.decode()
    assert 'name="name"' not in form_html  # the secretariat's fields
    assert 'name="founding_network"' not in form_html
    assert '<optgroup label="Austria">' in form_html and '<optgroup label="France">' in form_html
    assert 'type="checkbox" name="themes"' in form_html
    response = client.post(
        url("organisation_edit", organisation), profile_data(themes=[theme.pk]), follow=True
    )
    assert response.redirect_chain[-1][0] == organisation.get_absolute_url()
    assert "The profile was saved." in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.description == "Runs the cluster programme of Lower Austria since 2001."
    assert organisation.website == "https://www.ecoplus.example.at"
    assert organisation.nuts_code == "AT12"
    assert list(organisation.themes.all()) == [theme]
    # A contact cannot rename the organisation nor change its founding network.
    assert organisation.name == "Lower Austria Business Agency"
    assert organisation.founding_network == FoundingNetwork.CEE_CLUSTERNETWORK


def test_secretariat_also_edits_name_and_founding_network(client, organisation, secretariat_user):
    client.force_login(secretariat_user)
    form_html = client.get(url("organisation_edit", organisation)).content.decode()
    assert 'name="name"' in form_html and 'name="founding_network"' in form_html
    response = client.post(
        url("organisation_edit", organisation),
        profile_data(name="ecoplus Business Agency", founding_network="innet"),
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == "ecoplus Business Agency"
    assert organisation.founding_network == FoundingNetwork.INNET


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"region_code": "FR-ARA"},
            "id_region_code",
            "This region is not in the selected country.",
        ),
        ({"region_code": ""}, "id_region_code", "A regional authority must name its region."),
        ({"region_code": "XX-1"}, "id_region_code", "Select a valid choice."),
        ({"nuts_code": "DE21"}, "id_nuts_code", "A NUTS code in this country starts with AT."),
        ({"nuts_code": "12345"}, "id_nuts_code", "Enter a NUTS code such as DE21 or FR1."),
        ({"website": "not a web address"}, "id_website", "Enter a valid URL."),
        ({"kind": "ngo"}, "id_kind", "Select a valid choice."),
        ({"themes": ["999999"]}, "id_themes", "Select a valid choice."),
    ],
)
def test_bad_profile_input_is_shown_next_to_the_field_and_kept(
    client, organisation, contact, overrides, field, message
):
    client.force_login(contact.user)
    data = profile_data(description="A description that must not be lost.", **overrides)
    response = client.post(url("organisation_edit", organisation), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in field_errors(html, field)
    if field != "id_themes":  # a group of checkboxes: its fieldset is described instead
        assert re.search(rf'aria-describedby="[^"]*{field}_error"', html)
    assert "A description that must not be lost." in html
    assert "Please correct the following" in html
    organisation.refresh_from_db()
    assert organisation.description == "Manages the cluster programme of Lower Austria."
    # The heading keeps the saved name, whatever was typed.
    assert "Edit the profile of Lower Austria Business Agency" in html


def test_a_valid_logo_is_saved(client, organisation, contact, media):
    client.force_login(contact.user)
    logo = SimpleUploadedFile("ecoplus.png", png_bytes(), content_type="image/png")
    response = client.post(url("organisation_edit", organisation), profile_data(logo=logo))
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.logo.name.startswith("logos/ecoplus")
    assert (media / organisation.logo.name).exists()
    profile = client.get(organisation.get_absolute_url()).content.decode()
    assert f'src="{organisation.logo_url}"' in profile


def test_the_logo_is_kept_unless_cleared(client, organisation, contact, media):
    client.force_login(contact.user)
    logo = SimpleUploadedFile("ecoplus.png", png_bytes(), content_type="image/png")
    client.post(url("organisation_edit", organisation), profile_data(logo=logo))
    organisation.refresh_from_db()
    saved_logo = organisation.logo.name
    client.post(url("organisation_edit", organisation), profile_data(description="New text"))
    organisation.refresh_from_db()
    assert organisation.logo.name == saved_logo
    assert organisation.description == "New text"
    client.post(url("organisation_edit", organisation), profile_data(**{"logo-clear": "on"}))
    organisation.refresh_from_db()
    assert not organisation.logo


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("logo.png", b"this is not an image at all", "Upload a valid image."),
        ("logo.png", png_bytes(image_format="GIF"), "The logo must be a PNG, JPEG or WebP image."),
        ("logo.gif", png_bytes(image_format="GIF"), "The logo must be a PNG, JPEG or WebP image."),
        ("logo.png", png_bytes(size=(700, 700), noise=True), "The logo must be 1 MB or smaller."),
    ],
    ids=["not-an-image", "gif-named-png", "gif", "too-large"],
)
def test_a_bad_logo_is_a_field_error(
    client, organisation, contact, media, filename, content, message
):
    if "1 MB" in message:
        assert len(content) > LOGO_MAX_BYTES
    client.force_login(contact.user)
    logo = SimpleUploadedFile(filename, content)
    response = client.post(url("organisation_edit", organisation), profile_data(logo=logo))
    assert response.status_code == 200
    assert message in field_errors(response.content.decode(), "id_logo")
    organisation.refresh_from_db()
    assert not organisation.logo


# --- Programmes ----------------------------------------------------------------------------------


def programme_data(**overrides):
    data = {
        "name": "Cluster Excellence Lower Austria",
        "description": "Grants for cluster managements.",
        "start_year": "2022",
        "end_year": "2028",
        "budget_band": "1-5m",
        "instruments": ["grants", "internationalisation"],
        "target_sectors": "food, plastics",
        "link": "https://business-agency.example.at/excellence",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("role", ["contact", "secretariat"])
def test_contact_or_secretariat_adds_a_programme(sign_in, role, organisation):
    client = sign_in(role)
    form_html = client.get(url("programme_create", organisation)).content.decode()
    assert 'type="checkbox" name="instruments" value="vouchers"' in form_html
    response = client.post(url("programme_create", organisation), programme_data(), follow=True)
    assert response.redirect_chain[-1][0] == organisation.get_absolute_url() + "#programmes"
    html = response.content.decode()
    assert "The programme “Cluster Excellence Lower Austria” was added." in html
    programme = organisation.programmes.get()
    assert programme.instruments == ["grants", "internationalisation"]
    assert (programme.start_year, programme.end_year) == (2022, 2028)
    assert "Grants, Internationalisation support" in html


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"end_year": "2019"}, "id_end_year", "The last year cannot be before the first."),
        ({"start_year": "1800"}, "id_start_year", "greater than or equal to 1950"),
        ({"start_year": "soon"}, "id_start_year", "Enter a whole number."),
        ({"start_year": ""}, "id_start_year", "This field is required."),
        ({"name": ""}, "id_name", "This field is required."),
        ({"budget_band": "priceless"}, "id_budget_band", "Select a valid choice."),
        ({"instruments": ["bribes"]}, "id_instruments", "Select a valid choice."),
        ({"link": "javascript:alert(1)"}, "id_link", "Enter a valid URL."),
    ],
)
def test_bad_programme_input_is_shown_next_to_the_field_and_kept(
    client, organisation, contact, overrides, field, message
):
    client.force_login(contact.user)
    response = client.post(url("programme_create", organisation), programme_data(**overrides))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in field_errors(html, field)
    assert "Grants for cluster managements." in html  # what was typed is still there
    assert not organisation.programmes.exists()


def test_contact_edits_a_programme(client, organisation, contact, programme):
    client.force_login(contact.user)
    form_html = client.get(url("programme_update", organisation, pk=programme.pk)).content.decode()
    assert 'value="ecoplus Cluster Programme"' in form_html
    response = client.post(
        url("programme_update", organisation, pk=programme.pk),
        programme_data(name="ecoplus Cluster Programme 2028", end_year=""),
    )
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.name == "ecoplus Cluster Programme 2028"
    assert programme.end_year is None
    bad = client.post(
        url("programme_update", organisation, pk=programme.pk), programme_data(end_year="2000")
    )
    assert "The last year cannot be before the first." in bad.content.decode()
    # The heading names the saved programme, not what was typed.
    assert "Edit the programme “ecoplus Cluster Programme 2028”" in bad.content.decode()


def test_deleting_a_programme_asks_first(client, organisation, contact, programme):
    client.force_login(contact.user)
    confirm = client.get(url("programme_delete", organisation, pk=programme.pk))
    assert confirm.status_code == 200
    assert "Delete the programme “ecoplus Cluster Programme”?" in confirm.content.decode()
    assert ClusterProgramme.objects.filter(pk=programme.pk).exists()
    response = client.post(url("programme_delete", organisation, pk=programme.pk), follow=True)
    assert "The programme “ecoplus Cluster Programme” was deleted." in response.content.decode()
    assert not ClusterProgramme.objects.filter(pk=programme.pk).exists()


# --- Representatives -----------------------------------------------------------------------------


def manage(client, organisation, data, **kwargs):
    return client.post(url("representative_manage", organisation), data, **kwargs)


def test_representatives_page_lists_people_and_pending_invitations(
    client, organisation, contact, officer
):
    RepresentativeInvitation.objects.create(
        organisation=organisation,
        email="new.colleague@business-agency.example.at",
        invited_by=contact.user,
    )
    client.force_login(contact.user)
    html = client.get(url("representative_manage", organisation)).content.decode()
    for shown in [
        "Karin Huber",
        "Head of clusters",
        "Lukas Gruber",
        "Cluster policy officer",
        "new.colleague@business-agency.example.at",
        "Invite a colleague",
        "Hand over and remove",
    ]:
        assert shown in html
    # People are listed without their email addresses.
    assert "karin.huber@" not in html and "lukas.gruber@" not in html


def test_contact_promotes_a_representative(client, organisation, contact, officer):
    client.force_login(contact.user)
    response = manage(
        client,
        organisation,
        {
            "action": "role",
            "representative": officer.pk,
            f"role-{officer.pk}-role": "contact",
        },
        follow=True,
    )
    assert "The role of Lukas Gruber is now “Contact”." in response.content.decode()
    officer.refresh_from_db()
    assert officer.role == Representative.Role.CONTACT


def test_the_last_contact_cannot_be_demoted_or_removed(client, organisation, contact, officer):
    client.force_login(contact.user)
    demote = manage(
        client,
        organisation,
        {
            "action": "role",
            "representative": contact.pk,
            f"role-{contact.pk}-role": "representative",
        },
    )
    assert demote.status_code == 200
    html = demote.content.decode()
    assert "An organisation must keep at least one contact. Name another contact first." in html
    assert "Nothing was changed" in html
    remove = manage(client, organisation, {"action": "remove", "representative": contact.pk})
    assert remove.status_code == 200
    assert (
        "An organisation must keep at least one contact. Hand over the role first."
        in remove.content.decode()
    )
    contact.refresh_from_db()
    assert contact.role == Representative.Role.CONTACT


def test_an_invalid_role_is_a_field_error(client, organisation, contact, officer):
    client.force_login(contact.user)
    response = manage(
        client,
        organisation,
        {
            "action": "role",
            "representative": officer.pk,
            f"role-{officer.pk}-role": "boss",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice." in field_errors(
        response.content.decode(), f"id_role-{officer.pk}-role"
    )
    officer.refresh_from_db()
    assert officer.role == Representative.Role.REPRESENTATIVE


def test_contact_removes_a_representative(client, organisation, contact, officer):
    client.force_login(contact.user)
    response = manage(
        client, organisation, {"action": "remove", "representative": officer.pk}, follow=True
    )
    assert response.redirect_chain[-1][0] == url("representative_manage", organisation)
    assert (
        "Lukas Gruber no longer represents Lower Austria Business Agency."
        in response.content.decode()
    )
    assert not Representative.objects.filter(pk=officer.pk).exists()


def test_a_contact_who_removes_themselves_goes_to_the_profile(
    client, organisation, contact, officer
):
    officer.role = Representative.Role.CONTACT
    officer.save()
    client.force_login(contact.user)
    response = manage(client, organisation, {"action": "remove", "representative": contact.pk})
    assert response.status_code == 302
    assert response["Location"] == organisation.get_absolute_url()
    assert not Representative.objects.filter(pk=contact.pk).exists()


def test_the_only_contact_hands_over_and_leaves(client, organisation, contact, officer):
    client.force_login(contact.user)
    response = manage(
        client,
        organisation,
        {
            "action": "handover",
            "representative": contact.pk,
            f"handover-{contact.pk}-successor": officer.pk,
        },
        follow=True,
    )
    assert (
        "Karin Huber handed over to Lukas Gruber and no longer represents Lower Austria "
        "Business Agency."
    ) in response.content.decode()
    assert not Representative.objects.filter(pk=contact.pk).exists()
    officer.refresh_from_db()
    assert officer.role == Representative.Role.CONTACT


def test_secretariat_hands_over_for_an_organisation(
    client, organisation, contact, officer, secretariat_user
):
    client.force_login(secretariat_user)
    response = manage(
        client,
        organisation,
        {
            "action": "handover",
            "representative": contact.pk,
            f"handover-{contact.pk}-successor": officer.pk,
        },
    )
    assert response["Location"] == url("representative_manage", organisation)
    officer.refresh_from_db()
    assert officer.role == Representative.Role.CONTACT


@pytest.mark.parametrize("successor", ["", "other-organisation", "self", "abc"])
def test_handover_needs_a_colleague_of_the_same_organisation(
    client, organisation, contact, officer, other_contact, successor
):
    value = {"": "", "other-organisation": other_contact.pk, "self": contact.pk, "abc": "abc"}[
        successor
    ]
    client.force_login(contact.user)
    response = manage(
        client,
        organisation,
        {
            "action": "handover",
            "representative": contact.pk,
            f"handover-{contact.pk}-successor": value,
        },
    )
    assert response.status_code == 200
    errors = field_errors(response.content.decode(), f"id_handover-{contact.pk}-successor")
    assert (
        "Choose the colleague who takes over." if not value else "Select a valid choice."
    ) in errors
    assert Representative.objects.filter(pk=contact.pk).exists()
    assert Representative.objects.get(pk=other_contact.pk).organisation_id != organisation.pk


def test_representatives_of_another_organisation_cannot_be_managed_here(
    client, organisation, contact, other_contact
):
    client.force_login(contact.user)
    for data in [
        {"action": "remove", "representative": other_contact.pk},
        {"action": "remove", "representative": "abc"},
        {"action": "remove"},
        {"action": "cancel_invitation", "invitation": "999999"},
    ]:
        assert manage(client, organisation, data).status_code == 404
    assert Representative.objects.filter(pk=other_contact.pk).exists()


def test_an_unknown_action_changes_nothing(client, organisation, contact):
    client.force_login(contact.user)
    response = manage(client, organisation, {"action": "delete_everything"}, follow=True)
    assert "That action is not known. Nothing was changed." in response.content.decode()


def test_contact_invites_a_colleague(
    client, organisation, contact, django_capture_on_commit_callbacks
):
    client.force_login(contact.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = manage(
            client,
            organisation,
            {
                "action": "invite",
                "invite-email": "anna.berger@business-agency.example.at",
                "invite-role": "representative",
            },
            follow=True,
        )
    assert (
        "An invitation was sent to anna.berger@business-agency.example.at."
        in response.content.decode()
    )
    invitation = RepresentativeInvitation.objects.get()
    assert invitation.status == RepresentativeInvitation.Status.PENDING
    assert invitation.invited_by == contact.user
    assert [message.to for message in mail.outbox] == [["anna.berger@business-agency.example.at"]]


@pytest.mark.parametrize(
    ("email", "role", "field", "message"),
    [
        ("not-an-address", "representative", "id_invite-email", "Enter a valid email address."),
        ("", "representative", "id_invite-email", "This field is required."),
        (
            "lukas.gruber@business-agency.example.at",
            "representative",
            "id_invite-email",
            "This person already represents your organisation.",
        ),
        ("someone@example.eu", "chief", "id_invite-role", "Select a valid choice."),
    ],
)
def test_bad_invitations_are_field_errors(
    client, organisation, contact, officer, email, role, field, message
):
    client.force_login(contact.user)
    response = manage(
        client,
        organisation,
        {
            "action": "invite",
            "invite-email": email,
            "invite-role": role,
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert message in field_errors(html, field)
    if email:
        assert f'value="{email}"' in html
    assert not RepresentativeInvitation.objects.exists()
    assert not mail.outbox


def test_the_same_colleague_is_not_invited_twice(client, organisation, contact):
    client.force_login(contact.user)
    data = {"action": "invite", "invite-email": "anna@example.eu", "invite-role": "contact"}
    manage(client, organisation, data)
    response = manage(client, organisation, {**data, "invite-email": "ANNA@example.eu"})
    assert "This person has already been invited." in field_errors(
        response.content.decode(), "id_invite-email"
    )
    assert RepresentativeInvitation.objects.count() == 1


def test_contact_cancels_an_invitation(client, organisation, contact):
    invitation = RepresentativeInvitation.objects.create(
        organisation=organisation, email="anna@example.eu", invited_by=contact.user
    )
    client.force_login(contact.user)
    response = manage(
        client,
        organisation,
        {"action": "cancel_invitation", "invitation": invitation.pk},
        follow=True,
    )
    assert "The invitation to anna@example.eu was cancelled." in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == RepresentativeInvitation.Status.CANCELLED
    assert "No invitation is waiting for an answer." in response.content.decode()


# --- Membership status ------------------------------------------------------------------------


def test_secretariat_suspends_and_reinstates_a_membership(
    client, organisation, contact, secretariat_user, django_capture_on_commit_callbacks
):
    client.force_login(secretariat_user)
    page = client.get(url("membership_status", organisation)).content.decode()
    assert "The membership is <strong>Active</strong>." in page
    assert "Suspend the membership" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("membership_status", organisation),
            {"note": "Fees unpaid for two years."},
            follow=True,
        )
    html = response.content.decode()
    assert "The membership is suspended." in html
    assert "Fees unpaid for two years." in html  # in the history
    assert "Sophie Secretariat" in html
    assert "Active → Suspended" in html
    organisation.refresh_from_db()
    assert organisation.membership_status == Organisation.MembershipStatus.SUSPENDED
    assert [message.to for message in mail.outbox] == [[contact.user.email]]
    client.logout()
    assert client.get(organisation.get_absolute_url()).status_code == 404
    assert (
        organisation.name not in client.get(reverse("members:organisation_list")).content.decode()
    )

    client.force_login(secretariat_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("membership_status", organisation), {"note": ""}, follow=True)
    assert "The membership is active again." in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.is_active_member
    assert list(
        MembershipStatusChange.objects.values_list("from_status", "to_status", "actor")
    ) == [
        ("suspended", "active", secretariat_user.pk),
        ("active", "suspended", secretariat_user.pk),
    ]


def test_a_suspension_needs_a_note(client, organisation, secretariat_user):
    client.force_login(secretariat_user)
    response = client.post(url("membership_status", organisation), {"note": "   "})
    assert response.status_code == 200
    assert "Say why the membership is suspended." in field_errors(
        response.content.decode(), "id_note"
    )
    organisation.refresh_from_db()
    assert organisation.is_active_member
    assert not MembershipStatusChange.objects.exists()


# --- Query counts ------------------------------------------------------------------------------


def _fill(organisation, count):
    for number in range(count):
        ClusterProgrammeFactory(organisation=organisation, name=f"Programme {number}")
        RepresentativeFactory(organisation=organisation, user__full_name=f"Person {number:02d}")
    organisation.themes.add(*(PolicyThemeFactory() for _ in range(3)))


@pytest.mark.parametrize("count", [2, 50])
@pytest.mark.parametrize("role", ["anonymous", "contact", "other_contact", "secretariat"])
def test_profile_queries_do_not_grow_with_programmes_and_representatives(
    sign_in, role, organisation, count, django_assert_max_num_queries
):
    _fill(organisation, count)
    client = sign_in(role)
    client.get(reverse("home"))  # the session's first request records it (allauth usersessions)
    with django_assert_max_num_queries(PROFILE_MAX_QUERIES):
        response = client.get(organisation.get_absolute_url())
    html = response.content.decode()
    assert html.count('<li class="card programme">') == count
    if role != "anonymous":
        assert "Person 00" in html
        total = Representative.objects.filter(organisation=organisation).count()
        assert html.count('<tr id="person-') == min(total, 50)
        if count == 50:  # more people than a profile names: the others are counted
            assert total > 50
            assert f"And {total - 50} other representative" in html
    else:
        assert "Person 00" not in html


@pytest.mark.parametrize("count", [2, 50])
def test_representatives_page_queries_do_not_grow(
    client, organisation, contact, count, django_assert_max_num_queries
):
    _fill(organisation, count)
    for number in range(count):
        RepresentativeInvitation.objects.create(
            organisation=organisation, email=f"invitee{number}@example.eu", invited_by=contact.user
        )
    client.force_login(contact.user)
    client.get(reverse("home"))  # the session's first request records it (allauth usersessions)
    with django_assert_max_num_queries(REPRESENTATIVES_PAGE_MAX_QUERIES):
        response = client.get(url("representative_manage", organisation))
    html = response.content.decode()
    assert html.count('<tr id="representative-') == count + 1
    assert f"invitee{count - 1}@example.eu" in html


def _png_bytes():
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 51, 153)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.django_db
def test_logo_is_served_to_those_who_may_see_the_organisation(client, settings, tmp_path):
    from django.core.files.base import ContentFile

    from members.models import Organisation
    from tests.members.factories import OrganisationFactory

    settings.MEDIA_ROOT = tmp_path
    organisation = OrganisationFactory()
    organisation.logo.save("logo.png", ContentFile(_png_bytes()))
    html = client.get(organisation.get_absolute_url()).content.decode()
    assert organisation.logo_url in html
    response = client.get(organisation.logo_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert "public" in response["Cache-Control"]

    organisation.membership_status = Organisation.MembershipStatus.SUSPENDED
    organisation.save()
    assert client.get(organisation.logo_url).status_code == 404


@pytest.mark.django_db
def test_an_organisation_without_logo_has_no_logo_url(client):
    from tests.members.factories import OrganisationFactory

    organisation = OrganisationFactory()
    assert organisation.logo_url == ""
    assert client.get(f"/members/{organisation.slug}/logo/").status_code == 404
