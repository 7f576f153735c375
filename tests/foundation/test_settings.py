"""Production settings are safe, and every page carries the security headers."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.urls import reverse

BASE_DIR = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "eca_portal.settings.production",
    "SECRET_KEY": "p" * 20 + "roduction-secret-key-with-enough-entropy-1234567890abcdef",
    # A server that answers: the checks of generated columns (members.ClusterProgramme) ask
    # PostgreSQL for its version. Its maintenance database always exists.
    "DATABASE_URL": urlparse(
        os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    )
    ._replace(path="/postgres")
    .geturl(),
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "ALLOWED_HOSTS": "portal.eca.example",
}


def run_manage(*args, env):
    # Not DJANGO_ALLOW_ASYNC_UNSAFE either: the browser tests set it for Playwright, and
    # `check --deploy` rightly refuses it.
    base_env = {
        k: v
        for k, v in os.environ.items()
        if k not in PRODUCTION_ENV and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**base_env, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_deploy_checks():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS"])
def test_production_settings_refuse_to_start_without_required_variable(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert f"Production settings need the {missing} environment variable" in result.stderr


def test_production_settings_refuse_an_insecure_secret_key():
    env = {**PRODUCTION_ENV, "SECRET_KEY": "django-insecure-short"}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY is too short or insecure" in result.stderr


def test_production_cookies_are_secure_host_cookies():
    script = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE,"
        " s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.DEBUG)"
    )
    result = run_manage("shell", "--no-imports", "-c", script, env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "__Host-sessionid",
        "__Host-csrftoken",
        "True",
        "31536000",
        "True",
        "False",
    ]


PAGES = [
    "home",
    "account_login",
    "account_signup",
    "account_reset_password",
    "privacy",
    "accessibility",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", PAGES)
def test_every_page_carries_csp_with_nonce_and_security_headers(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self' 'nonce-" in csp
    assert "object-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_no_page_loads_anything_from_another_host(client):
    html = client.get(reverse("home")).content.decode()
    assert "http://" not in html.replace("http://www.w3.org", "")
    assert "https://" not in html
    assert '<script src="/static/' in html


@pytest.mark.django_db
def test_postgresql_plans_for_data_in_memory_or_on_ssd():
    """The portal's connections tell the planner that random reads are cheap (settings):
    an organisation's people are then found by index, not by reading every person."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert float(cursor.fetchone()[0]) == 1.1


def test_a_database_url_keeps_its_own_connection_options():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])",
        env={
            **PRODUCTION_ENV,
            "DATABASE_URL": PRODUCTION_ENV["DATABASE_URL"] + "?options=-c%20work_mem%3D8MB",
            "POSTGRES_RANDOM_PAGE_COST": "1.5",
        },
    )
    assert result.returncode == 0, result.stderr
    assert "-c work_mem=8MB -c random_page_cost=1.5" in result.stdout
