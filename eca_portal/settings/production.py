"""Production settings: everything secret or site-specific comes from the environment."""

import os

from django.core.exceptions import ImproperlyConfigured

# Refuse to start rather than run with a guessable key or a throw-away database.
REQUIRED_ENVIRONMENT = ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS")
for _required in REQUIRED_ENVIRONMENT:
    if not os.environ.get(_required):
        raise ImproperlyConfigured(
            f"Production settings need the {_required} environment variable."
        )
if len(os.environ["SECRET_KEY"]) < 50 or os.environ["SECRET_KEY"].startswith("django-insecure"):
    raise ImproperlyConfigured(
        "SECRET_KEY is too short or insecure for production (50+ characters)."
    )

from .base import *  # noqa: E402

DEBUG = False

# --- HTTPS ------------------------------------------------------------------------------
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# __Host- cookies are only accepted over HTTPS, for this host, for path "/".
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_NAME = "__Host-csrftoken"
LANGUAGE_COOKIE_SECURE = True

# --- Benchmark ------------------------------------------------------------------------------
# bench/run.py serves the portal with these settings and BENCH=1: each response then carries
# its SQL query count (eca_portal.bench.QueryCountMiddleware) and /bench/ceiling/ answers
# without touching the database. Never set BENCH in a real deployment. The benchmark also sets
# SECURE_SSL_REDIRECT=False (above), since it talks plain HTTP to gunicorn on 127.0.0.1.
BENCH = env.bool("BENCH", default=False)
if BENCH:
    MIDDLEWARE = ["eca_portal.bench.QueryCountMiddleware", *MIDDLEWARE]
