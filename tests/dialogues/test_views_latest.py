"""The latest threads across topics: visibility, filters, unread markers, pagination and a
fixed number of queries."""

import pytest
from django.urls import reverse

from dialogues import services
from dialogues.models import Thread
from tests.dialogues.conftest import PAGE_ROLES
from tests.dialogues.factories import PostFactory, ThreadFactory, TopicFactory, member_user
from tests.members.factories import PolicyThemeFactory

pytestmark = pytest.mark.django_db


def _text(response):
    return response.content.decode()


def _latest(client, **params):
    return client.get(reverse("dialogues:latest"), params)


@pytest.mark.parametrize("role", PAGE_ROLES)
def test_everyone_sees_the_latest_threads_they_may_read(role, client_as, topic, members_topic):
    ThreadFactory(topic=topic, title="Open cluster question")
    ThreadFactory(topic=members_topic, title="Closed evaluation")
    response = _latest(client_as(role))
    assert response.status_code == 200
    text = _text(response)
    assert "Open cluster question" in text
    sees_members_only = role in ("member", "suspended_member", "moderator", "secretariat")
    assert ("Closed evaluation" in text) == sees_members_only


def test_the_most_recently_active_first(client_as, topic, member):
    older = ThreadFactory(topic=topic, author=member, title="Older thread")
    ThreadFactory(topic=topic, author=member, title="Newer thread")
    PostFactory(thread=older, author=member_user(), body="A fresh reply.")
    text = _text(_latest(client_as("anonymous")))
    assert text.index("Older thread") < text.index("Newer thread")


def test_filters_by_kind_and_theme_and_explains_a_bad_value(client_as, topic, member):
    theme = PolicyThemeFactory(slug="digital", name="Digital")
    ThreadFactory(topic=topic, author=member, title="A question", kind=Thread.Kind.QUESTION)
    ThreadFactory(topic=topic, author=member, title="Digital practice", themes=[theme])
    client = client_as("anonymous")
    questions = _text(_latest(client, kind="question"))
    assert "A question" in questions and "Digital practice" not in questions
    digital = _text(_latest(client, theme="digital"))
    assert "Digital practice" in digital and "A question" not in digital
    assert "Clear the filters" in digital
    bad = _text(_latest(client, kind="rumour", theme="digital"))
    assert "“rumour” is not a kind of thread." in bad
    assert "Digital practice" in bad and "A question" not in bad  # the theme still applies
    none = _text(_latest(client, kind="call_for_partners"))
    assert "No thread matches these filters." in none


def test_unread_markers_for_the_signed_in_reader(client_as, member, topic):
    other = member_user(full_name="Paul Poster")
    ThreadFactory(topic=topic, author=other, title="Never opened")
    seen = ThreadFactory(topic=topic, author=other, title="Opened once")
    services.thread_mark_read(user=member, thread=seen)
    PostFactory(thread=seen, author=other, body="Reply one")
    PostFactory(thread=seen, author=other, body="Reply two")
    ThreadFactory(topic=topic, author=member, title="My own thread")
    text = _text(_latest(client_as("member")))
    assert "2 unread posts" in text
    jump = f'href="/dialogues/t/{seen.pk}/?page=1#post-2"'
    assert jump in text
    row = text[text.index("Never opened") :]
    assert row.index("New") < row.index("</th>")
    own = text[text.index("My own thread") :]
    assert "unread" not in own[: own.index("</th>")] and "New" not in own[: own.index("</th>")]
    # Nothing is unread for someone who is not signed in.
    anonymous = _text(_latest(client_as("anonymous")))
    assert "unread post" not in anonymous and "badge--new" not in anonymous


def test_pages_of_threads_keep_the_filters(client_as, topic, member):
    for index in range(35):
        ThreadFactory(topic=topic, author=member, title=f"Thread {index}")
    client = client_as("anonymous")
    first = _text(_latest(client, kind="discussion"))
    assert "35 threads" in first
    assert "kind=discussion&amp;page=2" in first
    assert "There is no page" in _text(_latest(client, page="x"))


@pytest.mark.parametrize("count", [3, 300])
def test_the_latest_list_in_a_fixed_number_of_queries(
    count, topic, members_topic, member, other_member, client, django_assert_max_num_queries
):
    themes = [PolicyThemeFactory(), PolicyThemeFactory()]
    topics = [topic, members_topic, TopicFactory()]
    for index in range(count):
        thread = services.thread_create(
            topic=topics[index % 3],
            author=member if index % 2 else other_member,
            title=f"Thread {index}",
            body="Opening",
            themes=themes[: index % 3],
        )
        if index % 3 == 0:
            services.post_create(thread=thread, author=other_member, body="Reply")
        if index % 10 == 0:
            services.outcome_create(thread=thread, acting_user=thread.author, summary="Done")
    client.force_login(member)
    with django_assert_max_num_queries(19):
        response = _latest(client)
    assert response.status_code == 200
    assert f"{count} thread" in _text(response)
