"""The list pages' selectors run in the same number of queries with few rows and with many."""

import pytest
from django.contrib.auth import get_user_model

from dialogues import selectors, services
from dialogues.models import POSTS_PER_PAGE, Thread
from tests.dialogues.factories import member_user, pdf_file

pytestmark = pytest.mark.django_db

# One bound for both sizes: a query per row would blow it at 300. (About half of it is the
# person's role: permissions, representative, organisation, as in a fresh request.)
PAGE_QUERIES = 17


def _fresh(user):
    """The user as a request loads it: nothing cached yet."""
    return get_user_model().objects.get(pk=user.pk)


def _thread_page_as_a_template_would(user, thread_pk, page):
    thread = selectors.thread_get_for_user(user=user, pk=thread_pk)
    shown = [thread.title, thread.topic.title, thread.author_display]
    shown += [theme.name for theme in thread.themes.all()]
    shown += [moderator.full_name for moderator in thread.topic.moderators.all()]
    selectors.thread_reading_state_for_user(user=user, thread=thread)
    outcome = selectors.outcome_get_for_thread(user=user, thread=thread)
    if outcome is not None:
        shown += [e.organisation.name for e in outcome.standing_endorsements]
    post_page = selectors.post_page_for_user(user=user, thread=thread, page=page)
    for post in post_page:
        shown += [post.number, post.author_display, post.body_html, post.useful_count]
        shown += [post.marked_useful, post.flagged_by_me, post.is_edited, post.page_number]
        if post.organisation is not None:
            shown.append(post.organisation.name)
        if post.is_hidden:
            shown += [post.hidden_by.full_name, post.hidden_reason]
        shown += [(a.original_name, a.size, a.content_type) for a in post.attachments.all()]
        if post.reply_to is not None:
            quoted = post.reply_to
            shown += [quoted.number, quoted.author_display, quoted.body_text[:200]]
            if quoted.organisation is not None:
                shown.append(quoted.organisation.name)
    return post_page, shown


@pytest.mark.parametrize("count", [3, 300])
def test_the_thread_page_in_a_fixed_number_of_queries(
    count, topic, member, other_member, moderator, django_assert_max_num_queries
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
            body=f"Contribution {index}",
            reply_to=previous if index % 2 else None,
            attachments=[pdf_file()] if index % 5 == 0 else (),
        )
        if index % 4 == 0:
            services.post_mark_useful(post=previous, user=authors[(index + 1) % 3])
        if index == 7:
            services.post_hide(post=previous, acting_user=moderator, reason="Off topic")
    last_page = Thread.objects.get(pk=thread.pk).page_count
    reader = member_user()
    for user in (reader, moderator):
        for page in {1, last_page}:
            user = _fresh(user)
            with django_assert_max_num_queries(PAGE_QUERIES):
                post_page, shown = _thread_page_as_a_template_would(user, thread.pk, page)
            expected = count - POSTS_PER_PAGE * (page - 1)
            assert len(post_page) == min(expected, POSTS_PER_PAGE) and shown


@pytest.mark.parametrize("count", [3, 300])
def test_the_topic_list_in_a_fixed_number_of_queries(
    count, topic, member, other_member, django_assert_max_num_queries
):
    from tests.members.factories import PolicyThemeFactory

    themes = [PolicyThemeFactory(), PolicyThemeFactory()]
    for index in range(count):
        thread = services.thread_create(
            topic=topic,
            author=member if index % 2 else other_member,
            title=f"Thread {index}",
            body="Opening",
            themes=themes[: index % 3],
        )
        if index % 3 == 0:
            services.post_create(thread=thread, author=member, body="Reply")
        if index % 10 == 0:
            services.outcome_create(thread=thread, acting_user=thread.author, summary="Done")
    reader = member_user()
    services.thread_mark_read(user=reader, thread=Thread.objects.filter(topic=topic).first())

    for user_fixture in (reader, member):
        user_fixture = _fresh(user_fixture)
        with django_assert_max_num_queries(PAGE_QUERIES) as captured:
            topics = list(selectors.topic_list_for_user(user=user_fixture))
            shown = [(t.title, t.thread_count, t.unread_thread_count) for t in topics]
            shown += [m.full_name for t in topics for m in t.moderators.all()]
            rows = list(selectors.thread_list_for_topic(user=user_fixture, topic=topic))
            for thread in rows:
                shown += [thread.title, thread.author_display, thread.get_kind_display()]
                shown += [thread.post_count, thread.unread_count, thread.has_outcome]
                shown += [thread.is_pinned, thread.is_locked, thread.last_activity_at]
                if thread.organisation is not None:
                    shown.append(thread.organisation.name)
                shown += [theme.name for theme in thread.themes.all()]
                shown += [thread.last_post.author_display, thread.last_post.number]
                if thread.last_post.organisation is not None:
                    shown.append(thread.last_post.organisation.name)
            latest = list(selectors.thread_list_latest(user=user_fixture)[:50])
            shown += [(t.topic.title, t.author_display) for t in latest]
            outcomes = list(selectors.outcome_list_for_user(user=user_fixture))
            shown += [(o.thread.title, o.endorsement_count) for o in outcomes]
            shown += [t.name for o in outcomes for t in o.thread.themes.all()]
        assert len(rows) == count and len(captured) <= PAGE_QUERIES
