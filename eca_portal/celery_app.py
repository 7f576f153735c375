"""The Celery application. Broker: REDIS_URL; configuration: the CELERY_* Django settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eca_portal.settings.local")

app = Celery("eca_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
