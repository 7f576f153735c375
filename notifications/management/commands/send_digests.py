"""Send a slot's digests by hand, in this process: for operators (after an outage), and for
`make run` without Redis, where no beat runs. Safe to repeat: nobody gets a digest twice."""

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from notifications import digests
from notifications.models import DigestFrequency


class Command(BaseCommand):
    help = "Send the daily or weekly digests of a slot (the latest one by default)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--frequency",
            choices=[DigestFrequency.DAILY, DigestFrequency.WEEKLY],
            default=DigestFrequency.DAILY,
        )
        parser.add_argument(
            "--at",
            help=(
                "Send the slot in force at this date or time (ISO 8601, e.g. 2026-11-23 or "
                "2026-11-23T08:00; Brussels time unless an offset is given). Default: now."
            ),
        )

    def handle(self, *args, frequency, at, **options):
        moment = timezone.now()
        if at:
            try:
                moment = datetime.fromisoformat(at)
            except ValueError as error:
                raise CommandError(f"--at: {error}") from error
            if moment.tzinfo is None:
                if len(at) <= 10:  # a date alone: that day's slot
                    moment = moment.replace(hour=digests.DIGEST_TIME.hour)
                moment = moment.replace(tzinfo=digests.DIGEST_TIME_ZONE)
        slot = digests.digest_slot(frequency=frequency, at=moment)
        result = digests.digests_send_now(frequency=frequency, slot=slot)
        self.stdout.write(
            f"{frequency} digests of {slot.isoformat()}: {result.sent} sent, "
            f"{result.empty} with nothing new, {result.skipped} already sent or not due."
        )
