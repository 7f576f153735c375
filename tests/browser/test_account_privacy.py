"""A person's data in a real browser: the account page, the download, and deleting the account.
Every page passes axe-core (WCAG 2.1 A/AA)."""

import json

import pytest

from accounts.models import User
from tests.browser.axe import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_person_downloads_their_data_then_deletes_their_account(
    page, live_server, sign_in, verified_user, password
):
    sign_in(page, email=verified_user.email, password=password)
    page.goto("/accounts/me/")
    assert_accessible(page)

    page.get_by_role("link", name="Your data and account deletion").click()
    page.get_by_role("heading", name="Your data", level=1).wait_for()
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download my data (JSON)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("eca-portal-my-data-")
    data = json.loads(open(download.path(), encoding="utf-8").read())
    assert data["profile"]["email"] == verified_user.email

    page.get_by_role("link", name="Read what deleting your account does").click()
    page.get_by_role("heading", name="Delete your account", level=1).wait_for()
    assert_accessible(page)
    page.get_by_label("Your password").fill("not-my-password")
    page.get_by_role("button", name="Delete my account").click()
    assert "This is not your password" in page.locator("#id_password_error").inner_text()
    assert_accessible(page)

    page.get_by_label("Your password").fill(password)
    page.get_by_role("button", name="Delete my account").click()
    page.get_by_role("heading", name="Your account was deleted").wait_for()
    assert_accessible(page)
    assert page.locator("form[action$='/accounts/logout/']").count() == 0
    assert not User.objects.filter(pk=verified_user.pk).exists()


def test_the_last_contact_sees_the_way_to_hand_over(page, live_server, sign_in, password):
    from tests.members.factories import ContactFactory

    contact = ContactFactory(user__email="last.contact@agency.example.eu").user
    sign_in(page, email=contact.email, password=password)
    page.goto("/accounts/me/delete/")
    assert_accessible(page)
    page.get_by_role("link", name="Hand over the contact role").click()
    assert page.url.endswith(
        f"/members/{contact.representative.organisation.slug}/representatives/"
    )
