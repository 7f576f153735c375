"""Outcomes: concluded by the author or a moderator, versioned, endorsed by organisations."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError

from dialogues import selectors, services
from dialogues.models import Outcome, OutcomeEndorsement
from tests.dialogues.conftest import ROLES
from tests.dialogues.factories import ThreadFactory, member_user

pytestmark = pytest.mark.django_db

SUMMARY = "We recommend **three** common indicators.<script>alert(1)</script>"


@pytest.fixture
def thread(member, topic):
    return ThreadFactory(topic=topic, author=member, title="Common indicators")


@pytest.mark.parametrize("role", ["author", "moderator", "secretariat_user"])
def test_the_author_or_a_moderator_concludes(role, request, member, thread):
    user = member if role == "author" else request.getfixturevalue(role)
    outcome = services.outcome_create(thread=thread, acting_user=user, summary=SUMMARY)
    assert outcome.version == 1 and outcome.concluded_by == user
    assert outcome.summary_html.startswith("<p>We recommend <strong>three</strong>")
    assert "<script" not in outcome.summary_html
    revision = outcome.revisions.get()
    assert (revision.version, revision.summary, revision.author) == (1, SUMMARY, user)


@pytest.mark.parametrize("role", ["anonymous", "non_member", "other_member", "suspended_member"])
def test_others_cannot_conclude(role, request, thread):
    user = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        services.outcome_create(thread=thread, acting_user=user, summary=SUMMARY)
    assert not Outcome.objects.exists()


def test_one_outcome_per_thread_and_not_empty(member, thread):
    with pytest.raises(ValidationError) as error:
        services.outcome_create(thread=thread, acting_user=member, summary="  ")
    assert "summary" in error.value.message_dict
    services.outcome_create(thread=thread, acting_user=member, summary=SUMMARY)
    with pytest.raises(services.DialogueError, match="already has an outcome"):
        services.outcome_create(thread=thread, acting_user=member, summary="Again")


def test_editing_an_outcome_keeps_every_version(member, moderator, other_member, thread):
    outcome = services.outcome_create(thread=thread, acting_user=member, summary="Version one")
    services.outcome_endorse(outcome=outcome, acting_user=other_member)
    outcome = services.outcome_update(outcome=outcome, acting_user=moderator, summary="Two")
    outcome = services.outcome_update(outcome=outcome, acting_user=member, summary="*Three*")
    outcome.refresh_from_db()
    assert outcome.version == 3
    assert outcome.summary_html == "<p><em>Three</em></p>\n"
    assert list(outcome.revisions.order_by("version").values_list("version", "summary")) == [
        (1, "Version one"),
        (2, "Two"),
        (3, "*Three*"),
    ]
    endorsement = outcome.endorsements.get()
    assert endorsement.outcome_version == 1  # what the organisation endorsed
    with pytest.raises(PermissionDenied):
        services.outcome_update(outcome=outcome, acting_user=other_member, summary="Mine")
    revisions = list(selectors.outcome_revisions_for_user(user=other_member, outcome=outcome))
    assert [r.version for r in revisions] == [3, 2, 1]


@pytest.mark.parametrize("role", ROLES)
def test_who_may_endorse(role, as_role, member, thread):
    outcome = services.outcome_create(thread=thread, acting_user=member, summary=SUMMARY)
    user = as_role(role)
    if role == "member":
        endorsement = services.outcome_endorse(outcome=outcome, acting_user=user)
        assert endorsement.organisation == user.representative.organisation
    else:
        with pytest.raises(PermissionDenied):
            services.outcome_endorse(outcome=outcome, acting_user=user)
        assert not OutcomeEndorsement.objects.exists()


def test_one_endorsement_per_organisation_withdrawable_by_a_colleague(member, other_member, thread):
    outcome = services.outcome_create(thread=thread, acting_user=member, summary=SUMMARY)
    organisation = other_member.representative.organisation
    colleague = member_user(organisation)
    services.outcome_endorse(outcome=outcome, acting_user=other_member)
    with pytest.raises(services.DialogueError, match="already endorsed"):
        services.outcome_endorse(outcome=outcome, acting_user=colleague)
    services.outcome_endorse(outcome=outcome, acting_user=member)  # another organisation
    assert outcome.endorsements.filter(withdrawn_at__isnull=True).count() == 2

    stranger = member_user()  # a third organisation, which never endorsed
    with pytest.raises(services.DialogueError, match="not endorsed"):
        services.outcome_endorsement_withdraw(outcome=outcome, acting_user=stranger)
    withdrawn = services.outcome_endorsement_withdraw(outcome=outcome, acting_user=colleague)
    assert withdrawn.is_withdrawn and withdrawn.withdrawn_by == colleague
    assert list(
        outcome.endorsements.filter(withdrawn_at__isnull=True).values_list(
            "organisation", flat=True
        )
    ) == [member.representative.organisation_id]
    # Withdrawn endorsements stay as history; the organisation may endorse again.
    services.outcome_endorse(outcome=outcome, acting_user=other_member)
    assert outcome.endorsements.filter(organisation=organisation).count() == 2


def test_the_database_holds_one_standing_endorsement_per_organisation(member, thread):
    outcome = services.outcome_create(thread=thread, acting_user=member, summary=SUMMARY)
    organisation = member.representative.organisation
    OutcomeEndorsement.objects.create(outcome=outcome, organisation=organisation, outcome_version=1)
    with pytest.raises(IntegrityError):
        OutcomeEndorsement.objects.create(
            outcome=outcome, organisation=organisation, outcome_version=1
        )


def test_archived_topics_take_no_endorsements(member, other_member, secretariat_user, thread):
    outcome = services.outcome_create(thread=thread, acting_user=member, summary=SUMMARY)
    services.topic_archive(topic=thread.topic, acting_user=secretariat_user)
    with pytest.raises(services.DialogueError, match="archived"):
        services.outcome_endorse(outcome=outcome, acting_user=other_member)
    with pytest.raises(services.DialogueError, match="archived"):
        services.outcome_update(outcome=outcome, acting_user=member, summary="Changed")


def test_a_locked_thread_can_still_be_concluded(member, moderator, thread):
    services.thread_lock(thread=thread, acting_user=moderator)
    assert services.outcome_create(thread=thread, acting_user=member, summary=SUMMARY)


@pytest.mark.parametrize("role", ROLES)
def test_outcomes_across_topics_respect_visibility(role, as_role, member, topic, members_topic):
    open_thread = ThreadFactory(topic=topic, author=member, title="Open")
    closed_thread = ThreadFactory(topic=members_topic, author=member, title="Closed")
    open_outcome = services.outcome_create(thread=open_thread, acting_user=member, summary="A")
    closed_outcome = services.outcome_create(thread=closed_thread, acting_user=member, summary="B")
    services.outcome_endorse(outcome=open_outcome, acting_user=member_user())
    services.outcome_endorse(outcome=open_outcome, acting_user=member_user())
    outcomes = list(selectors.outcome_list_for_user(user=as_role(role)))
    readers = {"member", "suspended_member", "moderator", "secretariat"}
    expected = [closed_outcome, open_outcome] if role in readers else [open_outcome]
    assert outcomes == expected
    listed = outcomes[-1]
    assert listed.endorsement_count == 2 and len(listed.standing_endorsements) == 2


def test_outcome_of_a_thread(member, other_member, thread, non_member, members_topic):
    assert selectors.outcome_get_for_thread(user=non_member, thread=thread) is None
    outcome = services.outcome_create(thread=thread, acting_user=member, summary=SUMMARY)
    services.outcome_endorse(outcome=outcome, acting_user=other_member)
    shown = selectors.outcome_get_for_thread(user=non_member, thread=thread)
    assert shown == outcome
    assert [e.organisation for e in shown.standing_endorsements] == [
        other_member.representative.organisation
    ]
