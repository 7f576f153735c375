"""The secretariat's audit log and users page in a real browser: the sign-in asks for the second
factor, the pages pass axe-core (WCAG 2.1 A/AA), and a deactivation goes through its
confirmation step. A secretariat member without 2FA lands on the set-up page."""

import pytest
from django.urls import reverse

from audit.models import AuditAction, AuditEntry
from audit.services import audit_record
from members import services as member_services
from tests.accounts.factories import UserFactory
from tests.browser.axe import assert_accessible
from tests.members.factories import OrganisationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def submit(page, button_name):
    with page.expect_navigation():
        page.get_by_role("button", name=button_name, exact=True).click()


def test_the_secretariat_reads_and_filters_the_audit_log(page, sign_in, secretariat_user, password):
    member_services.membership_suspend(
        organisation=OrganisationFactory(name="Cluster Agency Styria"),
        acting_user=secretariat_user,
        note="Fees unpaid.",
    )
    audit_record(actor=None, action=AuditAction.ANNOUNCEMENT_SEND, object_label="Spring news")
    sign_in(page, email=secretariat_user.email, password=password)

    page.goto(reverse("audit:log"))
    page.get_by_role("heading", name="Audit log", level=1).wait_for()
    assert page.get_by_role("cell", name="Cluster Agency Styria").is_visible()
    assert_accessible(page)

    page.get_by_label("Action").select_option(AuditAction.MEMBERSHIP_SUSPEND)
    submit(page, "Show entries")
    assert page.get_by_role("heading", name="1 entry").is_visible()
    assert page.get_by_role("cell", name="Spring news").count() == 0

    page.get_by_label("From").fill("2026-05-02")
    page.get_by_label("Until").fill("2026-05-01")
    submit(page, "Show entries")
    assert page.get_by_role("alert").is_visible()
    assert_accessible(page)


def test_the_secretariat_deactivates_an_account_after_confirming(
    page, sign_in, secretariat_user, password
):
    UserFactory(full_name="Hanna Hofer", email="hanna@styria.example.at")
    sign_in(page, email=secretariat_user.email, password=password)

    page.goto(reverse("secretariat_users:user_list"))
    assert_accessible(page)
    page.get_by_label("Name or email address").fill("hanna")
    submit(page, "Show accounts")
    with page.expect_navigation():
        page.get_by_role("link", name="Deactivate Hanna Hofer").click()
    page.get_by_role("heading", name="Deactivate the account of Hanna Hofer").wait_for()
    assert_accessible(page)

    submit(page, "Deactivate the account")  # no reason: the error is next to the field
    assert page.locator("#id_reason_error").inner_text() == "Say why."
    assert_accessible(page)

    page.get_by_label("Reason").fill("Left the agency.")
    submit(page, "Deactivate the account")
    page.get_by_text("Hanna Hofer can no longer sign in; their sessions have ended.").wait_for()
    assert AuditEntry.objects.filter(action=AuditAction.USER_DEACTIVATE).count() == 1
    assert_accessible(page)


def test_a_secretariat_member_without_2fa_is_sent_to_set_it_up(
    page, sign_in, secretariat_user_without_2fa, password
):
    sign_in(page, email=secretariat_user_without_2fa.email, password=password)
    page.goto(reverse("audit:log"))
    assert page.url.endswith(reverse("mfa_index"))
    page.get_by_text("The secretariat's pages need two-factor authentication").wait_for()
    assert_accessible(page)
