"""Addresses of the dialogue pages that the moderation, outcome, search and list pages link to
(the reading pages own them: dialogues/urls.py)."""

from django.urls import reverse

from dialogues.models import post_page_number


def topic_url(topic) -> str:
    return reverse("dialogues:topic_detail", kwargs={"slug": topic.slug})


def thread_url(thread) -> str:
    """The thread page; a signed-in reader lands on their first unread post."""
    return reverse("dialogues:thread_detail", kwargs={"pk": thread.pk})


def thread_unread_url(thread) -> str:
    """Straight to the first post the person has not read (a thread row annotated with
    `last_read_number`, as the thread lists are)."""
    number = min(thread.last_read_number + 1, max(thread.post_count, 1))
    return f"{thread_url(thread)}?page={post_page_number(number)}#post-{number}"


def post_url(post) -> str:
    """The post's permalink (it redirects to the page that shows the post)."""
    return reverse("dialogues:post_permalink", kwargs={"pk": post.thread_id, "number": post.number})


def outcome_anchor_url(thread) -> str:
    return f"{thread_url(thread)}#outcome"
