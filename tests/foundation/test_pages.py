import pytest
from django.test import Client
from django.urls import reverse

from notifications.models import Notification
from tests.dialogues.factories import member_user

pytestmark = pytest.mark.django_db


def test_home_page_says_what_the_alliance_is(client):
    response = client.get(reverse("home"))
    html = response.content.decode()
    assert response.status_code == 200
    for words in [
        "European Cluster Alliance",
        "policy dialogue",
        "September 2006",
        "BSR InnoNet",
        "CEE-ClusterNetwork",
        "CLUNET",
        "INNET",
        "PRO INNO Europe",
        "January 2008",
    ]:
        assert words in html
    assert 'href="#main"' in html  # skip link
    assert "<main" in html and "<footer" in html and "<nav" in html
    assert reverse("privacy") in html and reverse("accessibility") in html


def test_unknown_page_gives_the_portals_own_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert "European Cluster Alliance" in html  # inside the portal's layout


@pytest.mark.urls("tests.foundation.urls_failing")
def test_server_error_gives_the_portals_own_500_without_traceback():
    client = Client(raise_request_exception=False)
    response = client.get("/failing/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert "Traceback" not in html
    assert "secret internal detail" not in html


def test_language_switch_is_remembered_in_a_cookie(client):
    response = client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "fr"
    html = client.get(reverse("home")).content.decode()
    assert '<html lang="fr">' in html
    assert "Alliance européenne des clusters" in html


def test_language_switch_is_saved_on_a_signed_in_persons_account(client, verified_user):
    client.force_login(verified_user)
    client.post(reverse("set_language"), {"language": "de", "next": "/"})
    verified_user.refresh_from_db()
    assert verified_user.language == "de"


def test_language_switch_ignores_an_unknown_language(client, verified_user):
    client.force_login(verified_user)
    response = client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert response.status_code == 302
    verified_user.refresh_from_db()
    assert verified_user.language == "en"


def test_language_switch_only_accepts_post(client):
    assert client.get(reverse("set_language")).status_code == 405


@pytest.mark.parametrize("count", [1, 40])
def test_the_home_page_in_a_fixed_number_of_queries(
    client, count, django_assert_num_queries, django_assert_max_num_queries
):
    """The benchmark's first page: nothing for visitors; for a member, only the layout's
    (session, user, seat, permissions, unread count), however many notifications they have."""
    with django_assert_num_queries(0):
        assert client.get(reverse("home")).status_code == 200
    person = member_user()
    Notification.objects.bulk_create(
        Notification(recipient=person, kind=Notification.Kind.ANNOUNCEMENT) for _ in range(count)
    )
    client.force_login(person)
    client.get(reverse("home"))  # the session's first request records it
    with django_assert_max_num_queries(8):
        response = client.get(reverse("home"))
    assert f'Notifications ({count}<span class="visually-hidden"> unread</span>)' in (
        response.content.decode()
    )
