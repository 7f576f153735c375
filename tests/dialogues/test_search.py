"""Full-text search: ranked, with safe snippets, accents, and never beyond what one may read."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from dialogues import selectors as dialogue_selectors
from dialogues import services
from dialogues.selectors import post_search_for_user
from tests.dialogues.factories import (
    MembersOnlyTopicFactory,
    PostFactory,
    ThreadFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def _search(user, query, **kwargs):
    return list(post_search_for_user(user=user, query=query, **kwargs).posts)


def test_title_matches_rank_first_then_the_most_relevant_bodies(member, anonymous, topic):
    titled = ThreadFactory(
        topic=topic, author=member, title="Smart specialisation strategies", body="See below."
    )
    thread = ThreadFactory(topic=topic, author=member, title="Funding", body="Nothing here.")
    once = PostFactory(thread=thread, author=member, body="Our specialisation is robotics.")
    often = PostFactory(
        thread=thread,
        author=member,
        body="Specialisation first: smart specialisation needs a specialisation strategy.",
    )
    PostFactory(thread=thread, author=member, body="Unrelated answer about budgets.")
    results = _search(anonymous, "specialisation")
    assert results == [titled.posts.get(), often, once]
    assert results[0].rank > results[1].rank > results[2].rank


def test_snippets_mark_the_words_and_escape_everything_else(member, anonymous, topic):
    ThreadFactory(
        topic=topic,
        author=member,
        body="R&D voucher < 5000 and `<img src=x onerror=alert(1)>` more voucher",
    )
    (post,) = _search(anonymous, "voucher")
    assert post.headline_html == (
        "<mark>voucher</mark> &lt; 5000 and &lt;img src=x onerror=alert(1)&gt; more "
        "<mark>voucher</mark>"
    )


@pytest.mark.parametrize(
    ("body", "queries"),
    [
        (
            "La compétitivité des pôles régionaux en Auvergne-Rhône-Alpes.",
            ["compétitivité", "Compétitivité", "competitivite", "pôles", "Rhône"],
        ),
        (
            "Die KMU-Förderung über Cluster in Niederösterreich wird evaluiert.",
            ["Förderung", "förderung", "Forderung", "Niederösterreich", "KMU-Förderung"],
        ),
        ("ÉCONOMIE CIRCULAIRE ET INDUSTRIE", ["économie", "Économie", "economie"]),
        ("Tereza Dvořáková and Iñaki Etxeberria", ["Dvořáková", "Dvorakova", "Iñaki", "inaki"]),
    ],
)
def test_accented_words_are_found(body, queries, member, anonymous, topic):
    thread = ThreadFactory(topic=topic, author=member, title="Policy exchange", body=body)
    for query in queries:
        assert _search(anonymous, query) == [thread.posts.get()], query


def test_accented_snippet(member, anonymous, topic):
    ThreadFactory(topic=topic, author=member, body="Unsere KMU-Förderung wirkt.")
    (post,) = _search(anonymous, "Förderung")
    assert "<mark>Förderung</mark>" in post.headline_html


def test_web_search_syntax_and_word_beginnings(member, anonymous, topic):
    plural = ThreadFactory(topic=topic, author=member, body="Cluster roadmaps for decarbonisation")
    other = ThreadFactory(topic=topic, author=member, body="Digital roadmap of the region")
    assert set(_search(anonymous, "roadmap")) == {plural.posts.get(), other.posts.get()}
    # With web-search syntax words are matched as written.
    assert _search(anonymous, "roadmap -digital") == []
    assert _search(anonymous, "roadmaps -digital") == [plural.posts.get()]
    assert _search(anonymous, '"digital roadmap"') == [other.posts.get()]
    assert _search(anonymous, "   ") == [] and _search(anonymous, "!!") == []


def test_members_only_content_is_never_found_by_outsiders(
    member, suspended_member, non_member, anonymous, other_member
):
    closed = ThreadFactory(
        topic=MembersOnlyTopicFactory(),
        author=other_member,
        title="Confidential budget",
        body="Our budget for the Eurocluster call.",
    )
    for outsider in (anonymous, non_member):
        assert _search(outsider, "budget") == []
        assert _search(outsider, "Eurocluster") == []
    for reader in (member, suspended_member):
        assert _search(reader, "budget") == [closed.posts.get()]


def test_hidden_posts_are_found_only_by_the_topics_moderators(
    member, other_member, moderator, secretariat_user, topic
):
    thread = ThreadFactory(topic=topic, author=other_member, title="Partners")
    hidden = PostFactory(thread=thread, author=other_member, body="Buy our consultancy package")
    services.post_hide(post=hidden, acting_user=moderator, reason="Advertising")
    TopicFactory(moderators=[other_member])
    assert _search(member, "consultancy") == []
    assert _search(other_member, "consultancy") == []  # moderates another topic only
    assert _search(moderator, "consultancy") == [hidden]
    assert _search(secretariat_user, "consultancy") == [hidden]


def test_the_index_follows_edits_and_renames(member, moderator, anonymous, topic):
    thread = ThreadFactory(topic=topic, author=member, title="Vouchers", body="Old wording")
    opening = thread.posts.get()
    services.post_edit(post=opening, acting_user=member, body="Brand new wording")
    assert _search(anonymous, "old") == []
    assert _search(anonymous, "brand") == [opening]
    services.thread_rename(thread=thread, acting_user=moderator, title="Innovation cheques")
    assert _search(anonymous, "vouchers") == []
    assert _search(anonymous, "cheques") == [opening]


def test_search_within_a_topic(member, anonymous, topic):
    here = ThreadFactory(topic=topic, author=member, body="Smart specialisation")
    ThreadFactory(topic=TopicFactory(), author=member, body="Smart specialisation too")
    assert _search(anonymous, "smart", topic=topic) == [here.posts.get()]


def test_beyond_the_cap_the_newest_matches_are_shown_and_said_so(
    client, member, topic, monkeypatch
):
    monkeypatch.setattr(dialogue_selectors, "SEARCH_RANKED_MAX", 3)
    thread = ThreadFactory(topic=topic, author=member, title="Budgets", body="A voucher.")
    posts = [
        PostFactory(thread=thread, author=member, body=f"Voucher number {n}.") for n in range(4)
    ]
    hidden_from_outsiders = MembersOnlyTopicFactory()
    ThreadFactory(topic=hidden_from_outsiders, author=member, body="Secret voucher.")

    results = post_search_for_user(user=AnonymousUser(), query="voucher")
    assert results.capped and results.count == 3
    assert list(results.posts) == posts[::-1][:3]  # newest first, no more than the cap

    page = client.get(reverse("dialogues:search"), {"q": "voucher"}).content.decode()
    assert "More than 3 results for “voucher”" in page
    assert "So many posts match that the newest 3 are shown, newest first." in page
    assert "Secret voucher" not in page


def test_under_the_cap_the_results_are_ranked_and_counted(client, member, topic, monkeypatch):
    monkeypatch.setattr(dialogue_selectors, "SEARCH_RANKED_MAX", 3)
    thread = ThreadFactory(topic=topic, author=member, title="Voucher schemes", body="Intro.")
    PostFactory(thread=thread, author=member, body="Another voucher.")
    results = post_search_for_user(user=AnonymousUser(), query="voucher")
    assert not results.capped and results.count == 2
    assert list(results.posts)[0] == thread.posts.get(number=1)  # the title ranks first
    page = client.get(reverse("dialogues:search"), {"q": "voucher"}).content.decode()
    assert "2 results for “voucher”" in page
    assert "More than" not in page
