"""Helpers to lay out a known data set for the dashboard's figures."""

from datetime import datetime

from django.db.models import Max
from django.utils import timezone

from dialogues.models import Post
from tests.dialogues.factories import ThreadFactory

# Long before any chart's window: where the threads' opening posts are put.
LONG_AGO = timezone.make_aware(datetime(2020, 1, 1, 12))


def moment(year, month, day, hour=12):
    return timezone.make_aware(datetime(year, month, day, hour))


def thread_in(topic):
    """A thread whose opening post is long ago (so that only the posts added count)."""
    thread = ThreadFactory(topic=topic)
    thread.posts.update(created_at=LONG_AGO)
    return thread


def posts_add(thread, *moments, hidden=False):
    """Replies written at the given moments, straight into the table (fast, for many rows)."""
    last = thread.posts.aggregate(last=Max("number"))["last"] or 0
    return Post.objects.bulk_create(
        Post(
            thread=thread,
            number=last + index,
            body="A reply.",
            body_html="<p>A reply.</p>",
            body_text="A reply.",
            created_at=written_at,
            hidden_at=written_at if hidden else None,
            hidden_reason="Spam." if hidden else "",
        )
        for index, written_at in enumerate(moments, start=1)
    )
