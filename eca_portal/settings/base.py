"""Settings shared by every environment. Everything that differs comes from the environment.

https://docs.djangoproject.com/en/6.1/ref/settings/
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

# --- Core -------------------------------------------------------------------------------
SECRET_KEY = env("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

ROOT_URLCONF = "eca_portal.urls"
WSGI_APPLICATION = "eca_portal.wsgi.application"
ASGI_APPLICATION = "eca_portal.asgi.application"
AUTH_USER_MODEL = "accounts.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SITE_ID = 1

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "django_filters",
    "django_htmx",
    "accounts",
    "outbox",
    "members",
    "dialogues",
    "initiatives",
    "notifications",
    "secretariat",
    "audit",
    "eca_portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "audit.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.sessions.SessionActivityMiddleware",
    "notifications.consent.ChoiceDueMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "notifications.context_processors.unread_notifications",
            ],
        },
    },
]

# Forms render with the project's templates, so that templates/django/forms/ can override a
# widget's template (the select's, for speed); "django.forms" above supplies the rest.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database ---------------------------------------------------------------------------
# PostgreSQL only. Without DATABASE_URL an embedded server (pgserver) keeps its data in .pgdata/.
DATABASE_URL = env("DATABASE_URL", default="")
if DATABASE_URL:
    DATABASES = {"default": env.db_url_config(DATABASE_URL)}
else:
    from eca_portal.embedded_db import embedded_database_settings

    DATABASES = {"default": embedded_database_settings(BASE_DIR / ".pgdata")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# PostgreSQL's default cost of a random page read (4) assumes spinning disks; on SSD, or with
# the data in memory as here, 1.1 is the usual setting. With the default, the planner read all
# 20,000 people to find an organisation's 468 representatives (bench/NOTES.md, fifth round).
POSTGRES_RANDOM_PAGE_COST = env.float("POSTGRES_RANDOM_PAGE_COST", default=1.1)
_database_options = DATABASES["default"].setdefault("OPTIONS", {})
_database_options["options"] = " ".join(
    filter(
        None, [_database_options.get("options"), f"-c random_page_cost={POSTGRES_RANDOM_PAGE_COST}"]
    )
)

# --- Cache ------------------------------------------------------------------------------
# One cache shared by every process, so allauth's rate limits hold across gunicorn workers.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "eca_portal.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "eca",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "eca_cache",
        }
    }

# --- Celery -----------------------------------------------------------------------------
# Without REDIS_URL tasks run in-process (eagerly), which is what `make run` needs.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "Europe/Brussels"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# A request must not hang when Redis is down: publish fails fast and the outbox sweep
# picks the work up later. https://docs.celeryq.dev/en/stable/userguide/calling.html#message-sending-retry
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 2}
# The one place where periodic work is scheduled.
CELERY_BEAT_SCHEDULE = {
    # Every minute: send outbox mail whose first attempt failed or never reached a worker.
    "outbox-sweep": {"task": "outbox.tasks.outbox_sweep", "schedule": 60.0},
    # Daily at 07:00 Europe/Brussels (CELERY_TIMEZONE): the daily digests, read with coffee.
    "digests-daily": {
        "task": "notifications.tasks.digests_fan_out",
        "schedule": crontab(hour=7, minute=0),
        "args": ("daily",),
    },
    # Mondays at 07:00 Europe/Brussels: the weekly digests, to plan the week.
    "digests-weekly": {
        "task": "notifications.tasks.digests_fan_out",
        "schedule": crontab(hour=7, minute=0, day_of_week="mon"),
        "args": ("weekly",),
    },
    # Every hour at :20: any digest of the current slots still unsent (beat or broker down
    # at 07:00). Idempotent, so it costs two queries when all is well.
    "digests-catch-up": {
        "task": "notifications.tasks.digests_catch_up",
        "schedule": crontab(minute=20),
    },
    # Every five minutes: announcements left half-sent (a lost message, Redis down when the
    # secretariat pressed "send") carry on; one query when there are none.
    "announcements-resume": {
        "task": "notifications.tasks.announcements_resume",
        "schedule": 300.0,
    },
}
# How many people one digest task handles (one transaction, a fixed number of queries).
NOTIFICATIONS_DIGEST_BATCH_SIZE = env.int("NOTIFICATIONS_DIGEST_BATCH_SIZE", default=500)

# --- Email ---------------------------------------------------------------------------
# Every message is first a row in the outbox (same transaction as its cause): the "default"
# mailer writes that row. A task then hands it to the "delivery" mailer, set by EMAIL_URL:
# smtp+tls://user:password@host:587, or console (the default, for development).
# https://docs.djangoproject.com/en/6.1/topics/email/#mailers
_email = env.email_url("EMAIL_URL", default="consolemail://")
_SMTP_OPTIONS = {
    "host": _email.get("EMAIL_HOST") or "localhost",
    "port": _email.get("EMAIL_PORT") or 25,
    "username": _email.get("EMAIL_HOST_USER") or "",
    "password": _email.get("EMAIL_HOST_PASSWORD") or "",
    "use_tls": bool(_email.get("EMAIL_USE_TLS")),
    "use_ssl": bool(_email.get("EMAIL_USE_SSL")),
    "timeout": 20,
}
MAILERS = {
    "default": {"BACKEND": "outbox.backends.OutboxEmailBackend"},
    "delivery": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": _SMTP_OPTIONS if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend") else {},
    },
}
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=10)
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default="European Cluster Alliance <no-reply@eca-portal.eu>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_SUBJECT_PREFIX = "[ECA] "
# Absolute links in emails (no request at hand in a Celery task).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# --- Accounts (django-allauth) ----------------------------------------------------------
# https://docs.allauth.org/en/latest/account/configuration.html
# Django's and allauth's, loading the signed-in person in fewer queries (accounts/backends.py).
AUTHENTICATION_BACKENDS = [
    "accounts.backends.ModelBackend",
    "accounts.backends.AuthenticationBackend",
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupDetailsForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[ECA] "
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
LOGIN_REDIRECT_URL = "accounts:overview"
LOGIN_URL = "account_login"
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_TOTP_ISSUER = "European Cluster Alliance"
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
USERSESSIONS_TRACK_ACTIVITY = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Sessions and cookies ---------------------------------------------------------------
# cached_db sessions; privileged people's end sooner (PRIVILEGED_SESSION_COOKIE_AGE below).
SESSION_ENGINE = "accounts.sessions"
# A working day of inactivity ends a session: activity pushes the expiry forward, at most once
# a SESSION_TOUCH_INTERVAL (accounts.sessions.SessionActivityMiddleware), not on every request.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_TOUCH_INTERVAL = 60
# The secretariat's and superusers' sessions end sooner (marked at sign-in: accounts/signals.py).
PRIVILEGED_SESSION_COOKIE_AGE = env.int("PRIVILEGED_SESSION_COOKIE_AGE", default=2 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60

# --- Security headers -------------------------------------------------------------------
# Django's own Content-Security-Policy: scripts only from us, inline ones only with a nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Audit trail ------------------------------------------------------------------------
# How many reverse proxies of ours stand in front of the application. 0: the audit log records
# REMOTE_ADDR and ignores X-Forwarded-For, which any client can forge (audit/context.py).
AUDIT_TRUSTED_PROXY_COUNT = env.int("AUDIT_TRUSTED_PROXY_COUNT", default=0)

# --- Internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("de", _("German"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Logging ----------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # One line per task at INFO drowns the console of `make run`.
        "celery.app.trace": {"level": "WARNING"},
    },
}
