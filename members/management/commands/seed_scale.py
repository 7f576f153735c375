"""manage.py seed_scale: a large, realistic data set for the benchmark (bench/run.py).

One generator per domain (members.scale, dialogues.scale, initiatives.scale, and the mention
notifications in dialogues.scale), sharing a ScaleContext; a new domain adds its generator to
GENERATORS below. Deterministic: the same --seed and sizes give the same data.
"""

import random
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from dialogues import scale as dialogues_scale
from initiatives import scale as initiatives_scale
from members import scale as members_scale


def _members(ctx, options, state):
    members_scale.seed(ctx, organisations=options["organisations"], members=options["members"])


def _dialogues(ctx, options, state):
    # The initiatives' discussion threads take one opening post each from the --posts budget.
    state["writer"] = dialogues_scale.DialogueWriter(ctx, dialogues_scale.BodyPool(ctx.rng))
    posts = max(options["threads"], options["posts"] - options["initiatives"])
    dialogues_scale.seed(ctx, threads=options["threads"], posts=posts, writer=state["writer"])


def _initiatives(ctx, options, state):
    initiatives_scale.seed(ctx, initiatives=options["initiatives"], writer=state["writer"])
    state["writer"].finish()
    ctx.step("posts, follows, read positions and mentions written")


def _notifications(ctx, options, state):
    dialogues_scale.seed_notifications(ctx, state["writer"])


# In order: each generator may use what the ones before it made.
GENERATORS = [_members, _dialogues, _initiatives, _notifications]


class Command(BaseCommand):
    help = (
        "Fill the database with a large, realistic alliance for the benchmark (bench/run.py): "
        "organisations, people, dialogues, initiatives, notifications. Use an empty database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organisations", type=int, default=5000)
        parser.add_argument("--members", type=int, default=20000, help="user accounts")
        parser.add_argument("--threads", type=int, default=5000, help="dialogue threads")
        parser.add_argument(
            "--posts",
            type=int,
            default=250000,
            help="posts in all (the initiatives' opening posts included)",
        )
        parser.add_argument("--initiatives", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=2026, help="random seed")
        parser.add_argument("--force", action="store_true", help="run even though DEBUG is off")

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_scale fills the database with 20,000 invented people; it is for a "
                "benchmark database (DEBUG on). Use --force to insist."
            )
        for name in ("organisations", "members", "threads", "posts", "initiatives"):
            if options[name] < 0:
                raise CommandError(f"--{name} cannot be negative.")
        if get_user_model().objects.filter(email=members_scale.BENCH_MEMBER_EMAIL).exists():
            raise CommandError("This database was seeded already; use an empty one.")
        started = time.monotonic()
        ctx = members_scale.ScaleContext(
            rng=random.Random(options["seed"]),
            now=timezone.now(),
            log=self.stdout.write,
        )
        state: dict = {}
        with transaction.atomic():
            for generator in GENERATORS:
                generator(ctx, options, state)
        ctx.step("committed")
        # Fresh planner statistics: the benchmark should not measure a planner in the dark.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        ctx.step("analysed")
        self.stdout.write(self.style.SUCCESS("Made:"))
        for label, number in ctx.counts.items():
            self.stdout.write(f"  {number:>9,}  {label}")
        self.stdout.write(
            f"Benchmark accounts (password {members_scale.SCALE_PASSWORD}): "
            f"{members_scale.BENCH_MEMBER_EMAIL} (contact of a member), "
            f"{members_scale.BENCH_SECRETARIAT_EMAIL} (secretariat)"
        )
        self.stdout.write(
            self.style.SUCCESS(f"seed_scale finished in {time.monotonic() - started:.1f} s.")
        )
