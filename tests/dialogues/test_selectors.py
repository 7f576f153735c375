"""Reads: whatever a person may not read does not exist for them (404), in every selector."""

import pytest
from django.http import Http404

from dialogues import selectors, services
from dialogues.models import POSTS_PER_PAGE, Thread, post_page_number
from members.models import Organisation
from tests.dialogues.conftest import ROLES
from tests.dialogues.factories import (
    PostFactory,
    ThreadFactory,
    TopicFactory,
    member_user,
    pdf_file,
)
from tests.members.factories import OrganisationFactory, PolicyThemeFactory

pytestmark = pytest.mark.django_db

# Who reads a members-only topic (its moderator is the `moderator` fixture).
READERS = {"member", "suspended_member", "moderator", "secretariat"}


def _rich_thread(topic, author):
    """A thread with two posts, an attachment, a revision and an outcome."""
    thread = ThreadFactory(
        topic=topic,
        author=author,
        title="Confidential evaluation results",
        body="Our evaluation found **leakage** of funds.",
        attachments=[pdf_file()],
    )
    PostFactory(thread=thread, author=author, body="More leakage details")
    services.post_edit(post=thread.posts.get(number=2), acting_user=author, body="Leakage details")
    services.outcome_create(thread=thread, acting_user=author, summary="Close the gaps.")
    return Thread.objects.select_related("topic").get(pk=thread.pk)


@pytest.fixture
def closed(members_topic, other_member):
    return _rich_thread(members_topic, other_member)


def _attempts(user, thread):
    """Every selector, on a members-only thread; each returns something or raises Http404."""
    topic = thread.topic
    first_post = thread.posts.get(number=1)
    second_post = thread.posts.get(number=2)
    attachment = first_post.attachments.get()
    outcome = thread.outcome
    return {
        "topic_get_for_user": lambda: selectors.topic_get_for_user(user=user, slug=topic.slug),
        "thread_list_for_topic": lambda: list(
            selectors.thread_list_for_topic(user=user, topic=topic)
        ),
        "thread_get_for_user": lambda: selectors.thread_get_for_user(user=user, pk=thread.pk),
        "post_page_for_user": lambda: selectors.post_page_for_user(user=user, thread=thread),
        "thread_reading_state_for_user": lambda: selectors.thread_reading_state_for_user(
            user=user, thread=thread
        ),
        "post_get_for_user": lambda: selectors.post_get_for_user(user=user, pk=second_post.pk),
        "post_get_by_number_for_user": lambda: selectors.post_get_by_number_for_user(
            user=user, thread_pk=thread.pk, number=2
        ),
        "post_revisions_for_user": lambda: list(
            selectors.post_revisions_for_user(user=user, post=second_post)
        ),
        "attachment_get_for_user": lambda: selectors.attachment_get_for_user(
            user=user, pk=attachment.pk
        ),
        "outcome_get_for_thread": lambda: selectors.outcome_get_for_thread(
            user=user, thread=thread
        ),
        "outcome_revisions_for_user": lambda: list(
            selectors.outcome_revisions_for_user(user=user, outcome=outcome)
        ),
    }


@pytest.mark.parametrize("role", ROLES)
def test_a_members_only_thread_is_404_to_everyone_else(role, as_role, closed):
    user = as_role(role)
    for name, attempt in _attempts(user, closed).items():
        if role in READERS:
            attempt()  # no 404
        else:
            with pytest.raises(Http404):
                attempt()
                pytest.fail(f"{name} did not raise Http404 for {role}")


@pytest.mark.parametrize("role", ROLES)
def test_a_public_thread_is_readable_by_everyone(role, as_role, topic, other_member):
    thread = _rich_thread(topic, other_member)
    user = as_role(role)
    for attempt in _attempts(user, thread).values():
        attempt()


@pytest.mark.parametrize("role", ROLES)
def test_lists_search_and_mentions_leave_members_only_content_out(
    role, as_role, closed, topic, other_member
):
    user = as_role(role)
    public = ThreadFactory(topic=topic, author=other_member, title="Open leakage discussion")
    readable = role in READERS
    assert set(selectors.topic_list_for_user(user=user)) == (
        {topic, closed.topic} if readable else {topic}
    )
    assert set(selectors.thread_list_latest(user=user)) == (
        {public, closed} if readable else {public}
    )
    found = {
        post.thread for post in selectors.post_search_for_user(user=user, query="leakage").posts
    }
    assert found == ({public, closed} if readable else {public})
    assert len(list(selectors.outcome_list_for_user(user=user))) == (1 if readable else 0)


def test_a_lapsed_member_reads_public_topics_only(closed, topic):
    lapsed = member_user(
        OrganisationFactory(membership_status=Organisation.MembershipStatus.LAPSED)
    )
    with pytest.raises(Http404):
        selectors.thread_get_for_user(user=lapsed, pk=closed.pk)
    assert list(selectors.topic_list_for_user(user=lapsed)) == [topic]


def test_a_moderator_reads_only_the_members_only_topics_they_moderate(moderator, other_member):
    from tests.dialogues.factories import MembersOnlyTopicFactory

    elsewhere = ThreadFactory(topic=MembersOnlyTopicFactory(), author=other_member)
    with pytest.raises(Http404):
        selectors.thread_get_for_user(user=moderator, pk=elsewhere.pk)


def test_unknown_things_are_404(member):
    for attempt in (
        lambda: selectors.topic_get_for_user(user=member, slug="nope"),
        lambda: selectors.thread_get_for_user(user=member, pk=0),
        lambda: selectors.post_get_for_user(user=member, pk=0),
        lambda: selectors.attachment_get_for_user(user=member, pk=0),
    ):
        with pytest.raises(Http404):
            attempt()


# --- The thread page --------------------------------------------------------------------------


def test_posts_are_paged_by_number(member, other_member, topic):
    thread = ThreadFactory(topic=topic, author=member)
    for _ in range(2 * POSTS_PER_PAGE + 4):
        PostFactory(thread=thread, author=other_member)
    thread = selectors.thread_get_for_user(user=member, pk=thread.pk)
    assert thread.page_count == 3
    first = selectors.post_page_for_user(user=member, thread=thread)
    assert [p.number for p in first] == list(range(1, POSTS_PER_PAGE + 1))
    assert (first.has_previous, first.has_next, first.num_pages) == (False, True, 3)
    last = selectors.post_page_for_user(user=member, thread=thread, page=3)
    assert [p.number for p in last] == list(range(41, 46))
    assert (last.has_next, last.previous_page_number) == (False, 2)
    for page in (0, 4, "x"):
        with pytest.raises(Http404):
            selectors.post_page_for_user(user=member, thread=thread, page=page)
    # A permalink opens the right page.
    assert [post_page_number(n) for n in (1, 20, 21, 40, 41)] == [1, 1, 2, 2, 3]
    assert selectors.post_page_number_of(number=41) == 3
    post = selectors.post_get_by_number_for_user(user=member, thread_pk=thread.pk, number=21)
    assert (post.number, post.page_number) == (21, 2)


def test_the_page_shows_useful_marks_replies_and_attachments(member, other_member, topic):
    thread = ThreadFactory(topic=topic, author=member, attachments=[pdf_file()])
    opening = thread.posts.get()
    reply = services.post_create(thread=thread, author=other_member, body="Agree", reply_to=opening)
    services.post_mark_useful(post=opening, user=other_member)
    services.post_mark_useful(post=opening, user=member_user())
    services.post_flag(post=opening, user=other_member, reason="Wrong figures")
    page = selectors.post_page_for_user(
        user=other_member, thread=selectors.thread_get_for_user(user=other_member, pk=thread.pk)
    )
    first, second = page.posts
    assert (first.useful_count, first.marked_useful, first.flagged_by_me) == (2, True, True)
    assert (second.useful_count, second.marked_useful) == (0, False)
    assert [a.original_name for a in first.attachments.all()] == ["evaluation-report.pdf"]
    assert second == reply and second.reply_to.body_text.startswith("We co-fund")
    assert second.reply_to.author_display == "Anna Active"


def test_hidden_posts_are_shown_as_hidden(member, other_member, moderator, topic):
    thread = ThreadFactory(topic=topic, author=member, body="Secret phone number")
    opening = thread.posts.get()
    services.post_edit(post=opening, acting_user=member, body="Secret phone number 0123")
    services.post_edit(
        post=opening,
        acting_user=member,
        body="Secret phone number 0123 4",
        attachments=[pdf_file()],
    )
    services.post_create(thread=thread, author=other_member, body="Quote", reply_to=opening)
    services.post_hide(post=opening, acting_user=moderator, reason="Personal data")
    thread = selectors.thread_get_for_user(user=other_member, pk=thread.pk)

    hidden, reply = selectors.post_page_for_user(user=other_member, thread=thread).posts
    assert hidden.is_hidden and hidden.hidden_reason == "Personal data"
    assert (hidden.body, hidden.body_html, hidden.body_text) == ("", "", "")
    assert list(hidden.attachments.all()) == []
    assert reply.reply_to.body_text == ""
    permalink = selectors.post_get_for_user(user=other_member, pk=opening.pk)
    assert permalink.is_hidden and permalink.body_html == ""
    with pytest.raises(Http404):
        selectors.attachment_get_for_user(user=other_member, pk=opening.attachments.get().pk)
    with pytest.raises(Http404):
        selectors.post_revisions_for_user(user=other_member, post=opening)

    hidden, reply = selectors.post_page_for_user(user=moderator, thread=thread).posts
    assert "0123" in hidden.body_html and len(hidden.attachments.all()) == 1
    assert hidden.hidden_by == moderator
    assert reply.reply_to.body_text.startswith("Secret")
    assert len(selectors.post_revisions_for_user(user=moderator, post=opening)) == 2


# --- Lists ------------------------------------------------------------------------------------


def test_a_topics_threads_pinned_first_then_by_activity(member, moderator, topic):
    old, pinned, recent = (ThreadFactory(topic=topic, author=member) for _ in range(3))
    services.thread_pin(thread=pinned, acting_user=moderator)
    PostFactory(thread=recent, author=member)
    PostFactory(thread=old, author=member)  # now the most recently active
    listed = list(selectors.thread_list_for_topic(user=member, topic=topic))
    assert listed == [pinned, old, recent]
    assert [t.pk for t in selectors.thread_list_latest(user=member)] == [
        old.pk,
        recent.pk,
        pinned.pk,
    ]


def test_filters_by_kind_and_theme(member, topic):
    green = PolicyThemeFactory(slug="green-transition")
    digital = PolicyThemeFactory(slug="digital-transition")
    call = ThreadFactory(
        topic=topic, author=member, kind=Thread.Kind.CALL_FOR_PARTNERS, themes=[green]
    )
    question = ThreadFactory(
        topic=topic, author=member, kind=Thread.Kind.QUESTION, themes=[green, digital]
    )
    other_topic = ThreadFactory(topic=TopicFactory(), author=member, themes=[digital])
    assert list(
        selectors.thread_list_for_topic(user=member, topic=topic, kind=Thread.Kind.QUESTION)
    ) == [question]
    assert set(selectors.thread_list_for_topic(user=member, topic=topic, theme=green)) == {
        call,
        question,
    }
    assert set(selectors.thread_list_latest(user=member, theme=digital)) == {question, other_topic}
    assert list(
        selectors.thread_list_latest(user=member, kind=Thread.Kind.CALL_FOR_PARTNERS, theme=green)
    ) == [call]
    services.outcome_create(thread=question, acting_user=member, summary="Done")
    assert list(selectors.outcome_list_for_user(user=member, theme=digital)) == [question.outcome]
    flags = {t.pk: t.has_outcome for t in selectors.thread_list_latest(user=member)}
    assert flags == {call.pk: False, question.pk: True, other_topic.pk: False}


def test_mention_candidates_and_my_mentions(member, other_member, non_member, topic, members_topic):
    from dialogues.rendering import mention_markup

    assert list(
        selectors.mention_candidates_for_user(user=member, topic=members_topic, query="osk")
    ) == [other_member]
    assert (
        list(selectors.mention_candidates_for_user(user=member, topic=topic, query="nora")) == []
    )  # not a participant
    assert (
        list(selectors.mention_candidates_for_user(user=non_member, topic=topic, query="osk")) == []
    )  # cannot write
    thread = ThreadFactory(
        topic=members_topic, author=member, body=f"Hello {mention_markup(other_member)}"
    )
    assert [m.post.thread for m in selectors.mention_list_for_user(user=other_member)] == [thread]
