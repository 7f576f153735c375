"""The benchmark's work inside Django (bench/run.py runs it with the portal's virtualenv and the
same environment as gunicorn): find the pages to measure in the seeded data, create the session
cookies of the benchmark accounts, and EXPLAIN ANALYZE the heaviest queries of each page.

    python bench/django_side.py pages      → JSON list of pages on stdout
    python bench/django_side.py sessions   → JSON {role: session key} on stdout
    python bench/django_side.py explain OUT.json [PAGES.json] → the query plans, as JSON
    python bench/django_side.py clear-cache → empty the benchmark's cache (its own Redis database)
    python bench/django_side.py profile "PAGE NAME" ROLE [REQUESTS] → where a page's time goes
      (cProfile over REQUESTS warm in-process requests, 50 by default)
"""

import json
import os
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eca_portal.settings.production")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import (  # noqa: E402
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,  # noqa: E402
)
from django.db import connection  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.urls import NoReverseMatch, Resolver404, resolve, reverse  # noqa: E402

from dialogues.models import POSTS_PER_PAGE, Thread, Topic  # noqa: E402
from dialogues.scale import RARE_WORD  # noqa: E402
from eca_portal import shared_pages  # noqa: E402
from initiatives.models import Initiative, InitiativeStatus  # noqa: E402
from members.models import Organisation  # noqa: E402
from members.scale import BENCH_MEMBER_EMAIL, BENCH_SECRETARIAT_EMAIL  # noqa: E402

ANONYMOUS, MEMBER, SECRETARIAT = "anonymous", "member", "secretariat"
# A sequential scan on a table of more rows than this is a finding (smaller ones are cheap and
# the planner rightly prefers them).
LARGE_TABLE_ROWS = 10_000


def _large_tables() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'r' AND reltuples > %s",
            [LARGE_TABLE_ROWS],
        )
        return {row[0] for row in cursor.fetchall()}


def _page(name, url, roles, note=""):
    return {"name": name, "url": url, "roles": roles, "note": note}


def pages() -> list[dict]:
    """The pages of issue #8, with the seeded rows that make them representative."""
    everyone = [ANONYMOUS, MEMBER]
    found = [
        _page("ceiling (bare Django view)", reverse("bench_ceiling"), everyone),
        _page("home", reverse("home"), everyone),
        _page("directory", reverse("members:organisation_list"), everyone),
    ]
    country = (
        Organisation.objects.filter(membership_status="active")
        .values("country")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("country", flat=True)
        .first()
    )
    found.append(
        _page(
            "directory, filtered",
            f"{reverse('members:organisation_list')}?country={country}&kind=agency&q=cluster",
            everyone,
        )
    )
    organisation = (
        Organisation.objects.filter(membership_status="active")
        .annotate(
            people=Count("representatives", distinct=True), p=Count("programmes", distinct=True)
        )
        .order_by("-people", "-p", "pk")
        .first()
    )
    found.append(_page("organisation profile", organisation.get_absolute_url(), everyone))
    found.append(_page("dialogues overview", reverse("dialogues:topic_list"), everyone))
    topic = (
        Topic.objects.filter(visibility=Topic.Visibility.PUBLIC, status=Topic.Status.OPEN)
        .annotate(n=Count("threads"))
        .order_by("-n")
        .first()
    )
    found.append(
        _page(
            "topic thread list",
            reverse("dialogues:topic_detail", kwargs={"slug": topic.slug}),
            everyone,
            f"{topic.threads.count()} threads",
        )
    )
    public = Q(topic__visibility=Topic.Visibility.PUBLIC)
    fifty = Thread.objects.filter(public, post_count=50).order_by("pk").first()
    if fifty is not None:
        found.append(
            _page(
                "50-post thread (page 1)",
                f"{reverse('dialogues:thread_detail', kwargs={'pk': fifty.pk})}?page=1",
                everyone,
            )
        )
    longest = Thread.objects.filter(public).order_by("-post_count", "pk").first()
    last_page = max(1, (longest.post_count + POSTS_PER_PAGE - 1) // POSTS_PER_PAGE)
    found.append(
        _page(
            f"{longest.post_count}-post thread, last page",
            f"{reverse('dialogues:thread_detail', kwargs={'pk': longest.pk})}?page={last_page}",
            everyone,
        )
    )
    search = reverse("dialogues:search")
    found.append(_page("search, common word", f"{search}?q=cluster", everyone, "search"))
    found.append(_page("search, rare word", f"{search}?q={RARE_WORD.lower()}", everyone, "search"))
    found.append(_page("initiatives directory", reverse("initiatives:initiative_list"), everyone))
    initiative = (
        Initiative.objects.filter(status=InitiativeStatus.ACTIVE)
        .annotate(n=Count("partners"))
        .order_by("-n", "pk")
        .first()
    ) or Initiative.objects.order_by("pk").first()
    if initiative is not None:
        found.append(
            _page("initiative page (with similar)", initiative.get_absolute_url(), everyone)
        )
    found.append(_page("notifications", reverse("notifications:list"), [MEMBER]))
    try:
        dashboard = reverse("secretariat:dashboard")
        resolve(dashboard)
        found.append(_page("secretariat dashboard", dashboard, [SECRETARIAT]))
    except (NoReverseMatch, Resolver404):
        found.append(
            _page(
                "secretariat dashboard",
                "/secretariat/",
                [],
                "SKIPPED: /secretariat/ does not resolve yet (no secretariat app URL).",
            )
        )
    return found


def sessions() -> dict:
    """Signed-in sessions for the benchmark accounts, made with the session engine itself (no
    login form, so no second-factor step for the secretariat)."""
    from importlib import import_module

    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    engine = import_module(settings.SESSION_ENGINE)
    User = get_user_model()
    keys = {}
    for role, email in ((MEMBER, BENCH_MEMBER_EMAIL), (SECRETARIAT, BENCH_SECRETARIAT_EMAIL)):
        user = User.objects.get(email=email)
        if (
            role == SECRETARIAT
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            TOTP.activate(user, generate_totp_secret())
        session = engine.SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys[role] = session.session_key
    return {"cookie_name": settings.SESSION_COOKIE_NAME, "keys": keys}


# --- EXPLAIN ANALYZE ----------------------------------------------------------------------------


def _client_for(role):
    from django.test import Client

    client = Client(headers={"x-forwarded-proto": "https"}, secure=True)
    if role != ANONYMOUS:
        email = BENCH_MEMBER_EMAIL if role == MEMBER else BENCH_SECRETARIAT_EMAIL
        client.force_login(get_user_model().objects.get(email=email))
    return client


def explain(out_path: str, pages_path: str | None = None) -> None:
    """Request each page once per role in-process, capture its queries with their duration,
    and EXPLAIN (ANALYZE, BUFFERS) the three slowest SELECTs. Flags sequential scans on the
    large tables."""
    from django.test.utils import CaptureQueriesContext

    page_list = json.loads(Path(pages_path).read_text()) if pages_path else pages()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    large_tables = _large_tables()
    report = []
    for page in page_list:
        for role in page["roles"]:
            if page["name"].startswith("ceiling"):
                continue
            client = _client_for(role)
            client.get(page["url"])  # warm: templates compiled, the session's first request
            # The queries of the page as it is computed, not served from the shared cache.
            shared_pages.public_content_changed()
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as captured:
                response = client.get(page["url"])
            computed_ms = (time.perf_counter() - started) * 1000
            queries = [
                {"sql": q["sql"], "ms": float(q["time"]) * 1000} for q in captured.captured_queries
            ]
            selects = [q for q in queries if q["sql"].lstrip().upper().startswith("SELECT")]
            heaviest = sorted(selects, key=lambda q: q["ms"], reverse=True)[:3]
            plans = []
            for query in heaviest:
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                    plan = "\n".join(row[0] for row in cursor.fetchall())
                seq = sorted(
                    {
                        table
                        for table in re.findall(r"Seq Scan on (\w+)", plan)
                        if table in large_tables
                    }
                )
                total = re.search(r"Execution Time: ([\d.]+) ms", plan)
                plans.append(
                    {
                        "sql": query["sql"],
                        "captured_ms": round(query["ms"], 2),
                        "execution_ms": float(total.group(1)) if total else None,
                        "seq_scans_on_large_tables": seq,
                        "plan": plan,
                    }
                )
            report.append(
                {
                    "page": page["name"],
                    "role": role,
                    "url": page["url"],
                    "status": response.status_code,
                    "queries": len(queries),
                    "query_ms": round(sum(q["ms"] for q in queries), 1),
                    "computed_ms": round(computed_ms, 1),
                    "heaviest": plans,
                }
            )
            print(
                f"  {page['name']:<36} {role:<11} {response.status_code} "
                f"{len(queries):>3} queries {sum(q['ms'] for q in queries):8.1f} ms",
                file=sys.stderr,
            )
    Path(out_path).write_text(json.dumps(report, indent=2))


def profile(page_name: str, role: str, requests: int = 50) -> None:
    """Profile a page as its role gets it (from the shared cache where it is kept): the
    functions that take the most time, by their own time and with what they call."""
    import cProfile
    import pstats

    page = next(page for page in pages() if page["name"] == page_name)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = _client_for(role)
    client.get(page["url"])  # warm: templates compiled, the session's first request
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(requests):
        client.get(page["url"])
    profiler.disable()
    took = (time.perf_counter() - started) * 1000 / requests
    print(f"{page_name} as {role}: {took:.1f} ms a request (under the profiler)")
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "pages":
        print(json.dumps(pages()))
    elif command == "sessions":
        print(json.dumps(sessions()))
    elif command == "explain":
        explain(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None)
    elif command == "clear-cache":
        from django.core.cache import cache

        cache.clear()
    elif command == "profile":
        profile(sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 50)
    else:
        sys.exit(__doc__)
