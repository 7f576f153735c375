"""What the benchmark needs from the portal (eca_portal.bench): nothing unless BENCH is set."""

import os
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.test import RequestFactory

from eca_portal import bench

pytestmark = pytest.mark.django_db


def test_the_ceiling_view_is_a_404_unless_bench_is_set(client, settings):
    settings.BENCH = False
    assert client.get("/bench/ceiling/").status_code == 404
    settings.BENCH = True
    response = client.get("/bench/ceiling/")
    assert response.status_code == 200 and response.content == b"ok"


def test_the_query_count_middleware_counts_each_query_of_a_request():
    def view(request):
        list(get_user_model().objects.all())
        list(get_user_model().objects.filter(is_active=True))
        return HttpResponse("done")

    response = bench.QueryCountMiddleware(view)(RequestFactory().get("/"))
    assert response[bench.QUERY_COUNT_HEADER] == "2"
    assert float(response[bench.QUERY_TIME_HEADER]) >= 0
    assert float(response[bench.CPU_TIME_HEADER]) >= 0
    assert float(response[bench.WALL_TIME_HEADER]) >= float(response[bench.QUERY_TIME_HEADER])


@pytest.mark.parametrize("flag, installed", [("1", True), ("", False)])
def test_production_settings_install_the_middleware_only_with_bench(flag, installed):
    env = {
        **os.environ,
        "SECRET_KEY": "k" * 60,
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused",
        "REDIS_URL": "redis://127.0.0.1:6379/15",
        "ALLOWED_HOSTS": "example.eu",
        "BENCH": flag,
    }
    code = "import eca_portal.settings.production as s; print(s.MIDDLEWARE[0], s.BENCH)"
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    first, bench_on = result.stdout.split()
    assert (first == "eca_portal.bench.QueryCountMiddleware") is installed
    assert bench_on == str(installed)
