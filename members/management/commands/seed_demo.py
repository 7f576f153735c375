from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from dialogues import demo as dialogues_demo
from initiatives import demo as initiatives_demo
from members import demo
from outbox.models import OutboundEmail


class Command(BaseCommand):
    help = "Create a believable demo alliance (idempotent). Development only."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even though DEBUG is off (no passwords shown).",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo is for development (DEBUG on); use --force to insist.")
        with transaction.atomic():
            first_outbox_id = (
                OutboundEmail.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            )
            accounts = demo.seed()
            dialogues_demo.seed()
            initiatives_demo.seed()
            # Demo people are not real: the mail their demo history caused is never sent.
            OutboundEmail.objects.filter(pk__gt=first_outbox_id).delete()
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        if settings.DEBUG:
            self.stdout.write(f"Demo accounts (password: {demo.DEMO_PASSWORD}):")
            for role, email in accounts:
                self.stdout.write(f"  {email:<48} {role}")
