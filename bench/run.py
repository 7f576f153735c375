#!/usr/bin/env python3
"""The ECA portal's benchmark: seed (or reuse) a large database, serve the portal with gunicorn
in production settings, and measure the pages people use most with wrk. See bench/README.md.

    .venv/bin/python bench/run.py                 # the default size of issue #8
    .venv/bin/python bench/run.py --size small    # a tenth of it, for a quick look
    .venv/bin/python bench/run.py --explain       # also EXPLAIN ANALYZE the heaviest queries

Writes bench/results/<UTC timestamp>.md and .json and prints the table.
"""

import argparse
import json
import os
import platform
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS = BENCH_DIR / "results"
VENV_BIN = Path(sys.executable).parent
PYTHON = sys.executable

SIZES = {
    # organisations, members, threads, posts, initiatives
    "tiny": (200, 800, 200, 6000, 80),
    "small": (500, 2000, 500, 25000, 200),
    "default": (5000, 20000, 5000, 250000, 2000),
}
SIZE_FIELDS = ("organisations", "members", "threads", "posts", "initiatives")
# The budgets of issue #8 (milliseconds).
MEDIAN_BUDGET, P99_BUDGET, SEARCH_MEDIAN_BUDGET = 50, 250, 100
QUERY_HEADER = "X-Bench-Queries"
QUERY_MS_HEADER = "X-Bench-Query-Ms"
CPU_MS_HEADER = "X-Bench-Cpu-Ms"
WALL_MS_HEADER = "X-Bench-Wall-Ms"
# Sequential requests per page before the load: the medians of their server-side times (CPU of
# the worker, wall time in Django, time in SQL) hardly depend on what else the machine runs.
PROBES = 5
# The plans' Markdown shows this much of each statement (the JSON keeps all of it).
SQL_SHOWN = 1500


def say(message: str) -> None:
    print(f"[bench {datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


def run(command, *, env=None, capture=False, check=True):
    result = subprocess.run(  # noqa: S603 - our own commands
        command, env=env, cwd=ROOT, check=False, text=True, capture_output=capture
    )
    if check and result.returncode != 0:
        if capture:
            sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"command failed ({result.returncode}): {' '.join(map(str, command))}")
    return result


# --- The load tool ------------------------------------------------------------------------------


def ensure_wrk() -> str:
    """wrk from PATH, else installed with apt-get (Debian packages it); exits if impossible."""
    found = shutil.which("wrk")
    if found:
        return found
    if shutil.which("apt-get") and os.geteuid() == 0:
        say("installing wrk with apt-get…")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        apt = ["apt-get", "install", "-y", "-qq", "wrk"]
        if run(apt, env=env, capture=True, check=False).returncode != 0:
            run(["apt-get", "update", "-qq"], env=env, capture=True, check=False)
            run(apt, env=env, capture=True, check=False)
        found = shutil.which("wrk")
        if found:
            return found
    raise SystemExit(
        "wrk is not installed and could not be installed (needs apt-get as root). Install it "
        "(apt-get install wrk, brew install wrk) and run the benchmark again."
    )


def wrk(url, *, tool, seconds, connections, threads, cookie=None) -> dict:
    command = [
        tool,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(BENCH_DIR / "report.lua"),
        "-H",
        "X-Forwarded-Proto: https",
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = run([*command, url], capture=True).stdout
    for line in output.splitlines():
        if line.startswith("BENCH_JSON "):
            return json.loads(line.removeprefix("BENCH_JSON "))
    raise SystemExit(f"wrk printed no result:\n{output}")


# --- The database -------------------------------------------------------------------------------


def _connect(database_url: str, dbname: str | None = None):
    import psycopg2

    parts = urlparse(database_url)
    return psycopg2.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname=dbname or parts.path.lstrip("/"),
    )


def _marker(sizes: dict, seed: int) -> str:
    return "seed_scale " + json.dumps({**sizes, "seed": seed}, sort_keys=True)


def migrate(django_env) -> None:
    """Create the cache table, then migrate: seeding runs without Redis (its cache is the
    database's), and migrating and seeding forget cached values there."""
    run([PYTHON, "manage.py", "createcachetable"], env=django_env)
    run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], env=django_env)


def ensure_database(database_url, sizes, *, seed, reseed, django_env) -> None:
    """Reuse the database when a seed_scale of the same sizes made it (its COMMENT says so);
    otherwise drop it, create it, migrate and seed."""
    name = urlparse(database_url).path.lstrip("/")
    admin = _connect(database_url, "postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name],
        )
        row = cursor.fetchone()
        wanted = _marker(sizes, seed)
        if row is not None and row[0] == wanted and not reseed:
            say(f"reusing database {name} ({wanted})")
            admin.close()
            migrate(django_env)
            return
        if row is not None:
            say(f"dropping database {name} (it holds {row[0] or 'something else'})")
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [name],
            )
            cursor.execute(f'DROP DATABASE "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    say(f"migrating {name}")
    migrate(django_env)
    arguments = [f"--{field}={sizes[field]}" for field in SIZE_FIELDS]
    say(f"seeding {name}: {' '.join(arguments)}")
    run([PYTHON, "manage.py", "seed_scale", f"--seed={seed}", *arguments], env=django_env)
    with admin.cursor() as cursor:
        cursor.execute(f'COMMENT ON DATABASE "{name}" IS %s', [wanted])
    admin.close()


# --- The server ---------------------------------------------------------------------------------


def production_env(args) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "eca_portal.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "False",
        "BENCH": "1",
        "LOG_LEVEL": "WARNING",
    }


def start_gunicorn(args, env, log_path) -> subprocess.Popen:
    command = [
        str(VENV_BIN / "gunicorn"),
        "eca_portal.wsgi:application",
        "--workers",
        str(args.workers),
        "--bind",
        f"127.0.0.1:{args.port}",
        "--log-level",
        "warning",
        "--error-logfile",
        str(log_path),
    ]
    server = subprocess.Popen(command, env=env, cwd=ROOT)  # noqa: S603
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited; see {log_path}")
        try:
            probe(f"http://127.0.0.1:{args.port}/bench/ceiling/")
            return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit(f"gunicorn did not answer within 60 s; see {log_path}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def probe(url, cookie=None) -> dict:
    """One request, redirects not followed: status, SQL queries, body size."""
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})  # noqa: S310
    if cookie:
        request.add_header("Cookie", cookie)
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        response = opener.open(request, timeout=30)
    except urllib.error.HTTPError as error:
        response = error
    body = response.read()
    return {
        "status": response.status,
        "queries": int(response.headers.get(QUERY_HEADER, "-1")),
        "query_ms": float(response.headers.get(QUERY_MS_HEADER, "-1")),
        "cpu_ms": float(response.headers.get(CPU_MS_HEADER, "-1")),
        "server_ms": float(response.headers.get(WALL_MS_HEADER, "-1")),
        "bytes": len(body),
        "location": response.headers.get("Location", ""),
    }


# --- Measuring ----------------------------------------------------------------------------------


def _chosen(args, page) -> bool:
    """Whether --pages asks for the page (every page without it)."""
    return not args.pages or any(name in page["name"] for name in args.pages.split(","))


def measure(args, pages, cookies, tool) -> list[dict]:
    base = f"http://127.0.0.1:{args.port}"
    rows = []
    for page in pages:
        if not page["roles"]:
            say(f"{page['name']}: {page['note']}")
            rows.append({**page, "role": "-", "skipped": page["note"]})
            continue
        for role in page["roles"]:
            if not _chosen(args, page):
                if not page["name"].startswith("ceiling"):
                    continue
            cookie = cookies.get(role)
            url = base + page["url"]
            first = probe(url, cookie)
            row = {**page, "role": role, **first}
            if first["status"] == 200:
                samples = [probe(url, cookie) for _ in range(PROBES)]
                for key in ("query_ms", "cpu_ms", "server_ms"):
                    row[key] = statistics.median(sample[key] for sample in samples)
                row["queries_each"] = sorted({first["queries"]} | {x["queries"] for x in samples})
            if first["status"] != 200:
                say(f"{page['name']} ({role}): HTTP {first['status']} {first['location']}")
                row["skipped"] = f"HTTP {first['status']} {first['location']}".strip()
                rows.append(row)
                continue
            # A warm-up (caches, connections, the planner), then the measurement.
            wrk(url, tool=tool, seconds=args.warmup, connections=args.connections,
                threads=args.wrk_threads, cookie=cookie)  # fmt: skip
            result = wrk(url, tool=tool, seconds=args.duration, connections=args.connections,
                         threads=args.wrk_threads, cookie=cookie)  # fmt: skip
            errors = sum(
                result[k]
                for k in (
                    "connect_errors",
                    "read_errors",
                    "write_errors",
                    "status_errors",
                    "timeouts",
                )  # fmt: skip
            )
            row.update(
                rps=result["requests"] / (result["duration_us"] / 1e6),
                requests=result["requests"],
                p50_ms=result["p50_us"] / 1000,
                p90_ms=result["p90_us"] / 1000,
                p99_ms=result["p99_us"] / 1000,
                max_ms=result["max_us"] / 1000,
                errors=errors,
                wrk=result,
            )
            say(
                f"{page['name']:<34} {role:<11} {row['rps']:7.1f} req/s  "
                f"p50 {row['p50_ms']:7.1f} ms  p99 {row['p99_ms']:7.1f} ms  "
                f"{row['queries']:>3} queries  {errors} errors  "
                f"(alone: {row['server_ms']:.1f} ms, CPU {row['cpu_ms']:.1f} ms, "
                f"SQL {row['query_ms']:.1f} ms)"
            )
            rows.append(row)
    judge(rows)
    return rows


def judge(rows) -> None:
    """Each measured row's throughput as a share of the ceiling's, and the budgets it misses."""
    ceilings = {
        row["role"]: row["rps"]
        for row in rows
        if row["name"].startswith("ceiling") and "rps" in row
    }
    for row in rows:
        if "rps" in row:
            ceiling = ceilings.get(row["role"]) or ceilings.get("anonymous")
            row["ratio"] = row["rps"] / ceiling if ceiling else None
            median_budget = SEARCH_MEDIAN_BUDGET if row.get("note") == "search" else MEDIAN_BUDGET
            problems = []
            if not row["requests"]:
                problems.append("no request completed within the run")
            elif row["p50_ms"] >= median_budget:
                problems.append(f"p50≥{median_budget}")
            if row["p99_ms"] >= P99_BUDGET:
                problems.append(f"p99≥{P99_BUDGET}")
            if row["errors"]:
                problems.append("errors")
            row["budget"] = "ok" if not problems else ", ".join(problems)


def markdown(rows, meta) -> str:
    lines = [
        f"# Benchmark {meta['started']}",
        "",
        f"Data: {', '.join(f'{k} {v:,}' for k, v in meta['sizes'].items())} (seed {meta['seed']}). "
        f"Server: gunicorn, {meta['workers']} sync workers, production settings, "
        f"{meta['cpus']} CPUs shared with PostgreSQL and the load tool. "
        f"Load: wrk, {meta['connections']} connections, {meta['duration']} s per row after a "
        f"{meta['warmup']} s warm-up. Budgets: p50 < {MEDIAN_BUDGET} ms (search "
        f"< {SEARCH_MEDIAN_BUDGET} ms), p99 < {P99_BUDGET} ms, no errors.",
        "",
        "Columns “alone”: median of "
        f"{PROBES} sequential requests before the load, measured inside Django (wall time, the "
        "worker's CPU time, time in SQL): they depend little on other load on the machine.",
        "",
        "| page | as | req/s | × ceiling | p50 ms | p99 ms | errors | SQL queries "
        "| alone ms | CPU ms | SQL ms | budget |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in rows:
        if "rps" not in row:
            lines.append(
                f"| {row['name']} | {row['role']} | – | – | – | – | – | – | – | – | – | "
                f"{row.get('skipped', '')} |"
            )
            continue
        ratio = f"{row['ratio']:.2f}" if row.get("ratio") is not None else "–"
        # Several counts when the same page ran different numbers of queries (a first visit).
        queries = "/".join(str(n) for n in row.get("queries_each", [row["queries"]]))
        lines.append(
            f"| {row['name']} | {row['role']} | {row['rps']:.1f} | {ratio} | "
            f"{row['p50_ms']:.1f} | {row['p99_ms']:.1f} | {row['errors']} | {queries} | "
            f"{row['server_ms']:.1f} | {row['cpu_ms']:.1f} | {row['query_ms']:.1f} | "
            f"{row['budget']} |"
        )
    lines += ["", "URLs:", ""]
    lines += [f"- {row['name']} ({row['role']}): `{row['url']}`" for row in rows]
    return "\n".join(lines) + "\n"


def plans_markdown(report, started) -> str:
    lines = [f"# Query plans {started}", ""]
    for entry in report:
        lines.append(
            f"## {entry['page']} ({entry['role']}): {entry['queries']} queries, "
            f"{entry['query_ms']} ms in SQL, HTTP {entry['status']}"
            + (
                f", computed (not from the shared cache) in {entry['computed_ms']} ms"
                if "computed_ms" in entry
                else ""
            )
        )
        lines.append("")
        for number, plan in enumerate(entry["heaviest"], 1):
            seq = ", ".join(plan["seq_scans_on_large_tables"]) or "none"
            lines += [
                f"### {number}. {plan['execution_ms']} ms (sequential scans on large tables: "
                f"{seq})",
                "",
                "```sql",
                plan["sql"] if len(plan["sql"]) <= SQL_SHOWN else plan["sql"][:SQL_SHOWN] + " …",
                "```",
                "",
                "```",
                plan["plan"],
                "```",
                "",
            ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=" ".join(__doc__.splitlines()[:2]))
    parser.add_argument("--size", choices=SIZES, default="default")
    for field in SIZE_FIELDS:
        parser.add_argument(f"--{field}", type=int, help=f"override the size's {field}")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--database-url", help="default postgres://postgres@127.0.0.1:5432/eca_bench[_SIZE]"
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
    )
    parser.add_argument("--reseed", action="store_true", help="seed again even if the data fits")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8711)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--duration", type=int, default=10, help="seconds per page and role")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument(
        "--pages", help="only pages whose name contains one of these (comma-separated)"
    )
    parser.add_argument(
        "--explain", action="store_true", help="also EXPLAIN ANALYZE each page's heaviest queries"
    )
    parser.add_argument(
        "--render", metavar="RESULTS.json", help="only rewrite the Markdown of an earlier run"
    )
    args = parser.parse_args()
    if args.render:
        saved = json.loads(Path(args.render).read_text())
        judge(saved["rows"])
        Path(args.render).with_suffix(".md").write_text(markdown(saved["rows"], saved["meta"]))
        print(markdown(saved["rows"], saved["meta"]))
        return

    sizes = dict(zip(SIZE_FIELDS, SIZES[args.size], strict=True))
    for field in SIZE_FIELDS:
        if getattr(args, field) is not None:
            sizes[field] = getattr(args, field)
    if not args.database_url:
        suffix = "" if args.size == "default" else f"_{args.size}"
        args.database_url = f"postgres://postgres@127.0.0.1:5432/eca_bench{suffix}"
    started = datetime.now(UTC).strftime("%Y-%m-%dT%H%M%SZ")
    RESULTS.mkdir(exist_ok=True)

    tool = ensure_wrk()
    django_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "eca_portal.settings.local",
        "DATABASE_URL": args.database_url,
        "DEBUG": "True",
    }
    django_env.pop("REDIS_URL", None)
    ensure_database(args.database_url, sizes, seed=args.seed, reseed=args.reseed,
                    django_env=django_env)  # fmt: skip
    env = production_env(args)
    say("collectstatic")
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"], env=env)
    side = [PYTHON, str(BENCH_DIR / "django_side.py")]
    # Nothing kept by an earlier run (of other data, if it seeded again) may be served.
    run([*side, "clear-cache"], env=env)
    pages = json.loads(run([*side, "pages"], env=env, capture=True).stdout)
    sessions = json.loads(run([*side, "sessions"], env=env, capture=True).stdout)
    cookies = {role: f"{sessions['cookie_name']}={key}" for role, key in sessions["keys"].items()}
    workdir = Path(tempfile.mkdtemp(prefix="eca-bench-"))
    say(
        f"gunicorn on 127.0.0.1:{args.port} ({args.workers} workers), "
        f"log {workdir / 'gunicorn.log'}"
    )
    server = start_gunicorn(args, env, workdir / "gunicorn.log")
    try:
        rows = measure(args, pages, cookies, tool)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    meta = {
        "started": started,
        "sizes": sizes,
        "seed": args.seed,
        "workers": args.workers,
        "connections": args.connections,
        "duration": args.duration,
        "warmup": args.warmup,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "load_tool": "wrk",
        "database": urlparse(args.database_url).path.lstrip("/"),
    }
    table = markdown(rows, meta)
    (RESULTS / f"{started}.md").write_text(table)
    (RESULTS / f"{started}.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=2))
    print()
    print(table)
    say(f"written: bench/results/{started}.md and .json")
    if args.explain:
        say("EXPLAIN ANALYZE of each page's heaviest queries…")
        pages_file = workdir / "pages.json"
        chosen = [page for page in pages if _chosen(args, page)]
        pages_file.write_text(json.dumps(chosen))
        out = workdir / "plans.json"
        run([*side, "explain", str(out), str(pages_file)], env=env)
        report = json.loads(out.read_text())
        (RESULTS / f"{started}-plans.json").write_text(json.dumps(report, indent=2))
        (RESULTS / f"{started}-plans.md").write_text(plans_markdown(report, started))
        say(f"written: bench/results/{started}-plans.md and .json")
        for entry in report:
            for plan in entry["heaviest"]:
                if plan["seq_scans_on_large_tables"]:
                    say(
                        f"sequential scan on {', '.join(plan['seq_scans_on_large_tables'])}: "
                        f"{entry['page']} ({entry['role']}), {plan['execution_ms']} ms"
                    )


if __name__ == "__main__":
    main()
