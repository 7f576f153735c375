"""Sessions of the secretariat and of superusers end after PRIVILEGED_SESSION_COOKIE_AGE of
inactivity (2 hours by default), everyone else's after SESSION_COOKIE_AGE (8 hours). The cookie
still ends with the browser for everyone (ACCOUNT_SESSION_REMEMBER = False)."""

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import UserFactory, totp_authenticator_add, totp_code

pytestmark = pytest.mark.django_db

TWO_HOURS = 2 * 60 * 60
EIGHT_HOURS = 8 * 60 * 60


def test_the_defaults():
    assert settings.PRIVILEGED_SESSION_COOKIE_AGE == TWO_HOURS
    assert settings.SESSION_COOKIE_AGE == EIGHT_HOURS


def sign_in_through_allauth(client, user, password):
    response = client.post(reverse("account_login"), {"login": user.email, "password": password})
    if response.status_code == 302 and response["Location"] == reverse("mfa_authenticate"):
        response = client.post(reverse("mfa_authenticate"), {"code": totp_code(user)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    return response


def stored_lifetime(client) -> datetime.timedelta:
    """How long the session stored in the database has left."""
    session = Session.objects.get(session_key=client.session.session_key)
    return session.expire_date - timezone.now()


def assert_lifetime(client, seconds):
    assert client.session.get_expiry_age() == seconds
    left = stored_lifetime(client)
    assert datetime.timedelta(seconds=seconds - 60) < left <= datetime.timedelta(seconds=seconds)


def test_the_secretariat_signing_in_gets_a_short_session(client, secretariat_user, password):
    response = sign_in_through_allauth(client, secretariat_user, password)
    assert_lifetime(client, TWO_HOURS)
    # The cookie itself ends with the browser, as everyone's.
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == ""
    # Each request pushes the end forward by the same, shorter, span.
    assert client.get(reverse("accounts:overview")).status_code == 200
    assert_lifetime(client, TWO_HOURS)


def test_a_superuser_gets_a_short_session(client, password):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    totp_authenticator_add(superuser)
    sign_in_through_allauth(client, superuser, password)
    assert_lifetime(client, TWO_HOURS)


def test_a_superuser_without_2fa_gets_a_short_session_too(client, password):
    # Without a second factor allauth sets the session's expiry after signing in; the short
    # lifetime must survive that.
    superuser = UserFactory(is_staff=True, is_superuser=True)
    sign_in_through_allauth(client, superuser, password)
    assert_lifetime(client, TWO_HOURS)


def test_a_member_keeps_the_working_day(client, password):
    person = UserFactory()
    sign_in_through_allauth(client, person, password)
    assert_lifetime(client, EIGHT_HOURS)


def test_the_span_comes_from_the_setting(client, secretariat_user, password, settings):
    settings.PRIVILEGED_SESSION_COOKIE_AGE = 30 * 60
    sign_in_through_allauth(client, secretariat_user, password)
    assert_lifetime(client, 30 * 60)
