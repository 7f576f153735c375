"""Flagging, the moderation queue and log, hiding and restoring posts, and the thread moderation
page: for every role, with bad input, and the queue in a fixed number of queries."""

import pytest
from django.urls import reverse

from dialogues import services
from dialogues.models import Flag, ModerationAction, Post, Thread
from tests.dialogues.conftest import PAGE_ROLES
from tests.dialogues.factories import (
    PostFactory,
    ThreadFactory,
    TopicFactory,
    member_user,
)

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def _text(response):
    return response.content.decode()


@pytest.fixture
def thread(topic, member):
    return ThreadFactory(topic=topic, author=member, title="Cluster vouchers")


@pytest.fixture
def reply(thread, other_member):
    return PostFactory(thread=thread, author=other_member, body="Vouchers never work here.")


@pytest.fixture
def members_reply(members_topic, member, other_member):
    members_thread = ThreadFactory(topic=members_topic, author=member, title="Evaluation")
    return PostFactory(thread=members_thread, author=other_member, body="Confidential figures.")


@pytest.fixture
def flag(reply):
    flagger = member_user(full_name="Fiona Flagger")
    return services.post_flag(post=reply, user=flagger, reason="A personal attack.")


# --- Flagging ---------------------------------------------------------------------------------

FLAG_STATUS = {
    "anonymous": 302,
    "non_member": 403,
    "member": 200,
    "suspended_member": 403,
    "moderator": 403,
    "other_moderator": 403,
    "secretariat": 403,
}


@pytest.mark.parametrize("role", PAGE_ROLES)
def test_who_may_flag_a_post(role, client_as, reply):
    response = client_as(role).get(reverse("dialogues:post_flag", kwargs={"pk": reply.pk}))
    assert response.status_code == FLAG_STATUS[role]
    if role == "anonymous":
        assert response["Location"].startswith(LOGIN)
    if response.status_code == 200:
        assert "What is wrong with this post?" in _text(response)
        assert "Vouchers never work here." in _text(response)


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("non_member", 404), ("other_moderator", 404), ("member", 200)],
)
def test_a_members_only_post_does_not_exist_for_outsiders(role, status, client_as, members_reply):
    response = client_as(role).get(reverse("dialogues:post_flag", kwargs={"pk": members_reply.pk}))
    assert response.status_code == status


def test_flagging_tells_the_moderators_and_goes_back_to_the_post(client_as, member, reply):
    client = client_as("member")
    response = client.post(
        reverse("dialogues:post_flag", kwargs={"pk": reply.pk}), {"reason": "  Insulting.  "}
    )
    flag = Flag.objects.get()
    assert (flag.post, flag.flagged_by, flag.reason) == (reply, member, "Insulting.")
    assert response["Location"] == reverse(
        "dialogues:post_permalink", kwargs={"pk": reply.thread_id, "number": reply.number}
    )
    assert "the moderators have been told" in _text(client.get(response["Location"], follow=True))


@pytest.mark.parametrize(
    ("reason", "error"),
    [
        ("", "Say what is wrong with this post."),
        ("   ", "Say what is wrong with this post."),
        ("x" * 2001, "Keep it to 2000 characters at most (this has 2001)."),
    ],
)
def test_a_flag_needs_a_reason_of_reasonable_length(reason, error, client_as, reply):
    response = client_as("member").post(
        reverse("dialogues:post_flag", kwargs={"pk": reply.pk}), {"reason": reason}
    )
    assert response.status_code == 200
    assert error in _text(response)
    assert 'role="alert"' in _text(response)
    assert not Flag.objects.exists()


def test_a_second_open_flag_is_refused_with_the_services_message(client_as, member, reply):
    services.post_flag(post=reply, user=member, reason="First time.")
    client = client_as("member")
    url = reverse("dialogues:post_flag", kwargs={"pk": reply.pk})
    refusal = "You have already flagged this post; the moderators will look."
    page = client.get(url)
    assert refusal in _text(page) and "Flag the post</button>" not in _text(page)
    response = client.post(url, {"reason": "Second time, with more detail."})
    assert response.status_code == 200
    assert refusal in _text(response)
    assert "Second time, with more detail." in _text(response)  # what was typed is kept
    assert Flag.objects.count() == 1


def test_a_hidden_post_cannot_be_flagged(client_as, moderator, reply):
    services.post_hide(post=reply, acting_user=moderator, reason="Off topic.")
    client = client_as("member")
    url = reverse("dialogues:post_flag", kwargs={"pk": reply.pk})
    assert "The moderators have already hidden this post." in _text(client.get(url))
    response = client.post(url, {"reason": "Rude."})
    assert "The moderators have already hidden this post." in _text(response)
    assert not Flag.objects.exists()


# --- The queue --------------------------------------------------------------------------------

QUEUE_STATUS = {
    "anonymous": 302,
    "non_member": 403,
    "member": 403,
    "suspended_member": 403,
    "moderator": 200,
    "other_moderator": 200,
    "secretariat": 200,
}


@pytest.mark.parametrize("role", PAGE_ROLES)
def test_who_sees_the_moderation_queue_and_what(role, client_as, flag):
    response = client_as(role).get(reverse("dialogues:moderation_queue"))
    assert response.status_code == QUEUE_STATUS[role]
    if role == "anonymous":
        assert response["Location"].startswith(LOGIN)
    if response.status_code == 200:
        listed = "A personal attack." in _text(response)
        # The other topic's moderator sees an empty queue: the flag is not in their topic.
        assert listed == (role in ("moderator", "secretariat"))
        if listed:
            assert "Vouchers never work here." in _text(response)
            assert "Fiona Flagger" in _text(response)
            assert "Cluster vouchers" in _text(response)
        else:
            assert "No post is waiting" in _text(response)


def test_the_queue_lists_the_longest_waiting_first(client_as, thread, moderator):
    first = PostFactory(thread=thread, body="Older problem")
    second = PostFactory(thread=thread, body="Newer problem")
    services.post_flag(post=second, user=member_user(), reason="Later flag")
    services.post_flag(post=first, user=member_user(), reason="Earlier flag")
    Flag.objects.filter(reason="Later flag").update(
        created_at=Flag.objects.get(reason="Earlier flag").created_at.replace(year=2100)
    )
    text = _text(client_as("moderator").get(reverse("dialogues:moderation_queue")))
    assert text.index("Earlier flag") < text.index("Later flag")


def test_the_moderation_queue_is_reached_from_the_secretariat_workspace(client_as):
    queue = reverse("dialogues:moderation_queue")
    workspace = reverse("secretariat:dashboard")
    assert f'href="{workspace}"' in _text(client_as("secretariat").get("/"))
    assert f'href="{queue}"' in _text(client_as("secretariat").get(workspace))
    assert f'href="{workspace}"' not in _text(client_as("member").get("/"))
    # Moderators find the queue on the dialogues overview.
    overview = reverse("dialogues:topic_list")
    assert f'href="{queue}"' in _text(client_as("other_moderator").get(overview))
    assert f'href="{queue}"' not in _text(client_as("member").get(overview))


@pytest.mark.parametrize("count", [3, 300])
def test_the_queue_in_a_fixed_number_of_queries(
    count, topic, member, moderator, client, django_assert_max_num_queries
):
    thread = ThreadFactory(topic=topic, author=member)
    flaggers = [member_user() for _ in range(3)]
    posts = [PostFactory(thread=thread, author=member, body=f"Post {n}") for n in range(count)]
    Flag.objects.bulk_create(
        Flag(post=post, flagged_by=flaggers[index % 3], reason=f"Reason {index}")
        for index, post in enumerate(posts)
    )
    client.force_login(moderator)
    with django_assert_max_num_queries(19):
        response = client.get(reverse("dialogues:moderation_queue"))
    assert response.status_code == 200
    assert "Reason 0" in _text(response)


# --- Hiding, restoring, resolving -------------------------------------------------------------

HIDE_STATUS = {
    "anonymous": 302,
    "non_member": 403,
    "member": 403,
    "suspended_member": 403,
    "moderator": 302,
    "other_moderator": 403,
    "secretariat": 302,
}


@pytest.mark.parametrize("role", PAGE_ROLES)
def test_who_may_hide_a_post(role, client_as, reply):
    url = reverse("dialogues:post_hide", kwargs={"pk": reply.pk})
    response = client_as(role).post(url, {"reason": "Insulting."})
    assert response.status_code == HIDE_STATUS[role]
    reply.refresh_from_db()
    assert reply.is_hidden == (role in ("moderator", "secretariat"))
    if role == "anonymous":
        assert response["Location"].startswith(LOGIN)


def test_hiding_from_the_queue_resolves_the_flags_and_returns_to_the_queue(
    client_as, moderator, flag
):
    client = client_as("moderator")
    queue = reverse("dialogues:moderation_queue")
    response = client.post(
        reverse("dialogues:post_hide", kwargs={"pk": flag.post_id}),
        {"reason": "A personal attack.", "next": queue},
    )
    assert response["Location"] == queue
    post = Post.objects.get(pk=flag.post_id)
    assert post.is_hidden and post.hidden_by == moderator
    flag.refresh_from_db()
    assert flag.resolution == Flag.Resolution.ACTION_TAKEN
    action = ModerationAction.objects.get(action=ModerationAction.Action.HIDE_POST)
    assert (action.actor, action.post, action.reason) == (moderator, post, "A personal attack.")
    page = client.get(queue)
    assert "The post is hidden." in _text(page)
    assert "No post is waiting" in _text(page)


def test_hiding_without_a_reason_shows_the_form_with_the_error(client_as, flag):
    client = client_as("moderator")
    response = client.post(
        reverse("dialogues:post_hide", kwargs={"pk": flag.post_id}),
        {"reason": "  ", "next": reverse("dialogues:moderation_queue")},
    )
    assert response.status_code == 200
    assert "Say why the post is hidden." in _text(response)
    assert 'name="next" value="/dialogues/moderation/"' in _text(response)
    assert not Post.objects.get(pk=flag.post_id).is_hidden


def test_an_outside_next_address_is_ignored(client_as, reply):
    response = client_as("moderator").post(
        reverse("dialogues:post_hide", kwargs={"pk": reply.pk}),
        {"reason": "Spam.", "next": "https://evil.example.com/"},
    )
    assert response["Location"].startswith(f"/dialogues/t/{reply.thread_id}/")


def test_hiding_twice_says_so(client_as, moderator, reply):
    services.post_hide(post=reply, acting_user=moderator, reason="Spam.")
    client = client_as("moderator")
    response = client.post(
        reverse("dialogues:post_hide", kwargs={"pk": reply.pk}), {"reason": "Again."}, follow=True
    )
    assert "This post is already hidden." in _text(response)


@pytest.mark.parametrize("role", ["member", "other_moderator", "moderator", "secretariat"])
def test_hiding_in_a_members_only_topic(role, client_as, members_reply):
    response = client_as(role).post(
        reverse("dialogues:post_hide", kwargs={"pk": members_reply.pk}), {"reason": "Leak."}
    )
    expected = {"member": 403, "other_moderator": 404, "moderator": 302, "secretariat": 302}
    assert response.status_code == expected[role]


@pytest.mark.parametrize("role", PAGE_ROLES)
def test_who_may_restore_a_post(role, client_as, moderator, reply):
    services.post_hide(post=reply, acting_user=moderator, reason="Spam.")
    url = reverse("dialogues:post_restore", kwargs={"pk": reply.pk})
    get = client_as(role).get(url)
    assert get.status_code == {**HIDE_STATUS, "moderator": 200, "secretariat": 200}[role]
    response = client_as(role).post(url, {"reason": "It was not spam."})
    assert response.status_code == HIDE_STATUS[role]
    reply.refresh_from_db()
    assert reply.is_hidden == (role not in ("moderator", "secretariat"))


def test_restoring_records_the_reason_and_rejects_an_overlong_one(client_as, moderator, reply):
    services.post_hide(post=reply, acting_user=moderator, reason="Spam.")
    client = client_as("moderator")
    url = reverse("dialogues:post_restore", kwargs={"pk": reply.pk})
    response = client.post(url, {"reason": "y" * 1001})
    assert response.status_code == 200
    assert "Keep it to 1000 characters at most" in _text(response)
    client.post(url, {"reason": "It was not spam."})
    action = ModerationAction.objects.get(action=ModerationAction.Action.RESTORE_POST)
    assert action.reason == "It was not spam."
    assert "This post is not hidden." in _text(client.post(url, {}, follow=True))


RESOLVE_STATUS = {**HIDE_STATUS}


@pytest.mark.parametrize("role", PAGE_ROLES)
def test_who_may_dismiss_a_flag(role, client_as, flag):
    url = reverse("dialogues:flag_resolve", kwargs={"pk": flag.pk})
    response = client_as(role).post(url, {"resolution": "dismissed", "note": "Fair comment."})
    assert response.status_code == RESOLVE_STATUS[role]
    flag.refresh_from_db()
    assert flag.is_open == (role not in ("moderator", "secretariat"))


def test_dismissing_a_flag_keeps_the_post_and_logs_the_note(client_as, moderator, flag):
    client = client_as("moderator")
    url = reverse("dialogues:flag_resolve", kwargs={"pk": flag.pk})
    assert client.get(url).status_code == 405
    response = client.post(url, {"resolution": "dismissed", "note": "Fair comment."}, follow=True)
    assert "The flag is dismissed" in _text(response)
    flag.refresh_from_db()
    assert (flag.resolution, flag.resolution_note, flag.resolved_by) == (
        "dismissed",
        "Fair comment.",
        moderator,
    )
    assert not flag.post.is_hidden
    again = client.post(url, {"resolution": "dismissed"}, follow=True)
    assert "This flag has already been resolved." in _text(again)


def test_a_flag_resolution_must_be_one_of_the_choices(client_as, flag):
    response = client_as("moderator").post(
        reverse("dialogues:flag_resolve", kwargs={"pk": flag.pk}),
        {"resolution": "deleted"},
        follow=True,
    )
    assert "Choose how the flag was resolved." in _text(response)
    flag.refresh_from_db()
    assert flag.is_open


# --- The log ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", PAGE_ROLES)
def test_who_reads_the_moderation_log_and_what(role, client_as, moderator, reply):
    services.post_hide(post=reply, acting_user=moderator, reason="Rude remark.")
    response = client_as(role).get(reverse("dialogues:moderation_log"))
    assert response.status_code == QUEUE_STATUS[role]
    if response.status_code == 200:
        listed = "Rude remark." in _text(response)
        assert listed == (role in ("moderator", "secretariat"))
        if listed:
            assert "Hid a post" in _text(response)
            assert "Mia Moderator" in _text(response)


def test_the_log_filters_by_topic_and_explains_a_bad_filter(
    client_as, secretariat_user, moderator, topic, reply
):
    other_topic = TopicFactory(title="Skills")
    other_thread = ThreadFactory(topic=other_topic)
    services.thread_lock(thread=other_thread, acting_user=secretariat_user, reason="Done here.")
    services.post_hide(post=reply, acting_user=moderator, reason="Rude remark.")
    client = client_as("secretariat")
    url = reverse("dialogues:moderation_log")
    both = _text(client.get(url))
    assert "Done here." in both and "Rude remark." in both
    only = _text(client.get(url, {"topic": other_topic.slug}))
    assert "Done here." in only and "Rude remark." not in only
    bad = client.get(url, {"topic": "no-such-topic"})
    assert bad.status_code == 200
    assert "There is no such topic, or you cannot see it." in _text(bad)
    assert "Done here." in _text(bad)
    # A moderator cannot filter on a topic they do not moderate.
    moderated = _text(client_as("moderator").get(url, {"topic": other_topic.slug}))
    assert "There is no such topic, or you cannot see it." in moderated
    assert "Done here." not in moderated


@pytest.mark.parametrize("count", [3, 300])
def test_the_log_in_a_fixed_number_of_queries(
    count, topic, member, moderator, client, django_assert_max_num_queries
):
    thread = ThreadFactory(topic=topic, author=member)
    post = thread.posts.get()
    ModerationAction.objects.bulk_create(
        ModerationAction(
            actor=moderator,
            action=ModerationAction.Action.RENAME,
            topic=topic,
            thread=thread,
            post=post,
            reason=f"Reason {n}",
            details={"from": "a", "to": "b"},
        )
        for n in range(count)
    )
    client.force_login(moderator)
    with django_assert_max_num_queries(19):
        response = client.get(reverse("dialogues:moderation_log"))
    assert f"Reason {count - 1}" in _text(response)  # the newest first


# --- Moderating a thread ----------------------------------------------------------------------

MODERATE_STATUS = {
    "anonymous": 302,
    "non_member": 403,
    "member": 403,
    "suspended_member": 403,
    "moderator": 200,
    "other_moderator": 403,
    "secretariat": 200,
}


@pytest.mark.parametrize("role", PAGE_ROLES)
def test_who_may_moderate_a_thread(role, client_as, thread):
    url = reverse("dialogues:thread_moderate", kwargs={"pk": thread.pk})
    response = client_as(role).get(url)
    assert response.status_code == MODERATE_STATUS[role]
    post = client_as(role).post(url, {"action": "lock", "lock-reason": "Heated."})
    assert post.status_code == {**MODERATE_STATUS, "moderator": 302, "secretariat": 302}[role]
    thread.refresh_from_db()
    assert thread.is_locked == (role in ("moderator", "secretariat"))


@pytest.mark.parametrize("role", ["member", "moderator"])
def test_the_thread_page_links_its_moderators_to_the_moderation_page(role, client_as, thread):
    page = _text(client_as(role).get(reverse("dialogues:thread_detail", kwargs={"pk": thread.pk})))
    link = reverse("dialogues:thread_moderate", kwargs={"pk": thread.pk})
    assert (link in page) == (role == "moderator")
    assert "Moderate this thread" in page if role == "moderator" else True


def test_the_thread_page_offers_hide_and_restore_to_moderators_only(
    client_as, moderator, thread, reply
):
    thread_url = reverse("dialogues:thread_detail", kwargs={"pk": thread.pk})
    hide = reverse("dialogues:post_hide", kwargs={"pk": reply.pk})
    assert hide not in _text(client_as("member").get(thread_url, {"page": 1}))
    assert hide in _text(client_as("moderator").get(thread_url, {"page": 1}))
    services.post_hide(post=reply, acting_user=moderator, reason="Spam.")
    restore = reverse("dialogues:post_restore", kwargs={"pk": reply.pk})
    assert restore in _text(client_as("moderator").get(thread_url, {"page": 1}))


def test_lock_unlock_pin_unpin_each_with_a_reason_in_the_log(client_as, moderator, thread):
    client = client_as("moderator")
    url = reverse("dialogues:thread_moderate", kwargs={"pk": thread.pk})
    steps = [
        ("lock", "Too heated.", "The thread is locked"),
        ("unlock", "Calmer now.", "The thread is unlocked"),
        ("pin", "Important.", "The thread is pinned"),
        ("unpin", "", "The thread is no longer pinned"),
    ]
    for action, reason, message in steps:
        response = client.post(url, {"action": action, f"{action}-reason": reason}, follow=True)
        assert message in _text(response)
    thread.refresh_from_db()
    assert not thread.is_locked and not thread.is_pinned
    logged = list(
        ModerationAction.objects.filter(thread=thread)
        .order_by("created_at", "pk")
        .values_list("action", "reason", "actor")
    )
    assert logged == [(action, reason, moderator.pk) for action, reason, _message in steps]


def test_the_page_offers_unlock_for_a_locked_thread(client_as, moderator, thread):
    services.thread_lock(thread=thread, acting_user=moderator)
    page = _text(client_as("moderator").get(reverse("dialogues:thread_moderate", args=[thread.pk])))
    assert 'value="unlock"' in page and 'value="lock"' not in page


def test_moving_a_thread_only_to_an_open_topic_one_moderates(
    client_as, moderator, secretariat_user, thread, members_topic
):
    elsewhere = TopicFactory(title="Not mine")
    archived = TopicFactory(title="Old topic", moderators=[moderator])
    services.topic_archive(topic=archived, acting_user=secretariat_user)
    client = client_as("moderator")
    url = reverse("dialogues:thread_moderate", kwargs={"pk": thread.pk})
    page = _text(client.get(url))
    assert members_topic.title in page
    assert "Not mine" not in page and "Old topic" not in page
    for target in (elsewhere, archived):
        refused = client.post(url, {"action": "move", "move-to_topic": target.pk})
        assert refused.status_code == 200
        assert "Choose one of the topics in the list." in _text(refused)
    missing = client.post(url, {"action": "move", "move-reason": "Better place."})
    assert "Choose the topic to move the thread to." in _text(missing)
    assert "Better place." in _text(missing)
    moved = client.post(
        url, {"action": "move", "move-to_topic": members_topic.pk, "move-reason": "Confidential."}
    )
    assert moved.status_code == 302
    thread.refresh_from_db()
    assert thread.topic == members_topic
    action = ModerationAction.objects.get(action=ModerationAction.Action.MOVE)
    assert action.reason == "Confidential."


def test_renaming_a_thread_checks_the_title(client_as, thread):
    client = client_as("moderator")
    url = reverse("dialogues:thread_moderate", kwargs={"pk": thread.pk})
    empty = client.post(url, {"action": "rename", "rename-title": " ", "rename-reason": "Typo"})
    assert "Give the thread a title." in _text(empty)
    assert 'role="alert"' in _text(empty)
    long = client.post(url, {"action": "rename", "rename-title": "t" * 201})
    assert "A title has at most 200 characters (this one has 201)." in _text(long)
    client.post(url, {"action": "rename", "rename-title": "Cluster vouchers in 2026"})
    thread.refresh_from_db()
    assert thread.title == "Cluster vouchers in 2026"
    action = ModerationAction.objects.get(action=ModerationAction.Action.RENAME)
    assert action.details == {"from": "Cluster vouchers", "to": "Cluster vouchers in 2026"}


def test_an_unknown_thread_action_is_refused_without_change(client_as, thread):
    client = client_as("moderator")
    url = reverse("dialogues:thread_moderate", kwargs={"pk": thread.pk})
    response = client.post(url, {"action": "delete"}, follow=True)
    assert "Choose one of the actions shown on the page." in _text(response)
    assert Thread.objects.filter(pk=thread.pk).exists()
    assert not ModerationAction.objects.exists()


def test_a_members_only_thread_is_404_to_a_moderator_of_another_topic(client_as, members_reply):
    url = reverse("dialogues:thread_moderate", kwargs={"pk": members_reply.thread_id})
    assert client_as("other_moderator").get(url).status_code == 404
    assert client_as("non_member").get(url).status_code == 404
