import pytest

from tests.accounts.factories import UserFactory
from tests.members.factories import ContactFactory, RepresentativeFactory

ROLES = ["anonymous", "non_member", "representative", "contact", "secretariat_without_2fa"]


@pytest.fixture
def client_as(client, secretariat_user, secretariat_user_without_2fa):
    """`client_as(role)`: the test client signed in as a person of that role."""

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


def assert_refused_as(response, role):
    """What each role that may not open a secretariat page gets."""
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    elif role == "secretariat_without_2fa":
        assert_sent_to_set_up_2fa(response)
    else:
        assert response.status_code == 403


def assert_sent_to_set_up_2fa(response):
    from django.contrib.messages import get_messages
    from django.urls import reverse

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_index")
    texts = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("two-factor authentication" in text for text in texts), texts
