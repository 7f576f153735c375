"""Benchmark of the digest emails (issue #6): build and render the daily digests of many members
and report the time and the SQL query count. Not a test, not timed by CI.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/eca_bench_digests \\
        .venv/bin/python bench/digests.py --members 10000

Everything happens in ONE transaction that is rolled back at the end: the database is left as
it was (it only needs the portal's migrations; the script applies them when missing, so an
empty throwaway database is fine). Steps:

1. `manage.py seed_scale` (the issue #8 generators) makes organisations, about --members
   representatives of member organisations, dialogue threads and posts, and initiatives with
   partners;
2. each of --members representatives gets chosen settings (daily digest) and a realistic day:
   new posts in followed threads, a mention or a reply now and then, updates and status
   changes of their organisations' initiatives: Notification rows spread over the 24 hours
   before the slot, as the services write them;
3. for each batch size (--batch-sizes), the slot's digests are built, rendered and put in the
   outbox through notifications.digests (digest_batches + digest_batch_send, as the Celery
   tasks do), inside a savepoint rolled back afterwards so that each size starts afresh.

It prints the total time, the time per digest and the SQL queries (counted with
connection.execute_wrapper), in all and per batch: the number of queries depends on the
number of batches, not on the number of members.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# The test settings: no secrets needed, DEBUG off (cached templates, no query log).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eca_portal.settings.test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.migrations.executor import MigrationExecutor  # noqa: E402
from django.utils import timezone  # noqa: E402

from dialogues.models import Follow, Post, Thread, Topic  # noqa: E402
from initiatives.models import Initiative, InitiativePartner  # noqa: E402
from members.models import Organisation, Representative  # noqa: E402
from notifications import digests  # noqa: E402
from notifications.models import (  # noqa: E402
    DigestDelivery,
    DigestFrequency,
    Notification,
    NotificationPreference,
)

Kind = Notification.Kind
CHUNK = 5000


class Rollback(Exception):
    """Raised at the end to roll the whole run back."""


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def log(message: str, started: float) -> None:
    print(f"[{time.monotonic() - started:7.1f} s] {message}", flush=True)


def migrate_if_needed() -> None:
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        print("Applying the portal's migrations to this database first.", flush=True)
        call_command("migrate", verbosity=0)


def seed(members: int, rng_seed: int) -> None:
    """The alliance, by the issue #8 generators (a tenth more accounts than wanted members:
    some are visitors, secretariat or representatives of lapsed members)."""
    call_command(
        "seed_scale",
        organisations=max(10, members // 4),
        members=int(members * 1.2) + 20,
        threads=max(20, members // 5),
        posts=max(100, members * 2),
        initiatives=max(5, members // 40),
        seed=rng_seed,
        force=True,
        stdout=open(os.devnull, "w"),  # noqa: SIM115 - closed with the process
    )


def build_day(*, members: int, slot, rng: random.Random) -> tuple[list[int], int]:
    """Chosen settings for `members` representatives and their notifications of the day before
    `slot`. Returns their user ids and the number of notifications written."""
    readable = Organisation.MembershipStatus.ACTIVE
    people = list(
        Representative.objects.filter(
            organisation__membership_status=readable, user__is_active=True
        )
        .order_by("user_id")
        .values_list("user_id", "organisation_id")[:members]
    )
    if len(people) < members:
        print(f"Note: the seed made {len(people)} representatives of active members.")
    user_ids = [user_id for user_id, _ in people]
    chosen = slot - timedelta(days=30)
    NotificationPreference.objects.filter(user_id__in=user_ids).delete()
    NotificationPreference.objects.bulk_create(
        [
            NotificationPreference(
                user_id=user_id,
                digest=DigestFrequency.DAILY,
                chosen_at=chosen,
                # The digest covers the day: earlier notifications of the seed are not "new".
                digest_since=slot - timedelta(days=1),
                updated_at=chosen,
            )
            for user_id in user_ids
        ],
        batch_size=CHUNK,
    )

    # What there is to be told about: the busiest threads of the public and members' topics
    # (their posts), and the initiatives with their partner organisations.
    threads = list(
        Thread.objects.filter(topic__visibility__in=[Topic.Visibility.PUBLIC, "members"])
        .order_by("-post_count")
        .values_list("pk", flat=True)[:400]
    )
    posts_of: dict[int, list[tuple[int, int | None]]] = {}
    for post_id, thread_id, author_id in Post.objects.filter(thread_id__in=threads).values_list(
        "pk", "thread_id", "author_id"
    ):
        posts_of.setdefault(thread_id, []).append((post_id, author_id))
    threads = [thread_id for thread_id in threads if len(posts_of.get(thread_id, ())) >= 3]
    followed: dict[int, list[int]] = {}
    for user_id, thread_id in Follow.objects.filter(
        user_id__in=user_ids, thread_id__in=threads, state=Follow.State.FOLLOWING
    ).values_list("user_id", "thread_id"):
        followed.setdefault(user_id, []).append(thread_id)
    initiatives_of: dict[int, list[int]] = {}
    for organisation_id, initiative_id in InitiativePartner.objects.filter(
        left_at__isnull=True
    ).values_list("organisation_id", "initiative_id"):
        initiatives_of.setdefault(organisation_id, []).append(initiative_id)
    initiative_ids = list(Initiative.objects.values_list("pk", flat=True))

    def moment():
        return slot - timedelta(seconds=rng.randint(0, 86_399))

    rows = []
    for user_id, organisation_id in people:
        # Two to four followed threads with news today (the person's own follows first).
        mine = followed.get(user_id, [])
        count = rng.randint(2, 4)
        picked = rng.sample(mine, min(len(mine), count))
        picked += rng.sample(threads, count - len(picked)) if threads else []
        seen_posts = set()
        for thread_id in picked:
            candidates = [p for p in posts_of[thread_id] if p[1] != user_id]
            for post_id, author_id in rng.sample(
                candidates, min(len(candidates), rng.randint(1, 5))
            ):
                if post_id in seen_posts:
                    continue
                seen_posts.add(post_id)
                roll = rng.random()
                kind = Kind.MENTION if roll < 0.05 else Kind.REPLY if roll < 0.12 else None
                rows.append(
                    Notification(
                        recipient_id=user_id,
                        kind=kind
                        or (Kind.THREAD_POST if rng.random() < 0.85 else Kind.TOPIC_THREAD),
                        actor_id=author_id,
                        post_id=post_id,
                        thread_id=thread_id,
                        created_at=moment(),
                    )
                )
        # Their organisation's initiatives: updates (often several), now and then a status.
        for initiative_id in initiatives_of.get(organisation_id, [])[:3]:
            for _ in range(rng.choice((0, 1, 1, 2, 3))):
                rows.append(
                    Notification(
                        recipient_id=user_id,
                        kind=Kind.INITIATIVE_UPDATE,
                        initiative_id=initiative_id,
                        via_organisation_id=organisation_id,
                        details={"title": "Testbed map online"} if rng.random() < 0.3 else {},
                        created_at=moment(),
                    )
                )
            if rng.random() < 0.1:
                rows.append(
                    Notification(
                        recipient_id=user_id,
                        kind=Kind.INITIATIVE_STATUS,
                        initiative_id=initiative_id,
                        via_organisation_id=organisation_id,
                        details={"status": "active"},
                        created_at=moment(),
                    )
                )
        # One in twenty follows a theme in which a new initiative appeared.
        if initiative_ids and rng.random() < 0.05:
            rows.append(
                Notification(
                    recipient_id=user_id,
                    kind=Kind.MATCHING_INITIATIVE,
                    initiative_id=rng.choice(initiative_ids),
                    created_at=moment(),
                )
            )
    Notification.objects.bulk_create(rows, batch_size=CHUNK, ignore_conflicts=True)
    return user_ids, len(rows)


def send_all(*, slot, batch_size: int) -> dict:
    """Send the slot's daily digests in batches of `batch_size`, as the tasks do; measure."""
    counter = QueryCounter()
    per_batch_queries, per_batch_seconds = [], []
    totals = {"sent": 0, "empty": 0, "skipped": 0}
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        batches = digests.digest_batches(
            frequency=DigestFrequency.DAILY, slot=slot, batch_size=batch_size
        )
        fan_out_queries = counter.count
        for user_ids in batches:
            before, batch_started = counter.count, time.perf_counter()
            result = digests.digest_batch_send(
                frequency=DigestFrequency.DAILY, slot=slot, user_ids=user_ids
            )
            per_batch_queries.append(counter.count - before)
            per_batch_seconds.append(time.perf_counter() - batch_started)
            totals["sent"] += result.sent
            totals["empty"] += result.empty
            totals["skipped"] += result.skipped
    elapsed = time.perf_counter() - started
    digests_handled = totals["sent"] + totals["empty"]
    return {
        "batch_size": batch_size,
        "batches": len(batches),
        "seconds": elapsed,
        "ms_per_digest": 1000 * elapsed / max(digests_handled, 1),
        "queries": counter.count,
        "fan_out_queries": fan_out_queries,
        "queries_per_batch": (min(per_batch_queries), max(per_batch_queries))
        if per_batch_queries
        else (0, 0),
        "median_batch_seconds": statistics.median(per_batch_seconds) if per_batch_seconds else 0,
        **totals,
        "deliveries": DigestDelivery.objects.filter(slot=slot).count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=10_000, help="members with a digest")
    parser.add_argument(
        "--batch-sizes",
        default="500,250",
        help="comma-separated batch sizes to compare (default 500,250; 500 is the setting's)",
    )
    parser.add_argument("--seed", type=int, default=2026, help="random seed")
    options = parser.parse_args()
    batch_sizes = [int(size) for size in options.batch_sizes.split(",") if size.strip()]
    rng = random.Random(options.seed)
    started = time.monotonic()
    migrate_if_needed()
    slot = digests.digest_slot(frequency=DigestFrequency.DAILY, at=timezone.now())
    results = []
    try:
        with transaction.atomic():
            seed(options.members, options.seed)
            log("seed_scale: organisations, people, dialogues, initiatives", started)
            user_ids, notifications = build_day(members=options.members, slot=slot, rng=rng)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE notifications_notification")
                cursor.execute("ANALYZE notifications_notificationpreference")
            log(
                f"{len(user_ids):,} members with a daily digest, {notifications:,} notifications "
                f"in the day before {slot.isoformat()}",
                started,
            )
            for batch_size in batch_sizes:
                savepoint = transaction.savepoint()
                result = send_all(slot=slot, batch_size=batch_size)
                transaction.savepoint_rollback(savepoint)
                results.append(result)
                log(f"batch size {batch_size}: done", started)
            raise Rollback
    except Rollback:
        log("rolled back: the database is as it was", started)

    print()
    print(
        f"Daily digests of {slot.isoformat()} for {len(user_ids):,} members "
        f"({notifications:,} notifications of the day):"
    )
    header = (
        f"{'batch size':>10} {'batches':>7} {'sent':>6} {'empty':>6} {'total s':>8} "
        f"{'ms/digest':>9} {'queries':>7} {'fan-out q':>9} {'q/batch':>9} {'median s/batch':>14}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        low, high = r["queries_per_batch"]
        per_batch = f"{low}" if low == high else f"{low}-{high}"
        print(
            f"{r['batch_size']:>10} {r['batches']:>7} {r['sent']:>6} {r['empty']:>6} "
            f"{r['seconds']:>8.1f} {r['ms_per_digest']:>9.2f} {r['queries']:>7} "
            f"{r['fan_out_queries']:>9} {per_batch:>9} {r['median_batch_seconds']:>14.2f}"
        )
    print()
    print(
        "Queries = fan-out (who is due) + batches × a fixed number per batch, whatever the "
        "batch's size: they grow with the number of batches, not with the number of members."
    )
    for r in results:
        assert r["deliveries"] == r["sent"] + r["empty"], r


if __name__ == "__main__":
    main()
