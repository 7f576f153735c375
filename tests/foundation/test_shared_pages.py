"""Pages kept in the cache (eca_portal/shared_pages.py): served without rendering again, with
each person's own account links and CSRF tokens, forgotten when public content changes, and
never mixed between visitors, members and the secretariat, nor with fragments or waiting
messages."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from dialogues import services as dialogue_services
from dialogues.models import Follow
from members.models import Organisation
from notifications.models import Notification
from tests.dialogues.factories import PostFactory, ThreadFactory, member_user
from tests.members.factories import OrganisationFactory, PolicyThemeFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')


@pytest.fixture
def directory_url():
    OrganisationFactory(name="Baltic Cluster Agency")
    return reverse("members:organisation_list")


def kept(client, url, django_assert_num_queries, **extra):
    """Render the page once (and start the cache's generation), then fetch it again: it must
    come from the cache."""
    client.get(url, **extra)
    client.get(url, **extra)
    with django_assert_num_queries(0):
        return client.get(url, **extra)


def test_a_visitor_gets_a_kept_page_without_a_query(
    client, directory_url, django_assert_num_queries
):
    response = kept(client, directory_url, django_assert_num_queries)
    assert response.status_code == 200
    assert "Baltic Cluster Agency" in response.content.decode()


def test_each_visitor_gets_a_working_token_of_their_own(directory_url, django_assert_num_queries):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    kept(first, directory_url, django_assert_num_queries)
    page = second.get(directory_url).content.decode()
    token = TOKEN.search(page).group(1)
    assert token
    assert token not in kept(first, directory_url, django_assert_num_queries).content.decode()
    # The token of the kept page is the second visitor's: changing the language works.
    response = second.post(
        reverse("set_language"), {"language": "fr", "next": "/", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert second.cookies["django_language"].value == "fr"


def test_a_change_of_public_content_shows_at_once(client, directory_url, django_assert_num_queries):
    kept(client, directory_url, django_assert_num_queries)
    organisation = Organisation.objects.get(name="Baltic Cluster Agency")
    organisation.name = "Nordic Cluster Agency"
    organisation.save()
    page = client.get(directory_url).content.decode()
    assert "Nordic Cluster Agency" in page
    assert "Baltic Cluster Agency" not in page


def test_a_new_post_shows_on_the_kept_thread_page(client, django_assert_num_queries):
    thread = ThreadFactory()
    url = reverse("dialogues:thread_detail", kwargs={"pk": thread.pk})
    kept(client, url, django_assert_num_queries)
    PostFactory(thread=thread, body="Our evaluation found *twelve* new partnerships.")
    assert "twelve" in client.get(url).content.decode()


def test_a_change_of_a_many_to_many_relation_shows(client, django_assert_num_queries):
    thread = ThreadFactory()
    url = reverse("dialogues:thread_detail", kwargs={"pk": thread.pk})
    kept(client, url, django_assert_num_queries)
    thread.themes.add(PolicyThemeFactory(name="Smart specialisation"))
    assert "Smart specialisation" in client.get(url).content.decode()


def test_one_persons_own_state_does_not_forget_the_pages(
    client, directory_url, django_assert_num_queries
):
    kept(client, directory_url, django_assert_num_queries)
    thread = ThreadFactory()  # public content (and its author): forgets
    reader = member_user()
    client.get(directory_url)
    dialogue_services.follow_set(user=reader, thread=thread, state=Follow.State.MUTED)
    reader.save(update_fields=["last_login"])
    with django_assert_num_queries(0):
        client.get(directory_url)


def test_a_signed_in_person_never_gets_nor_leaves_a_visitor_page(client):
    thread = ThreadFactory()  # a thread page is kept for visitors only
    url = reverse("dialogues:thread_detail", kwargs={"pk": thread.pk})
    client.force_login(member_user())
    assert "Sign out" in client.get(url).content.decode()
    assert "Sign out" in client.get(url).content.decode()
    visitor = Client()
    for _ in range(2):
        page = visitor.get(url).content.decode()
        assert "Sign in" in page
        assert "Sign out" not in page
    assert "Sign out" in client.get(url).content.decode()


def unread(count):
    return f'Notifications ({count}<span class="visually-hidden"> unread</span>)'


def test_members_share_a_directory_page_with_their_own_account_links(
    directory_url, django_assert_max_num_queries
):
    first, second = member_user(), member_user()
    Notification.objects.bulk_create(
        Notification(recipient=second, kind=Notification.Kind.ANNOUNCEMENT) for _ in range(3)
    )
    first_client, second_client = Client(), Client(enforce_csrf_checks=True)
    first_client.force_login(first)
    second_client.force_login(second)
    for _ in range(2):
        assert unread(0) in first_client.get(directory_url).content.decode()
    second_client.get(reverse("home"))  # the session's first request records it
    # Kept: only the session, the person, their permissions and their unread count are read.
    with django_assert_max_num_queries(5):
        page = second_client.get(directory_url).content.decode()
    assert unread(3) in page
    assert "Baltic Cluster Agency" in page
    # The sign-out form carries the second member's own token.
    logout_form = page[page.index('action="/accounts/logout/"') :]
    token = TOKEN.search(logout_form).group(1)
    second_client.post(reverse("account_logout"), {"csrfmiddlewaretoken": token})
    assert "Sign in" in second_client.get(directory_url).content.decode()


def test_the_secretariat_and_members_never_share_a_page(client, directory_url, secretariat_user):
    member = Client()
    member.force_login(member_user())
    client.force_login(secretariat_user)
    secretariat_link = f'href="{reverse("secretariat:dashboard")}"'
    for _ in range(2):
        assert secretariat_link not in member.get(directory_url).content.decode()
        assert secretariat_link in client.get(directory_url).content.decode()


def test_pages_are_kept_per_language(client, directory_url, django_assert_num_queries):
    kept(client, directory_url, django_assert_num_queries)
    french = client.get(directory_url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<html lang="fr">' in french


def test_htmx_requests_are_not_served_from_the_cache(
    client, directory_url, django_assert_num_queries, django_assert_max_num_queries
):
    kept(client, directory_url, django_assert_num_queries)
    with django_assert_max_num_queries(20) as captured:
        client.get(directory_url, HTTP_HX_REQUEST="true")
    assert len(captured) > 0


def test_waiting_messages_are_shown_and_never_kept(
    client, directory_url, password, verified_user, django_assert_num_queries
):
    kept(client, directory_url, django_assert_num_queries)
    client.login(email=verified_user.email, password=password)
    client.post(reverse("account_logout"))
    page = client.get(directory_url).content.decode()
    assert "You have signed out." in page
    assert "You have signed out." not in client.get(directory_url).content.decode()
    assert "You have signed out." not in Client().get(directory_url).content.decode()


def test_partials_are_rendered_once_per_context_and_language_with_a_blank_token(tmp_path):
    """shared_pages.partial: the person's small pieces of a kept page. The development server's
    signal that a template file changed forgets them."""
    from pathlib import Path

    from django.utils import translation
    from django.utils.autoreload import file_changed

    from eca_portal import shared_pages

    shared_pages.partials_forget()
    with translation.override("en"):
        html = shared_pages.partial("dialogues/partials/mark_all_read.html")
        assert "Mark everything as read" in html
        assert 'name="csrfmiddlewaretoken" value=""' in html
        assert shared_pages.partial("dialogues/partials/mark_all_read.html") == html
    with translation.override("fr"):
        assert shared_pages.partial("dialogues/partials/mark_all_read.html") != html
    assert shared_pages._partial.cache_info().currsize == 2
    file_changed.send(sender=None, file_path=Path(tmp_path / "layout.html"))
    assert shared_pages._partial.cache_info().currsize == 0
