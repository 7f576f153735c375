"""A signed-in person's activity pushes their session's end forward and shows in allauth's list
of sessions, but at most once per SESSION_TOUCH_INTERVAL: requests in between write nothing
(accounts.sessions.SessionActivityMiddleware)."""

import datetime

import pytest
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.sessions import TOUCHED_AT_KEY
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGE = reverse("accounts:overview")


def writes(queries) -> list[str]:
    return [
        query["sql"]
        for query in queries
        if query["sql"].lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))
    ]


def age_the_touch(client, seconds):
    """As if the session had last been pushed forward `seconds` earlier."""
    session = client.session
    session[TOUCHED_AT_KEY] -= seconds
    session.save()
    stored = Session.objects.get(session_key=session.session_key)
    Session.objects.filter(pk=stored.pk).update(
        expire_date=stored.expire_date - datetime.timedelta(seconds=seconds)
    )
    UserSession.objects.filter(session_key=session.session_key).update(
        last_seen_at=timezone.now() - datetime.timedelta(seconds=seconds)
    )
    # cached_db sessions: the cached copy would outlive the row's new end.
    cache.clear()


@pytest.fixture
def signed_in(client):
    person = UserFactory()
    client.force_login(person)
    assert client.get(PAGE).status_code == 200
    return client


def test_the_first_request_records_the_session(signed_in):
    session_key = signed_in.session.session_key
    assert UserSession.objects.filter(session_key=session_key).exists()
    assert TOUCHED_AT_KEY in signed_in.session


def test_requests_within_the_interval_write_nothing(signed_in):
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            assert signed_in.get(PAGE).status_code == 200
    assert writes(queries.captured_queries) == []


def test_a_request_after_the_interval_pushes_the_end_forward(signed_in, settings):
    age_the_touch(signed_in, settings.SESSION_TOUCH_INTERVAL + 1)
    session_key = signed_in.session.session_key
    before = Session.objects.get(session_key=session_key).expire_date
    seen_before = UserSession.objects.get(session_key=session_key).last_seen_at

    assert signed_in.get(PAGE).status_code == 200

    after = Session.objects.get(session_key=session_key).expire_date
    assert after - before >= datetime.timedelta(seconds=settings.SESSION_TOUCH_INTERVAL)
    assert after > timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)
    assert UserSession.objects.get(session_key=session_key).last_seen_at > seen_before


def test_an_idle_session_still_ends(signed_in, settings):
    age_the_touch(signed_in, settings.SESSION_COOKIE_AGE + 1)
    response = signed_in.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_anonymous_requests_store_no_session(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    assert writes(queries.captured_queries) == []
    assert not Session.objects.exists()
