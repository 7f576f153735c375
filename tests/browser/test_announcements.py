"""The secretariat writes and sends an announcement in a real browser, with the keyboard;
every page is accessible; a member then finds it among their notifications."""

import pytest

from notifications.models import Announcement
from tests.browser.axe import assert_accessible
from tests.members.factories import ContactFactory, OrganisationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_writing_and_sending_an_announcement(
    page, live_server, sign_in, secretariat_user, password
):
    belgian = OrganisationFactory(name="Flanders Innovation", country="BE")
    reader = ContactFactory(organisation=belgian).user
    reader.set_password(password)
    reader.save()

    sign_in(page, email=secretariat_user.email, password=password)
    page.goto("/secretariat/")
    page.get_by_role("link", name="Announcements", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Announcements"
    assert_accessible(page)

    page.get_by_role("link", name="Write an announcement").click()
    # Saving empty explains what is missing, next to the fields.
    page.get_by_role("button", name="Save the draft").press("Enter")
    assert page.locator(".errorlist").count() >= 2
    assert_accessible(page)

    page.get_by_label("Title").fill("General assembly on 3 March")
    page.get_by_label("Message").fill("Please **register** by 20 February.")
    belgium = page.get_by_label("Belgium")
    belgium.focus()
    page.keyboard.press("Space")
    assert belgium.is_checked()
    page.get_by_role("button", name="Save the draft").press("Enter")
    page.wait_for_url("**/secretariat/announcements/*/")
    assert page.get_by_role("heading", level=1).inner_text() == "General assembly on 3 March"
    assert_accessible(page)

    send = page.get_by_role("button", name="Send to 1 member")
    send.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", name="Progress").is_visible()
    assert_accessible(page)
    page.reload()
    assert "1 / 1" in page.locator("dl.facts").last.inner_text()
    assert Announcement.objects.get().status == Announcement.Status.SENT

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, email=reader.email, password=password)
    page.goto("/notifications/")
    page.get_by_role("link", name="Announcement from the secretariat: General assembly").click()
    assert page.get_by_role("heading", level=1).inner_text() == "General assembly on 3 March"
    assert page.locator(".post-body strong").inner_text() == "register"
    assert_accessible(page)
