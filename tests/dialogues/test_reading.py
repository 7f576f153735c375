"""Unread tracking: counts in the lists, the first unread post, marking read in bulk."""

import pytest

from dialogues import selectors, services
from dialogues.models import Follow, ReadState
from tests.dialogues.factories import PostFactory, ThreadFactory, TopicFactory

pytestmark = pytest.mark.django_db


def _thread_with_posts(topic, author, count):
    thread = ThreadFactory(topic=topic, author=author)
    for _ in range(count - 1):
        PostFactory(thread=thread, author=author)
    thread.refresh_from_db()
    return thread


def _unread(user, topic):
    return {
        t.pk: (t.last_read_number, t.unread_count)
        for t in selectors.thread_list_for_topic(user=user, topic=topic)
    }


def test_lists_count_new_posts(member, other_member, topic):
    thread = _thread_with_posts(topic, other_member, 3)
    assert _unread(member, topic) == {thread.pk: (0, 3)}
    services.thread_mark_read(user=member, thread=thread, up_to_number=2)
    assert _unread(member, topic) == {thread.pk: (2, 1)}
    services.thread_mark_read(user=member, thread=thread)
    assert _unread(member, topic) == {thread.pk: (3, 0)}
    PostFactory(thread=thread, author=other_member)
    PostFactory(thread=thread, author=other_member)
    assert _unread(member, topic) == {thread.pk: (3, 2)}
    # One's own posts are read.
    services.post_create(thread=thread, author=member, body="My answer")
    assert _unread(member, topic) == {thread.pk: (6, 0)}
    assert _unread(other_member, topic) == {thread.pk: (5, 1)}


def test_the_anonymous_have_no_unread_counts(anonymous, other_member, topic):
    thread = _thread_with_posts(topic, other_member, 2)
    assert _unread(anonymous, topic) == {thread.pk: (0, 0)}
    assert (
        selectors.thread_reading_state_for_user(user=anonymous, thread=thread).first_unread_number
        is None
    )
    services.thread_mark_read(user=anonymous, thread=thread)  # nothing to remember
    assert list(ReadState.objects.values_list("user", flat=True)) == [other_member.pk]


def test_opening_a_thread_jumps_to_the_first_unread_post(settings, member, other_member, topic):
    thread = _thread_with_posts(topic, other_member, 25)
    assert (
        selectors.thread_reading_state_for_user(user=member, thread=thread).first_unread_number == 1
    )
    services.thread_mark_read(user=member, thread=thread, up_to_number=21)
    assert (
        selectors.thread_reading_state_for_user(user=member, thread=thread).first_unread_number
        == 22
    )
    services.thread_mark_read(user=member, thread=thread)
    assert (
        selectors.thread_reading_state_for_user(user=member, thread=thread).first_unread_number
        is None
    )


def test_topic_list_counts_threads_with_news(member, other_member, topic):
    read, unread = (_thread_with_posts(topic, other_member, 2) for _ in range(2))
    services.thread_mark_read(user=member, thread=read)
    listed = {t.pk: t for t in selectors.topic_list_for_user(user=member)}
    assert listed[topic.pk].thread_count == 2
    assert listed[topic.pk].unread_thread_count == 1
    assert listed[topic.pk].last_activity_at == max(read.last_activity_at, unread.last_activity_at)


@pytest.mark.parametrize("count", [3, 30])
def test_mark_topic_read_is_set_based(count, member, other_member, django_assert_max_num_queries):
    topic = TopicFactory()
    threads = [ThreadFactory(topic=topic, author=other_member) for _ in range(count)]
    services.thread_mark_read(user=member, thread=threads[0])  # an existing row is updated
    PostFactory(thread=threads[0], author=other_member)
    other_topic_thread = ThreadFactory(topic=TopicFactory(), author=other_member)
    # Role checks, one SELECT of the unread threads, one INSERT … ON CONFLICT, savepoints.
    with django_assert_max_num_queries(8) as captured:
        marked = services.topic_mark_read(user=member, topic=topic)
    inserts = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1 and "ON CONFLICT" in inserts[0]
    assert marked == count
    states = dict(
        ReadState.objects.filter(user=member).values_list("thread", "last_read_post_number")
    )
    assert states == {thread.pk: (2 if thread == threads[0] else 1) for thread in threads}
    assert other_topic_thread.pk not in states
    assert all(
        t.unread_count == 0 for t in selectors.thread_list_for_topic(user=member, topic=topic)
    )
    assert services.topic_mark_read(user=member, topic=topic) == 0


@pytest.mark.parametrize("count", [3, 30])
def test_mark_everything_read_covers_only_what_one_may_read(
    count, non_member, other_member, members_topic, django_assert_max_num_queries
):
    topics = [TopicFactory(), TopicFactory()]
    public = [ThreadFactory(topic=topics[i % 2], author=other_member) for i in range(count)]
    ThreadFactory(topic=members_topic, author=other_member)
    with django_assert_max_num_queries(8):
        marked = services.threads_mark_all_read(user=non_member)
    assert marked == count
    assert set(ReadState.objects.filter(user=non_member).values_list("thread", flat=True)) == {
        thread.pk for thread in public
    }


def test_followed_threads(member, other_member, topic):
    followed_topic = TopicFactory()
    in_followed_topic = ThreadFactory(topic=followed_topic, author=other_member)
    muted = ThreadFactory(topic=followed_topic, author=other_member)
    followed_thread = ThreadFactory(topic=topic, author=other_member)
    ThreadFactory(topic=topic, author=other_member)  # not followed
    services.follow_set(user=member, topic=followed_topic, state=Follow.State.FOLLOWING)
    services.follow_set(user=member, thread=muted, state=Follow.State.MUTED)
    services.follow_set(user=member, thread=followed_thread, state=Follow.State.FOLLOWING)
    assert set(selectors.thread_list_followed(user=member)) == {
        in_followed_topic,
        followed_thread,
    }
    assert selectors.follow_state_for_user(user=member, thread=muted) == Follow.State.MUTED
    assert selectors.follow_state_for_user(user=member, topic=topic) is None
