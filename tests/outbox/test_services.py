"""Mail is written to the outbox with the change that causes it, and sent exactly once."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives, send_mail
from django.db import transaction
from django.utils import timezone

from outbox.models import OutboundEmail
from outbox.services import outbound_email_deliver, outbox_sweep

pytestmark = pytest.mark.django_db

FAILING = {"BACKEND": "tests.outbox.failing_mailer.FailingEmailBackend"}
LOCMEM = {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}


def use_delivery_mailer(settings, config):
    settings.MAILERS = {**settings.MAILERS, "delivery": config}


def make_due(outbound_email):
    OutboundEmail.objects.filter(pk=outbound_email.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


def test_mail_is_stored_in_the_outbox_and_sent_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = EmailMultiAlternatives(
            subject="Your application",
            body="Plain text",
            to=["anna@region.eu"],
            headers={"List-Unsubscribe": "<https://eca.example/u/x>"},
        )
        message.attach_alternative("<p>HTML</p>", "text/html")
        message.send()
        stored = OutboundEmail.objects.get()
        assert stored.status == OutboundEmail.Status.PENDING
        assert len(mail.outbox) == 0
    stored.refresh_from_db()
    assert stored.status == OutboundEmail.Status.SENT
    assert stored.sent_at is not None
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.subject == "Your application"
    assert sent.to == ["anna@region.eu"]
    assert sent.alternatives[0].content == "<p>HTML</p>"
    assert sent.extra_headers["List-Unsubscribe"] == "<https://eca.example/u/x>"


def test_mail_of_a_rolled_back_change_is_never_sent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            send_mail("Decision", "Approved", None, ["anna@region.eu"])
            raise RuntimeError("the change failed")
    assert OutboundEmail.objects.count() == 0
    assert len(mail.outbox) == 0


def test_a_failed_send_is_retried_with_backoff_and_sent_once(
    settings, django_capture_on_commit_callbacks
):
    use_delivery_mailer(settings, FAILING)
    with django_capture_on_commit_callbacks(execute=True):
        send_mail("Decision", "Approved", None, ["anna@region.eu"])
    stored = OutboundEmail.objects.get()
    assert stored.status == OutboundEmail.Status.PENDING
    assert stored.attempts == 1
    assert "SMTPServerDisconnected" in stored.last_error
    assert stored.next_attempt_at > timezone.now() + timedelta(seconds=50)

    # Not due yet: the sweep leaves it alone.
    use_delivery_mailer(settings, LOCMEM)
    assert outbox_sweep() == 0
    assert len(mail.outbox) == 0

    make_due(stored)
    assert outbox_sweep() == 1
    assert outbox_sweep() == 0
    assert outbound_email_deliver(outbound_email_id=stored.pk) is False
    assert len(mail.outbox) == 1
    stored.refresh_from_db()
    assert stored.status == OutboundEmail.Status.SENT
    assert stored.attempts == 2


def test_backoff_doubles_and_gives_up_after_the_last_attempt(settings):
    use_delivery_mailer(settings, FAILING)
    settings.OUTBOX_MAX_ATTEMPTS = 3
    send_mail("Decision", "Approved", None, ["anna@region.eu"])
    stored = OutboundEmail.objects.get()
    delays = []
    for _ in range(3):
        make_due(stored)
        before = timezone.now()
        outbound_email_deliver(outbound_email_id=stored.pk)
        stored.refresh_from_db()
        delays.append(stored.next_attempt_at - before)
    assert timedelta(minutes=1) <= delays[0] < timedelta(minutes=1, seconds=5)
    assert timedelta(minutes=2) <= delays[1] < timedelta(minutes=2, seconds=5)
    assert stored.status == OutboundEmail.Status.FAILED
    assert stored.attempts == 3
    make_due(stored)
    assert outbox_sweep() == 0


def test_when_the_broker_is_down_the_request_succeeds_and_the_sweep_sends_once(
    celery_broker, django_capture_on_commit_callbacks, caplog
):
    celery_broker("redis://127.0.0.1:1/0")  # nothing listens there
    with django_capture_on_commit_callbacks(execute=True):
        send_mail("Decision", "Approved", None, ["anna@region.eu"])
    stored = OutboundEmail.objects.get()
    assert stored.status == OutboundEmail.Status.PENDING
    assert "the outbox sweep will send it" in caplog.text
    assert len(mail.outbox) == 0

    assert outbox_sweep() == 1
    assert outbox_sweep() == 0
    assert len(mail.outbox) == 1


def test_delivering_the_same_message_twice_sends_it_once():
    send_mail("Decision", "Approved", None, ["anna@region.eu"])
    stored = OutboundEmail.objects.get()
    assert outbound_email_deliver(outbound_email_id=stored.pk) is True
    assert outbound_email_deliver(outbound_email_id=stored.pk) is False
    assert len(mail.outbox) == 1


def test_the_outbox_refuses_attachments_rather_than_dropping_them():
    message = EmailMultiAlternatives(subject="Report", body="See attached", to=["a@b.eu"])
    message.attach("report.pdf", b"%PDF-1.4", "application/pdf")
    with pytest.raises(ValueError, match="attachments"):
        message.send()
    assert OutboundEmail.objects.count() == 0
