"""The outbox with Celery: in-process (eager), and through the real Redis broker and a worker."""

import os
import time

import pytest
from django.core import mail
from django.core.mail import send_mail
from django.db import transaction

from outbox.models import OutboundEmail
from outbox.tasks import outbox_sweep

REDIS_URL = os.environ.get("REDIS_URL", "")
needs_redis = pytest.mark.skipif(
    not REDIS_URL, reason="REDIS_URL is not set: the real-broker test needs Redis (CI sets it)"
)


@pytest.mark.django_db
def test_sweep_task_sends_pending_mail_eagerly():
    send_mail("Welcome", "Hello", None, ["anna@region.eu"])  # no commit: never dispatched
    assert outbox_sweep.delay().get() == 1
    assert len(mail.outbox) == 1


def wait_for(condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@needs_redis
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_mail_through_the_redis_broker(celery_broker):
    from celery.contrib.testing.worker import start_worker

    app = celery_broker(REDIS_URL)
    app.control.purge()  # leftovers of an earlier run would only be skipped, but cost time
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        with transaction.atomic():
            send_mail("Your application was received", "Thank you", None, ["anna@region.eu"])
        stored = OutboundEmail.objects.get()
        assert wait_for(lambda: OutboundEmail.objects.get().status == OutboundEmail.Status.SENT)
    stored.refresh_from_db()
    assert stored.attempts == 1
    assert [m.subject for m in mail.outbox] == ["Your application was received"]
