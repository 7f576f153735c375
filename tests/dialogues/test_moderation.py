"""Topics, flags and moderation through the services; every action lands in the log."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from dialogues import selectors, services
from dialogues.models import Flag, ModerationAction, Topic
from tests.dialogues.conftest import ROLES
from tests.dialogues.factories import (
    MembersOnlyTopicFactory,
    ThreadFactory,
    TopicFactory,
    member_user,
)

pytestmark = pytest.mark.django_db

Action = ModerationAction.Action


# --- Topics: the secretariat's ----------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_only_the_secretariat_creates_topics(role, as_role, moderator):
    user = as_role(role)
    if role == "secretariat":
        topic = services.topic_create(
            acting_user=user,
            title="Skills for the twin transition",
            description="Upskilling through clusters.",
            visibility=Topic.Visibility.MEMBERS,
            moderators=[moderator],
        )
        assert topic.slug == "skills-for-the-twin-transition"
        assert list(topic.moderators.all()) == [moderator]
        assert topic.created_by == user and not topic.is_archived
    else:
        with pytest.raises(PermissionDenied):
            services.topic_create(acting_user=user, title="Skills")
        assert not Topic.objects.exists()


@pytest.mark.parametrize("role", [r for r in ROLES if r != "secretariat"])
def test_only_the_secretariat_changes_topics(role, as_role, topic):
    user = as_role(role)
    for action in (
        lambda: services.topic_update(topic=topic, acting_user=user, title="New"),
        lambda: services.topic_archive(topic=topic, acting_user=user),
        lambda: services.topic_reopen(topic=topic, acting_user=user),
        lambda: services.topic_moderators_set(topic=topic, acting_user=user, moderators=[]),
    ):
        with pytest.raises(PermissionDenied):
            action()
    topic.refresh_from_db()
    assert topic.title == "Green transition" and topic.moderators.exists()


def test_topic_slugs_are_unique(secretariat_user):
    first = services.topic_create(acting_user=secretariat_user, title="Skills")
    second = services.topic_create(acting_user=secretariat_user, title="Skills")
    assert (first.slug, second.slug) == ("skills", "skills-2")


def test_the_secretariat_updates_archives_and_reopens(secretariat_user, topic, non_member):
    services.topic_update(
        topic=topic,
        acting_user=secretariat_user,
        title="Green and digital transition",
        visibility=Topic.Visibility.MEMBERS,
    )
    topic.refresh_from_db()
    assert (topic.title, topic.visibility) == ("Green and digital transition", "members")
    with pytest.raises(ValidationError):
        services.topic_update(topic=topic, acting_user=secretariat_user, visibility="secret")
    services.topic_archive(topic=topic, acting_user=secretariat_user, reason="Closed")
    topic.refresh_from_db()
    assert topic.is_archived and topic.archived_at is not None
    services.topic_reopen(topic=topic, acting_user=secretariat_user)
    topic.refresh_from_db()
    assert not topic.is_archived and topic.archived_at is None
    assert list(
        ModerationAction.objects.filter(topic=topic).order_by("pk").values_list("action", flat=True)
    ) == [Action.ARCHIVE_TOPIC, Action.REOPEN_TOPIC]
    services.topic_moderators_set(
        topic=topic, acting_user=secretariat_user, moderators=[non_member]
    )
    assert list(topic.moderators.all()) == [non_member]
    named = ModerationAction.objects.get(action=Action.SET_MODERATORS)
    assert named.details["added"] == [non_member.pk]


# --- Flags ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_who_may_flag(role, as_role, other_member, topic):
    post = ThreadFactory(topic=topic, author=other_member).posts.get()
    user = as_role(role)
    if role == "member":
        flag = services.post_flag(post=post, user=user, reason="Advertising")
        assert flag.is_open and flag.flagged_by == user
    else:
        with pytest.raises(PermissionDenied):
            services.post_flag(post=post, user=user, reason="Advertising")
        assert not Flag.objects.exists()


def test_one_open_flag_per_person_and_post(member, other_member, moderator, topic):
    post = ThreadFactory(topic=topic, author=other_member).posts.get()
    with pytest.raises(ValidationError):
        services.post_flag(post=post, user=member, reason="   ")
    flag = services.post_flag(post=post, user=member, reason="Advertising")
    with pytest.raises(services.DialogueError, match="already flagged"):
        services.post_flag(post=post, user=member, reason="Still advertising")
    services.flag_resolve(
        flag=flag, acting_user=moderator, resolution=Flag.Resolution.DISMISSED, note="Fine"
    )
    with pytest.raises(services.DialogueError, match="already been resolved"):
        services.flag_resolve(flag=flag, acting_user=moderator, resolution="dismissed")
    services.post_flag(post=post, user=member, reason="It is advertising after all")
    assert Flag.objects.filter(post=post).count() == 2
    logged = ModerationAction.objects.get(action=Action.RESOLVE_FLAG)
    assert (logged.actor, logged.post, logged.reason) == (moderator, post, "Fine")


def test_the_moderation_queue(member, other_member, moderator, secretariat_user, topic):
    elsewhere = TopicFactory()  # moderated by nobody in particular
    flagged = ThreadFactory(topic=topic, author=other_member).posts.get()
    flagged_elsewhere = ThreadFactory(topic=elsewhere, author=other_member).posts.get()
    ThreadFactory(topic=topic, author=other_member)  # not flagged
    services.post_flag(post=flagged, user=member, reason="Advertising")
    services.post_flag(post=flagged, user=member_user(), reason="Spam")
    services.post_flag(post=flagged_elsewhere, user=member, reason="Rude")

    queue = list(selectors.moderation_queue_for_user(user=moderator))
    assert queue == [flagged]
    assert queue[0].open_flag_count == 2
    assert [f.reason for f in queue[0].open_flags] == ["Advertising", "Spam"]
    assert set(selectors.moderation_queue_for_user(user=secretariat_user)) == {
        flagged,
        flagged_elsewhere,
    }
    services.post_hide(post=flagged, acting_user=moderator, reason="Advertising")
    assert list(selectors.moderation_queue_for_user(user=moderator)) == []


@pytest.mark.parametrize("role", ["anonymous", "non_member", "member", "suspended_member"])
def test_the_queue_and_log_are_404_for_non_moderators(role, as_role):
    with pytest.raises(Http404):
        selectors.moderation_queue_for_user(user=as_role(role))
    with pytest.raises(Http404):
        selectors.moderation_log_for_user(user=as_role(role))


# --- Hiding and restoring ---------------------------------------------------------------------


@pytest.mark.parametrize("role", ["anonymous", "non_member", "member", "suspended_member"])
def test_only_moderators_hide_posts(role, as_role, other_member, topic):
    post = ThreadFactory(topic=topic, author=other_member).posts.get()
    with pytest.raises(PermissionDenied):
        services.post_hide(post=post, acting_user=as_role(role), reason="No")
    post.refresh_from_db()
    assert not post.is_hidden


def test_a_moderator_of_another_topic_cannot_hide(moderator, other_member):
    post = ThreadFactory(topic=TopicFactory(), author=other_member).posts.get()
    with pytest.raises(PermissionDenied):
        services.post_hide(post=post, acting_user=moderator, reason="No")


@pytest.mark.parametrize("acting", ["moderator", "secretariat_user"])
def test_hiding_keeps_the_post_and_says_who_and_why(acting, request, member, other_member, topic):
    user = request.getfixturevalue(acting)
    post = ThreadFactory(topic=topic, author=other_member, body="Buy our services").posts.get()
    flag = services.post_flag(post=post, user=member, reason="Advertising")
    with pytest.raises(ValidationError):
        services.post_hide(post=post, acting_user=user, reason=" ")
    services.post_hide(post=post, acting_user=user, reason="Commercial advertising")
    post.refresh_from_db()
    flag.refresh_from_db()
    assert post.is_hidden and post.hidden_by == user
    assert post.hidden_reason == "Commercial advertising"
    assert post.body == "Buy our services"  # still in the database
    assert flag.resolution == Flag.Resolution.ACTION_TAKEN and flag.resolved_by == user
    with pytest.raises(services.DialogueError, match="already hidden"):
        services.post_hide(post=post, acting_user=user, reason="Again")
    services.post_restore(post=post, acting_user=user, reason="Misjudged")
    post.refresh_from_db()
    assert not post.is_hidden and post.hidden_by is None and post.hidden_reason == ""
    with pytest.raises(services.DialogueError, match="not hidden"):
        services.post_restore(post=post, acting_user=user)
    log = list(ModerationAction.objects.order_by("pk"))
    assert [(a.action, a.actor, a.post, a.thread, a.topic, a.reason) for a in log] == [
        (Action.HIDE_POST, user, post, post.thread, topic, "Commercial advertising"),
        (Action.RESTORE_POST, user, post, post.thread, topic, "Misjudged"),
    ]


# --- Threads: lock, pin, move, rename ---------------------------------------------------------


@pytest.mark.parametrize("role", ["anonymous", "non_member", "member", "suspended_member"])
def test_only_moderators_lock_pin_move_and_rename(role, as_role, other_member, topic):
    user = as_role(role)
    thread = ThreadFactory(topic=topic, author=other_member)
    for action in (
        lambda: services.thread_lock(thread=thread, acting_user=user),
        lambda: services.thread_pin(thread=thread, acting_user=user),
        lambda: services.thread_move(thread=thread, to_topic=TopicFactory(), acting_user=user),
        lambda: services.thread_rename(thread=thread, acting_user=user, title="Mine now"),
    ):
        with pytest.raises(PermissionDenied):
            action()
    assert not ModerationAction.objects.exists()


def test_lock_unlock_pin_unpin_are_logged_once(moderator, member, topic):
    thread = ThreadFactory(topic=topic, author=member)
    services.thread_lock(thread=thread, acting_user=moderator, reason="Heated")
    services.thread_lock(thread=thread, acting_user=moderator)  # already locked: nothing
    services.thread_pin(thread=thread, acting_user=moderator)
    thread.refresh_from_db()
    assert thread.is_locked and thread.is_pinned
    services.thread_unlock(thread=thread, acting_user=moderator)
    services.thread_unpin(thread=thread, acting_user=moderator)
    thread.refresh_from_db()
    assert not thread.is_locked and not thread.is_pinned
    assert list(
        ModerationAction.objects.order_by("pk").values_list("action", "thread", "reason")
    ) == [
        (Action.LOCK, thread.pk, "Heated"),
        (Action.PIN, thread.pk, ""),
        (Action.UNLOCK, thread.pk, ""),
        (Action.UNPIN, thread.pk, ""),
    ]


def test_moving_needs_both_topics_and_an_open_destination(
    moderator, secretariat_user, member, topic
):
    thread = ThreadFactory(topic=topic, author=member)
    unmoderated = TopicFactory(title="Skills")
    with pytest.raises(PermissionDenied):
        services.thread_move(thread=thread, to_topic=unmoderated, acting_user=moderator)
    destination = MembersOnlyTopicFactory(title="Evaluation", moderators=[moderator])
    with pytest.raises(services.DialogueError, match="already in this topic"):
        services.thread_move(thread=thread, to_topic=topic, acting_user=moderator)
    services.topic_archive(topic=unmoderated, acting_user=secretariat_user)
    with pytest.raises(services.DialogueError, match="archived"):
        services.thread_move(thread=thread, to_topic=unmoderated, acting_user=secretariat_user)
    services.thread_move(thread=thread, to_topic=destination, acting_user=moderator, reason="Fits")
    thread.refresh_from_db()
    assert thread.topic == destination
    move = ModerationAction.objects.get(action=Action.MOVE)
    assert (move.actor, move.thread, move.topic, move.reason) == (
        moderator,
        thread,
        destination,
        "Fits",
    )
    assert move.details["from_topic"] == topic.pk and move.details["to_title"] == "Evaluation"


def test_renaming(moderator, member, topic):
    thread = ThreadFactory(topic=topic, author=member, title="Vouchers??")
    with pytest.raises(ValidationError) as error:
        services.thread_rename(thread=thread, acting_user=moderator, title="y" * 201)
    assert "title" in error.value.message_dict
    services.thread_rename(
        thread=thread, acting_user=moderator, title="Innovation vouchers", reason="Clearer"
    )
    thread.refresh_from_db()
    assert thread.title == "Innovation vouchers"
    rename = ModerationAction.objects.get(action=Action.RENAME)
    assert rename.details == {"from": "Vouchers??", "to": "Innovation vouchers"}
    assert rename.reason == "Clearer"


def test_the_moderation_log(moderator, secretariat_user, member, topic):
    thread = ThreadFactory(topic=topic, author=member)
    other = ThreadFactory(topic=TopicFactory(), author=member)
    services.thread_lock(thread=thread, acting_user=moderator)
    services.thread_pin(thread=other, acting_user=secretariat_user)
    assert [a.thread for a in selectors.moderation_log_for_user(user=moderator)] == [thread]
    assert [a.thread for a in selectors.moderation_log_for_user(user=secretariat_user)] == [
        other,
        thread,
    ]
