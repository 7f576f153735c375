"""The secretariat deactivates an account: the person can no longer sign in, their sessions end
at once, and the audit log says who did it and why."""

import pytest
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from accounts import deactivation
from audit.models import AuditAction, AuditEntry
from tests.accounts.factories import UserFactory
from tests.members.factories import ContactFactory, RepresentativeFactory

pytestmark = pytest.mark.django_db

USERS = reverse("secretariat_users:user_list")
ROLES = ["anonymous", "non_member", "representative", "contact", "secretariat_without_2fa"]


def status_url(user, action="deactivate"):
    return reverse("secretariat_users:user_status_change", kwargs={"pk": user.pk, "action": action})


def signed_in_client(user) -> Client:
    """A browser of the person, signed in, that has made a request (so allauth tracks it)."""
    browser = Client()
    browser.force_login(user)
    assert browser.get(reverse("accounts:overview")).status_code == 200
    return browser


# --- The services -----------------------------------------------------------------------------


def test_deactivation_closes_the_account_and_ends_its_sessions(secretariat_user):
    person = UserFactory()
    browsers = [signed_in_client(person), signed_in_client(person)]
    session_keys = [browser.session.session_key for browser in browsers]
    assert UserSession.objects.filter(user=person).count() == 2

    deactivation.user_deactivate(user=person, acting_user=secretariat_user, reason="Left.")

    person.refresh_from_db()
    assert person.is_active is False
    assert not UserSession.objects.filter(user=person).exists()
    assert not Session.objects.filter(session_key__in=session_keys).exists()
    entry = AuditEntry.objects.get(action=AuditAction.USER_DEACTIVATE)
    assert (entry.actor_id, entry.object_id) == (secretariat_user.pk, person.pk)
    assert entry.changes == {"is_active": [True, False], "reason": "Left.", "sessions_ended": 2}


def test_the_existing_session_no_longer_works(secretariat_user):
    person = UserFactory()
    browser = signed_in_client(person)
    deactivation.user_deactivate(user=person, acting_user=secretariat_user, reason="Left.")
    response = browser.get(reverse("accounts:overview"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_session_allauth_did_not_track_stops_working_too(client, secretariat_user):
    person = UserFactory()
    client.force_login(person)  # no request yet: no UserSession row
    assert not UserSession.objects.filter(user=person).exists()
    deactivation.user_deactivate(user=person, acting_user=secretariat_user, reason="Left.")
    assert client.get(reverse("accounts:overview")).status_code == 302


def test_a_deactivated_person_cannot_sign_in(client, secretariat_user, password):
    person = UserFactory()
    deactivation.user_deactivate(user=person, acting_user=secretariat_user, reason="Left.")
    response = client.post(reverse("account_login"), {"login": person.email, "password": password})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_inactive")
    assert "_auth_user_id" not in client.session


def test_reactivation_lets_the_person_sign_in_again(client, secretariat_user, password):
    person = UserFactory()
    deactivation.user_deactivate(user=person, acting_user=secretariat_user, reason="Left.")
    deactivation.user_reactivate(user=person, acting_user=secretariat_user, reason="Back.")
    person.refresh_from_db()
    assert person.is_active is True
    assert AuditEntry.objects.filter(action=AuditAction.USER_REACTIVATE).count() == 1
    client.post(reverse("account_login"), {"login": person.email, "password": password})
    assert client.session["_auth_user_id"] == str(person.pk)


def test_the_secretariat_cannot_deactivate_itself(secretariat_user):
    with pytest.raises(deactivation.AccountError, match="your own account"):
        deactivation.user_deactivate(
            user=secretariat_user, acting_user=secretariat_user, reason="Oops."
        )
    secretariat_user.refresh_from_db()
    assert secretariat_user.is_active
    assert not AuditEntry.objects.filter(action=AuditAction.USER_DEACTIVATE).exists()


def test_a_reason_is_required(secretariat_user):
    person = UserFactory()
    with pytest.raises(ValidationError) as error:
        deactivation.user_deactivate(user=person, acting_user=secretariat_user, reason="  ")
    assert error.value.message_dict == {"reason": ["Say why the account is deactivated."]}
    person.refresh_from_db()
    assert person.is_active


def test_only_the_secretariat_deactivates():
    contact = ContactFactory().user
    colleague = RepresentativeFactory().user
    with pytest.raises(PermissionDenied):
        deactivation.user_deactivate(user=colleague, acting_user=contact, reason="Left.")


def test_the_secretariat_cannot_deactivate_an_administrator(secretariat_user):
    administrator = UserFactory(is_staff=True, is_superuser=True)
    with pytest.raises(deactivation.AccountError, match="administrator"):
        deactivation.user_deactivate(
            user=administrator, acting_user=secretariat_user, reason="Why not."
        )


def test_deactivating_twice_is_refused(secretariat_user):
    person = UserFactory()
    deactivation.user_deactivate(user=person, acting_user=secretariat_user, reason="Left.")
    with pytest.raises(deactivation.AccountError, match="already deactivated"):
        deactivation.user_deactivate(user=person, acting_user=secretariat_user, reason="Again.")
    assert AuditEntry.objects.filter(action=AuditAction.USER_DEACTIVATE).count() == 1


# --- The pages --------------------------------------------------------------------------------


@pytest.fixture
def client_as(client, secretariat_user, secretariat_user_without_2fa):
    def sign_in(role):
        user = {
            "anonymous": lambda: None,
            "non_member": UserFactory,
            "representative": lambda: RepresentativeFactory().user,
            "contact": lambda: ContactFactory().user,
            "secretariat_without_2fa": lambda: secretariat_user_without_2fa,
            "secretariat": lambda: secretariat_user,
        }[role]()
        if user is not None:
            client.force_login(user)
        return client

    return sign_in


@pytest.mark.parametrize("page", ["list", "deactivate"])
@pytest.mark.parametrize("role", ROLES)
def test_only_the_secretariat_with_2fa_opens_the_users_pages(client_as, role, page):
    from tests.audit.conftest import assert_refused_as

    url = USERS if page == "list" else status_url(UserFactory())
    assert_refused_as(client_as(role).get(url), role)


def test_a_deactivation_by_a_refused_role_changes_nothing(client_as):
    person = UserFactory()
    client_as("contact").post(status_url(person), {"reason": "I say so."})
    person.refresh_from_db()
    assert person.is_active


def test_the_users_page_lists_and_finds_accounts(client_as, secretariat_user):
    UserFactory(full_name="Hanna Hofer", email="hanna@styria.example.at")
    UserFactory(full_name="Bruno Braun", email="bruno@bavaria.example.de", is_active=False)
    client = client_as("secretariat")
    html = client.get(USERS).content.decode()
    assert "Hanna Hofer" in html and "Bruno Braun" in html
    assert "Deactivated" in html

    found = client.get(USERS, {"q": "styria"})
    assert [account.full_name for account in found.context["accounts"]] == ["Hanna Hofer"]
    inactive = client.get(USERS, {"status": "inactive"})
    assert [account.full_name for account in inactive.context["accounts"]] == ["Bruno Braun"]


def test_the_own_account_has_no_deactivate_link(client_as, secretariat_user):
    html = client_as("secretariat").get(USERS).content.decode()
    assert status_url(secretariat_user) not in html
    assert "Your account" in html


def test_a_bad_status_filter_is_explained(client_as):
    response = client_as("secretariat").get(USERS, {"status": "asleep"})
    assert response.status_code == 200
    assert response.context["filter"].form.errors["status"] == [
        "“asleep” is not a status of an account."
    ]


@pytest.mark.parametrize("count", [3, 120])
def test_the_users_page_costs_the_same_queries_for_few_and_many(
    client_as, django_assert_max_num_queries, count
):
    for _number in range(count):
        RepresentativeFactory()
    client = client_as("secretariat")
    # As the audit log (tests/audit/test_views.py): organisation and roles are joined in.
    with django_assert_max_num_queries(16):
        response = client.get(USERS)
    assert response.status_code == 200


def test_deactivation_asks_for_confirmation_and_a_reason(client_as):
    person = UserFactory(full_name="Hanna Hofer")
    client = client_as("secretariat")
    page = client.get(status_url(person))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Deactivate the account of Hanna Hofer" in html
    assert 'name="reason"' in html

    response = client.post(status_url(person), {"reason": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_reason_error"' in html
    assert "Say why." in html
    person.refresh_from_db()
    assert person.is_active


def test_deactivation_through_the_page_ends_the_person_s_session(client_as):
    person = UserFactory(full_name="Hanna Hofer")
    browser = signed_in_client(person)
    client = client_as("secretariat")
    response = client.post(status_url(person), {"reason": "Left the agency."}, follow=True)
    assert response.redirect_chain[-1][0] == USERS
    assert "Hanna Hofer can no longer sign in; their sessions have ended." in (
        response.content.decode()
    )
    assert browser.get(reverse("accounts:overview")).status_code == 302


def test_reactivation_through_the_page(client_as):
    person = UserFactory(full_name="Bruno Braun", is_active=False)
    client = client_as("secretariat")
    assert client.get(status_url(person, "deactivate")).context["refusal"]
    response = client.post(status_url(person, "reactivate"), {"reason": "Back at work."})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.is_active


def test_the_page_refuses_the_own_account(client_as, secretariat_user):
    client = client_as("secretariat")
    page = client.get(status_url(secretariat_user))
    assert "You cannot deactivate your own account." in page.content.decode()
    assert 'name="reason"' not in page.content.decode()
    client.post(status_url(secretariat_user), {"reason": "Oops."})
    secretariat_user.refresh_from_db()
    assert secretariat_user.is_active


@pytest.mark.parametrize("url_kwargs", [{"pk": 999999, "action": "deactivate"}, None])
def test_unknown_accounts_and_actions_are_404(client_as, url_kwargs):
    if url_kwargs is None:
        url_kwargs = {"pk": UserFactory().pk, "action": "promote"}
    response = client_as("secretariat").get(
        reverse("secretariat_users:user_status_change", kwargs=url_kwargs)
    )
    assert response.status_code == 404
