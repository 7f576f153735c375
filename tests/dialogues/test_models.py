"""The database guards the dialogues' invariants, whatever code writes to it."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from dialogues.models import Flag, Follow, Post, ReadState, Topic, UsefulMark
from tests.dialogues.factories import ThreadFactory, TopicFactory

pytestmark = pytest.mark.django_db


def _refused(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_post_numbers_are_unique_per_thread_and_positive(member, topic):
    thread = ThreadFactory(topic=topic, author=member)
    _refused(lambda: Post.objects.create(thread=thread, number=1, body="x"))
    _refused(lambda: Post.objects.create(thread=thread, number=0, body="x"))
    other = ThreadFactory(topic=topic, author=member)
    assert Post.objects.create(thread=other, number=5, body="x")


def test_a_hidden_post_has_a_reason(member, topic):
    post = ThreadFactory(topic=topic, author=member).posts.get()
    _refused(lambda: Post.objects.filter(pk=post.pk).update(hidden_at=timezone.now()))
    _refused(lambda: Post.objects.filter(pk=post.pk).update(hidden_reason="Spam"))


def test_a_post_cannot_reply_to_itself(member, topic):
    post = ThreadFactory(topic=topic, author=member).posts.get()
    _refused(lambda: Post.objects.filter(pk=post.pk).update(reply_to=post))


def test_follows_target_one_thing_once(member, topic):
    thread = ThreadFactory(topic=topic, author=member)  # the author follows it already
    _refused(lambda: Follow.objects.create(user=member, thread=thread))
    _refused(lambda: Follow.objects.create(user=member, topic=topic, thread=thread))
    _refused(lambda: Follow.objects.create(user=member))
    Follow.objects.create(user=member, topic=topic)
    _refused(lambda: Follow.objects.create(user=member, topic=topic, state="muted"))


def test_one_read_state_useful_mark_and_open_flag_per_person(member, other_member, topic):
    post = ThreadFactory(topic=topic, author=member).posts.get()
    _refused(lambda: ReadState.objects.create(user=member, thread=post.thread))
    UsefulMark.objects.create(post=post, user=other_member)
    _refused(lambda: UsefulMark.objects.create(post=post, user=other_member))
    Flag.objects.create(post=post, flagged_by=other_member, reason="Spam")
    _refused(lambda: Flag.objects.create(post=post, flagged_by=other_member, reason="Spam"))
    Flag.objects.filter(post=post).update(
        resolved_at=timezone.now(), resolution=Flag.Resolution.DISMISSED
    )
    Flag.objects.create(post=post, flagged_by=other_member, reason="Spam again")
    _refused(lambda: Flag.objects.filter(resolved_at__isnull=True).update(resolution="dismissed"))


def test_archived_topics_carry_their_date():
    _refused(lambda: TopicFactory(status=Topic.Status.ARCHIVED))
    _refused(lambda: TopicFactory(archived_at=timezone.now()))
    assert TopicFactory(status=Topic.Status.ARCHIVED, archived_at=timezone.now()).is_archived


def test_a_thread_needs_a_title(member, topic):
    thread = ThreadFactory(topic=topic, author=member)
    _refused(lambda: type(thread).objects.filter(pk=thread.pk).update(title=""))
