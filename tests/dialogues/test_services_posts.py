"""Threads and posts through the services: who may write, and the rules of a conversation."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dialogues import services
from dialogues.models import Follow, Mention, Post, PostRevision, ReadState, Thread
from dialogues.rendering import mention_markup
from members.models import Organisation
from tests.dialogues.conftest import ROLES
from tests.dialogues.factories import (
    MembersOnlyTopicFactory,
    PostFactory,
    ThreadFactory,
    member_user,
)
from tests.members.factories import OrganisationFactory, RepresentativeFactory

pytestmark = pytest.mark.django_db

# Who may start threads and post: active members, the topic's moderators, the secretariat.
WRITERS = {"member", "moderator", "secretariat"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("topic_fixture", ["topic", "members_topic"])
def test_who_may_start_a_thread(role, topic_fixture, as_role, request):
    topic = request.getfixturevalue(topic_fixture)
    user = as_role(role)
    if role in WRITERS:
        thread = services.thread_create(
            topic=topic, author=user, title="Cluster vouchers", body="How do you run them?"
        )
        assert thread.post_count == 1 and thread.author == user
    else:
        with pytest.raises(PermissionDenied):
            services.thread_create(
                topic=topic, author=user, title="Cluster vouchers", body="How do you run them?"
            )
        assert not Thread.objects.exists()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("topic_fixture", ["topic", "members_topic"])
def test_who_may_post(role, topic_fixture, as_role, request, other_member):
    thread = ThreadFactory(topic=request.getfixturevalue(topic_fixture), author=other_member)
    user = as_role(role)
    if role in WRITERS:
        post = services.post_create(thread=thread, author=user, body="Our experience: …")
        assert post.number == 2
    else:
        with pytest.raises(PermissionDenied):
            services.post_create(thread=thread, author=user, body="Our experience: …")
        assert thread.posts.count() == 1


def test_a_thread_starts_with_its_opening_post(member, topic):
    organisation = member.representative.organisation
    thread = services.thread_create(
        topic=topic,
        author=member,
        title="  Partners for a Eurocluster  ",
        body="We look for **partners**.",
        kind=Thread.Kind.CALL_FOR_PARTNERS,
    )
    thread.refresh_from_db()
    opening = thread.posts.get()
    assert thread.title == "Partners for a Eurocluster"
    assert thread.kind == Thread.Kind.CALL_FOR_PARTNERS
    assert (thread.organisation, opening.organisation) == (organisation, organisation)
    assert (thread.post_count, thread.last_post, opening.number) == (1, opening, 1)
    assert thread.last_activity_at == opening.created_at
    assert opening.body_html == "<p>We look for <strong>partners</strong>.</p>\n"


def test_an_over_long_title_is_a_clear_validation_error(member, topic):
    with pytest.raises(ValidationError) as error:
        services.thread_create(topic=topic, author=member, title="x" * 201, body="Hello")
    assert error.value.message_dict["title"] == [
        "A title has at most 200 characters (this one has 201)."
    ]
    assert not Thread.objects.exists()
    thread = services.thread_create(topic=topic, author=member, title="x" * 200, body="Hello")
    assert len(thread.title) == 200


@pytest.mark.parametrize("body", ["", "   ", "\n\n", "\u200b", "---"])
def test_an_empty_post_is_a_clear_validation_error(body, member, topic):
    thread = ThreadFactory(topic=topic, author=member)
    with pytest.raises(ValidationError) as error:
        services.post_create(thread=thread, author=member, body=body)
    assert error.value.message_dict["body"] == [
        "Your message is empty. Write something before posting."
    ]
    thread.refresh_from_db()
    assert thread.post_count == 1


def test_title_and_body_errors_come_together(member, topic):
    with pytest.raises(ValidationError) as error:
        services.thread_create(topic=topic, author=member, title="", body=" ")
    assert set(error.value.message_dict) == {"title", "body"}


def test_posts_are_numbered_and_the_thread_counters_follow(member, other_member, topic):
    thread = ThreadFactory(topic=topic, author=member)
    second = services.post_create(thread=thread, author=other_member, body="Second")
    third = services.post_create(thread=thread, author=member, body="Third")
    thread.refresh_from_db()
    assert [p.number for p in thread.posts.order_by("number")] == [1, 2, 3]
    assert (second.number, third.number) == (2, 3)
    assert (thread.post_count, thread.last_post) == (3, third)
    assert thread.last_activity_at == third.created_at


def test_a_reply_stays_in_its_thread(member, other_member, topic):
    thread = ThreadFactory(topic=topic, author=member)
    other_thread = ThreadFactory(topic=topic, author=member)
    opening = thread.posts.get()
    reply = services.post_create(
        thread=thread, author=other_member, body="Agreed", reply_to=opening
    )
    assert reply.reply_to == opening
    with pytest.raises(ValidationError) as error:
        services.post_create(
            thread=other_thread, author=other_member, body="Agreed", reply_to=opening
        )
    assert error.value.message_dict["reply_to"] == [
        "You can only reply to a post of the same thread."
    ]
    assert other_thread.posts.count() == 1


def test_the_model_refuses_a_reply_to_another_thread(member, topic):
    post = ThreadFactory(topic=topic, author=member).posts.get()
    other = ThreadFactory(topic=topic, author=member)
    stray = Post(thread=other, number=2, body="x", reply_to=post)
    with pytest.raises(ValidationError, match="same thread"):
        stray.full_clean(exclude=["search_vector", "body_html", "body_text"])


def test_only_moderators_post_in_a_locked_thread(
    member, other_member, moderator, secretariat_user, topic
):
    thread = ThreadFactory(topic=topic, author=member)
    services.thread_lock(thread=thread, acting_user=moderator, reason="Off topic")
    with pytest.raises(services.DialogueError, match="locked"):
        services.post_create(thread=thread, author=other_member, body="One more thing")
    with pytest.raises(services.DialogueError, match="locked"):
        services.post_create(thread=thread, author=member, body="But I started it")
    services.post_create(thread=thread, author=moderator, body="Locked: see the new thread.")
    services.post_create(thread=thread, author=secretariat_user, body="Noted.")
    thread.refresh_from_db()
    assert thread.post_count == 3


def test_nobody_posts_in_an_archived_topic(member, moderator, secretariat_user, topic):
    thread = ThreadFactory(topic=topic, author=member)
    services.topic_archive(topic=topic, acting_user=secretariat_user)
    for user in (member, moderator, secretariat_user):
        with pytest.raises(services.DialogueError, match="archived"):
            services.post_create(thread=thread, author=user, body="Late comment")
    with pytest.raises(services.DialogueError, match="archived"):
        services.thread_create(topic=topic, author=member, title="New", body="New")
    services.topic_reopen(topic=topic, acting_user=secretariat_user)
    services.post_create(thread=thread, author=member, body="Late comment")


def test_authors_edit_their_own_words_and_keep_the_history(member, topic):
    thread = ThreadFactory(topic=topic, author=member, body="First *version*")
    post = thread.posts.get()
    services.post_edit(post=post, acting_user=member, body="Second **version**")
    services.post_edit(post=post, acting_user=member, body="Third version")
    post.refresh_from_db()
    assert post.body == "Third version"
    assert post.body_html == "<p>Third version</p>\n"
    assert post.is_edited
    revisions = list(PostRevision.objects.filter(post=post).order_by("created_at", "pk"))
    assert [r.body for r in revisions] == ["First *version*", "Second **version**"]
    assert revisions[1].body_html == "<p>Second <strong>version</strong></p>\n"
    assert {r.edited_by for r in revisions} == {member}


def test_an_unchanged_edit_records_nothing(member, topic):
    post = ThreadFactory(topic=topic, author=member, body="Same").posts.get()
    services.post_edit(post=post, acting_user=member, body="Same")
    post.refresh_from_db()
    assert not post.is_edited and not post.revisions.exists()


@pytest.mark.parametrize("role", ["other_member", "moderator", "secretariat_user"])
def test_nobody_edits_another_persons_words(role, member, topic, request):
    post = ThreadFactory(topic=topic, author=member, body="My words").posts.get()
    with pytest.raises(PermissionDenied):
        services.post_edit(post=post, acting_user=request.getfixturevalue(role), body="Yours")
    post.refresh_from_db()
    assert post.body == "My words" and not post.revisions.exists()


def test_edits_are_refused_in_locked_threads_and_on_hidden_posts(member, moderator, topic):
    thread = ThreadFactory(topic=topic, author=member)
    post = thread.posts.get()
    services.post_hide(post=post, acting_user=moderator, reason="Personal data")
    with pytest.raises(services.DialogueError, match="hid"):
        services.post_edit(post=post, acting_user=member, body="Cleaned up")
    services.post_restore(post=post, acting_user=moderator)
    services.thread_lock(thread=thread, acting_user=moderator)
    with pytest.raises(services.DialogueError, match="locked"):
        services.post_edit(post=post, acting_user=member, body="Cleaned up")


def test_a_suspended_member_can_no_longer_edit(topic):
    organisation = OrganisationFactory()
    author = member_user(organisation)
    post = ThreadFactory(topic=topic, author=author).posts.get()
    Organisation.objects.filter(pk=organisation.pk).update(
        membership_status=Organisation.MembershipStatus.SUSPENDED
    )
    author.representative.organisation.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.post_edit(post=post, acting_user=author, body="Changed")


def test_a_deleted_account_leaves_a_former_member_of_the_organisation(member, topic):
    organisation = member.representative.organisation
    thread = ThreadFactory(topic=topic, author=member)
    member.delete()
    post = Post.objects.select_related("author", "organisation").get(thread=thread)
    assert post.author is None and post.organisation == organisation
    assert post.author_display == f"A former member of {organisation.name}"
    thread.refresh_from_db()
    assert thread.author_display == f"A former member of {organisation.name}"


# --- Mentions ---------------------------------------------------------------------------------


def test_mentions_are_recorded_for_people_who_can_read_the_thread(
    member, other_member, suspended_member, moderator, non_member, members_topic
):
    lapsed = member_user(
        OrganisationFactory(membership_status=Organisation.MembershipStatus.LAPSED)
    )
    people = [other_member, suspended_member, moderator, non_member, lapsed, member]
    body = "Views? " + " ".join(mention_markup(person) for person in people)
    thread = ThreadFactory(topic=members_topic, author=member, body=body)
    post = thread.posts.get()
    assert set(Mention.objects.filter(post=post).values_list("user", flat=True)) == {
        other_member.pk,
        suspended_member.pk,
        moderator.pk,
    }  # not the non-member, not the lapsed member, not the author herself
    assert "@Nora Visitor" in post.body_html
    assert f"user:{non_member.pk}" not in post.body_html
    assert f"#person-{other_member.pk}" in post.body_html


def test_in_public_topics_only_participants_are_mentioned(member, non_member, topic):
    body = f"{mention_markup(non_member)} please read"
    post = ThreadFactory(topic=topic, author=member, body=body).posts.get()
    assert not Mention.objects.filter(post=post).exists()


def test_editing_resyncs_the_mentions(member, other_member, topic):
    third = member_user()
    post = ThreadFactory(
        topic=topic, author=member, body=f"Hi {mention_markup(other_member)}"
    ).posts.get()
    services.post_edit(post=post, acting_user=member, body=f"Hi {mention_markup(third)}")
    assert list(Mention.objects.filter(post=post).values_list("user", flat=True)) == [third.pk]


def test_moving_to_a_members_only_topic_forgets_mentions_of_non_readers(
    member, moderator, secretariat_user, topic
):
    post = ThreadFactory(
        topic=topic, author=member, body=f"Over to {mention_markup(moderator)}"
    ).posts.get()
    assert Mention.objects.filter(post=post, user=moderator).exists()
    closed = MembersOnlyTopicFactory()
    services.thread_move(thread=post.thread, to_topic=closed, acting_user=secretariat_user)
    assert not Mention.objects.filter(post=post).exists()


# --- Useful marks -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_who_may_mark_a_post_useful(role, as_role, other_member, topic):
    post = ThreadFactory(topic=topic, author=other_member).posts.get()
    user = as_role(role)
    if role == "member":
        services.post_mark_useful(post=post, user=user)
        services.post_mark_useful(post=post, user=user)  # once only
        assert post.useful_marks.count() == 1
        services.post_unmark_useful(post=post, user=user)
        assert post.useful_marks.count() == 0
    else:
        with pytest.raises(PermissionDenied):
            services.post_mark_useful(post=post, user=user)
        assert post.useful_marks.count() == 0


def test_nobody_marks_their_own_post_useful(member, topic):
    post = ThreadFactory(topic=topic, author=member).posts.get()
    with pytest.raises(services.DialogueError, match="own post"):
        services.post_mark_useful(post=post, user=member)
    assert not post.useful_marks.exists()


# --- Following --------------------------------------------------------------------------------


def test_posting_follows_the_thread_unless_muted(member, other_member, topic):
    thread = ThreadFactory(topic=topic, author=member)
    assert Follow.objects.get(user=member, thread=thread).state == Follow.State.FOLLOWING
    services.follow_set(user=other_member, thread=thread, state=Follow.State.MUTED)
    services.post_create(thread=thread, author=other_member, body="A reply")
    assert Follow.objects.get(user=other_member, thread=thread).state == Follow.State.MUTED
    assert Follow.objects.filter(thread=thread).count() == 2


def test_follow_choices(member, non_member, anonymous, topic, members_topic):
    services.follow_set(user=member, topic=topic, state=Follow.State.FOLLOWING)
    services.follow_set(user=member, topic=topic, state=Follow.State.MUTED)
    assert Follow.objects.get(user=member, topic=topic).state == Follow.State.MUTED
    services.follow_set(user=member, topic=topic, state=None)
    assert not Follow.objects.filter(user=member).exists()
    # Following is a reader's setting: a signed-in non-member may follow a public topic…
    services.follow_set(user=non_member, topic=topic, state=Follow.State.FOLLOWING)
    # …but not a topic they cannot read, and the anonymous cannot follow at all.
    with pytest.raises(PermissionDenied):
        services.follow_set(user=non_member, topic=members_topic, state=Follow.State.FOLLOWING)
    with pytest.raises(PermissionDenied):
        services.follow_set(user=anonymous, topic=topic, state=Follow.State.FOLLOWING)


def test_the_handover_step_is_registered():
    from members.services import HANDOVER_STEPS

    assert services.follow_handover in HANDOVER_STEPS


def test_a_leaving_representative_hands_over_follows(topic, members_topic):
    from members.services import representative_handover

    organisation = OrganisationFactory()
    leaving = RepresentativeFactory(organisation=organisation)
    successor = RepresentativeFactory(organisation=organisation)
    contact = RepresentativeFactory(organisation=organisation, role="contact")
    shared = ThreadFactory(topic=topic, author=member_user())
    muted_by_successor = ThreadFactory(topic=topic, author=member_user())
    own = ThreadFactory(topic=members_topic, author=leaving.user)  # follows it by posting
    services.follow_set(user=leaving.user, topic=topic, state=Follow.State.FOLLOWING)
    services.follow_set(user=leaving.user, thread=shared, state=Follow.State.FOLLOWING)
    services.follow_set(user=leaving.user, thread=muted_by_successor, state=Follow.State.FOLLOWING)
    services.follow_set(user=successor.user, thread=shared, state=Follow.State.FOLLOWING)
    services.follow_set(user=successor.user, thread=muted_by_successor, state=Follow.State.MUTED)
    services.follow_set(user=leaving.user, topic=members_topic, state=Follow.State.MUTED)

    representative_handover(leaving=leaving, successor=successor, acting_user=contact.user)

    follows = {
        (f.topic_id, f.thread_id): f.state for f in Follow.objects.filter(user=successor.user)
    }
    assert follows == {
        (topic.pk, None): Follow.State.FOLLOWING,
        (None, shared.pk): Follow.State.FOLLOWING,
        (None, muted_by_successor.pk): Follow.State.MUTED,  # the successor's choice stands
        (None, own.pk): Follow.State.FOLLOWING,
    }
    # The leaving person keeps only their mute; what they wrote stays theirs.
    assert list(Follow.objects.filter(user=leaving.user).values_list("state", flat=True)) == [
        Follow.State.MUTED
    ]
    assert own.posts.get().author == leaving.user


def test_read_positions_never_move_backwards(member, other_member, topic):
    thread = ThreadFactory(topic=topic, author=other_member)
    for _ in range(3):
        PostFactory(thread=thread, author=other_member)
    services.thread_mark_read(user=member, thread=thread, up_to_number=3)
    services.thread_mark_read(user=member, thread=thread, up_to_number=1)
    assert ReadState.objects.get(user=member, thread=thread).last_read_post_number == 3
    services.thread_mark_read(user=member, thread=thread, up_to_number=99)
    assert ReadState.objects.get(user=member, thread=thread).last_read_post_number == 4


def test_secretariat_posts_without_an_organisation(secretariat_user, topic):
    thread = ThreadFactory(topic=topic, author=secretariat_user)
    assert thread.organisation is None
    assert thread.posts.get().author_display == "Sophie Secretariat"
