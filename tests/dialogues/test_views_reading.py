"""Reading the dialogues: the overview, a topic's threads, a thread, permalinks, a post's
history, attachment downloads, following and marking as read — for every role."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dialogues import services
from dialogues.models import POSTS_PER_PAGE, Follow, Post, ReadState, Thread, Topic
from tests.dialogues.conftest import PAGE_ROLES
from tests.dialogues.factories import (
    MembersOnlyTopicFactory,
    PostFactory,
    ThreadFactory,
    TopicFactory,
    image_file,
    member_user,
    pdf_file,
)
from tests.members.factories import PolicyThemeFactory

pytestmark = pytest.mark.django_db

# Who reads a members-only topic: members (active or suspended), its moderators, the secretariat.
MEMBERS_TOPIC_READERS = {"member", "suspended_member", "moderator", "secretariat"}
# A signed-in request costs about ten queries whatever the page (session, user, permissions,
# the person's seat and organisation); the thread page adds the thread, its themes, the read
# state, the outcome, the posts with their attachments, marking them read, the people one can
# mention and, filled into the shared page, the person's own posts and marks, their follow
# state and (on a concluded thread) the outcome's actions for them. The bound holds for 3
# posts as for 300.
THREAD_PAGE_MAX_QUERIES = 33
# A topic's page asks who shares it (the topic and the person's rights) before computing it, and
# fills in the person's read positions and follow state after.
TOPIC_PAGE_MAX_QUERIES = 25
# The overview: the topics, their moderators, their threads' figures, the topics one moderates
# (who shares the page: views.reading.reading_audience), the threads with posts by topic and
# those one has read to the end (the unread threads).
OVERVIEW_MAX_QUERIES = 21


def text(response) -> str:
    return response.content.decode()


def topic_url(topic):
    return reverse("dialogues:topic_detail", kwargs={"slug": topic.slug})


def thread_url(thread, page=None):
    url = reverse("dialogues:thread_detail", kwargs={"pk": thread.pk})
    return url if page is None else f"{url}?page={page}"


def post_numbers(response) -> list[int]:
    return [int(number) for number in re.findall(r'<article id="post-(\d+)"', text(response))]


@pytest.fixture
def thread(topic, member):
    return ThreadFactory(
        topic=topic, author=member, title="Funding cluster managers", attachments=[pdf_file()]
    )


@pytest.fixture
def members_thread(members_topic, member):
    return ThreadFactory(
        topic=members_topic,
        author=member,
        title="Evaluating our programmes",
        body="Our evaluation grid is attached.",
        attachments=[pdf_file("grid.pdf")],
    )


# --- The overview -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", PAGE_ROLES)
def test_the_overview_lists_the_topics_each_role_may_read(client_as, role, topic, members_topic):
    response = client_as(role).get(reverse("dialogues:topic_list"))
    assert response.status_code == 200
    html = text(response)
    assert "Green transition" in html
    assert ("Programme evaluation" in html) == (role in MEMBERS_TOPIC_READERS)
    if role in MEMBERS_TOPIC_READERS:
        assert "Members only" in html


def test_the_overview_shows_counts_archived_topics_and_links(client, topic, member, other_member):
    thread = ThreadFactory(topic=topic, author=member)
    PostFactory(thread=thread, author=other_member)
    TopicFactory(title="Old questions", status=Topic.Status.ARCHIVED, archived_at=timezone.now())
    html = text(client.get(reverse("dialogues:topic_list")))
    card = html[html.index("Green transition") :]
    assert re.search(r"<dt>Threads</dt><dd>1</dd>", card)
    assert re.search(r"<dt>Posts</dt><dd>2</dd>", card)
    assert "Mia Moderator" in card
    assert "Archived" in html[html.index("Old questions") :]
    assert f'href="{reverse("dialogues:latest")}"' in html
    assert f'href="{reverse("dialogues:outcome_list")}"' in html
    # Nothing personal for the anonymous: no unread counts, no "mark everything as read".
    assert "New for you" not in html and "Mark everything as read" not in html


def test_a_new_post_shows_as_unread_to_the_other_member_through_the_pages(
    client, topic, member, other_member
):
    thread = ThreadFactory(topic=topic, author=member, title="Cluster vouchers")
    client.force_login(other_member)
    # Never opened: the thread is new for the other member.
    assert "1 thread with new posts" in text(client.get(reverse("dialogues:topic_list")))
    assert client.get(thread_url(thread)).status_code == 200
    assert "Nothing new" in text(client.get(reverse("dialogues:topic_list")))

    PostFactory(thread=thread, author=member, body="A second thought.")
    PostFactory(thread=thread, author=member, body="And a third one.")
    overview = text(client.get(reverse("dialogues:topic_list")))
    assert "1 thread with new posts" in overview
    topic_page = text(client.get(topic_url(topic)))
    assert re.search(r"2 new<span class=\"visually-hidden\"> posts</span>", topic_page)
    # Opening the thread lands on the first unread post.
    response = client.get(thread_url(thread))
    assert response.status_code == 302
    assert response["Location"] == f"{thread_url(thread)}?page=1#post-2"
    page = client.get(response["Location"])
    assert 'class="post post--new"' in text(page)
    assert ReadState.objects.get(user=other_member, thread=thread).last_read_post_number == 3
    # Seen: nothing new any more, and the thread opens where it starts.
    assert "Nothing new" in text(client.get(reverse("dialogues:topic_list")))
    assert client.get(thread_url(thread)).status_code == 200
    # The author's own posts are never unread for them.
    client.force_login(member)
    assert "Nothing new" in text(client.get(reverse("dialogues:topic_list")))


def test_members_share_the_overview_with_their_own_unread_threads(
    topic, member, other_member, django_assert_max_num_queries
):
    """The overview is kept per reading audience (eca_portal.shared_pages); each person's
    unread threads and "mark everything as read" are filled in for them
    (views.reading.topic_list_personal)."""
    thread = ThreadFactory(topic=topic, author=member, title="Cluster vouchers")
    ThreadFactory(topic=topic, author=member, title="Cluster labels")
    author, reader = Client(), Client()
    author.force_login(member)
    reader.force_login(other_member)
    for _ in range(2):
        author.get(reverse("dialogues:topic_list"))
    reader.get(thread_url(thread))  # reads one of the two threads
    # Served from the cache: the person, their role, their moderated topics and unread threads.
    with django_assert_max_num_queries(8):
        html = text(reader.get(reverse("dialogues:topic_list")))
    assert "1 thread with new posts" in html
    assert "Mark everything as read" in html
    html = text(author.get(reverse("dialogues:topic_list")))
    assert "Nothing new" in html and "thread with new posts" not in html
    assert "Mark everything as read" not in html
    # The button works with the token it was served with.
    token = re.search(
        r'action="/dialogues/mark-all-read/"[^>]*>\s*<input type="hidden" '
        r'name="csrfmiddlewaretoken" value="([^"]+)"',
        text(reader.get(reverse("dialogues:topic_list"))),
    ).group(1)
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = reader.cookies
    strict.post(reverse("dialogues:mark_all_read"), {"csrfmiddlewaretoken": token})
    assert "Nothing new" in text(reader.get(reverse("dialogues:topic_list")))


def test_read_positions_changed_one_by_one_show_at_once_on_the_overview(
    client, topic, member, other_member
):
    """What the overview keeps of a person's reading (dialogues.selectors) is forgotten when a
    read position is saved or deleted on its own (the admin), not only by the services."""
    thread = ThreadFactory(topic=topic, author=member)
    thread.refresh_from_db()  # its post count
    client.force_login(other_member)
    assert "1 thread with new posts" in text(client.get(reverse("dialogues:topic_list")))
    position = ReadState.objects.create(
        user=other_member, thread=thread, last_read_post_number=thread.post_count
    )
    assert "Nothing new" in text(client.get(reverse("dialogues:topic_list")))
    position.delete()
    assert "1 thread with new posts" in text(client.get(reverse("dialogues:topic_list")))


def test_opening_a_long_thread_jumps_to_the_page_of_the_first_unread_post(
    client, topic, member, other_member
):
    thread = ThreadFactory(topic=topic, author=member)
    for index in range(2, 46):
        PostFactory(thread=thread, author=member, body=f"Post {index}")
    services.thread_mark_read(user=other_member, thread=thread, up_to_number=25)
    client.force_login(other_member)
    response = client.get(thread_url(thread))
    assert response["Location"] == f"{thread_url(thread)}?page=2#post-26"
    page = client.get(response["Location"])
    assert post_numbers(page) == list(range(21, 41))
    # What was shown is read; the rest is not.
    assert ReadState.objects.get(user=other_member, thread=thread).last_read_post_number == 40
    assert client.get(thread_url(thread))["Location"] == f"{thread_url(thread)}?page=3#post-41"


@pytest.mark.parametrize("count", [2, 40])
def test_the_overview_in_a_fixed_number_of_queries(
    client, member, moderator, count, django_assert_max_num_queries
):
    for index in range(count):
        factory = MembersOnlyTopicFactory if index % 2 else TopicFactory
        listed = factory(title=f"Topic {index}", moderators=[moderator])
        ThreadFactory(topic=listed, author=member)
    for user in (member_user(), moderator, None):
        client.logout()
        if user is not None:
            client.force_login(user)
        with django_assert_max_num_queries(OVERVIEW_MAX_QUERIES):
            response = client.get(reverse("dialogues:topic_list"))
        assert len(re.findall('class="topic-card__title"', text(response))) == (
            count if user is not None else count // 2
        )


@pytest.mark.parametrize("role", ["anonymous", "non_member"])
def test_mark_everything_read_needs_a_signed_in_reader(client_as, role, topic):
    client = client_as(role)
    response = client.post(reverse("dialogues:mark_all_read"))
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 302
    assert client.get(reverse("dialogues:mark_all_read")).status_code in (302, 405)


def test_mark_everything_read(client, topic, members_topic, member, other_member):
    ThreadFactory(topic=topic, author=other_member)
    ThreadFactory(topic=members_topic, author=other_member)
    client.force_login(member)
    assert "1 thread with new posts" in text(client.get(reverse("dialogues:topic_list")))
    response = client.post(reverse("dialogues:mark_all_read"), follow=True)
    assert "2 threads were marked as read." in text(response)
    assert "threads with new posts" not in text(response)
    assert ReadState.objects.filter(user=member).count() == 2


# --- A topic's threads --------------------------------------------------------------------------


@pytest.mark.parametrize("role", PAGE_ROLES)
def test_the_members_only_topic_exists_only_for_its_readers(
    client_as, role, members_topic, members_thread
):
    response = client_as(role).get(topic_url(members_topic))
    assert response.status_code == (200 if role in MEMBERS_TOPIC_READERS else 404)
    if response.status_code == 200:
        assert "Evaluating our programmes" in text(response)


WRITE_OFFER = {
    "anonymous": "sign in to start a thread",
    "non_member": "Only members of the alliance can write here.",
    "member": "Start a thread",
    "suspended_member": "Your organisation&#x27;s membership is suspended",
    "moderator": "Start a thread",
    "other_moderator": "Only members of the alliance can write here.",
    "secretariat": "Start a thread",
}


@pytest.mark.parametrize("role", PAGE_ROLES)
def test_the_topic_page_offers_to_start_a_thread_or_says_why_not(client_as, role, topic):
    html = text(client_as(role).get(topic_url(topic)))
    assert WRITE_OFFER[role] in html
    new_thread_link = f'href="{reverse("dialogues:thread_create", kwargs={"slug": topic.slug})}"'
    assert (new_thread_link in html) == (WRITE_OFFER[role] == "Start a thread")
    assert ("Follow this topic" in html) == (role != "anonymous")


def test_kept_topic_pages_are_never_served_to_another_role(client_as, topic, moderator):
    """Every role visits the topic's page in turn, so that each finds it kept by the others
    (eca_portal.shared_pages): each still gets what it may do there."""
    for roles in (PAGE_ROLES, list(reversed(PAGE_ROLES))):
        for role in roles:
            html = text(client_as(role).get(topic_url(topic)))
            assert WRITE_OFFER[role] in html
            for other in set(WRITE_OFFER.values()) - {WRITE_OFFER[role]}:
                if other not in WRITE_OFFER[role]:
                    assert other not in html, (role, other)
            assert ("Moderation log of this topic" in html) == (
                role in {"moderator", "secretariat"}
            )
            assert ("Follow this topic" in html) == (role != "anonymous")


def test_members_share_a_topic_page_with_their_own_unread_threads_and_follow_state(
    topic, member, other_member, django_assert_max_num_queries
):
    """The topic's page is kept per audience; each person's unread badges and follow controls
    are filled in for them (views.reading.topic_detail_personal)."""
    read = ThreadFactory(topic=topic, author=member, title="Cluster vouchers")
    PostFactory(thread=read, author=member, body="A second post")
    ThreadFactory(topic=topic, author=member, title="Cluster labels")
    author, reader = Client(), Client()
    author.force_login(member)
    reader.force_login(other_member)
    services.thread_mark_read(user=other_member, thread=read, up_to_number=1)
    services.follow_set(user=other_member, topic=topic, state=Follow.State.FOLLOWING)
    services.thread_mark_read(user=member, thread=read)
    for _ in range(2):  # the first starts the cache's generation (nothing is kept before)
        author.get(topic_url(topic))
    reader.get(reverse("dialogues:topic_list"))  # a session's first request records it
    # Served from the cache: the person, their rights in the topic, their read positions and
    # follow state.
    with django_assert_max_num_queries(12):
        html = text(reader.get(topic_url(topic)))
    rows = dict(
        zip(
            re.findall(r'class="thread-row__title" href="[^"]+">([^<]+)</a>', html),
            html.split('class="thread-row__title"')[1:],
            strict=True,
        )
    )
    assert "1 new" in rows["Cluster vouchers"]
    assert "thread, not read yet" in rows["Cluster labels"]
    assert html.count("thread-row--unread") == 2
    assert "You follow this topic." in html
    # The author has read both threads (their own posts) and follows nothing.
    html = text(author.get(topic_url(topic)))
    assert "thread-row--unread" not in html and "badge--new" not in html
    assert "You follow this topic." not in html and "Follow this topic" in html
    # The follow form works with the token it was served with.
    token = re.search(
        r'class="follow-controls">\s*<input type="hidden" name="csrfmiddlewaretoken" '
        r'value="([^"]+)"',
        text(reader.get(topic_url(topic))),
    ).group(1)
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = reader.cookies
    follow_url = reverse("dialogues:topic_follow", kwargs={"slug": topic.slug})
    strict.post(follow_url, {"csrfmiddlewaretoken": token, "state": ""})
    assert "You follow this topic." not in text(reader.get(topic_url(topic)))


def test_an_archived_topic_says_so_instead_of_offering_to_write(
    client, topic, member, secretariat_user
):
    services.topic_archive(topic=topic, acting_user=secretariat_user)
    client.force_login(member)
    html = text(client.get(topic_url(topic)))
    assert "This topic is archived" in html
    assert reverse("dialogues:thread_create", kwargs={"slug": topic.slug}) not in html


def test_the_thread_list_puts_pinned_threads_first_and_shows_what_is_unread(
    client, topic, member, other_member, moderator
):
    old = ThreadFactory(topic=topic, author=other_member, title="An old pinned thread")
    services.thread_pin(thread=old, acting_user=moderator)
    read = ThreadFactory(topic=topic, author=other_member, title="Read and then replied to")
    services.thread_mark_read(user=member, thread=read)
    PostFactory(thread=read, author=other_member)
    ThreadFactory(topic=topic, author=member, title="Started by me")
    ThreadFactory(topic=topic, author=other_member, title="Never opened")
    client.force_login(member)
    html = text(client.get(topic_url(topic)))
    titles = re.findall(r'class="thread-row__title" href="[^"]+">([^<]+)</a>', html)
    assert titles == [
        "An old pinned thread",
        "Never opened",
        "Started by me",
        "Read and then replied to",
    ]
    rows = dict(zip(titles, html.split('class="thread-row__title"')[1:], strict=True))
    assert "Pinned" in rows["An old pinned thread"]
    assert "1 new" in rows["Read and then replied to"]
    assert ">New<" in rows["Never opened"]
    assert "new" not in rows["Started by me"].split("</th>")[0].lower().replace("news", "")


def test_the_thread_list_filters_by_kind_and_theme(client, topic, member):
    green = PolicyThemeFactory(slug="green-deal", name="Green deal")
    ThreadFactory(
        topic=topic,
        author=member,
        title="A green question",
        kind=Thread.Kind.QUESTION,
        themes=[green],
    )
    ThreadFactory(topic=topic, author=member, title="A plain question", kind=Thread.Kind.QUESTION)
    ThreadFactory(topic=topic, author=member, title="A green discussion", themes=[green])
    url = topic_url(topic)
    both = text(client.get(url, {"kind": "question", "theme": "green-deal"}))
    assert "A green question" in both
    assert "A plain question" not in both and "A green discussion" not in both
    assert "Clear the filters" in both
    only_kind = text(client.get(url, {"kind": "question"}))
    assert "A green question" in only_kind and "A plain question" in only_kind
    assert "A green discussion" not in only_kind


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ({"kind": "rant"}, "“rant” is not a kind of thread."),
        ({"theme": "no-such-theme"}, "This policy theme does not exist."),
        ({"page": "abc"}, "There is no page “abc”; showing page 1."),
        ({"page": "99"}, "There is no page “99”; showing page 1."),
    ],
)
def test_bad_filters_and_pages_give_a_message_not_an_error(client, topic, member, query, problem):
    ThreadFactory(topic=topic, author=member, title="Still listed")
    response = client.get(topic_url(topic), query)
    assert response.status_code == 200
    html = text(response)
    assert problem in html
    assert 'role="alert"' in html
    assert "Still listed" in html


def test_the_topic_page_is_paginated(client, topic, member):
    for index in range(35):
        ThreadFactory(topic=topic, author=member, title=f"Thread number {index}")
    html = text(client.get(topic_url(topic), {"page": "2"}))
    assert "35 threads" in html
    assert len(re.findall('class="thread-row__title"', html)) == 5
    assert 'aria-label="Pages of the thread list"' in html


@pytest.mark.parametrize("count", [3, 300])
def test_the_topic_page_in_a_fixed_number_of_queries(
    client, topic, member, other_member, count, django_assert_max_num_queries
):
    themes = [PolicyThemeFactory(), PolicyThemeFactory()]
    for index in range(count):
        new_thread = services.thread_create(
            topic=topic,
            author=member if index % 2 else other_member,
            title=f"Thread {index}",
            body="Opening",
            themes=themes[: index % 3],
        )
        if index % 3 == 0:
            services.post_create(thread=new_thread, author=member, body="Reply")
        if index % 10 == 0:
            services.outcome_create(
                thread=new_thread, acting_user=new_thread.author, summary="Done"
            )
    reader = member_user()
    services.thread_mark_read(user=reader, thread=Thread.objects.filter(topic=topic).first())
    for user in (reader, member, None):
        client.logout()
        if user is not None:
            client.force_login(user)
        with django_assert_max_num_queries(TOPIC_PAGE_MAX_QUERIES):
            response = client.get(topic_url(topic), {"kind": "discussion"})
        assert response.status_code == 200
        assert len(re.findall('class="thread-row__title"', text(response))) == min(count, 30)


@pytest.mark.parametrize("role", PAGE_ROLES)
def test_following_and_muting_a_topic(client_as, role, members_topic, as_role):
    client = client_as(role)
    url = reverse("dialogues:topic_follow", kwargs={"slug": members_topic.slug})
    response = client.post(url, {"state": "following"})
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        return
    if role not in MEMBERS_TOPIC_READERS:
        assert response.status_code == 404
        return
    user = as_role(role)
    assert response.status_code == 302
    assert Follow.objects.get(user=user, topic=members_topic).state == "following"
    assert "You follow this topic." in text(client.get(topic_url(members_topic)))
    client.post(url, {"state": "muted"})
    assert Follow.objects.get(user=user, topic=members_topic).state == "muted"
    client.post(url, {"state": ""})
    assert not Follow.objects.filter(user=user, topic=members_topic).exists()


def test_a_follow_state_that_does_not_exist_changes_nothing(client, topic, member):
    client.force_login(member)
    url = reverse("dialogues:topic_follow", kwargs={"slug": topic.slug})
    response = client.post(url, {"state": "worship"}, follow=True)
    assert "Choose to follow or to mute. Nothing was changed." in text(response)
    assert not Follow.objects.exists()


@pytest.mark.parametrize("role", PAGE_ROLES)
def test_marking_a_topic_read(client_as, role, as_role, members_topic, other_member):
    ThreadFactory(topic=members_topic, author=other_member)
    client = client_as(role)
    response = client.post(
        reverse("dialogues:topic_mark_read", kwargs={"slug": members_topic.slug}), follow=True
    )
    if role == "anonymous":
        assert response.redirect_chain[0][0].startswith("/accounts/login/")
    elif role not in MEMBERS_TOPIC_READERS:
        assert response.status_code == 404
    else:
        assert "1 thread of this topic was marked as read." in text(response)
        assert ReadState.objects.filter(user=as_role(role)).count() == 1


# --- A thread -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", PAGE_ROLES)
def test_a_members_only_thread_exists_only_for_its_readers(client_as, role, members_thread):
    client = client_as(role)
    first_post = members_thread.posts.get()
    attachment = first_post.attachments.get()
    urls = [
        thread_url(members_thread),
        reverse("dialogues:post_permalink", kwargs={"pk": members_thread.pk, "number": 1}),
        reverse("dialogues:post_history", kwargs={"pk": first_post.pk}),
        reverse("dialogues:attachment_download", kwargs={"pk": attachment.pk}),
    ]
    for url in urls:
        response = client.get(url)
        if role in MEMBERS_TOPIC_READERS:
            assert response.status_code in (200, 302), url
        else:
            assert response.status_code == 404, url


REPLY_OFFER = {
    "anonymous": "sign in to reply",
    "non_member": "Only members of the alliance can write here.",
    "member": "Post reply",
    "suspended_member": "Your organisation&#x27;s membership is suspended",
    "moderator": "Post reply",
    "other_moderator": "Only members of the alliance can write here.",
    "secretariat": "Post reply",
}


@pytest.mark.parametrize("role", PAGE_ROLES)
def test_the_thread_page_for_each_role(client_as, role, thread, other_member):
    PostFactory(thread=thread, author=other_member, body="In our region **five** years.")
    response = client_as(role).get(thread_url(thread, 1))
    assert response.status_code == 200
    html = text(response)
    assert "<h1>Funding cluster managers</h1>" in html
    assert "<strong>five</strong>" in html
    assert "Oskar Other" in html
    assert REPLY_OFFER[role] in html
    assert ('name="reply_to"' in html) == (REPLY_OFFER[role] == "Post reply")
    # Reacting speaks for a member organisation: active members only, not on one's own post.
    useful_buttons = len(
        re.findall(r'class="button button--small button--secondary useful-button"', html)
    )
    assert useful_buttons == {"member": 1}.get(role, 0)
    flag_links = len(re.findall(r">Flag<span", html))
    assert flag_links == {"member": 1}.get(role, 0)
    assert (">Edit<span" in html) == (role == "member")


def test_kept_thread_pages_are_never_served_to_another_role(
    client_as, thread, other_member, moderator
):
    """Every role opens the thread page in turn, so that each finds it kept by the others
    (eca_portal.shared_pages): each still gets what it may do there."""
    PostFactory(thread=thread, author=other_member, body="In our region **five** years.")
    for roles in (PAGE_ROLES, list(reversed(PAGE_ROLES))):
        for role in roles:
            html = text(client_as(role).get(thread_url(thread, 1)))
            assert "{#" not in html and "{%" not in html  # no template syntax shown
            assert REPLY_OFFER[role] in html, role
            assert ('name="reply_to"' in html) == (REPLY_OFFER[role] == "Post reply"), role
            useful_buttons = len(re.findall(r'class="[^"]*useful-button"', html))
            assert useful_buttons == {"member": 1}.get(role, 0), role
            assert len(re.findall(r">Flag<span", html)) == {"member": 1}.get(role, 0), role
            assert (">Edit<span" in html) == (role == "member"), role
            assert (">Hide<span" in html) == (role in {"moderator", "secretariat"}), role
            assert ('class="follow-controls"' in html) == (role != "anonymous"), role


def test_members_share_a_thread_page_with_their_own_posts_marks_and_new_posts(
    thread, member, other_member, django_assert_max_num_queries
):
    """The thread page is kept per audience; what is new for each person, the actions of
    their own posts, their useful marks and flags, their follow controls and their list of
    people to mention are filled in for them (views.reading.thread_detail_personal)."""
    for number in range(2, 6):
        PostFactory(thread=thread, author=member if number % 2 else other_member)
    opening = thread.posts.get(number=1)
    services.post_mark_useful(post=opening, user=other_member)
    services.follow_set(user=other_member, thread=thread, state=Follow.State.FOLLOWING)
    services.follow_set(user=member, thread=thread, state=Follow.State.MUTED)
    services.thread_mark_read(user=other_member, thread=thread, up_to_number=3)
    author, reader = Client(), Client()
    author.force_login(member)
    reader.force_login(other_member)
    for _ in range(2):  # the first starts the cache's generation (nothing is kept before)
        author.get(thread_url(thread, 1))
    reader.get(reverse("dialogues:topic_list"))  # a session's first request records it

    def posts_of(html):
        return {
            int(number): article
            for number, article in re.findall(
                r'<article id="post-(\d+)"(.*?)</article>', html, re.S
            )
        }

    # Served from the cache: the person, their rights, their read position (post 5 is new: 4
    # is their own; marking it read), their posts and marks on the page, their follow state.
    with django_assert_max_num_queries(16):
        html = text(reader.get(thread_url(thread, 1)))
    posts = posts_of(html)
    assert [n for n, post in posts.items() if "post--new" in post] == [5]
    assert [n for n, post in posts.items() if "badge--new" in post] == [5]
    assert 'aria-pressed="true"' in posts[1] and 'aria-pressed="true"' not in posts[3]
    for number in (2, 4):  # the reader's own posts
        assert ">Edit<span" in posts[number] and "useful-button" not in posts[number]
    for number in (1, 3, 5):
        assert ">Edit<span" not in posts[number] and ">Flag<span" in posts[number]
    assert "You follow this thread." in html
    assert '<th scope="row">Oskar Other</th>' not in html
    assert '<th scope="row">Anna Active</th>' in html
    assert ReadState.objects.get(user=other_member, thread=thread).last_read_post_number == 5
    # The author's page, kept before, with their own posts, nothing new, the thread muted.
    html = text(author.get(thread_url(thread, 1)))
    posts = posts_of(html)
    assert "badge--new" not in html and "post--new" not in html
    assert 'aria-pressed="true"' not in html
    for number in (1, 3, 5):
        assert ">Edit<span" in posts[number] and ">Flag<span" not in posts[number]
    assert ">Flag<span" in posts[2] and 'aria-pressed="false"' in posts[2]
    assert "You muted this thread." in html and "You follow this thread." not in html
    assert '<th scope="row">Anna Active</th>' not in html
    assert '<th scope="row">Oskar Other</th>' in html
    # The useful button works with the token it was served with.
    token = re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)">\s*<input type="hidden" name="action" '
        r'value="mark"',
        html,
    ).group(1)
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = author.cookies
    second = thread.posts.get(number=2)
    strict.post(
        reverse("dialogues:post_useful", kwargs={"pk": second.pk}),
        {"csrfmiddlewaretoken": token, "action": "mark"},
    )
    assert 'aria-pressed="true"' in posts_of(text(author.get(thread_url(thread, 1))))[2]


def test_a_later_page_of_a_thread_shows_the_persons_own_posts_marks_and_flags_on_it(
    thread, member, other_member
):
    """The person's posts, marks and flags are looked up by the page's range of post numbers
    (selectors.thread_reading_state_for_user): on page 2, posts 21 to 40, both ends
    included, and nothing of page 1 leaks onto it."""
    for number in range(2, POSTS_PER_PAGE * 2 + 1):
        PostFactory(thread=thread, author=other_member if number in (20, 21, 40) else member)
    posts = {post.number: post for post in thread.posts.all()}
    services.post_mark_useful(post=posts[22], user=other_member)
    services.post_flag(post=posts[39], user=other_member, reason="Off topic.")
    services.post_mark_useful(post=posts[19], user=other_member)
    client = Client()
    client.force_login(other_member)
    for _ in range(2):  # the second is served from the cache
        html = text(client.get(thread_url(thread, 2)))
        articles = dict(re.findall(r'<article id="post-(\d+)"(.*?)</article>', html, re.S))
        assert sorted(map(int, articles)) == list(range(21, 41))
        own = [int(n) for n, article in articles.items() if ">Edit<span" in article]
        assert own == [21, 40]
        pressed = [int(n) for n, a in articles.items() if 'aria-pressed="true"' in a]
        assert pressed == [22]
        flagged = [int(n) for n, a in articles.items() if "You flagged this post." in a]
        assert flagged == [39]


def test_a_thread_page_shows_changes_of_the_thread_and_its_moderators_at_once(
    client, thread, other_member, moderator, secretariat_user
):
    """The thread and its topic are kept in the cache for the page's own work
    (selectors.thread_get_for_reader): a change of either shows on the next request."""
    client.force_login(other_member)
    for _ in range(2):  # the first starts the cache's generation (nothing is kept before)
        assert "Post reply" in text(client.get(thread_url(thread, 1)))
        assert "Moderation log of this topic" not in text(client.get(topic_url(thread.topic)))
    services.thread_lock(thread=thread, acting_user=moderator, reason="Wrapped up")
    html = text(client.get(thread_url(thread, 1)))
    assert "This thread is locked" in html and "Post reply" not in html
    services.topic_moderators_set(
        topic=thread.topic, acting_user=secretariat_user, moderators=[moderator, other_member]
    )
    html = text(client.get(thread_url(thread, 1)))
    assert "Post reply" in html and ">Hide<span" in html
    topic_page = text(client.get(topic_url(thread.topic)))
    assert "Moderation log of this topic" in topic_page


def test_a_post_shows_its_author_date_permalink_attachments_quote_and_useful_count(
    client, thread, member, other_member
):
    opening = thread.posts.get()
    third = member_user(full_name="Tess Third")
    services.post_mark_useful(post=opening, user=other_member)
    services.post_mark_useful(post=opening, user=third)
    reply = PostFactory(
        thread=thread, author=other_member, body="We pay for **five** years.", reply_to=opening
    )
    services.post_edit(post=reply, acting_user=other_member, body="We pay for six years.")
    html = text(client.get(thread_url(thread, 1)))
    first = html[html.index('id="post-1"') : html.index('id="post-2"')]
    assert "Anna Active" in first and member.representative.organisation.name in first
    assert "2 people found this useful" in first
    attachment = opening.attachments.get()
    download = reverse("dialogues:attachment_download", kwargs={"pk": attachment.pk})
    assert f'href="{download}">evaluation-report.pdf</a>' in first
    second = html[html.index('id="post-2"') :]
    permalink = reverse("dialogues:post_permalink", kwargs={"pk": thread.pk, "number": 2})
    assert f'href="{permalink}"' in second
    assert "<time datetime=" in second
    history = reverse("dialogues:post_history", kwargs={"pk": reply.pk})
    assert f'href="{history}">edited' in second
    assert "In reply to" in second and "We co-fund cluster management" in second


def test_a_former_member_is_shown_by_organisation(client, thread, other_member):
    PostFactory(thread=thread, author=other_member)
    organisation_name = other_member.representative.organisation.name
    # What deleting the account does to the post (on_delete=SET_NULL).
    Post.objects.filter(author=other_member).update(author=None)
    html = text(client.get(thread_url(thread, 1)))
    assert f"A former member of {organisation_name}" in html


def test_a_hidden_post_keeps_its_place_and_its_text_is_for_moderators(
    client_as, thread, other_member, moderator
):
    hidden = PostFactory(thread=thread, author=other_member, body="Something off topic")
    reply = PostFactory(thread=thread, author=thread.author, body="Answer", reply_to=hidden)
    services.post_hide(post=hidden, acting_user=moderator, reason="Advertising")
    for role in ("anonymous", "member", "moderator", "secretariat"):
        html = text(client_as(role).get(thread_url(thread, 1)))
        assert post_numbers(client_as(role).get(thread_url(thread, 1))) == [1, 2, 3]
        assert "This post was hidden by a moderator." in html
        moderating = role in ("moderator", "secretariat")
        assert ("Something off topic" in html) == moderating, role
        assert ("Advertising" in html) == moderating, role
    assert reply.reply_to_id == hidden.pk


def test_the_outcome_comes_first_on_a_concluded_thread(client, thread, member, other_member):
    PostFactory(thread=thread, author=other_member)
    services.outcome_create(
        thread=thread, acting_user=member, summary="We **agree** on five years."
    )
    services.outcome_endorse(outcome=thread.outcome, acting_user=other_member)
    html = text(client.get(thread_url(thread, 1)))
    assert html.index("<strong>agree</strong>") < html.index('id="post-1"')
    assert "Concluded" in html
    endorsements = html[html.index("Endorsed by") : html.index('id="post-1"')]
    assert other_member.representative.organisation.name in endorsements


def test_a_thread_is_paginated_with_links_at_top_and_bottom(client, thread, member):
    for index in range(2, POSTS_PER_PAGE + 6):
        PostFactory(thread=thread, author=member, body=f"Post {index}")
    response = client.get(thread_url(thread, 2))
    assert post_numbers(response) == list(range(21, 26))
    html = text(response)
    assert 'aria-label="Pages of this thread, top"' in html
    assert 'aria-label="Pages of this thread, bottom"' in html
    assert "page 2 of 2" in html


@pytest.mark.parametrize(("page", "shown"), [("abc", 1), ("0", 1), ("7", 2)])
def test_a_page_of_a_thread_that_does_not_exist_gives_a_message(
    client, thread, member, page, shown
):
    for index in range(2, 26):
        PostFactory(thread=thread, author=member, body=f"Post {index}")
    response = client.get(thread_url(thread), {"page": page})
    assert response.status_code == 200
    assert f"There is no page “{page}”; showing page {shown}." in text(response)


def test_a_locked_thread_lets_only_its_moderators_reply(client_as, thread, moderator):
    services.thread_lock(thread=thread, acting_user=moderator)
    member_page = text(client_as("member").get(thread_url(thread, 1)))
    assert "This thread is locked: only its moderators can still post." in member_page
    assert "Post reply" not in member_page
    moderator_page = text(client_as("moderator").get(thread_url(thread, 1)))
    assert "As a moderator you can still post" in moderator_page
    assert "Post reply" in moderator_page


def test_following_and_muting_a_thread(client_as, thread, member):
    client = client_as("member")
    url = reverse("dialogues:thread_follow", kwargs={"pk": thread.pk})
    assert "You follow this thread." in text(client.get(thread_url(thread, 1)))  # the author
    client.post(url, {"state": "muted"})
    assert "You muted this thread." in text(client.get(thread_url(thread, 1)))
    assert Follow.objects.get(user=member, thread=thread).state == "muted"
    assert client_as("anonymous").post(url, {"state": "muted"}).status_code == 302


@pytest.mark.parametrize("count", [3, 300])
def test_the_thread_page_in_a_fixed_number_of_queries(
    client, topic, member, other_member, moderator, count, django_assert_max_num_queries
):
    thread = services.thread_create(
        topic=topic, author=member, title="Long thread", body="Opening", attachments=[pdf_file()]
    )
    services.outcome_create(thread=thread, acting_user=member, summary="Conclusions")
    services.outcome_endorse(outcome=thread.outcome, acting_user=other_member)
    authors = [member, other_member, member_user()]
    previous = thread.posts.get()
    for index in range(2, count + 1):
        previous = services.post_create(
            thread=thread,
            author=authors[index % 3],
            body=f"Contribution {index} with @[{member.full_name}](user:{member.pk})",
            reply_to=previous if index % 2 else None,
            attachments=[image_file()] if index % 5 == 0 else (),
        )
        if index % 4 == 0:
            services.post_mark_useful(post=previous, user=authors[(index + 1) % 3])
        if index % 7 == 0:
            services.post_edit(post=previous, acting_user=previous.author, body="Edited")
        if index == 3:
            services.post_hide(post=previous, acting_user=moderator, reason="Off topic")
    last_page = Thread.objects.get(pk=thread.pk).page_count
    reader = member_user()
    for user in (reader, moderator, other_member, None):
        for page in sorted({1, last_page, (last_page + 1) // 2}):
            client.logout()
            if user is not None:
                client.force_login(user)
            with django_assert_max_num_queries(THREAD_PAGE_MAX_QUERIES):
                response = client.get(thread_url(thread, page))
            assert response.status_code == 200
            expected = min(count - POSTS_PER_PAGE * (page - 1), POSTS_PER_PAGE)
            assert len(post_numbers(response)) == expected


# --- Permalinks, history, attachments -----------------------------------------------------------


def test_a_permalink_leads_to_the_page_and_anchor_of_the_post(client, thread, member):
    for index in range(2, 24):
        PostFactory(thread=thread, author=member, body=f"Post {index}")
    response = client.get(
        reverse("dialogues:post_permalink", kwargs={"pk": thread.pk, "number": 22})
    )
    assert response.status_code == 302
    assert response["Location"] == f"{thread_url(thread)}?page=2#post-22"
    missing = reverse("dialogues:post_permalink", kwargs={"pk": thread.pk, "number": 99})
    assert client.get(missing).status_code == 404


def test_the_history_of_a_post_shows_every_version(client, thread, member):
    post = thread.posts.get()
    services.post_edit(post=post, acting_user=member, body="Second *version*")
    services.post_edit(post=post, acting_user=member, body="Third version")
    response = client.get(reverse("dialogues:post_history", kwargs={"pk": post.pk}))
    assert response.status_code == 200
    html = text(response)
    assert html.index("Version 3 (current)") < html.index("Version 2") < html.index("Version 1")
    assert "Third version" in html and "Second <em>version</em>" in html
    assert "We co-fund <strong>cluster management</strong>" in html


@pytest.mark.parametrize("role", PAGE_ROLES)
def test_the_history_of_a_hidden_post_is_for_its_moderators(client_as, role, thread, moderator):
    post = thread.posts.get()
    services.post_edit(post=post, acting_user=thread.author, body="Changed")
    services.post_hide(post=post, acting_user=moderator, reason="Rude")
    response = client_as(role).get(reverse("dialogues:post_history", kwargs={"pk": post.pk}))
    assert response.status_code == (200 if role in ("moderator", "secretariat") else 404)


@pytest.mark.parametrize("role", PAGE_ROLES)
def test_downloading_an_attachment(client_as, role, members_thread):
    attachment = members_thread.posts.get().attachments.get()
    response = client_as(role).get(
        reverse("dialogues:attachment_download", kwargs={"pk": attachment.pk})
    )
    if role not in MEMBERS_TOPIC_READERS:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="grid.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_an_attachment_of_a_public_thread_is_public_but_not_when_its_post_is_hidden(
    client_as, thread, moderator
):
    post = thread.posts.get()
    url = reverse("dialogues:attachment_download", kwargs={"pk": post.attachments.get().pk})
    assert client_as("anonymous").get(url).status_code == 200
    services.post_hide(post=post, acting_user=moderator, reason="Wrong file")
    assert client_as("anonymous").get(url).status_code == 404
    assert client_as("member").get(url).status_code == 404
    assert client_as("moderator").get(url).status_code == 200


def test_an_attachment_that_does_not_exist_is_a_404(client):
    assert (
        client.get(reverse("dialogues:attachment_download", kwargs={"pk": 999})).status_code == 404
    )


# --- Navigation ---------------------------------------------------------------------------------


def test_the_main_navigation_and_the_home_page_lead_to_the_dialogues(client, topic):
    overview = reverse("dialogues:topic_list")
    home = text(client.get(reverse("home")))
    assert f'<a href="{overview}">Dialogues</a>' in home
    assert f'<a href="{overview}">Policy dialogue</a>' in home
    page = text(client.get(topic_url(topic)))
    assert f'<a href="{overview}" aria-current="page">Dialogues</a>' in page


def test_the_representatives_of_an_organisation_have_anchors_for_mentions(
    client, member, other_member
):
    organisation = member.representative.organisation
    client.force_login(other_member)
    html = text(client.get(organisation.get_absolute_url()))
    assert f'id="person-{member.pk}"' in html
