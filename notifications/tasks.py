"""Digest tasks: a fan-out per slot that queues batches, and the batch that sends. Both only
call the digests module; both are safe to run twice (see notifications/digests.py)."""

import logging
from datetime import datetime

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from notifications import announcements, digests

logger = logging.getLogger(__name__)

# Transient failures worth another try: the database (including a unique-constraint clash
# with an overlapping run, whose retry then finds the slot done) and the broker.
RETRY_ON = (DatabaseError, BrokerError)
# Acknowledged only once done (a worker that dies mid-batch leaves the message to another),
# retried with exponential backoff from 30 s up to 10 min.
RETRYING = {
    "bind": True,
    "acks_late": True,
    "autoretry_for": RETRY_ON,
    "retry_backoff": 30,
    "retry_backoff_max": 600,
    "max_retries": 10,
}


@shared_task(**RETRYING)
def digests_fan_out(self, frequency: str, slot: str | None = None) -> int:
    """Queue the batches of a slot's due digests (the current slot by default). Returns the
    number of batches."""
    when = (
        datetime.fromisoformat(slot)
        if slot
        else digests.digest_slot(frequency=frequency, at=timezone.now())
    )
    batches = digests.digest_batches(frequency=frequency, slot=when)
    # Not before the settling margin: what was written just before the slot has committed.
    countdown = digests.digest_settle_seconds(slot=when)
    for user_ids in batches:
        digest_batch_send.apply_async((frequency, when.isoformat(), user_ids), countdown=countdown)
    logger.info("Queued %s %s digest batches for %s", len(batches), frequency, when)
    return len(batches)


@shared_task
def digests_catch_up() -> int:
    """Hourly: queue any daily or weekly digest of the current slots not yet sent (after the
    beat or the broker was down at 07:00). Sends nothing twice."""
    return sum(digests_fan_out(frequency) for frequency in digests.FREQUENCIES)


@shared_task(**RETRYING)
def digest_batch_send(self, frequency: str, slot: str, user_ids: list[int]) -> dict:
    result = digests.digest_batch_send(
        frequency=frequency, slot=datetime.fromisoformat(slot), user_ids=user_ids
    )
    return {"sent": result.sent, "empty": result.empty, "skipped": result.skipped}


@shared_task(**RETRYING)
def announcement_fan_out(self, announcement_id: int) -> int:
    """Queue the batches of an announcement's audience still without it."""
    from notifications.models import Announcement

    announcement = Announcement.objects.filter(pk=announcement_id).first()
    if announcement is None:
        return 0
    batches = announcements.announcement_batches(announcement=announcement)
    for user_ids in batches:
        announcement_batch_send.delay(announcement_id, user_ids)
    return len(batches)


@shared_task(**RETRYING)
def announcement_batch_send(self, announcement_id: int, user_ids: list[int]) -> int:
    return announcements.announcement_batch_send(announcement_id=announcement_id, user_ids=user_ids)


@shared_task
def announcements_resume() -> int:
    """Every five minutes: carry on with announcements left half-sent."""
    return announcements.announcements_resume()
