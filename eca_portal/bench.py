"""What the benchmark (bench/run.py) needs from the portal, and only when BENCH is set in the
environment (eca_portal/settings/production.py): a response header with the number of SQL
queries the request ran, and a bare view that does no database work — the ceiling every page's
throughput is compared with. Without BENCH the middleware is not installed and the view is 404.
"""

import time

from django.conf import settings
from django.db import connections
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

QUERY_COUNT_HEADER = "X-Bench-Queries"
QUERY_TIME_HEADER = "X-Bench-Query-Ms"
# The worker's CPU time for the request (a sync worker serves one request at a time), and the
# wall time inside Django: unlike latency under load, both hardly depend on what else runs.
CPU_TIME_HEADER = "X-Bench-Cpu-Ms"
WALL_TIME_HEADER = "X-Bench-Wall-Ms"


class QueryCountMiddleware:
    """Counts the SQL statements of a request (every database alias) with execute_wrapper."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        counter = {"queries": 0, "seconds": 0.0}
        cpu_started, wall_started = time.process_time(), time.perf_counter()

        def count(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                counter["queries"] += 1
                counter["seconds"] += time.perf_counter() - started

        wrappers = [connection.execute_wrapper(count) for connection in connections.all()]
        for wrapper in wrappers:
            wrapper.__enter__()
        try:
            # Template responses are rendered inside get_response, so their queries count.
            response = self.get_response(request)
        finally:
            for wrapper in reversed(wrappers):
                wrapper.__exit__(None, None, None)
        response[QUERY_COUNT_HEADER] = str(counter["queries"])
        response[QUERY_TIME_HEADER] = f"{counter['seconds'] * 1000:.1f}"
        response[CPU_TIME_HEADER] = f"{(time.process_time() - cpu_started) * 1000:.1f}"
        response[WALL_TIME_HEADER] = f"{(time.perf_counter() - wall_started) * 1000:.1f}"
        return response


@require_GET
def ceiling(request):
    """The cheapest page Django can serve through the whole middleware stack: no query."""
    if not getattr(settings, "BENCH", False):
        raise Http404
    return HttpResponse("ok", content_type="text/plain")
