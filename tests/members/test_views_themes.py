import pytest
from django.urls import reverse

from members.models import PolicyTheme
from tests.accounts.factories import UserFactory
from tests.members.factories import (
    ContactFactory,
    OrganisationFactory,
    PolicyThemeFactory,
    RepresentativeFactory,
)

pytestmark = pytest.mark.django_db
LIST_URL = reverse("members:policytheme_list")


@pytest.fixture
def theme():
    return PolicyThemeFactory(slug="green-transition", name="Green transition")


@pytest.mark.parametrize("role", ["non_member", "representative", "contact"])
def test_only_the_secretariat_edits_the_vocabulary(client, theme, role):
    user = {
        "non_member": lambda: UserFactory(),
        "representative": lambda: RepresentativeFactory().user,
        "contact": lambda: ContactFactory().user,
    }[role]()
    client.force_login(user)
    assert client.get(LIST_URL).status_code == 403
    assert client.post(LIST_URL, {"name": "Space"}).status_code == 403
    edit_url = reverse("members:policytheme_edit", args=[theme.pk])
    assert client.post(edit_url, {"name": "Hijacked"}).status_code == 403
    theme.refresh_from_db()
    assert theme.name == "Green transition"
    assert not PolicyTheme.objects.filter(name="Space").exists()


def test_anonymous_people_are_sent_to_sign_in(client):
    response = client.get(LIST_URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_the_secretariat_adds_a_theme_with_its_translations(client, secretariat_user):
    client.force_login(secretariat_user)
    response = client.post(
        LIST_URL,
        {"name": "Blue economy", "name_fr": "Économie bleue", "name_de": "Blaue Wirtschaft"},
    )
    assert response.status_code == 302
    theme = PolicyTheme.objects.get(name="Blue economy")
    assert (theme.slug, theme.name_fr, theme.name_de) == (
        "blue-economy",
        "Économie bleue",
        "Blaue Wirtschaft",
    )
    html = client.get(LIST_URL).content.decode()
    assert "Blue economy" in html and "Économie bleue" in html


def test_the_secretariat_renames_a_theme(client, secretariat_user, theme):
    client.force_login(secretariat_user)
    response = client.post(
        reverse("members:policytheme_edit", args=[theme.pk]),
        {"name": "Green and circular transition", "name_fr": "", "name_de": ""},
    )
    assert response.status_code == 302
    theme.refresh_from_db()
    assert theme.name == "Green and circular transition"
    assert theme.slug == "green-transition"  # links and bookmarks keep working


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"name": ""}, "name", "This field is required."),
        ({"name": "green TRANSITION"}, "name", "A theme with this name exists already."),
        ({"name": "x" * 121}, "name", "at most 120 characters"),
    ],
)
def test_bad_input_is_shown_next_to_the_field(
    client, secretariat_user, theme, data, field, message
):
    client.force_login(secretariat_user)
    response = client.post(LIST_URL, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert message in html
    assert PolicyTheme.objects.count() == 1


def test_an_unknown_theme_is_a_404(client, secretariat_user):
    client.force_login(secretariat_user)
    assert client.get(reverse("members:policytheme_edit", args=[999999])).status_code == 404


@pytest.mark.parametrize("count", [3, 200])
def test_the_list_takes_the_same_queries_with_many_themes(
    client, secretariat_user, django_assert_max_num_queries, count
):
    organisation = OrganisationFactory()
    themes = PolicyThemeFactory.create_batch(count)
    organisation.themes.set(themes[:10])
    client.force_login(secretariat_user)
    # 15: one of them checks the secretariat's second factor (members/access.py).
    with django_assert_max_num_queries(15):
        response = client.get(LIST_URL)
    assert response.content.decode().count("/edit/") == count
