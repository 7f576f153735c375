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
