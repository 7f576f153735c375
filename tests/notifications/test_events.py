"""Per event type: who is notified (in the app) and who is not, and who is emailed at once.

Every event goes through the service the app calls, as the app does. Immediate emails reach
only people who chose their settings (chosen_at set) with the matching toggle on; decisions
on a person's own membership application are transactional mail and always sent."""

import pytest
from django.core import mail

from dialogues import services as dialogue_services
from dialogues.models import Follow
from dialogues.rendering import mention_markup
from initiatives import services as initiative_services
from initiatives.models import InitiativeStatus
from members import services as member_services
from members.models import Organisation, Representative
from notifications import services as notification_services
from notifications.models import Notification
from outbox.models import OutboundEmail
from tests.accounts.factories import UserFactory
from tests.dialogues.factories import PostFactory, ThreadFactory, member_user
from tests.initiatives.factories import (
    InitiativeFactory,
    add_partner,
    contact_user,
    representative_user,
)
from tests.members.factories import (
    MembershipApplicationFactory,
    OrganisationFactory,
    PolicyThemeFactory,
)
from tests.notifications.factories import NotificationPreferenceFactory, everyone_has_chosen

pytestmark = pytest.mark.django_db

Kind = Notification.Kind


def told(**filters):
    """{recipient: kind} of the notifications matching `filters`."""
    return dict(Notification.objects.filter(**filters).values_list("recipient", "kind"))


def mailed_to(user) -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(to__contains=[user.email]))


# --- Dialogues -------------------------------------------------------------------------------


def test_a_new_post_in_a_followed_thread_notifies_its_followers_only(member, other_member, topic):
    thread = ThreadFactory(topic=topic, author=member)  # the author follows by posting
    bystander = member_user(full_name="Bea Bystander")
    post = PostFactory(thread=thread, author=other_member, body="Our programme runs 5 years.")
    assert told(post=post) == {member.pk: Kind.THREAD_POST}
    notification = Notification.objects.get(post=post)
    assert notification.actor == other_member
    assert notification.thread == thread
    assert not Notification.objects.filter(recipient=bystander).exists()
    # other_member now follows too (by posting): member's next post tells them, not member.
    second = PostFactory(thread=thread, author=member)
    assert told(post=second) == {other_member.pk: Kind.THREAD_POST}


def test_a_new_thread_in_a_followed_topic_notifies_the_topics_followers(
    member, other_member, topic
):
    dialogue_services.follow_set(user=other_member, state=Follow.State.FOLLOWING, topic=topic)
    bystander = member_user()
    thread = ThreadFactory(topic=topic, author=member, title="Energy audits")
    assert told(thread=thread) == {other_member.pk: Kind.TOPIC_THREAD}
    assert not Notification.objects.filter(recipient=bystander).exists()
    # A later post in that thread is not "new thread in topic": a topic follower who does
    # not follow the thread is not told of replies.
    PostFactory(thread=thread, author=bystander)
    assert told(thread=thread, recipient=other_member) == {other_member.pk: Kind.TOPIC_THREAD}


def test_a_mention_notifies_the_mentioned_person(member, other_member, topic):
    thread = ThreadFactory(topic=topic, author=member)
    third = member_user()
    post = PostFactory(
        thread=thread, author=third, body=f"Ask {mention_markup(other_member)} about it."
    )
    assert told(post=post) == {other_member.pk: Kind.MENTION, member.pk: Kind.THREAD_POST}


def test_a_reply_notifies_the_author_of_the_replied_post(member, other_member, topic):
    thread = ThreadFactory(topic=topic, author=member)
    first = thread.posts.get()
    # The author of the first post stops following: the reply alone reaches them.
    dialogue_services.follow_set(user=member, state=None, thread=thread)
    reply = PostFactory(thread=thread, author=other_member, reply_to=first)
    assert told(post=reply) == {member.pk: Kind.REPLY}


def test_one_notification_per_person_per_post_of_the_most_specific_kind(
    member, other_member, topic
):
    dialogue_services.follow_set(user=other_member, state=Follow.State.FOLLOWING, topic=topic)
    # A new thread in a followed topic that mentions the follower: a mention.
    thread = ThreadFactory(topic=topic, author=member, body=f"Hi {mention_markup(other_member)}")
    assert told(thread=thread) == {other_member.pk: Kind.MENTION}
    # A post that replies to a follower of the thread: a reply, not a new post.
    first_of_other = PostFactory(thread=thread, author=other_member)
    reply = PostFactory(thread=thread, author=member, reply_to=first_of_other)
    assert told(post=reply) == {other_member.pk: Kind.REPLY}
    # A reply that also mentions them: one notification, a mention.
    both = PostFactory(
        thread=thread,
        author=member,
        reply_to=first_of_other,
        body=f"Right, {mention_markup(other_member)}.",
    )
    assert told(post=both) == {other_member.pk: Kind.MENTION}
    assert Notification.objects.filter(post=both).count() == 1
    # An edit adding the same mention again adds nothing.
    dialogue_services.post_edit(
        post=both,
        acting_user=member,
        body=f"Right, {mention_markup(other_member)}, agreed.",
    )
    assert Notification.objects.filter(post=both).count() == 1


def test_an_edit_that_adds_a_mention_upgrades_the_followers_notification(
    member, other_member, topic
):
    thread = ThreadFactory(topic=topic, author=other_member)
    post = PostFactory(thread=thread, author=member, body="First version.")
    notification = Notification.objects.get(post=post, recipient=other_member)
    assert notification.kind == Kind.THREAD_POST
    Notification.objects.filter(pk=notification.pk).update(read_at=notification.created_at)
    dialogue_services.post_edit(
        post=post, acting_user=member, body=f"Second version, {mention_markup(other_member)}."
    )
    notification.refresh_from_db()
    assert notification.kind == Kind.MENTION
    assert notification.read_at is None  # unread again: it says something new
    assert Notification.objects.filter(post=post).count() == 1


def test_a_muted_thread_notifies_nothing_not_even_a_mention_or_a_reply(member, other_member, topic):
    thread = ThreadFactory(topic=topic, author=member)
    dialogue_services.follow_set(user=member, state=Follow.State.MUTED, thread=thread)
    PostFactory(thread=thread, author=other_member)
    PostFactory(thread=thread, author=other_member, reply_to=thread.posts.get(number=1))
    post = PostFactory(thread=thread, author=other_member, body=f"{mention_markup(member)}?")
    dialogue_services.post_edit(
        post=post, acting_user=other_member, body=f"{mention_markup(member)}, see this?"
    )
    assert not Notification.objects.filter(recipient=member).exists()


def test_a_muted_thread_wins_over_a_followed_topic(member, other_member, topic):
    dialogue_services.follow_set(user=other_member, state=Follow.State.FOLLOWING, topic=topic)
    thread = ThreadFactory(topic=topic, author=member)
    dialogue_services.follow_set(user=other_member, state=Follow.State.MUTED, thread=thread)
    PostFactory(thread=thread, author=member, body=f"{mention_markup(other_member)}")
    assert told(thread=thread) == {other_member.pk: Kind.TOPIC_THREAD}  # before muting only


def test_own_actions_never_notify(member, topic):
    dialogue_services.follow_set(user=member, state=Follow.State.FOLLOWING, topic=topic)
    thread = ThreadFactory(topic=topic, author=member, body=f"Note to {mention_markup(member)}")
    own = thread.posts.get()
    PostFactory(thread=thread, author=member, reply_to=own, body=f"{mention_markup(member)}")
    assert not Notification.objects.exists()


def test_members_only_topics_notify_only_their_readers(
    member, other_member, non_member, moderator, members_topic, secretariat_user
):
    lapsed = member_user(
        OrganisationFactory(membership_status=Organisation.MembershipStatus.LAPSED)
    )
    suspended = member_user(
        OrganisationFactory(membership_status=Organisation.MembershipStatus.SUSPENDED)
    )
    # Follows written before the topic became members-only (or before a membership lapsed).
    for user in (other_member, non_member, moderator, lapsed, suspended, secretariat_user):
        Follow.objects.create(user=user, topic=members_topic)
    body = f"{mention_markup(non_member)} {mention_markup(lapsed)}"
    thread = ThreadFactory(topic=members_topic, author=member, body=body)
    assert told(thread=thread) == {
        other_member.pk: Kind.TOPIC_THREAD,
        moderator.pk: Kind.TOPIC_THREAD,
        suspended.pk: Kind.TOPIC_THREAD,  # suspended members keep reading
        secretariat_user.pk: Kind.TOPIC_THREAD,
    }


def test_deactivated_accounts_are_not_notified(member, other_member, topic):
    thread = ThreadFactory(topic=topic, author=other_member)
    other_member.is_active = False
    other_member.save(update_fields=["is_active"])
    PostFactory(thread=thread, author=member, body=f"{mention_markup(other_member)}")
    assert not Notification.objects.exists()


def test_a_hidden_post_notifies_nobody_of_a_later_mention(member, other_member, moderator, topic):
    thread = ThreadFactory(topic=topic, author=member)
    post = PostFactory(thread=thread, author=member)
    post = dialogue_services.post_hide(post=post, acting_user=moderator, reason="Off topic")
    notification_services.notifications_for_mentions_create(
        post=post, mentioned_user_ids=[other_member.pk]
    )
    assert not Notification.objects.exists()


# --- Membership ------------------------------------------------------------------------------


def test_an_application_decision_notifies_the_applicant_and_mails_them_whatever_they_chose(
    secretariat_user, django_capture_on_commit_callbacks
):
    application = MembershipApplicationFactory()
    applicant = application.applicant
    with django_capture_on_commit_callbacks(execute=True):
        member_services.application_start_review(
            application=application, acting_user=secretariat_user
        )
        member_services.application_approve(application=application, acting_user=secretariat_user)
    notifications = Notification.objects.filter(recipient=applicant).order_by("pk")
    assert [(n.kind, n.details["status"]) for n in notifications] == [
        (Kind.APPLICATION_DECISION, "under_review"),
        (Kind.APPLICATION_DECISION, "approved"),
    ]
    assert all(n.application_id == application.pk for n in notifications)
    assert not Notification.objects.exclude(recipient=applicant).filter(
        kind=Kind.APPLICATION_DECISION
    )
    # Transactional: the approval is mailed although the applicant never chose anything.
    assert [m.to for m in mail.outbox if "Welcome" in m.subject] == [[applicant.email]]


def test_a_rejection_is_mailed_even_to_someone_who_turned_every_email_off(secretariat_user):
    application = MembershipApplicationFactory()
    NotificationPreferenceFactory(
        user=application.applicant,
        digest="off",
        email_mentions=False,
        email_decisions=False,
        email_announcements=False,
    )
    member_services.application_start_review(application=application, acting_user=secretariat_user)
    Notification.objects.all().delete()
    member_services.application_reject(
        application=application, acting_user=secretariat_user, reason="Not a public body."
    )
    assert told(recipient=application.applicant) == {
        application.applicant_id: Kind.APPLICATION_DECISION
    }
    messages = mailed_to(application.applicant)
    assert len(messages) == 1
    assert "List-Unsubscribe" not in messages[0].headers  # transactional: no unsubscribe


def test_a_join_request_notifies_the_contacts_only_as_contacts_of_the_organisation():
    organisation = OrganisationFactory()
    contact = contact_user(organisation)
    second_contact = contact_user(organisation)
    representative = representative_user(organisation)
    other_contact = contact_user()
    applicant = UserFactory()
    everyone_has_chosen()
    join_request = member_services.join_request_create(
        user=applicant, organisation=organisation, position="Analyst"
    )
    assert told(join_request=join_request) == {
        contact.pk: Kind.JOIN_REQUEST,
        second_contact.pk: Kind.JOIN_REQUEST,
    }
    notification = Notification.objects.get(recipient=contact)
    assert notification.via_organisation == organisation
    assert notification.contacts_only is True
    assert notification.actor == applicant
    assert not mailed_to(representative) and not mailed_to(other_contact)
    assert len(mailed_to(contact)) == 1  # they chose immediate emails about requests


@pytest.mark.parametrize("accept", [True, False])
def test_the_answer_to_a_join_request_notifies_the_requester(accept):
    organisation = OrganisationFactory()
    contact = contact_user(organisation)
    applicant = UserFactory()
    join_request = member_services.join_request_create(
        user=applicant, organisation=organisation, position="Analyst"
    )
    Notification.objects.all().delete()
    member_services.join_request_decide(
        join_request=join_request, acting_user=contact, accept=accept
    )
    assert told() == {applicant.pk: Kind.JOIN_REQUEST_DECISION}
    assert Notification.objects.get().details == {"accepted": accept}
    # The decision mail is transactional (the members app sends it whatever was chosen).
    assert len(mailed_to(applicant)) == 1


def test_a_membership_status_change_notifies_every_representative(secretariat_user):
    organisation = OrganisationFactory()
    contact = contact_user(organisation)
    representative = representative_user(organisation)
    contact_user()  # another organisation's
    member_services.membership_suspend(
        organisation=organisation, acting_user=secretariat_user, note="Fees unpaid."
    )
    assert told() == {contact.pk: Kind.MEMBERSHIP_STATUS, representative.pk: Kind.MEMBERSHIP_STATUS}


# --- Initiatives -----------------------------------------------------------------------------


@pytest.fixture
def lead_contact(db):
    return contact_user(OrganisationFactory(name="Lower Austria Business Agency"))


@pytest.fixture
def initiative(lead_contact):
    return InitiativeFactory(proposer=lead_contact, status=InitiativeStatus.SEEKING_PARTNERS)


def test_a_partner_request_and_its_answer(initiative, lead_contact):
    lead_organisation = initiative.lead_organisation
    lead_representative = representative_user(lead_organisation)
    asking = contact_user()
    asking_representative = representative_user(asking.representative.organisation)
    Notification.objects.all().delete()
    partner_request = initiative_services.partner_request_create(
        initiative=initiative, acting_user=asking, statement="We bring testbeds."
    )
    # Only the lead's contacts handle requests.
    assert told() == {lead_contact.pk: Kind.PARTNER_REQUEST}
    notification = Notification.objects.get()
    assert notification.via_organisation == lead_organisation and notification.contacts_only
    assert lead_representative.pk not in told()
    Notification.objects.all().delete()
    initiative_services.partner_request_decide(
        partner_request=partner_request, acting_user=lead_contact, accept=True
    )
    assert told() == {asking.pk: Kind.PARTNER_REQUEST_DECISION}
    assert asking_representative.pk not in told()
    assert Notification.objects.get().details == {"accepted": True}


def test_an_invitation_and_its_answer(initiative, lead_contact):
    invited = contact_user()
    organisation = invited.representative.organisation
    representative_user(organisation)
    Notification.objects.all().delete()
    invitation = initiative_services.partner_invite(
        initiative=initiative, acting_user=lead_contact, organisation=organisation
    )
    assert told() == {invited.pk: Kind.PARTNER_REQUEST}
    assert Notification.objects.get().details == {"invitation": True}
    Notification.objects.all().delete()
    initiative_services.partner_invitation_decide(
        invitation=invitation, acting_user=invited, accept=False
    )
    assert told() == {lead_contact.pk: Kind.PARTNER_REQUEST_DECISION}
    assert Notification.objects.get().details == {"accepted": False}


def test_status_changes_and_updates_reach_every_representative_of_the_partners(
    initiative, lead_contact
):
    lead_representative = representative_user(initiative.lead_organisation)
    partner = OrganisationFactory()
    partner_contact = contact_user(partner)
    add_partner(initiative, partner)
    partner_representative = representative_user(partner)  # joined after the partnership
    outsider = contact_user()
    Notification.objects.all().delete()
    initiative_services.initiative_status_change(
        initiative=initiative, acting_user=lead_contact, to_status=InitiativeStatus.ACTIVE
    )
    status = Kind.INITIATIVE_STATUS
    assert told() == {
        lead_representative.pk: status,
        partner_contact.pk: status,
        partner_representative.pk: status,
    }
    assert lead_contact.pk not in told() and outsider.pk not in told()
    assert {n.via_organisation_id for n in Notification.objects.all()} == {
        initiative.lead_organisation_id,
        partner.pk,
    }
    assert not Notification.objects.filter(contacts_only=True).exists()
    Notification.objects.all().delete()
    initiative_services.news_update_post(
        initiative=initiative, acting_user=partner_representative, title="Map", body="Online."
    )
    update = Kind.INITIATIVE_UPDATE
    assert told() == {
        lead_contact.pk: update,
        lead_representative.pk: update,
        partner_contact.pk: update,
    }


def test_status_changes_are_mailed_only_to_those_who_chose_decision_emails(
    initiative, lead_contact
):
    chose = representative_user(initiative.lead_organisation)
    toggle_off = representative_user(initiative.lead_organisation)
    never_chose = representative_user(initiative.lead_organisation)
    NotificationPreferenceFactory(user=chose)
    NotificationPreferenceFactory(user=toggle_off, email_decisions=False)
    initiative_services.initiative_status_change(
        initiative=initiative, acting_user=lead_contact, to_status=InitiativeStatus.ACTIVE
    )
    assert set(told()) == {chose.pk, toggle_off.pk, never_chose.pk}  # all see it in the app
    assert len(mailed_to(chose)) == 1
    assert mailed_to(toggle_off) == [] and mailed_to(never_chose) == []
    message = mailed_to(chose)[0]
    assert message.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert Notification.objects.get(recipient=chose).email == message


# --- Themes (opt-in) -------------------------------------------------------------------------


def test_a_new_initiative_matching_a_theme_reaches_only_those_who_chose_it(lead_contact):
    hydrogen, plastics = PolicyThemeFactory(name="Hydrogen"), PolicyThemeFactory(name="Plastics")
    wants_hydrogen = member_user()
    wants_plastics = member_user()
    wants_nothing = member_user()
    not_chosen = member_user()
    colleague = representative_user(lead_contact.representative.organisation)
    NotificationPreferenceFactory(user=wants_hydrogen).themes.set([hydrogen])
    NotificationPreferenceFactory(user=wants_plastics).themes.set([plastics])
    NotificationPreferenceFactory(user=wants_nothing)
    NotificationPreferenceFactory(user=colleague).themes.set([hydrogen])  # own organisation
    preference = NotificationPreferenceFactory(user=not_chosen, chosen_at=None)
    preference.themes.set([hydrogen])  # a row never chosen: no consent
    initiative = InitiativeFactory(proposer=lead_contact, themes=[hydrogen])
    assert told(kind=Kind.MATCHING_INITIATIVE) == {wants_hydrogen.pk: Kind.MATCHING_INITIATIVE}
    assert Notification.objects.get(kind=Kind.MATCHING_INITIATIVE).initiative == initiative


def test_a_new_member_matching_a_theme_reaches_only_those_who_chose_it(secretariat_user):
    hydrogen, plastics = PolicyThemeFactory(name="Hydrogen"), PolicyThemeFactory(name="Plastics")
    wants_hydrogen = member_user()
    wants_plastics = member_user()
    NotificationPreferenceFactory(user=wants_hydrogen).themes.set([hydrogen])
    NotificationPreferenceFactory(user=wants_plastics).themes.set([plastics])
    application = MembershipApplicationFactory()
    application.themes.set([hydrogen])
    member_services.application_start_review(application=application, acting_user=secretariat_user)
    member_services.application_approve(application=application, acting_user=secretariat_user)
    assert told(kind=Kind.MATCHING_ORGANISATION) == {wants_hydrogen.pk: Kind.MATCHING_ORGANISATION}
    organisation = Representative.objects.get(user=application.applicant).organisation
    assert Notification.objects.get(kind=Kind.MATCHING_ORGANISATION).organisation == organisation


# --- Immediate emails: consent and toggles ---------------------------------------------------


def test_mention_emails_reach_only_those_who_chose_them(
    member, topic, django_capture_on_commit_callbacks, settings
):
    chose = member_user(full_name="Chloé Chose")
    toggle_off = member_user(full_name="Otto Off")
    never_chose = member_user(full_name="Nina Never")
    NotificationPreferenceFactory(user=chose)
    NotificationPreferenceFactory(user=toggle_off, email_mentions=False)
    people = (chose, toggle_off, never_chose)
    body = " ".join(mention_markup(person) for person in people)
    with django_capture_on_commit_callbacks(execute=True):
        thread = ThreadFactory(topic=topic, author=member, title="Audits", body=body)
    assert set(told(thread=thread)) == {p.pk for p in people}  # everyone sees it in the app
    assert [m.to for m in mail.outbox] == [[chose.email]]
    message = mail.outbox[0]
    assert "mentioned you" in message.subject
    assert message.extra_headers["List-Unsubscribe"].startswith(f"<{settings.SITE_URL}/")
    assert Notification.objects.get(recipient=chose).email is not None
    assert Notification.objects.get(recipient=never_chose).email is None


def test_no_chosen_mail_before_consent_then_mail_after(member, other_member, topic):
    ThreadFactory(topic=topic, author=member, body=f"{mention_markup(other_member)} 1")
    assert mailed_to(other_member) == []
    NotificationPreferenceFactory(user=other_member)
    ThreadFactory(topic=topic, author=member, body=f"{mention_markup(other_member)} 2")
    assert len(mailed_to(other_member)) == 1


def test_decision_emails_follow_the_decisions_toggle():
    organisation = OrganisationFactory()
    on, off = contact_user(organisation), contact_user(organisation)
    NotificationPreferenceFactory(user=on)
    NotificationPreferenceFactory(user=off, email_decisions=False)
    member_services.join_request_create(
        user=UserFactory(), organisation=organisation, position="Analyst"
    )
    assert len(mailed_to(on)) == 1 and mailed_to(off) == []
    assert set(told()) == {on.pk, off.pk}


def test_updates_are_never_mailed_at_once(initiative, lead_contact):
    partner = OrganisationFactory()
    add_partner(initiative, partner)
    everyone_has_chosen()
    OutboundEmail.objects.all().delete()
    initiative_services.news_update_post(
        initiative=initiative, acting_user=lead_contact, title="Map", body="Online."
    )
    assert Notification.objects.filter(kind=Kind.INITIATIVE_UPDATE).exists()
    assert not OutboundEmail.objects.exists()
