"""One-click unsubscribe (RFC 8058): a signed, expiring token that needs no sign-in. A GET only
shows a button; the POST (from the button or straight from the mail program, without cookies
or a CSRF token) makes the change and answers without a redirect or a cookie. Forged, altered
and expired tokens change nothing."""

import time
from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from dialogues.rendering import mention_markup
from notifications import digests, unsubscribe
from notifications.models import DigestDelivery, DigestFrequency, NotificationPreference
from notifications.unsubscribe import unsubscribe_token_make, unsubscribe_url
from outbox.models import OutboundEmail
from tests.dialogues.factories import ThreadFactory, member_user
from tests.notifications.factories import NotificationPreferenceFactory

pytestmark = pytest.mark.django_db

ONE_CLICK = "List-Unsubscribe=One-Click"
FIELDS = {
    "mentions": "email_mentions",
    "decisions": "email_decisions",
    "announcements": "email_announcements",
}


@pytest.fixture
def person(db):
    user = member_user(full_name="Ulla Unsubscriber")
    NotificationPreferenceFactory(user=user, digest=DigestFrequency.DAILY)
    return user


def preference_of(user):
    return NotificationPreference.objects.get(user=user)


def settings_of(user):
    p = preference_of(user)
    return (p.digest, p.email_mentions, p.email_decisions, p.email_announcements)


def path_for(token):
    return reverse("notifications:unsubscribe", kwargs={"token": token})


def one_click(token):
    """What a mail program sends: a bare POST, no cookie, no CSRF token."""
    client = Client(enforce_csrf_checks=True)
    return client.post(
        path_for(token), data=ONE_CLICK, content_type="application/x-www-form-urlencoded"
    )


def test_a_get_shows_a_button_and_changes_nothing(client, person):
    before = settings_of(person)
    token = unsubscribe_token_make(user=person, scope="digest")
    response = client.get(path_for(token))
    assert response.status_code == 200
    assertContains(response, "Stop the digest emails?")
    assertContains(response, f'<form method="post" action="{path_for(token)}">', html=False)
    assertContains(response, "<button", html=False)
    assert settings_of(person) == before
    assert client.head(path_for(token)).status_code == 200
    assert settings_of(person) == before


def test_the_one_click_post_works_without_cookies_or_csrf_and_answers_in_place(person):
    token = unsubscribe_token_make(user=person, scope="digest")
    response = one_click(token)
    assert response.status_code == 200
    assert "Location" not in response
    assert "Set-Cookie" not in str(response.serialize_headers())
    assert not response.cookies
    assertContains(response, "You are unsubscribed")
    assertContains(response, "You will receive no more digest emails.")
    assert preference_of(person).digest == DigestFrequency.OFF
    # The other choices stay as they were.
    assert settings_of(person)[1:] == (True, True, True)
    # Again: idempotent.
    assert one_click(token).status_code == 200
    assert preference_of(person).digest == DigestFrequency.OFF


def test_the_button_on_the_page_posts_the_same_way(person):
    browser = Client(enforce_csrf_checks=True)
    token = unsubscribe_token_make(user=person, scope="digest")
    browser.get(path_for(token))
    response = browser.post(path_for(token))  # the page's form has no CSRF token
    assert response.status_code == 200
    assert preference_of(person).digest == DigestFrequency.OFF


@pytest.mark.parametrize("scope", ["mentions", "decisions", "announcements"])
def test_each_scope_stops_only_its_own_mail(scope, person):
    response = one_click(unsubscribe_token_make(user=person, scope=scope))
    assert response.status_code == 200
    preference = preference_of(person)
    assert getattr(preference, FIELDS[scope]) is False
    for other_scope, field in FIELDS.items():
        if other_scope != scope:
            assert getattr(preference, field) is True
    assert preference.digest == DigestFrequency.DAILY


def test_someone_without_settings_gets_them_switched_off_without_consenting(db):
    user = member_user()
    assert one_click(unsubscribe_token_make(user=user, scope="mentions")).status_code == 200
    preference = preference_of(user)
    assert preference.email_mentions is False
    assert preference.chosen_at is None  # unsubscribing is not choosing to receive mail


def _altered(token):
    """The token with its payload's first character changed (the signature no longer fits)."""
    first = "A" if token[1] != "A" else "B"
    return token[0] + first + token[2:]


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda user: "not-a-token", id="garbage"),
        pytest.param(
            lambda user: signing.dumps({"u": user.pk, "s": "digest"}, salt="another.salt"),
            id="wrong-salt",
        ),
        pytest.param(
            lambda user: signing.dumps(
                {"u": user.pk, "s": "digest"},
                salt=unsubscribe.SALT,
                key="a-forged-secret-key-0123456789",
            ),
            id="forged-key",
        ),
        pytest.param(
            lambda user: _altered(unsubscribe_token_make(user=user, scope="digest")), id="altered"
        ),
        pytest.param(
            lambda user: signing.dumps({"u": user.pk, "s": "everything"}, salt=unsubscribe.SALT),
            id="unknown-scope",
        ),
        pytest.param(
            lambda user: signing.dumps({"u": str(user.pk), "s": "digest"}, salt=unsubscribe.SALT),
            id="bad-user-id",
        ),
    ],
)
def test_bad_tokens_are_refused_and_change_nothing(make, person):
    before = settings_of(person)
    token = make(person)
    for response in (Client().get(path_for(token)), one_click(token)):
        assert response.status_code == 400
        assertContains(response, "This unsubscribe link does not work", status_code=400)
        assertNotContains(response, "You are unsubscribed", status_code=400)
    assert settings_of(person) == before


def test_a_token_for_another_person_only_touches_that_person(person):
    other = member_user()
    NotificationPreferenceFactory(user=other, digest=DigestFrequency.DAILY)
    one_click(unsubscribe_token_make(user=other, scope="digest"))
    assert preference_of(other).digest == DigestFrequency.OFF
    assert preference_of(person).digest == DigestFrequency.DAILY


def _token_made_days_ago(user, days, monkeypatch):
    real_time = time.time
    monkeypatch.setattr(signing.time, "time", lambda: real_time() - days * 86400)
    token = unsubscribe_token_make(user=user, scope="digest")
    monkeypatch.setattr(signing.time, "time", real_time)
    return token


def test_an_expired_token_is_refused(person, monkeypatch):
    token = _token_made_days_ago(person, 91, monkeypatch)
    assert one_click(token).status_code == 400
    assert preference_of(person).digest == DigestFrequency.DAILY


def test_a_token_within_its_lifetime_works(person, monkeypatch):
    token = _token_made_days_ago(person, 89, monkeypatch)
    assert one_click(token).status_code == 200
    assert preference_of(person).digest == DigestFrequency.OFF


def test_the_lifetime_is_the_setting(person, monkeypatch):
    token = unsubscribe_token_make(user=person, scope="digest")
    monkeypatch.setattr(unsubscribe, "UNSUBSCRIBE_MAX_AGE", timedelta(seconds=-1))
    assert one_click(token).status_code == 400
    assert preference_of(person).digest == DigestFrequency.DAILY


def test_a_deactivated_account_is_refused(person):
    token = unsubscribe_token_make(user=person, scope="digest")
    person.is_active = False
    person.save(update_fields=["is_active"])
    assert one_click(token).status_code == 400


def test_only_get_head_and_post(person):
    token = unsubscribe_token_make(user=person, scope="digest")
    assert Client().put(path_for(token)).status_code == 405
    assert preference_of(person).digest == DigestFrequency.DAILY


def test_the_page_is_in_the_persons_language(person):
    person.language = "fr"
    person.save(update_fields=["language"])
    response = Client().get(path_for(unsubscribe_token_make(user=person, scope="digest")))
    assert '<html lang="fr"' in response.content.decode()


def _footer_and_header(message):
    header = message.headers["List-Unsubscribe"]
    assert header.startswith("<") and header.endswith(">")
    return header[1:-1]


def test_the_footer_link_and_the_header_lead_to_the_same_page(person, settings, topic):
    from notifications.models import Notification

    # The digest.
    slot = digests.digest_slot(frequency=DigestFrequency.DAILY, at=person.date_joined)
    slot = slot + timedelta(days=2)
    author = member_user(full_name="Anna Active")
    thread = ThreadFactory(topic=topic, author=author, body=mention_markup(person))
    Notification.objects.filter(recipient=person).update(created_at=slot - timedelta(hours=1))
    preference_of(person).__class__.objects.filter(user=person).update(
        digest_since=slot - timedelta(days=1)
    )
    digests.digest_batch_send(frequency=DigestFrequency.DAILY, slot=slot, user_ids=[person.pk])
    digest = DigestDelivery.objects.get(user=person).outbound_email
    # The mention's immediate email.
    immediate = OutboundEmail.objects.exclude(pk=digest.pk).get(to__contains=[person.email])
    assert thread.title in immediate.subject or "mentioned" in immediate.subject
    for message, scope in ((digest, "digest"), (immediate, "mentions")):
        link = _footer_and_header(message)
        assert link.startswith(f"{settings.SITE_URL}/notifications/unsubscribe/")
        assert message.headers["List-Unsubscribe-Post"] == ONE_CLICK
        assert link in message.body_text
        assert f'href="{link}"' in message.body_html
        path = link.removeprefix(settings.SITE_URL)
        response = Client().get(path)
        assert response.status_code == 200
        assert response.context["scope"] == scope
    assert unsubscribe_url(user=person, scope="digest").startswith(settings.SITE_URL)


def test_an_immediate_decision_email_unsubscribes_from_decisions_only():
    from members import services as member_services
    from tests.accounts.factories import UserFactory
    from tests.initiatives.factories import contact_user

    contact = contact_user()
    NotificationPreferenceFactory(user=contact, digest=DigestFrequency.WEEKLY)
    member_services.join_request_create(
        user=UserFactory(), organisation=contact.representative.organisation, position="Analyst"
    )
    message = OutboundEmail.objects.get(to__contains=[contact.email])
    link = _footer_and_header(message)
    assert link in message.body_text and f'href="{link}"' in message.body_html
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert one_click(token).status_code == 200
    assert settings_of(contact) == (DigestFrequency.WEEKLY, True, False, True)
