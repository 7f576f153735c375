"""The search page: ranked results with safe highlighted snippets, clear messages for empty or
too-short searches, nothing anyone may not read, and a fixed number of queries."""

import pytest
from django.urls import reverse

from dialogues import services
from tests.dialogues.conftest import PAGE_ROLES
from tests.dialogues.factories import PostFactory, ThreadFactory, TopicFactory, member_user

pytestmark = pytest.mark.django_db

URL = "/dialogues/search/"


def _text(response):
    return response.content.decode()


def _search(client, **params):
    return client.get(reverse("dialogues:search"), params)


def test_the_search_page_lives_at_its_address():
    assert reverse("dialogues:search") == URL


def test_the_empty_search_page_offers_the_form(client_as):
    response = _search(client_as("anonymous"))
    assert response.status_code == 200
    text = _text(response)
    assert 'role="search"' in text and 'name="q"' in text
    assert "result" not in text.split("</form>")[-1].lower()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Type one or more words to search for."),
        ("   ", "Type one or more words to search for."),
        ("a", "Type at least 2 letters or digits to search for."),
        ("!!", "Type at least 2 letters or digits to search for."),
    ],
)
def test_empty_or_too_short_searches_say_so(query, message, client_as):
    response = _search(client_as("member"), q=query)
    assert response.status_code == 200
    assert message in _text(response)
    assert "results for" not in _text(response)


def test_an_overlong_search_is_refused_clearly(client_as):
    response = _search(client_as("member"), q="w" * 250)
    assert "Search with at most 200 characters (this has 250)." in _text(response)
    assert "The search could not be run" in _text(response)


def test_results_show_title_topic_author_date_snippet_and_permalink(client_as, topic, member):
    thread = ThreadFactory(topic=topic, author=member, title="Smart specialisation")
    reply = PostFactory(
        thread=thread, author=member, body="Our **specialisation** strategy covers robotics."
    )
    text = _text(_search(client_as("anonymous"), q="specialisation"))
    assert "2 results for “specialisation”" in text
    permalink = reverse("dialogues:post_permalink", kwargs={"pk": thread.pk, "number": 2})
    assert f'href="{permalink}"' in text
    assert "Smart specialisation" in text and "Green transition" in text
    assert f"Anna Active ({member.representative.organisation.name})" in text
    assert "<mark>specialisation</mark> strategy covers robotics" in text
    assert f"{reply.created_at:%-d %b %Y}" in text


def test_snippets_escape_what_members_wrote(client_as, topic, member):
    ThreadFactory(
        topic=topic,
        author=member,
        body="R&D voucher < 5000 and `<img src=x onerror=alert(1)>` more voucher",
    )
    text = _text(_search(client_as("anonymous"), q="voucher"))
    assert (
        "<mark>voucher</mark> &lt; 5000 and &lt;img src=x onerror=alert(1)&gt; more "
        "<mark>voucher</mark>"
    ) in text
    assert "<img src=x" not in text


def test_nothing_found_says_so_and_the_topic_filter_narrows(client_as, topic, member):
    ThreadFactory(topic=topic, author=member, title="Robotics clusters", body="Robots.")
    other = TopicFactory(title="Skills")
    ThreadFactory(topic=other, author=member, title="Robotics skills", body="Training.")
    client = client_as("anonymous")
    assert "Nothing found." in _text(_search(client, q="zeppelin"))
    everywhere = _text(_search(client, q="robotics"))
    assert "Robotics clusters" in everywhere and "Robotics skills" in everywhere
    narrowed = _text(_search(client, q="robotics", topic=other.slug))
    assert "1 result for “robotics” in Skills" in narrowed
    assert "Robotics clusters" not in narrowed
    unknown = _text(_search(client, q="robotics", topic="nowhere"))
    assert "There is no such topic, or you cannot see it." in unknown
    assert "Robotics clusters" not in unknown


def test_results_are_paginated_and_forgiving(client_as, topic, member):
    thread = ThreadFactory(topic=topic, author=member, title="Budgets", body="budget one")
    for index in range(25):
        PostFactory(thread=thread, author=member, body=f"budget number {index}")
    client = client_as("anonymous")
    first = _text(_search(client, q="budget"))
    assert "26 results for “budget”" in first
    assert "page=2" in first and "q=budget" in first
    second = _search(client, q="budget", page=2)
    assert second.context["page_obj"].number == 2
    assert len(second.context["results"]) == 6
    beyond = _text(_search(client, q="budget", page=9))
    assert "There is no page “9”; showing page 2." in beyond


# --- Visibility -------------------------------------------------------------------------------


@pytest.fixture
def corpus(topic, members_topic, member, moderator):
    """One searchable word in each place: a public post, a members-only post, hidden posts."""
    public = ThreadFactory(topic=topic, author=member, title="Open", body="zebrapublic text")
    ThreadFactory(topic=members_topic, author=member, title="Closed", body="zebramembers text")
    hidden = PostFactory(thread=public, author=member_user(), body="zebrahidden text")
    services.post_hide(post=hidden, acting_user=moderator, reason="Spam.")
    hidden_members = PostFactory(
        thread=members_topic.threads.get(), author=member_user(), body="zebrahiddenmembers text"
    )
    services.post_hide(post=hidden_members, acting_user=moderator, reason="Spam.")


# Which of the words each role finds.
FINDS = {
    "anonymous": {"zebrapublic"},
    "non_member": {"zebrapublic"},
    "member": {"zebrapublic", "zebramembers"},
    "suspended_member": {"zebrapublic", "zebramembers"},
    "moderator": {"zebrapublic", "zebramembers", "zebrahidden", "zebrahiddenmembers"},
    "other_moderator": {"zebrapublic"},
    "secretariat": {"zebrapublic", "zebramembers", "zebrahidden", "zebrahiddenmembers"},
}


@pytest.mark.parametrize("role", PAGE_ROLES)
def test_nobody_finds_what_they_may_not_read(role, client_as, corpus):
    client = client_as(role)
    found = set()
    for word in ("zebrapublic", "zebramembers", "zebrahidden", "zebrahiddenmembers"):
        text = _text(_search(client, q=word))
        if f"<mark>{word}</mark>" in text:
            found.add(word)
        else:
            assert "Nothing found." in text
    assert found == FINDS[role]


def test_kept_result_pages_are_never_served_to_someone_who_finds_less(client_as, corpus):
    """Result pages are kept per audience (eca_portal.shared_pages, views.search
    .search_audience): whatever the order of searches, each role finds only its own."""
    words = ("zebrapublic", "zebramembers", "zebrahidden", "zebrahiddenmembers")
    for _ in range(2):
        for role in PAGE_ROLES:
            client = client_as(role)
            for word in words:
                _search(client, q=word)
    for role in reversed(PAGE_ROLES):
        client = client_as(role)
        found = {word for word in words if f"<mark>{word}</mark>" in _text(_search(client, q=word))}
        assert found == FINDS[role], role


def test_moderators_see_that_a_result_is_hidden(client_as, corpus):
    text = _text(_search(client_as("moderator"), q="zebrahidden"))
    assert "Hidden by a moderator" in text


def test_a_members_only_topic_is_no_choice_for_outsiders(client_as, corpus, members_topic):
    outsider = _text(_search(client_as("anonymous"), q="zebramembers", topic=members_topic.slug))
    assert "There is no such topic, or you cannot see it." in outsider
    assert "Programme evaluation" not in outsider
    member = _text(_search(client_as("member"), q="zebramembers", topic=members_topic.slug))
    assert "<mark>zebramembers</mark>" in member


@pytest.mark.parametrize("count", [3, 300])
def test_search_results_in_a_fixed_number_of_queries(
    count, topic, member, other_member, client, django_assert_max_num_queries
):
    authors = [member, other_member, member_user()]
    thread = ThreadFactory(topic=topic, author=member, title="Interregional cooperation")
    for index in range(count):
        PostFactory(thread=thread, author=authors[index % 3], body=f"cooperation example {index}")
    client.force_login(member)
    # 19: the page's own, and one for the topics the person moderates, which decides with whom
    # the page may be shared (views.search.search_audience).
    with django_assert_max_num_queries(19):
        response = _search(client, q="cooperation")
    assert response.status_code == 200
    assert f"{count + 1} results for" in _text(response)
