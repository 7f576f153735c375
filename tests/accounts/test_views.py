import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_account_page_needs_sign_in(client):
    response = client.get(reverse("accounts:overview"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_account_page_shows_and_saves_details(client, verified_user):
    client.force_login(verified_user)
    response = client.get(reverse("accounts:overview"))
    assert response.status_code == 200
    assert verified_user.email in response.content.decode()
    response = client.post(
        reverse("accounts:overview"), {"full_name": "Inès Moreau-Lefèvre", "language": "fr"}
    )
    assert response.status_code == 302
    verified_user.refresh_from_db()
    assert verified_user.full_name == "Inès Moreau-Lefèvre"
    assert verified_user.language == "fr"
    assert response.cookies["django_language"].value == "fr"


def test_account_page_shows_errors_next_to_the_field(client, verified_user):
    client.force_login(verified_user)
    response = client.post(reverse("accounts:overview"), {"full_name": "", "language": "xx"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_full_name_error"' in html
    assert 'aria-describedby="id_full_name_error"' in html
    assert 'id="id_language_error"' in html
    verified_user.refresh_from_db()
    assert verified_user.full_name == "Inès Moreau"


def test_signup_shows_errors_next_to_fields_and_keeps_input(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "not-an-email", "full_name": "Jan Kowalski", "password1": "x", "password2": "y"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_email_error"' in html
    assert 'value="Jan Kowalski"' in html


def test_login_does_not_reveal_whether_an_account_exists(client, verified_user):
    wrong_password = client.post(
        reverse("account_login"), {"login": verified_user.email, "password": "wrong-password-1"}
    )
    no_account = client.post(
        reverse("account_login"), {"login": "nobody@nowhere.eu", "password": "wrong-password-1"}
    )
    assert wrong_password.status_code == no_account.status_code == 200
    assert "not correct" in wrong_password.content.decode()
    assert "not correct" in no_account.content.decode()


def test_password_reset_does_not_reveal_whether_an_account_exists(
    client, verified_user, django_capture_on_commit_callbacks
):
    from django.core import mail

    responses = []
    for email in [verified_user.email, "nobody@nowhere.eu"]:
        with django_capture_on_commit_callbacks(execute=True):
            responses.append(client.post(reverse("account_reset_password"), {"email": email}))
    assert [r.status_code for r in responses] == [302, 302]
    assert responses[0].url == responses[1].url == reverse("account_reset_password_done")
    # The page says the same; only the owner of the real account receives a reset link.
    by_address = {m.to[0]: m.body for m in mail.outbox}
    assert "/accounts/password/reset/key/" in by_address[verified_user.email]
    assert "/accounts/password/reset/key/" not in by_address.get("nobody@nowhere.eu", "")


def test_signing_up_with_a_taken_address_does_not_reveal_it(
    client, verified_user, django_capture_on_commit_callbacks
):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {
                "email": verified_user.email,
                "full_name": "Someone Else",
                "password1": "a-long-passphrase-42",
                "password2": "a-long-passphrase-42",
            },
        )
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert verified_user.__class__.objects.filter(email__iexact=verified_user.email).count() == 1
    assert [m.to for m in mail.outbox] == [[verified_user.email]]  # the owner is told instead


def test_login_is_rate_limited(client, verified_user):
    statuses = []
    for _ in range(7):
        response = client.post(
            reverse("account_login"), {"login": verified_user.email, "password": "wrong-pass-1"}
        )
        statuses.append(response.status_code)
    assert 429 in statuses or "Too many failed login attempts" in response.content.decode()


def test_sessions_page_lists_and_ends_sessions(client, verified_user, password):
    from allauth.usersessions.models import UserSession

    other_browser = type(client)()
    other_browser.post(
        reverse("account_login"), {"login": verified_user.email, "password": password}
    )
    client.post(reverse("account_login"), {"login": verified_user.email, "password": password})
    assert UserSession.objects.filter(user=verified_user).count() == 2
    response = client.get(reverse("usersessions_list"))
    assert response.status_code == 200
    client.post(reverse("usersessions_list"))  # "sign out other sessions"
    assert UserSession.objects.filter(user=verified_user).count() == 1
    assert other_browser.get(reverse("accounts:overview")).status_code == 302


def test_a_session_ends_after_a_working_day_without_activity(client, verified_user, password):
    client.post(reverse("account_login"), {"login": verified_user.email, "password": password})
    assert client.session.get_expiry_age() == 8 * 60 * 60
    assert client.session.get_expire_at_browser_close()  # and on a shared computer, at closing
    # Every request pushes the expiry forward: inactivity, not the sign-in time, counts.
    first_expiry = client.session.get_expiry_date()
    client.get(reverse("accounts:overview"))
    assert client.session.get_expiry_date() >= first_expiry


def test_two_factor_authentication_is_offered_to_every_user(client, verified_user, password):
    client.force_login(verified_user)
    assert client.get(reverse("mfa_index")).status_code == 200
    # Turning on 2FA is sensitive: allauth asks for the password again first.
    response = client.get(reverse("mfa_activate_totp"))
    assert response.url.startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": password})
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "European Cluster Alliance" in html  # the portal's layout, not allauth's bare page
    assert 'name="code"' in html
    assert client.get(reverse("mfa_add_webauthn")).status_code == 200
