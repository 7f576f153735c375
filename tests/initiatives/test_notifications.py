"""Every notified change reaches the people concerned (never the person who acted): requests,
answers and status decisions by email at once (to those who chose it: here everyone has), the
rest in the app and the digest."""

import pytest
from django.core import mail

from initiatives import services
from notifications.models import Notification
from notifications.presenters import notification_sentence
from outbox.models import OutboundEmail
from tests.dialogues.factories import pdf_file
from tests.initiatives.factories import add_partner, contact_user
from tests.notifications.factories import everyone_has_chosen

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run a service and return the messages it sent, after commit, through the outbox."""

    def run(action):
        everyone_has_chosen()
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            action()
        return list(mail.outbox)

    return run


def _recipients(messages):
    return sorted(address for message in messages for address in message.to)


def _assert_links_to(message, initiative, settings):
    text, html = message.body, message.alternatives[0][0]
    for part in (text, html):
        assert settings.SITE_URL in part and initiative.slug in part


def test_a_request_to_join_reaches_the_leads_contacts(
    sent, initiative, other_contact, lead_contact, lead_representative, settings
):
    second_lead_contact = contact_user(initiative.lead_organisation)
    messages = sent(
        lambda: services.partner_request_create(
            initiative=initiative, acting_user=other_contact, statement="We bring <testbeds>."
        )
    )
    assert _recipients(messages) == sorted([lead_contact.email, second_lead_contact.email])
    message = messages[0]
    assert message.subject.endswith(
        f"{other_contact.representative.organisation.name} asks to join “{initiative.title}”"
    )
    assert "We bring <testbeds>." in message.body  # text part: not escaped
    assert "We bring &lt;testbeds&gt;." in message.alternatives[0][0]  # HTML part: escaped
    _assert_links_to(message, initiative, settings)
    assert OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT).count() == 2


@pytest.mark.parametrize("accept", [True, False])
def test_the_answer_reaches_the_requester(sent, initiative, other_contact, lead_contact, accept):
    partner_request = services.partner_request_create(
        initiative=initiative, acting_user=other_contact, statement="Let us in."
    )
    messages = sent(
        lambda: services.partner_request_decide(
            partner_request=partner_request, acting_user=lead_contact, accept=accept, note="Note"
        )
    )
    assert _recipients(messages) == [other_contact.email]
    assert ("Welcome to" in messages[0].subject) is accept
    assert "Note" in messages[0].body


def test_a_withdrawn_request_is_announced_to_the_lead(
    sent, initiative, other_contact, lead_contact
):
    partner_request = services.partner_request_create(
        initiative=initiative, acting_user=other_contact, statement="Let us in."
    )
    messages = sent(
        lambda: services.partner_request_withdraw(
            partner_request=partner_request, acting_user=other_contact
        )
    )
    assert _recipients(messages) == [lead_contact.email]
    assert "withdrawn" in messages[0].subject


def test_invitations_their_answers_and_cancellations(
    sent, initiative, lead_contact, other_contact, other_organisation, settings
):
    messages = sent(
        lambda: services.partner_invite(
            initiative=initiative,
            acting_user=lead_contact,
            organisation=other_organisation,
            message="Your testbeds would help.",
        )
    )
    assert _recipients(messages) == [other_contact.email]
    assert "invites you to join" in messages[0].subject
    assert "Your testbeds would help." in messages[0].body
    _assert_links_to(messages[0], initiative, settings)
    invitation = initiative.partner_requests.get(organisation=other_organisation)
    messages = sent(
        lambda: services.partner_invitation_decide(
            invitation=invitation, acting_user=other_contact, accept=True
        )
    )
    assert _recipients(messages) == [lead_contact.email]
    assert "joins" in messages[0].subject

    third = contact_user()
    invitation = services.partner_invite(
        initiative=initiative,
        acting_user=lead_contact,
        organisation=third.representative.organisation,
    )
    messages = sent(
        lambda: services.partner_invitation_cancel(invitation=invitation, acting_user=lead_contact)
    )
    assert _recipients(messages) == [third.email]
    assert "cancelled" in messages[0].subject


def test_a_status_change_reaches_the_partners_and_closes_pending_questions(
    sent, initiative, lead_contact, partner_contact, other_contact
):
    services.partner_request_create(
        initiative=initiative, acting_user=other_contact, statement="Let us in."
    )
    messages = sent(
        lambda: services.initiative_status_change(
            initiative=initiative,
            acting_user=lead_contact,
            to_status="cancelled",
            note="The budgets were cut.",
        )
    )
    by_recipient = {message.to[0]: message for message in messages}
    # Status decisions go to every representative of the partners (here: their contact).
    assert set(by_recipient) == {partner_contact.email, other_contact.email}
    status_mail = by_recipient[partner_contact.email]
    assert status_mail.subject.endswith(f"“{initiative.title}” is now Cancelled")
    assert "The budgets were cut." in status_mail.body
    assert "takes no new partners" in by_recipient[other_contact.email].subject


def _told(initiative):
    """Who was notified in the app about the initiative, and of what."""
    return sorted(
        Notification.objects.filter(initiative=initiative).values_list("recipient__email", "kind")
    )


def test_leaving_and_handing_over_reach_the_partners_in_the_app_only(
    sent, initiative, lead_contact, partner_contact, partner_organisation, other_organisation
):
    other = contact_user(other_organisation)
    add_partner(initiative, other_organisation)
    Notification.objects.all().delete()  # those of setting the partnership up
    messages = sent(
        lambda: services.lead_handover(
            initiative=initiative, acting_user=lead_contact, organisation=partner_organisation
        )
    )
    assert messages == []  # updates wait for the digest
    update = Notification.Kind.INITIATIVE_UPDATE
    assert _told(initiative) == sorted([(partner_contact.email, update), (other.email, update)])
    Notification.objects.all().delete()
    sent(lambda: services.partner_leave(initiative=initiative, acting_user=other))
    assert _told(initiative) == sorted(
        [(partner_contact.email, update), (lead_contact.email, update)]
    )


def test_news_commitments_edits_and_documents_reach_the_other_partners_in_the_app(
    sent, initiative, lead_contact, partner_contact, partner_representative
):
    update = Notification.Kind.INITIATIVE_UPDATE
    Notification.objects.all().delete()  # those of setting the partnership up
    messages = sent(
        lambda: services.news_update_post(
            initiative=initiative,
            acting_user=partner_representative,
            title="Testbed map online",
            body="**23** testbeds.",
        )
    )
    assert messages == []
    assert _told(initiative) == sorted(
        [(lead_contact.email, update), (partner_contact.email, update)]
    )
    news = Notification.objects.get(recipient=lead_contact)
    assert news.details == {"title": "Testbed map online"}
    assert notification_sentence(news) == (
        f"News in the initiative “{initiative.title}”: Testbed map online"
    )

    for action, told in [
        (
            lambda: services.commitment_record(
                initiative=initiative,
                acting_user=partner_contact,
                kind="staff_days",
                amount=40,
                description="Testbed mapping",
            ),
            [lead_contact, partner_representative],
        ),
        (
            lambda: services.initiative_update(
                initiative=initiative, acting_user=lead_contact, data={"title": "Hydrogen valleys"}
            ),
            [partner_contact, partner_representative],
        ),
        (
            lambda: services.document_add(
                initiative=initiative, acting_user=lead_contact, upload=pdf_file()
            ),
            [partner_contact, partner_representative],
        ),
    ]:
        Notification.objects.all().delete()
        assert sent(action) == []
        assert _told(initiative) == sorted((user.email, update) for user in told)
