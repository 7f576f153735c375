"""The notifications page, following a notification, marking all read, and the header count."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from dialogues import services as dialogue_services
from dialogues.models import Topic
from dialogues.permissions import is_member_reader
from dialogues.rendering import mention_markup
from eca_portal.cache_generations import generation
from members.models import Representative
from members.permissions import is_secretariat
from notifications import selectors, services
from notifications.counts import GENERATION
from notifications.models import Notification
from tests.dialogues.factories import ThreadFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("notifications:list")


def _mention(author, person, topic, title):
    thread = ThreadFactory(
        topic=topic,
        author=author,
        title=title,
        body=f"What do you think, {mention_markup(person)}?",
    )
    return thread.posts.get()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(LIST_URL)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    response = client.post(reverse("notifications:mark_all_read"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    response = client.get(reverse("notifications:open", kwargs={"pk": 1}))
    assert reverse("account_login") in response["Location"]


def test_the_list_shows_mentions_unread_and_newest_first(client, member, other_member, topic):
    _mention(member, other_member, topic, "Older thread")
    _mention(member, other_member, topic, "Newer thread")
    client.force_login(other_member)
    response = client.get(LIST_URL)
    assertContains(response, "Anna Active mentioned you in “Newer thread”")
    content = response.content.decode()
    assert content.index("Newer thread") < content.index("Older thread")
    assert content.count('class="badge">Unread') == 2
    assertContains(response, "Mark all as read")


def test_following_a_notification_marks_it_read_and_opens_the_post(
    client, member, other_member, topic
):
    post = _mention(member, other_member, topic, "Funding")
    notification = Notification.objects.get()
    client.force_login(other_member)
    response = client.get(reverse("notifications:open", kwargs={"pk": notification.pk}))
    assertRedirects(
        response,
        reverse("dialogues:post_permalink", kwargs={"pk": post.thread_id, "number": post.number}),
        fetch_redirect_response=False,
    )
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_another_persons_notification_is_a_404(client, member, other_member, topic):
    _mention(member, other_member, topic, "Funding")
    notification = Notification.objects.get()
    client.force_login(member)
    response = client.get(reverse("notifications:open", kwargs={"pk": notification.pk}))
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read_needs_post_and_marks_everything(client, member, other_member, topic):
    _mention(member, other_member, topic, "One")
    _mention(member, other_member, topic, "Two")
    client.force_login(other_member)
    assert client.get(reverse("notifications:mark_all_read")).status_code == 405
    response = client.post(reverse("notifications:mark_all_read"))
    assertRedirects(response, LIST_URL)
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assertNotContains(client.get(LIST_URL), 'class="badge">Unread')


def test_a_hidden_post_leaves_even_its_moderators_notifications(member, moderator, topic):
    # Moderators find hidden posts in the moderation log; their notification list (and
    # digest) only holds what everyone may read.
    post = _mention(member, moderator, topic, "Hidden later")
    assert list(selectors.notification_list_for_user(user=moderator)) == [
        Notification.objects.get(post=post)
    ]
    dialogue_services.post_hide(post=post, acting_user=moderator, reason="Off topic")
    assert list(selectors.notification_list_for_user(user=moderator)) == []
    assert selectors.unread_count_for_user(user=moderator) == 0


def test_a_hidden_post_hides_the_notification_from_a_member(
    client, member, other_member, moderator, topic
):
    post = _mention(member, other_member, topic, "Hidden later")
    client.force_login(other_member)
    assertContains(client.get(LIST_URL), "Hidden later")
    dialogue_services.post_hide(post=post, acting_user=moderator, reason="Off topic")
    assertNotContains(client.get(LIST_URL), "Hidden later")


def test_a_topic_turned_members_only_hides_the_notification_from_a_non_member(
    client, member, non_member, secretariat_user, topic
):
    post = ThreadFactory(topic=topic, author=member, title="Open talk").posts.get()
    services.notifications_for_mentions_create(post=post, mentioned_user_ids=[non_member.pk])
    client.force_login(non_member)
    assertContains(client.get(LIST_URL), "Open talk")
    dialogue_services.topic_update(
        topic=topic, acting_user=secretariat_user, visibility=Topic.Visibility.MEMBERS
    )
    assertNotContains(client.get(LIST_URL), "Open talk")


def test_the_header_shows_the_unread_count(client, member, other_member, topic):
    client.force_login(other_member)
    assertContains(
        client.get("/"),
        'Notifications (0<span class="visually-hidden"> unread</span>)',
        html=False,
    )
    for title in ("One", "Two", "Three"):
        _mention(member, other_member, topic, title)
    assertContains(client.get("/"), 'Notifications (3<span class="visually-hidden"> unread</span>)')


def _notification_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in context.captured_queries if "notifications_notification" in q["sql"]]


def test_the_header_count_costs_one_count_query_then_none_while_cached(client, other_member, topic):
    client.force_login(other_member)
    queries = _notification_queries(client, reverse("dialogues:topic_list"))
    assert len(queries) == 1
    assert queries[0].startswith("SELECT COUNT(*)")
    assert _notification_queries(client, reverse("dialogues:topic_list")) == []


def test_the_cached_count_follows_new_notifications_and_reading(
    client, member, other_member, topic
):
    client.force_login(other_member)
    header = 'Notifications (%d<span class="visually-hidden"> unread</span>)'
    assertContains(client.get("/"), header % 0)
    _mention(member, other_member, topic, "One")
    assertContains(client.get("/"), header % 1)
    notification = Notification.objects.get(recipient=other_member)
    client.get(reverse("notifications:open", kwargs={"pk": notification.pk}))
    assertContains(client.get("/"), header % 0)
    _mention(member, other_member, topic, "Two")
    _mention(member, other_member, topic, "Three")
    assertContains(client.get("/"), header % 2)
    client.post(reverse("notifications:mark_all_read"))
    assertContains(client.get("/"), header % 0)


def test_a_recount_made_before_the_commit_is_not_kept(
    member, other_member, topic, django_capture_on_commit_callbacks
):
    """A request that counts while a new notification is still uncommitted caches the old
    count; the forgetting after the commit drops it."""
    assert selectors.unread_count_for_user(user=other_member) == 0
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _mention(member, other_member, topic, "One")
        # Another request, which cannot see the uncommitted row yet, caches 0.
        cache.set(f"notifications:unread:{other_member.pk}", (generation(GENERATION), 0), 60)
    assert selectors.unread_count_for_user(user=other_member) == 0
    for callback in callbacks:
        callback()
    assert selectors.unread_count_for_user(user=other_member) == 1


def test_losing_a_representative_role_recounts_everyone(member, other_member, topic):
    _mention(member, other_member, topic, "One")
    assert selectors.unread_count_for_user(user=other_member) == 1
    before = generation(GENERATION)
    Representative.objects.filter(user=member).delete()
    assert generation(GENERATION) != before


def test_anonymous_visitors_see_no_count_and_cost_no_query(client, topic):
    assert _notification_queries(client, reverse("dialogues:topic_list")) == []
    response = client.get("/")
    assertNotContains(response, reverse("notifications:list"))
    assert "unread_notification_count" not in response.context


@pytest.mark.parametrize("count", [3, 200])
def test_the_list_in_a_fixed_number_of_queries(
    count, client, member, other_member, topic, django_assert_max_num_queries
):
    post = ThreadFactory(topic=topic, author=member).posts.get()
    thread = post.thread
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=other_member,
                kind=Notification.Kind.MENTION,
                actor=member,
                post=dialogue_services.post_create(thread=thread, author=member, body=f"#{i}"),
                thread=thread,
            )
            for i in range(count)
        ]
    )
    client.force_login(other_member)
    # One bound for both sizes: a query per row would blow it at 200. Most of it is the request
    # (the session, the user's permissions and organisation, the header's unread count).
    with django_assert_max_num_queries(17):
        response = client.get(LIST_URL)
    assert response.status_code == 200
    assert len(response.context["notifications"]) == min(count, 25)


def test_the_unread_count_is_one_query(member, other_member, topic, django_assert_num_queries):
    _mention(member, other_member, topic, "One")
    assert is_member_reader(other_member)  # the person's seat and permissions, loaded once
    assert not is_secretariat(other_member)
    with django_assert_num_queries(1):
        assert selectors.unread_count_for_user(user=other_member) == 1


def test_the_kept_page_is_one_persons_and_follows_their_notifications(
    client, member, other_member, moderator, topic, django_assert_max_num_queries
):
    """The page is kept for its person alone (views.notifications_audience): it shows new
    notifications, reading, names changed and posts hidden at once, and nobody else's."""
    from django.test import Client

    post = _mention(member, other_member, topic, "First talk")
    client.force_login(other_member)
    for _ in range(3):  # the first ones start the cache's generations
        client.get(LIST_URL)
    with django_assert_max_num_queries(3):  # the person; the page is theirs, from the cache
        assertContains(client.get(LIST_URL), "First talk")
    # Someone else, at the same address, gets their own page.
    author = Client()
    author.force_login(member)
    for _ in range(2):
        assertNotContains(author.get(LIST_URL), "First talk")
    # A new notification, and a read one, show at once.
    _mention(member, other_member, topic, "Second talk")
    response = client.get(LIST_URL)
    assertContains(response, "Second talk")
    assert response.content.decode().count('class="badge">Unread') == 2
    client.get(reverse("notifications:open", kwargs={"pk": Notification.objects.first().pk}))
    assert client.get(LIST_URL).content.decode().count('class="badge">Unread') == 1
    # A new name of the person who mentioned them, and a hidden post.
    member.full_name = "Anna Renamed"
    member.save()
    assertContains(client.get(LIST_URL), "Anna Renamed mentioned you")
    dialogue_services.post_hide(post=post, acting_user=moderator, reason="Off topic")
    assertNotContains(client.get(LIST_URL), "First talk")
