"""Fixtures shared by every app's tests."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _portal_mail_and_cache(settings):
    # Django's test set-up turns every mailer into locmem; the portal's mail always goes through
    # the outbox, whose delivery mailer is locmem's mail.outbox in tests.
    settings.MAILERS = {
        "default": {"BACKEND": "outbox.backends.OutboxEmailBackend"},
        "delivery": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"},
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def password():
    return "correct-horse-battery-staple"


@pytest.fixture
def verified_user(django_user_model, password):
    """A signed-up person whose email address is verified (allauth's EmailAddress row)."""
    from allauth.account.models import EmailAddress

    user = django_user_model.objects.create_user(
        email="ines.moreau@region-example.eu", password=password, full_name="Inès Moreau"
    )
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return user


@pytest.fixture
def celery_broker(settings):
    """Point the Celery app at a real broker for one test: `celery_broker(url)`."""
    from eca_portal.celery_app import app

    def reset_connections():
        # Celery caches broker connections and producers; a new broker_url needs fresh ones.
        app._pool = None
        app.amqp._producer_pool = None

    def use(url):
        reset_connections()
        app.conf.task_always_eager = False
        app.conf.broker_url = url
        return app

    yield use
    reset_connections()
    app.conf.task_always_eager = True
    app.conf.broker_url = settings.CELERY_BROKER_URL


@pytest.fixture
def secretariat_user(db):
    """A member of the secretariat group (the group and its permissions come from migrate), with
    the two-factor authentication every secretariat page requires (an authenticator app)."""
    from django.contrib.auth.models import Group

    from members.permissions import SECRETARIAT_GROUP
    from tests.accounts.factories import UserFactory, totp_authenticator_add

    user = UserFactory(full_name="Sophie Secretariat", email="secretariat@eca-portal.eu")
    user.groups.add(Group.objects.get(name=SECRETARIAT_GROUP))
    totp_authenticator_add(user)
    return user


@pytest.fixture
def secretariat_user_without_2fa(db):
    """A member of the secretariat who has not set up two-factor authentication yet."""
    from django.contrib.auth.models import Group

    from members.permissions import SECRETARIAT_GROUP
    from tests.accounts.factories import UserFactory

    user = UserFactory(full_name="Nadia No-Second-Factor", email="nadia@eca-portal.eu")
    user.groups.add(Group.objects.get(name=SECRETARIAT_GROUP))
    return user
