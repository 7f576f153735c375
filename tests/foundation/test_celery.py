import pytest
from django.conf import settings

from eca_portal.celery_app import app


# Importing the task modules runs Django's system checks (Celery's Django fix-up), and those of
# generated columns ask PostgreSQL for its version.
@pytest.mark.django_db
def test_every_scheduled_task_exists():
    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, f"beat entry {name} names an unknown task"


def test_tasks_are_acknowledged_late_and_requeued_if_a_worker_dies():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
