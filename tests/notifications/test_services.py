"""Mentions notify the people mentioned, once, and only those who may read the post."""

import pytest

from dialogues import services as dialogue_services
from dialogues.rendering import mention_markup
from notifications import services
from notifications.models import Notification
from tests.dialogues.factories import PostFactory, ThreadFactory, member_user

pytestmark = pytest.mark.django_db


def test_a_mention_notifies_the_mentioned_member_and_not_the_author(member, other_member, topic):
    assert not Notification.objects.exists()
    body = f"Thoughts, {mention_markup(other_member)}? And mine, {mention_markup(member)}."
    post = ThreadFactory(topic=topic, author=member, body=body).posts.get()
    notification = Notification.objects.get()
    assert notification.recipient == other_member
    assert notification.kind == Notification.Kind.MENTION
    assert notification.actor == member
    assert notification.post == post
    assert notification.thread == post.thread
    assert notification.read_at is None


def test_a_reply_that_mentions_notifies(member, other_member, topic):
    thread = ThreadFactory(topic=topic, author=member)
    post = PostFactory(thread=thread, author=other_member, body=f"@{mention_markup(member)}")
    assert list(Notification.objects.values_list("recipient", "post")) == [(member.pk, post.pk)]


def test_nobody_who_cannot_read_the_topic_is_notified(member, non_member, members_topic):
    body = f"Over to {mention_markup(non_member)}"
    post = ThreadFactory(topic=members_topic, author=member, body=body).posts.get()
    assert not Notification.objects.exists()
    # Even when asked directly, the service checks who may read the topic.
    services.notifications_for_mentions_create(post=post, mentioned_user_ids=[non_member.pk])
    assert not Notification.objects.exists()


def test_the_service_never_notifies_the_author(member, topic):
    post = ThreadFactory(topic=topic, author=member).posts.get()
    services.notifications_for_mentions_create(post=post, mentioned_user_ids=[member.pk])
    assert not Notification.objects.exists()


def test_an_edit_notifies_only_newly_mentioned_people_and_never_twice(member, other_member, topic):
    third = member_user()
    post = ThreadFactory(
        topic=topic, author=member, body=f"Hi {mention_markup(other_member)}"
    ).posts.get()
    dialogue_services.post_edit(
        post=post,
        acting_user=member,
        body=f"Hi {mention_markup(other_member)} and {mention_markup(third)}",
    )
    dialogue_services.post_edit(
        post=post, acting_user=member, body=f"Hello {mention_markup(other_member)}"
    )
    dialogue_services.post_edit(
        post=post,
        acting_user=member,
        body=f"Hello {mention_markup(other_member)}, {mention_markup(third)}",
    )
    assert sorted(Notification.objects.values_list("recipient", flat=True)) == sorted(
        [other_member.pk, third.pk]
    )


def test_mark_read_and_mark_all_read(member, other_member, topic):
    for _ in range(3):
        ThreadFactory(topic=topic, author=member, body=f"{mention_markup(other_member)} ?")
    first, second, third = Notification.objects.order_by("pk")
    services.notification_mark_read(notification=first, user=other_member)
    first.refresh_from_db()
    assert first.read_at is not None
    # Someone else's notification is left alone.
    services.notification_mark_read(notification=second, user=member)
    second.refresh_from_db()
    assert second.read_at is None

    assert services.notifications_mark_all_read(user=other_member) == 2
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert services.notifications_mark_all_read(user=other_member) == 0
