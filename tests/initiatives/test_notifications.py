"""Every notified change puts mail in the outbox for the people concerned (never for the person
who acted), with an absolute link to the initiative."""

import pytest
from django.core import mail

from initiatives import services
from outbox.models import OutboundEmail
from tests.dialogues.factories import pdf_file
from tests.initiatives.factories import add_partner, contact_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run a service and return the messages it sent, after commit, through the outbox."""

    def run(action):
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
    assert set(by_recipient) == {partner_contact.email, other_contact.email}
    status_mail = by_recipient[partner_contact.email]
    assert status_mail.subject.endswith(f"“{initiative.title}” is now Cancelled")
    assert "The budgets were cut." in status_mail.body
    assert "takes no new partners" in by_recipient[other_contact.email].subject


def test_leaving_and_handing_over_reach_the_partners(
    sent, initiative, lead_contact, partner_contact, partner_organisation, other_organisation
):
    other = contact_user(other_organisation)
    add_partner(initiative, other_organisation)
    messages = sent(
        lambda: services.lead_handover(
            initiative=initiative, acting_user=lead_contact, organisation=partner_organisation
        )
    )
    assert _recipients(messages) == sorted([partner_contact.email, other.email])
    assert f"{partner_organisation.name} now leads" in messages[0].subject
    messages = sent(lambda: services.partner_leave(initiative=initiative, acting_user=other))
    assert _recipients(messages) == sorted([partner_contact.email, lead_contact.email])
    assert "has left" in messages[0].subject


def test_news_commitments_edits_and_documents_reach_the_other_partners(
    sent, initiative, lead_contact, partner_contact, partner_representative
):
    messages = sent(
        lambda: services.news_update_post(
            initiative=initiative,
            acting_user=partner_representative,
            title="Testbed map online",
            body="**23** testbeds.",
        )
    )
    assert _recipients(messages) == sorted([lead_contact.email, partner_contact.email])
    assert "Testbed map online" in messages[0].subject
    assert "<strong>23</strong>" in messages[0].alternatives[0][0]

    messages = sent(
        lambda: services.commitment_record(
            initiative=initiative,
            acting_user=partner_contact,
            kind="staff_days",
            amount=40,
            description="Testbed mapping",
        )
    )
    assert _recipients(messages) == [lead_contact.email]
    assert "Commitment recorded" in messages[0].subject
    assert "Staff days: 40" in messages[0].body and "Testbed mapping" in messages[0].body

    messages = sent(
        lambda: services.initiative_update(
            initiative=initiative, acting_user=lead_contact, data={"title": "Hydrogen valleys"}
        )
    )
    assert _recipients(messages) == [partner_contact.email]
    assert "Details edited" in messages[0].subject

    messages = sent(
        lambda: services.document_add(
            initiative=initiative, acting_user=lead_contact, upload=pdf_file()
        )
    )
    assert _recipients(messages) == [partner_contact.email]
    assert "Document added" in messages[0].subject
