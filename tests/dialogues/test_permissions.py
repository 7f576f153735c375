"""Every remaining service, for every role, on a members-only thread (the strictest case)."""

import pytest
from django.core.exceptions import PermissionDenied

from dialogues import services
from dialogues.models import Flag, Follow, ReadState
from tests.dialogues.conftest import ROLES
from tests.dialogues.factories import ThreadFactory

pytestmark = pytest.mark.django_db

READERS = {"member", "suspended_member", "moderator", "secretariat"}
MODERATORS = {"moderator", "secretariat"}


@pytest.fixture
def thread(members_topic, other_member):
    return ThreadFactory(topic=members_topic, author=other_member)


@pytest.mark.parametrize("role", ROLES)
def test_following_and_reading(role, as_role, thread):
    user = as_role(role)
    reader_actions = [
        lambda: services.follow_set(user=user, thread=thread, state=Follow.State.FOLLOWING),
        lambda: services.follow_set(user=user, topic=thread.topic, state=Follow.State.MUTED),
        lambda: services.topic_mark_read(user=user, topic=thread.topic),
    ]
    if role != "anonymous":  # for the anonymous, marking a thread read is a quiet no-op
        reader_actions.append(lambda: services.thread_mark_read(user=user, thread=thread))
    for action in reader_actions:
        if role in READERS:
            action()
        else:
            with pytest.raises(PermissionDenied):
                action()
    if role == "anonymous":
        with pytest.raises(PermissionDenied):
            services.threads_mark_all_read(user=user)
    else:
        services.threads_mark_all_read(user=user)
    if role in READERS:
        assert Follow.objects.filter(user=user).count() == 2
        assert ReadState.objects.get(user=user, thread=thread).last_read_post_number == 1
    else:
        assert not ReadState.objects.filter(thread=thread).exclude(user=thread.author).exists()


@pytest.mark.parametrize("role", ROLES)
def test_resolving_flags(role, as_role, member, thread):
    flag = services.post_flag(post=thread.posts.get(), user=member, reason="Wrong figures")
    user = as_role(role)
    if role in MODERATORS:
        services.flag_resolve(flag=flag, acting_user=user, resolution=Flag.Resolution.DISMISSED)
        flag.refresh_from_db()
        assert flag.resolved_by == user
    else:
        with pytest.raises(PermissionDenied):
            services.flag_resolve(flag=flag, acting_user=user, resolution="dismissed")
        flag.refresh_from_db()
        assert flag.is_open


@pytest.mark.parametrize("role", ROLES)
def test_withdrawing_an_endorsement(role, as_role, member, other_member, thread):
    outcome = services.outcome_create(thread=thread, acting_user=other_member, summary="Agreed")
    services.outcome_endorse(outcome=outcome, acting_user=member)
    user = as_role(role)
    if role == "member":
        services.outcome_endorsement_withdraw(outcome=outcome, acting_user=user)
        assert outcome.endorsements.get().is_withdrawn
    else:
        with pytest.raises(PermissionDenied):
            services.outcome_endorsement_withdraw(outcome=outcome, acting_user=user)
        assert not outcome.endorsements.get().is_withdrawn


@pytest.mark.parametrize("role", ROLES)
def test_moderating_a_members_only_thread(role, as_role, thread):
    user = as_role(role)
    post = thread.posts.get()
    actions = [
        lambda: services.thread_lock(thread=thread, acting_user=user),
        lambda: services.thread_pin(thread=thread, acting_user=user),
        lambda: services.thread_rename(thread=thread, acting_user=user, title="Renamed"),
        lambda: services.post_hide(post=post, acting_user=user, reason="Personal data"),
        lambda: services.post_restore(post=post, acting_user=user),
    ]
    for action in actions:
        if role in MODERATORS:
            action()
        else:
            with pytest.raises(PermissionDenied):
                action()
    thread.refresh_from_db()
    assert (thread.is_locked, thread.is_pinned, thread.title == "Renamed") == (
        (True, True, True) if role in MODERATORS else (False, False, False)
    )
