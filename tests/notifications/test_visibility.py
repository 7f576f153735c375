"""A notification is never shown to someone who can no longer see its object: not on the
notifications page, not in the header count, not when opened (404), and not in the digest.
The page and the digest use the same rule (selectors.notification_visible_q), so each case
checks all four channels together and expects them to agree."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dialogues import services as dialogue_services
from dialogues.models import Follow, Topic
from dialogues.rendering import mention_markup
from initiatives import services as initiative_services
from initiatives.models import InitiativeStatus
from members import services as member_services
from members.models import Organisation, Representative
from notifications import digests, services
from notifications.models import DigestDelivery, DigestFrequency, Notification
from tests.accounts.factories import UserFactory
from tests.dialogues.factories import PostFactory, ThreadFactory, member_user
from tests.initiatives.factories import (
    InitiativeFactory,
    add_partner,
    contact_user,
    representative_user,
)
from tests.members.factories import OrganisationFactory
from tests.notifications.factories import NotificationPreferenceFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("notifications:list")
HEADER_COUNT = re.compile(r'Notifications \((\d+)<span class="visually-hidden"> unread</span>\)')


def _digest_ids(user) -> tuple[int, str]:
    """Send the person a daily digest now (forgetting earlier ones) and return how many
    notifications it counted and its plain text."""
    DigestDelivery.objects.filter(user=user).delete()
    slot = digests.digest_slot(
        frequency=DigestFrequency.DAILY, at=timezone.now() + timedelta(days=1)
    )
    digests.digest_batch_send(frequency=DigestFrequency.DAILY, slot=slot, user_ids=[user.pk])
    delivery = DigestDelivery.objects.get(user=user)
    body = delivery.outbound_email.body_text if delivery.outbound_email else ""
    return delivery.notification_count, body


@pytest.fixture
def channels(client):
    """`channels(user, notification)`: where the notification shows, as the person sees it."""

    def look(user, notification, *, digest_needle=""):
        NotificationPreferenceFactory(
            user=user,
            digest=DigestFrequency.DAILY,
            chosen_at=timezone.now() - timedelta(days=3),
            digest_since=timezone.now() - timedelta(days=3),
        )
        client.force_login(user)
        page = client.get(LIST_URL).content.decode()
        open_url = reverse("notifications:open", kwargs={"pk": notification.pk})
        header = int(HEADER_COUNT.search(page).group(1))
        digest_count, digest_text = _digest_ids(user)
        response = client.get(open_url)
        # Opening marks it read: put it back so that the next look starts the same.
        Notification.objects.filter(pk=notification.pk).update(read_at=None)
        return {
            "page": f'href="{open_url}"' in page,
            "header": header,
            "open": response.status_code,
            "digest": digest_count,
            "digest_text": digest_needle in digest_text if digest_needle else None,
        }

    return look


def shown(count=1, needle=True):
    return {"page": True, "header": count, "open": 302, "digest": count, "digest_text": needle}


def gone(count=0, needle=False):
    return {"page": False, "header": count, "open": 404, "digest": count, "digest_text": needle}


def test_leaving_the_organisation_hides_what_came_as_its_representative(channels):
    lead_contact = contact_user()
    partner = OrganisationFactory()
    add_partner(
        initiative := InitiativeFactory(
            proposer=lead_contact, status=InitiativeStatus.SEEKING_PARTNERS
        ),
        partner,
    )
    leaving = representative_user(partner, full_name="Lena Leaving")
    initiative_services.news_update_post(
        initiative=initiative, acting_user=lead_contact, title="Testbed map", body="Online."
    )
    notification = Notification.objects.get(recipient=leaving)
    assert notification.via_organisation == partner
    assert channels(leaving, notification, digest_needle=initiative.title) == shown()

    member_services.representative_remove(
        representative=leaving.representative, acting_user=leaving
    )
    assert channels(leaving, notification, digest_needle=initiative.title) == gone()

    # Joining another organisation does not bring it back.
    Representative.objects.create(user=leaving, organisation=OrganisationFactory())
    assert channels(leaving, notification, digest_needle=initiative.title) == gone()


def test_what_came_as_a_person_stays_after_leaving(channels, topic, member):
    leaving = member_user(full_name="Lena Leaving")
    post = ThreadFactory(
        topic=topic, author=member, title="Energy audits", body=mention_markup(leaving)
    ).posts.get()
    notification = Notification.objects.get(post=post)
    member_services.representative_remove(
        representative=leaving.representative, acting_user=leaving
    )
    # A public topic: anyone may read it, member or not.
    assert channels(leaving, notification, digest_needle="Energy audits") == shown()


def test_a_demoted_contact_no_longer_sees_what_only_contacts_handle(channels):
    organisation = OrganisationFactory(name="Flanders Innovation")
    demoted = contact_user(organisation, full_name="Dirk Demoted")
    staying = contact_user(organisation)
    member_services.join_request_create(
        user=UserFactory(full_name="Jonas Joiner"), organisation=organisation, position="Analyst"
    )
    request_notification = Notification.objects.get(recipient=demoted)
    assert request_notification.contacts_only
    # A notification the organisation's every representative gets (not contacts only).
    [status_notification] = services.notifications_create(
        recipient_ids=[demoted.pk],
        kind=Notification.Kind.MEMBERSHIP_STATUS,
        organisation=organisation,
        via_organisation=organisation,
        details={"status": "active"},
    )
    assert channels(demoted, request_notification, digest_needle="Jonas Joiner") == shown(2)

    member_services.representative_role_change(
        representative=demoted.representative,
        role=Representative.Role.REPRESENTATIVE,
        acting_user=staying,
    )
    assert channels(demoted, request_notification, digest_needle="Jonas Joiner") == gone(1)
    assert channels(demoted, status_notification, digest_needle="reinstated") == shown(1)
    # The contact who stays still sees the request.
    assert channels(staying, Notification.objects.get(recipient=staying)) == shown(needle=None)


def test_a_topic_turned_members_only_hides_its_threads_from_a_non_member(
    channels, topic, member, other_member, non_member, secretariat_user
):
    for follower in (non_member, other_member):
        dialogue_services.follow_set(user=follower, state=Follow.State.FOLLOWING, topic=topic)
    thread = ThreadFactory(topic=topic, author=member, title="Open talk")
    for_non_member = Notification.objects.get(recipient=non_member)
    for_member = Notification.objects.get(recipient=other_member)
    assert channels(non_member, for_non_member, digest_needle="Open talk") == shown()

    dialogue_services.topic_update(
        topic=topic, acting_user=secretariat_user, visibility=Topic.Visibility.MEMBERS
    )
    assert channels(non_member, for_non_member, digest_needle="Open talk") == gone()
    assert channels(other_member, for_member, digest_needle="Open talk") == shown()
    # The thread itself is a 404 for the non-member too: the rule matches the dialogues'.
    from django.test import Client

    outsider = Client()
    outsider.force_login(non_member)
    assert (
        outsider.get(reverse("dialogues:thread_detail", kwargs={"pk": thread.pk})).status_code
        == 404
    )


@pytest.mark.parametrize(
    "status, visible",
    [
        (Organisation.MembershipStatus.ACTIVE, True),
        (Organisation.MembershipStatus.SUSPENDED, True),  # suspended members keep reading
        (Organisation.MembershipStatus.LAPSED, False),
    ],
)
def test_a_lapsed_membership_hides_members_only_threads(
    status, visible, channels, members_topic, member, other_member
):
    Follow.objects.create(user=other_member, topic=members_topic)
    ThreadFactory(topic=members_topic, author=member, title="Programme evaluation results")
    notification = Notification.objects.get(recipient=other_member)
    Organisation.objects.filter(pk=other_member.representative.organisation_id).update(
        membership_status=status
    )
    expected = shown() if visible else gone()
    assert channels(other_member, notification, digest_needle="Programme evaluation") == expected


def test_a_hidden_post_disappears_everywhere_but_other_posts_stay(
    channels, topic, member, other_member, moderator
):
    thread = ThreadFactory(topic=topic, author=other_member, title="Cluster budgets")
    kept = PostFactory(thread=thread, author=member, body="Useful figures.")
    hidden = PostFactory(thread=thread, author=member, body="Spam.")
    kept_notification = Notification.objects.get(post=kept)
    hidden_notification = Notification.objects.get(post=hidden)
    assert channels(other_member, hidden_notification) == shown(2, needle=None)

    dialogue_services.post_hide(post=hidden, acting_user=moderator, reason="Spam")
    assert channels(other_member, hidden_notification, digest_needle="2 new posts") == gone(1)
    assert channels(other_member, kept_notification, digest_needle="Cluster budgets") == shown(1)

    dialogue_services.post_restore(post=hidden, acting_user=moderator)
    assert channels(other_member, hidden_notification, digest_needle="2 new posts") == shown(2)


def test_the_page_and_the_digest_use_the_same_rule(topic, members_topic, member, non_member):
    """Whatever mix of visible and invisible notifications, the page's list and the digest's
    selection are the same rows."""
    Follow.objects.create(user=non_member, topic=members_topic)
    dialogue_services.follow_set(user=non_member, state=Follow.State.FOLLOWING, topic=topic)
    ThreadFactory(topic=topic, author=member)
    services.notifications_for_post_create(
        post=ThreadFactory(topic=members_topic, author=member).posts.get()
    )
    # Written by hand: as if it had been created before the topic became members-only.
    Notification.objects.create(
        recipient=non_member,
        kind=Notification.Kind.TOPIC_THREAD,
        thread=members_topic.threads.get(),
        post=members_topic.threads.get().posts.get(),
    )
    from notifications import selectors

    page = set(selectors.notification_list_for_user(user=non_member))
    window = (timezone.now() - timedelta(days=1), timezone.now() + timedelta(days=1))
    digest = set(selectors.notifications_in_windows(windows={non_member.pk: window}))
    assert page == digest
    assert len(page) == 1 and Notification.objects.filter(recipient=non_member).count() == 2
