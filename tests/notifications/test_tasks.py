"""The digest tasks with Celery: eagerly in-process, through the real Redis broker with a real
worker (fan-out → batches → outbox → delivery mailer, exactly once), and with Redis down when
something happens (the request succeeds, the next digest carries it)."""

import os
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from dialogues.rendering import mention_markup
from notifications import digests, tasks
from notifications.models import DigestDelivery, DigestFrequency, Notification
from outbox.models import OutboundEmail
from outbox.services import outbox_sweep
from tests.dialogues.factories import ThreadFactory, TopicFactory, member_user
from tests.notifications.factories import NotificationPreferenceFactory

REDIS_URL = os.environ.get("REDIS_URL", "")
needs_redis = pytest.mark.skipif(
    not REDIS_URL, reason="REDIS_URL is not set: the real-broker test needs Redis (CI sets it)"
)
# Nothing listens there: publishing fails the way it does when Redis is down.
UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"
BRUSSELS = ZoneInfo("Europe/Brussels")
SLOT = datetime(2026, 11, 25, 7, tzinfo=BRUSSELS)
DAILY = DigestFrequency.DAILY


def wait_for(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def readers_with_news(count):
    """`count` members who chose a daily digest, each with a mention made the day before."""
    author = member_user(full_name="Anna Active")
    thread = ThreadFactory(topic=TopicFactory(), author=author, title="Energy audits")
    post = thread.posts.get()
    users = []
    for _ in range(count):
        user = member_user()
        since = SLOT - timedelta(days=10)
        NotificationPreferenceFactory(user=user, digest=DAILY, chosen_at=since, digest_since=since)
        Notification.objects.create(
            recipient=user,
            kind=Notification.Kind.MENTION,
            actor=author,
            post=post,
            thread=thread,
            created_at=SLOT - timedelta(hours=3),
        )
        users.append(user)
    return users


@pytest.mark.django_db
def test_fan_out_queues_batches_and_the_batches_send_eagerly(settings):
    settings.NOTIFICATIONS_DIGEST_BATCH_SIZE = 2
    users = readers_with_news(5)
    assert tasks.digests_fan_out.delay(DAILY, SLOT.isoformat()).get() == 3
    assert DigestDelivery.objects.filter(slot=SLOT).count() == 5
    assert OutboundEmail.objects.count() == 5
    # Run again (a second beat, the hourly catch-up): nothing is due any more.
    assert tasks.digests_fan_out.delay(DAILY, SLOT.isoformat()).get() == 0
    assert sorted(OutboundEmail.objects.values_list("to", flat=True)) == sorted(
        [[user.email] for user in users]
    )


@pytest.mark.django_db
def test_the_batch_task_returns_its_counts_and_is_idempotent():
    users = readers_with_news(2)
    ids = [user.pk for user in users]
    result = tasks.digest_batch_send.delay(DAILY, SLOT.isoformat(), ids).get()
    assert result == {"sent": 2, "empty": 0, "skipped": 0}
    again = tasks.digest_batch_send.delay(DAILY, SLOT.isoformat(), ids).get()
    assert again == {"sent": 0, "empty": 0, "skipped": 2}


def test_the_tasks_acknowledge_late_and_retry_with_backoff():
    for task in (tasks.digests_fan_out, tasks.digest_batch_send):
        assert task.acks_late is True
        assert task.autoretry_for == tasks.RETRY_ON
        assert task.retry_backoff and task.max_retries


@pytest.mark.django_db
def test_the_catch_up_sends_the_current_slots(settings):
    user = readers_with_news(1)[0]
    slot = digests.digest_slot(frequency=DAILY, at=timezone.now())
    Notification.objects.filter(recipient=user).update(created_at=slot - timedelta(hours=1))
    NotificationPreferenceFactory._meta.model.objects.filter(user=user).update(
        digest_since=slot - timedelta(days=3)
    )
    tasks.digests_catch_up.delay().get()
    assert DigestDelivery.objects.get(user=user).slot == slot
    tasks.digests_catch_up.delay().get()
    assert DigestDelivery.objects.count() == 1


@needs_redis
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_the_digests_into_the_outbox_once(celery_broker, settings):
    from celery.contrib.testing.worker import start_worker

    settings.NOTIFICATIONS_DIGEST_BATCH_SIZE = 2
    users = readers_with_news(3)
    app = celery_broker(REDIS_URL)
    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        tasks.digests_fan_out.delay(DAILY, SLOT.isoformat())
        # Two schedulers overlapping: the second fan-out finds nothing due, or skips.
        tasks.digests_fan_out.delay(DAILY, SLOT.isoformat())
        assert wait_for(
            lambda: OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT).count() == 3
        )
        time.sleep(1)  # anything duplicated would be delivered by now
    assert DigestDelivery.objects.filter(slot=SLOT).count() == 3
    assert OutboundEmail.objects.count() == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(user.email for user in users)
    assert all("Your daily digest: 1 new item" in m.subject for m in mail.outbox)
    assert all(m.extra_headers["List-Unsubscribe-Post"] for m in mail.outbox)


@pytest.mark.django_db(transaction=True)
def test_redis_down_when_a_post_is_made_the_request_succeeds_and_the_digest_carries_it(
    celery_broker, client
):
    author = member_user(full_name="Anna Active")
    reader = member_user(full_name="Rita Reader")
    since = timezone.now() - timedelta(days=2)
    NotificationPreferenceFactory(user=reader, digest=DAILY, chosen_at=since, digest_since=since)
    thread = ThreadFactory(topic=TopicFactory(), author=author, title="Energy audits")
    celery_broker(UNREACHABLE_BROKER)
    client.force_login(author)
    started = time.monotonic()
    response = client.post(
        reverse("dialogues:post_create", kwargs={"pk": thread.pk}),
        {"body": f"What do you think, {mention_markup(reader)}?"},
    )
    assert response.status_code == 302  # the post is saved: the person goes back to the thread
    assert time.monotonic() - started < 15  # and is not kept waiting for the broker
    notification = Notification.objects.get(recipient=reader)
    assert notification.kind == Notification.Kind.MENTION
    # The mention's email waits in the outbox (the sweep sends it once the broker is back).
    assert notification.email.status == OutboundEmail.Status.PENDING
    assert mail.outbox == []
    OutboundEmail.objects.update(next_attempt_at=timezone.now())
    assert outbox_sweep() == 1

    # The next digest carries the post, sent by hand (`make run` without Redis).
    slot = digests.digest_slot(frequency=DAILY, at=timezone.now() + timedelta(days=1))
    result = digests.digests_send_now(frequency=DAILY, slot=slot)
    assert result.sent == 1
    digest = DigestDelivery.objects.get(user=reader).outbound_email
    assert "Energy audits" in digest.body_text
    assert "Anna Active mentioned you" in digest.body_text
