"""`make run` on a new machine: its steps (migrate, createcachetable, seed_demo) succeed on an
empty database with the settings it uses (local settings, no Redis: the database is the cache
and tasks run in-process)."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import psycopg2
import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
SERVER_URL = urlparse(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
# Variables of the test run that `make run` would not have.
NOT_INHERITED = {"DJANGO_SETTINGS_MODULE", "REDIS_URL", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def _on_server(statement):
    connection = psycopg2.connect(SERVER_URL._replace(path="/postgres").geturl())
    connection.autocommit = True  # CREATE/DROP DATABASE refuse a transaction
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        connection.close()


@pytest.fixture
def empty_database_url():
    name = f"eca_make_run_{os.getpid()}"
    _on_server(f'DROP DATABASE IF EXISTS "{name}"')
    _on_server(f'CREATE DATABASE "{name}"')
    yield SERVER_URL._replace(path=f"/{name}").geturl()
    _on_server(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_run_steps() -> list[list[str]]:
    """The manage.py commands of the Makefile's `run` target, in order, runserver apart."""
    recipe = (BASE_DIR / "Makefile").read_text().split("\nrun:", 1)[1].split("\n\n", 1)[0]
    return [
        line.split("$(MANAGE)", 1)[1].split()
        for line in recipe.splitlines()
        if "$(MANAGE)" in line and "runserver" not in line
    ]


def test_make_runs_steps_succeed_on_an_empty_database(empty_database_url):
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    env["DATABASE_URL"] = empty_database_url
    steps = make_run_steps()
    assert [step[0] for step in steps] == ["createcachetable", "migrate", "seed_demo"]
    for step in steps:
        result = subprocess.run(
            [sys.executable, "manage.py", *step],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, f"{step}: {result.stdout}{result.stderr}"

    connection = psycopg2.connect(empty_database_url)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM members_organisation")
            assert cursor.fetchone()[0] > 0
    finally:
        connection.close()
