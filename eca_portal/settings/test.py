"""Settings for the test suite: real PostgreSQL, in-process tasks unless a test asks for Redis."""

from .base import *

SECRET_KEY = SECRET_KEY or "test-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Each test starts with an empty cache, so rate limits of one test never reach the next.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tasks run in-process; the Redis integration tests switch the app to the real broker.
CELERY_TASK_ALWAYS_EAGER = True
MAILERS = {
    "default": {"BACKEND": "outbox.backends.OutboxEmailBackend"},
    "delivery": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"},
}
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
MEDIA_ROOT = BASE_DIR / ".pytest-media"
LOGGING["root"]["level"] = "WARNING"
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None
