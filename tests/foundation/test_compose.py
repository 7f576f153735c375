"""No Docker engine runs here: docker-compose.yml is kept right by reading it against the code."""

import ast
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml
from django.conf import settings
from django.urls import resolve

BASE_DIR = Path(__file__).resolve().parents[2]
PORTAL_SERVICES = ["web", "worker", "beat", "migrate"]


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())


def production_required_environment():
    tree = ast.parse((BASE_DIR / "eca_portal/settings/production.py").read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and node.targets[0].id == "REQUIRED_ENVIRONMENT":
            return ast.literal_eval(node.value)
    raise AssertionError("production.py has no REQUIRED_ENVIRONMENT")


def test_the_stack_has_every_service_with_a_healthcheck(compose):
    services = compose["services"]
    assert {"postgres", "redis", "web", "worker", "beat", "migrate"} <= set(services)
    for name in ["postgres", "redis", "web", "worker", "beat"]:
        assert services[name]["healthcheck"]["test"], name
    assert {"postgres-data", "redis-data", "media"} <= set(compose["volumes"])
    assert "postgres-data:/var/lib/postgresql/data" in services["postgres"]["volumes"]


@pytest.mark.parametrize("service", PORTAL_SERVICES)
def test_portal_services_get_what_production_settings_require(compose, service):
    environment = compose["services"][service]["environment"]
    assert environment["DJANGO_SETTINGS_MODULE"] == "eca_portal.settings.production"
    for variable in production_required_environment():
        assert environment.get(variable), f"{service} lacks {variable}"
    database = urlparse(
        environment["DATABASE_URL"].replace(
            "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}", "pw"
        )
    )
    assert database.scheme == "postgres"
    assert database.hostname == "postgres" and database.port == 5432
    postgres_env = compose["services"]["postgres"]["environment"]
    assert database.path.lstrip("/") == postgres_env["POSTGRES_DB"]
    assert database.username == postgres_env["POSTGRES_USER"]
    redis = urlparse(environment["REDIS_URL"])
    assert redis.scheme == "redis" and redis.hostname == "redis" and redis.port == 6379
    depends = compose["services"][service]["depends_on"]
    assert depends["postgres"]["condition"] == "service_healthy"
    assert depends["redis"]["condition"] == "service_healthy"


def test_web_serves_the_wsgi_application_with_gunicorn(compose):
    command = compose["services"]["web"]["command"]
    module, attribute = settings.WSGI_APPLICATION.rsplit(".", 1)
    assert command[0] == "gunicorn"
    assert command[1] == f"{module}:{attribute}"
    assert (BASE_DIR / (module.replace(".", "/") + ".py")).exists()
    assert "0.0.0.0:8000" in command
    healthcheck = " ".join(compose["services"]["web"]["healthcheck"]["test"])
    health_path = healthcheck.split("127.0.0.1:8000")[1].split()[0].strip('"')
    assert resolve(health_path).url_name == "health_check"


def test_worker_and_beat_run_the_portals_celery_app(compose):
    from eca_portal.celery_app import app

    worker = compose["services"]["worker"]["command"]
    beat = compose["services"]["beat"]["command"]
    assert worker[:4] == ["celery", "-A", "eca_portal", "worker"]
    assert beat[:4] == ["celery", "-A", "eca_portal", "beat"]
    assert app.main == "eca_portal"


def test_migrations_run_before_web_starts(compose):
    assert "migrate" in " ".join(compose["services"]["migrate"]["command"])
    assert compose["services"]["web"]["depends_on"]["migrate"]["condition"] == (
        "service_completed_successfully"
    )


def test_the_image_runs_production_settings_as_a_non_root_user():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    assert "DJANGO_SETTINGS_MODULE=eca_portal.settings.production" in dockerfile
    assert "pip install --no-cache-dir -c requirements/constraints.txt ." in dockerfile
    assert "collectstatic" in dockerfile
    assert "\nUSER eca\n" in dockerfile


@pytest.mark.django_db
def test_health_check_answers(client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.content == b"ok"
