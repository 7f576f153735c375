"""Which client address the audit trail believes (X-Forwarded-For only behind our proxies)."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from audit.context import client_ip_of
from audit.models import AuditAction, AuditEntry
from tests.members.factories import OrganisationFactory


def request_with(remote="203.0.113.9", forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


def test_without_trusted_proxies_a_forged_forwarded_header_is_ignored(settings):
    settings.AUDIT_TRUSTED_PROXY_COUNT = 0
    assert client_ip_of(request_with(forwarded="1.2.3.4")) == "203.0.113.9"


@pytest.mark.parametrize(
    ("trusted", "forwarded", "expected"),
    [
        (1, "198.51.100.7", "198.51.100.7"),
        # The client claimed 1.2.3.4; our one proxy saw 198.51.100.7.
        (1, "1.2.3.4, 198.51.100.7", "198.51.100.7"),
        (2, "1.2.3.4, 198.51.100.7, 10.0.0.2", "198.51.100.7"),
        # Fewer hops than proxies, or garbage: the direct peer.
        (2, "198.51.100.7", "203.0.113.9"),
        (1, "not-an-address", "203.0.113.9"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_behind_trusted_proxies_the_address_our_proxy_saw(settings, trusted, forwarded, expected):
    settings.AUDIT_TRUSTED_PROXY_COUNT = trusted
    assert client_ip_of(request_with(forwarded=forwarded)) == expected


def test_an_invalid_remote_address_is_recorded_as_none():
    assert client_ip_of(request_with(remote="")) is None


def test_an_action_through_a_page_records_remote_addr(client, secretariat_user, settings):
    settings.AUDIT_TRUSTED_PROXY_COUNT = 0
    organisation = OrganisationFactory()
    client.force_login(secretariat_user)
    response = client.post(
        reverse("members:membership_status", kwargs={"slug": organisation.slug}),
        {"note": "Fees unpaid for two years."},
        REMOTE_ADDR="203.0.113.77",
        HTTP_X_FORWARDED_FOR="1.2.3.4",
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action=AuditAction.MEMBERSHIP_SUSPEND)
    assert entry.ip_address == "203.0.113.77"
