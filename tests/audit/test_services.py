"""Every privileged action writes its audit row, in the same transaction, naming nobody."""

import pytest
from django.db import transaction

from accounts import deactivation
from audit.context import client_ip_set
from audit.models import ActorRole, AuditAction, AuditEntry
from audit.services import audit_record
from dialogues import services as dialogue_services
from dialogues.models import Flag
from initiatives import services as initiative_services
from initiatives.models import InitiativeStatus
from members import services as member_services
from members.models import Representative
from tests.accounts.factories import UserFactory
from tests.dialogues.factories import PostFactory, ThreadFactory, TopicFactory, member_user
from tests.initiatives.factories import InitiativeFactory, lead_contact_of
from tests.members.factories import (
    ContactFactory,
    MembershipApplicationFactory,
    OrganisationFactory,
    RepresentativeFactory,
)

pytestmark = pytest.mark.django_db


# --- One case per privileged action: (set-up and act) -> the object the entry is about --------


def _under_review(secretariat):
    application = MembershipApplicationFactory()
    return member_services.application_start_review(
        application=application, acting_user=secretariat
    )


def start_review(secretariat):
    return _under_review(secretariat)


def request_information(secretariat):
    return member_services.application_request_information(
        application=_under_review(secretariat),
        acting_user=secretariat,
        question="Please send your statutes.",
    )


def approve(secretariat):
    return member_services.application_approve(
        application=_under_review(secretariat), acting_user=secretariat, note="Eligible."
    )


def reject(secretariat):
    return member_services.application_reject(
        application=_under_review(secretariat), acting_user=secretariat, reason="Not public."
    )


def suspend(secretariat):
    return member_services.membership_suspend(
        organisation=OrganisationFactory(), acting_user=secretariat, note="Fees unpaid."
    )


def reinstate(secretariat):
    organisation = suspend(secretariat)
    return member_services.membership_reinstate(
        organisation=organisation, acting_user=secretariat, note="Fees paid."
    )


def role_change(secretariat):
    organisation = OrganisationFactory()
    ContactFactory(organisation=organisation)
    representative = RepresentativeFactory(organisation=organisation)
    return member_services.representative_role_change(
        representative=representative, role=Representative.Role.CONTACT, acting_user=secretariat
    )


def remove(secretariat):
    representative = RepresentativeFactory()
    member_services.representative_remove(representative=representative, acting_user=secretariat)
    return representative


def handover(secretariat):
    leaving = ContactFactory()
    successor = RepresentativeFactory(organisation=leaving.organisation)
    member_services.representative_handover(
        leaving=leaving, successor=successor, acting_user=secretariat
    )
    return leaving


def _post():
    return PostFactory(thread=ThreadFactory(topic=TopicFactory()))


def hide(secretariat):
    return dialogue_services.post_hide(post=_post(), acting_user=secretariat, reason="Off topic")


def restore(secretariat):
    return dialogue_services.post_restore(post=hide(secretariat), acting_user=secretariat)


def lock(secretariat):
    return dialogue_services.thread_lock(thread=ThreadFactory(), acting_user=secretariat)


def unlock(secretariat):
    return dialogue_services.thread_unlock(thread=lock(secretariat), acting_user=secretariat)


def pin(secretariat):
    return dialogue_services.thread_pin(thread=ThreadFactory(), acting_user=secretariat)


def unpin(secretariat):
    return dialogue_services.thread_unpin(thread=pin(secretariat), acting_user=secretariat)


def move(secretariat):
    return dialogue_services.thread_move(
        thread=ThreadFactory(), to_topic=TopicFactory(), acting_user=secretariat
    )


def rename(secretariat):
    return dialogue_services.thread_rename(
        thread=ThreadFactory(), acting_user=secretariat, title="Funding cluster managements"
    )


def resolve_flag(secretariat):
    post = _post()
    flag = dialogue_services.post_flag(post=post, user=member_user(), reason="Advertising")
    dialogue_services.flag_resolve(
        flag=flag, acting_user=secretariat, resolution=Flag.Resolution.DISMISSED
    )
    return post


def archive(secretariat):
    return dialogue_services.topic_archive(topic=TopicFactory(), acting_user=secretariat)


def reopen(secretariat):
    return dialogue_services.topic_reopen(topic=archive(secretariat), acting_user=secretariat)


def moderators(secretariat):
    return dialogue_services.topic_moderators_set(
        topic=TopicFactory(), acting_user=secretariat, moderators=[UserFactory()]
    )


def cancel_initiative(secretariat):
    return initiative_services.initiative_status_change(
        initiative=InitiativeFactory(),
        acting_user=secretariat,
        to_status=InitiativeStatus.CANCELLED,
        note="No partner found.",
    )


def deactivate(secretariat):
    return deactivation.user_deactivate(
        user=UserFactory(), acting_user=secretariat, reason="Left the agency."
    )


def reactivate(secretariat):
    return deactivation.user_reactivate(
        user=deactivate(secretariat), acting_user=secretariat, reason="Came back."
    )


CASES = [
    (start_review, AuditAction.APPLICATION_START_REVIEW, "members.membershipapplication"),
    (
        request_information,
        AuditAction.APPLICATION_REQUEST_INFORMATION,
        "members.membershipapplication",
    ),
    (approve, AuditAction.APPLICATION_APPROVE, "members.membershipapplication"),
    (reject, AuditAction.APPLICATION_REJECT, "members.membershipapplication"),
    (suspend, AuditAction.MEMBERSHIP_SUSPEND, "members.organisation"),
    (reinstate, AuditAction.MEMBERSHIP_REINSTATE, "members.organisation"),
    (role_change, AuditAction.REPRESENTATIVE_ROLE_CHANGE, "members.representative"),
    (remove, AuditAction.REPRESENTATIVE_REMOVE, "members.representative"),
    (handover, AuditAction.REPRESENTATIVE_HANDOVER, "members.representative"),
    (hide, AuditAction.POST_HIDE, "dialogues.post"),
    (restore, AuditAction.POST_RESTORE, "dialogues.post"),
    (lock, AuditAction.THREAD_LOCK, "dialogues.thread"),
    (unlock, AuditAction.THREAD_UNLOCK, "dialogues.thread"),
    (pin, AuditAction.THREAD_PIN, "dialogues.thread"),
    (unpin, AuditAction.THREAD_UNPIN, "dialogues.thread"),
    (move, AuditAction.THREAD_MOVE, "dialogues.thread"),
    (rename, AuditAction.THREAD_RENAME, "dialogues.thread"),
    (resolve_flag, AuditAction.FLAG_RESOLVE, "dialogues.post"),
    (archive, AuditAction.TOPIC_ARCHIVE, "dialogues.topic"),
    (reopen, AuditAction.TOPIC_REOPEN, "dialogues.topic"),
    (moderators, AuditAction.TOPIC_MODERATORS_SET, "dialogues.topic"),
    (cancel_initiative, AuditAction.INITIATIVE_CANCEL, "initiatives.initiative"),
    (deactivate, AuditAction.USER_DEACTIVATE, "accounts.user"),
    (reactivate, AuditAction.USER_REACTIVATE, "accounts.user"),
]


@pytest.mark.parametrize(
    ("act", "action", "object_type"), CASES, ids=[case[0].__name__ for case in CASES]
)
def test_each_privileged_action_writes_one_audit_entry(secretariat_user, act, action, object_type):
    with client_ip_set("192.0.2.44"):
        obj = act(secretariat_user)

    entries = list(AuditEntry.objects.filter(action=action))
    assert len(entries) == 1
    entry = entries[0]
    assert entry.actor_id == secretariat_user.pk
    assert entry.actor_label == ActorRole.SECRETARIAT
    assert entry.object_type == object_type
    assert entry.object_id == obj.pk
    assert entry.object_label
    assert entry.ip_address == "192.0.2.44"
    # Nothing that names the secretariat member is stored.
    stored = f"{entry.actor_label} {entry.object_label} {entry.changes}"
    assert secretariat_user.full_name not in stored
    assert secretariat_user.email not in stored


def test_an_entry_keeps_before_and_after(secretariat_user):
    organisation = suspend(secretariat_user)
    entry = AuditEntry.objects.get(action=AuditAction.MEMBERSHIP_SUSPEND)
    assert entry.object_label == organisation.name
    assert entry.changes == {"membership_status": ["active", "suspended"], "note": "Fees unpaid."}


def test_a_representative_is_labelled_without_their_name(secretariat_user):
    representative = role_change(secretariat_user)
    entry = AuditEntry.objects.get(action=AuditAction.REPRESENTATIVE_ROLE_CHANGE)
    assert representative.user.full_name not in entry.object_label
    assert entry.changes == {
        "user_id": representative.user_id,
        "role": ["representative", "contact"],
    }


def test_a_topic_moderator_is_recorded_as_moderator(db):
    moderator = UserFactory()
    thread = ThreadFactory(topic=TopicFactory(moderators=[moderator]))
    dialogue_services.thread_lock(thread=thread, acting_user=moderator, reason="Heated")
    entry = AuditEntry.objects.get(action=AuditAction.THREAD_LOCK)
    assert (entry.actor_id, entry.actor_label) == (moderator.pk, ActorRole.MODERATOR)
    assert entry.changes == {"reason": "Heated"}


def test_the_lead_cancelling_its_own_initiative_is_not_a_privileged_action(db):
    initiative = InitiativeFactory()
    initiative_services.initiative_status_change(
        initiative=initiative,
        acting_user=lead_contact_of(initiative),
        to_status=InitiativeStatus.CANCELLED,
        note="We stop.",
    )
    assert not AuditEntry.objects.filter(action=AuditAction.INITIATIVE_CANCEL).exists()


def test_a_representative_leaving_by_themself_is_not_audited(db):
    representative = RepresentativeFactory()
    ContactFactory(organisation=representative.organisation)
    member_services.representative_remove(
        representative=representative, acting_user=representative.user
    )
    assert not AuditEntry.objects.exists()


def test_a_contact_removing_a_colleague_is_audited_as_contact(db):
    contact = ContactFactory()
    representative = RepresentativeFactory(organisation=contact.organisation)
    member_services.representative_remove(representative=representative, acting_user=contact.user)
    entry = AuditEntry.objects.get(action=AuditAction.REPRESENTATIVE_REMOVE)
    assert (entry.actor_id, entry.actor_label) == (contact.user_id, ActorRole.CONTACT)


def test_an_action_rolled_back_leaves_no_entry(secretariat_user):
    organisation = OrganisationFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        member_services.membership_suspend(
            organisation=organisation, acting_user=secretariat_user, note="Fees unpaid."
        )
        raise RuntimeError("the request failed after the service")
    assert not AuditEntry.objects.filter(action=AuditAction.MEMBERSHIP_SUSPEND).exists()


def test_without_a_request_the_entry_has_no_address(secretariat_user):
    suspend(secretariat_user)
    assert AuditEntry.objects.get(action=AuditAction.MEMBERSHIP_SUSPEND).ip_address is None


def test_the_portal_itself_is_an_actor(db):
    entry = audit_record(actor=None, action=AuditAction.ANNOUNCEMENT_SEND, object_label="News")
    assert (entry.actor_id, entry.actor_label) == (None, ActorRole.SYSTEM)


def test_an_unknown_action_is_refused(secretariat_user):
    with pytest.raises(ValueError, match="Unknown audit action"):
        audit_record(actor=secretariat_user, action="paint_the_walls")


# --- Joining and leaving the secretariat group (wherever it is done) --------------------------


def test_joining_and_leaving_the_secretariat_is_audited(client):
    from django.contrib.auth.models import Group

    from members.permissions import SECRETARIAT_GROUP

    group = Group.objects.get(name=SECRETARIAT_GROUP)
    other_group = Group.objects.create(name="Newsletter editors")
    person = UserFactory()
    person.groups.add(other_group)  # not the secretariat: not audited
    assert not AuditEntry.objects.exists()

    person.groups.add(group)
    group.user_set.remove(person)
    person.groups.add(group)
    person.groups.clear()

    entries = list(AuditEntry.objects.order_by("pk").values_list("action", "object_id", "changes"))
    joined, left = AuditAction.SECRETARIAT_MEMBER_ADD, AuditAction.SECRETARIAT_MEMBER_REMOVE
    assert entries == [
        (joined, person.pk, {"secretariat": [False, True]}),
        (left, person.pk, {"secretariat": [True, False]}),
        (joined, person.pk, {"secretariat": [False, True]}),
        (left, person.pk, {"secretariat": [True, False]}),
    ]
    assert {entry.actor_label for entry in AuditEntry.objects.all()} == {ActorRole.SYSTEM}


def test_a_superuser_adding_someone_in_the_admin_is_the_actor(client):
    from django.contrib.auth.models import Group
    from django.urls import reverse

    from members.permissions import SECRETARIAT_GROUP

    administrator = UserFactory(is_staff=True, is_superuser=True)
    person = UserFactory(full_name="Petra Neu", email="petra@eca-portal.eu")
    client.force_login(administrator)
    response = client.post(
        reverse("admin:accounts_user_change", args=[person.pk]),
        {
            "email": person.email,
            "full_name": person.full_name,
            "language": "en",
            "is_active": "on",
            "groups": [Group.objects.get(name=SECRETARIAT_GROUP).pk],
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
        },
        REMOTE_ADDR="198.51.100.3",
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(action=AuditAction.SECRETARIAT_MEMBER_ADD)
    assert (entry.actor_id, entry.actor_label) == (administrator.pk, ActorRole.SUPERUSER)
    assert (entry.object_id, entry.ip_address) == (person.pk, "198.51.100.3")
