"""The notifications page in a real browser: WCAG 2.1 A/AA with axe-core with a few
notifications (read and unread), and following one opens the post it is about."""

import re

import pytest
from django.contrib.auth.models import Group

from dialogues import services
from dialogues.rendering import mention_markup
from members.permissions import SECRETARIAT_GROUP
from notifications.models import Notification
from notifications.services import notification_mark_read
from tests.accounts.factories import UserFactory
from tests.browser.axe import assert_accessible
from tests.dialogues.factories import member_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def mentions():
    """Anna mentions Oskar in three threads of a public topic; he has read the first."""
    secretariat = UserFactory(full_name="Sophie Secretariat", email="sophie@eca-portal.eu")
    secretariat.groups.add(Group.objects.get(name=SECRETARIAT_GROUP))
    anna = member_user(full_name="Anna Active", email="anna@region.example.eu")
    oskar = member_user(full_name="Oskar Other", email="oskar@agency.example.eu")
    topic = services.topic_create(
        acting_user=secretariat,
        title="Green transition",
        description="How cluster programmes support the green transition.",
    )
    threads = [
        services.thread_create(
            topic=topic,
            author=anna,
            title=title,
            body=f"What is your experience, {mention_markup(oskar)}?",
        )
        for title in ("Energy audits", "Circular materials", "Hydrogen valleys")
    ]
    notification_mark_read(notification=Notification.objects.get(thread=threads[0]), user=oskar)
    return threads


def test_the_notifications_page_is_accessible_and_opens_the_post(page, sign_in, password, mentions):
    sign_in(page, email="oskar@agency.example.eu", password=password)
    header_link = page.get_by_role("link", name=re.compile(r"^Notifications \(2\s*unread\s*\)$"))
    assert header_link.count() == 1
    header_link.click()
    page.wait_for_url("**/notifications/")
    assert page.get_by_role("heading", level=1, name="Notifications").is_visible()
    assert page.get_by_text("Unread", exact=True).count() == 2
    assert_accessible(page)

    page.get_by_role("link", name="Anna Active mentioned you in “Hydrogen valleys”").click()
    page.wait_for_url("**/dialogues/**")
    assert page.get_by_role("heading", level=1, name="Hydrogen valleys").is_visible()
    assert page.get_by_text("What is your experience").first.is_visible()
    page.goto("/notifications/")
    assert page.get_by_text("Unread", exact=True).count() == 1


# --- The email settings (consent step) and the unsubscribe page --------------------------------


@pytest.fixture
def new_member(verified_user):
    """An active member's representative who has not chosen their emails yet."""
    from tests.members.factories import RepresentativeFactory

    RepresentativeFactory(user=verified_user)
    return verified_user


def test_the_first_choice_is_accessible_and_completed_with_the_keyboard_alone(
    page, sign_in, password, new_member
):
    from notifications.models import NotificationPreference
    from tests.members.factories import PolicyThemeFactory

    theme = PolicyThemeFactory(name="Hydrogen valleys")
    # Signing in lands on the consent step (the page after sign-in is redirected once).
    sign_in(page, email=new_member.email, password=password)
    page.wait_for_url("**/notifications/settings/**")
    assert page.get_by_role("heading", level=1, name="Choose your emails").is_visible()
    assert page.get_by_role("radio", name="Weekly, on Monday morning").is_checked()
    assert_accessible(page)

    # Tab through the page; Space ticks or unticks, Enter on the button saves.
    wanted = {"id_email_mentions": "untick", f"theme-{theme.pk}": "tick"}
    done = set()
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const e = document.activeElement;"
            " return {id: e.id, type: e.type, value: e.value, name: e.name,"
            " text: e.textContent.trim()}; }"
        )
        key = focused["id"]
        if focused["name"] == "themes" and focused["value"] == str(theme.pk):
            key = f"theme-{theme.pk}"
        if key in wanted and key not in done:
            page.keyboard.press("Space")
            done.add(key)
        if focused["type"] == "submit" and focused["text"] == "Save my choices":
            assert done == set(wanted), f"reached the button having done only {done}"
            with page.expect_navigation():
                page.keyboard.press("Enter")
            break
    else:
        pytest.fail("The save button cannot be reached with Tab")
    assert page.get_by_text("Your email settings are saved.").is_visible()
    preference = NotificationPreference.objects.get(user=new_member)
    assert preference.has_chosen and preference.digest == "weekly"
    assert preference.email_mentions is False and preference.email_decisions is True
    assert list(preference.themes.all()) == [theme]
    assert_accessible(page)


def test_the_unsubscribe_page_is_accessible_before_and_after(page, new_member):
    from django.urls import reverse

    from notifications.models import NotificationPreference
    from notifications.unsubscribe import unsubscribe_token_make
    from tests.notifications.factories import NotificationPreferenceFactory

    NotificationPreferenceFactory(user=new_member, digest="daily")
    token = unsubscribe_token_make(user=new_member, scope="digest")
    page.goto(reverse("notifications:unsubscribe", kwargs={"token": token}))
    assert page.get_by_role("heading", level=1, name="Unsubscribe").is_visible()
    assert_accessible(page)
    assert NotificationPreference.objects.get(user=new_member).digest == "daily"
    page.get_by_role("button", name="Unsubscribe").click()
    page.get_by_role("heading", level=1, name="You are unsubscribed").wait_for()
    assert page.get_by_role("status").inner_text() == "You will receive no more digest emails."
    assert_accessible(page)
    assert NotificationPreference.objects.get(user=new_member).digest == "off"
    page.goto(reverse("notifications:unsubscribe", kwargs={"token": token + "x"}))
    assert page.get_by_role(
        "heading", level=1, name="This unsubscribe link does not work"
    ).is_visible()
    assert_accessible(page)
