"""Reading and writing in the policy dialogues in a real browser: WCAG 2.1 A/AA with axe-core
on the overview, a topic, a thread (posts, an attachment, a reply quote, a hidden post as a
moderator sees it) and the writing forms (also after a submit with errors); and the @mention
listbox used with the keyboard only."""

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from dialogues import services
from dialogues.models import Post, Topic
from members.permissions import SECRETARIAT_GROUP
from tests.accounts.factories import UserFactory
from tests.browser.axe import assert_accessible
from tests.dialogues.factories import member_user, pdf_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def dialogue():
    """A public topic with a discussion (an attachment, a reply that quotes, a hidden post) and
    a members-only topic; the people taking part."""
    moderator = UserFactory(full_name="Mia Moderator", email="mia@eca-portal.eu")
    secretariat = UserFactory(full_name="Sophie Secretariat", email="sophie@eca-portal.eu")
    secretariat.groups.add(Group.objects.get(name=SECRETARIAT_GROUP))
    anna = member_user(full_name="Anna Active", email="anna@region.example.eu")
    oskar = member_user(full_name="Oskar Other", email="oskar@agency.example.eu")
    osma = member_user(full_name="Osma Second", email="osma@agency.example.fi")
    topic = services.topic_create(
        acting_user=secretariat,
        title="Green transition",
        description="How cluster programmes support the green transition.",
        moderators=[moderator],
    )
    services.topic_create(
        acting_user=secretariat,
        title="Programme evaluation",
        visibility=Topic.Visibility.MEMBERS,
        moderators=[moderator],
    )
    thread = services.thread_create(
        topic=topic,
        author=anna,
        title="How do you fund cluster managements?",
        body="We co-fund **cluster management** for three years.\n\n- staff\n- events",
        attachments=[pdf_file("evaluation-report.pdf")],
    )
    opening = thread.posts.get()
    reply = services.post_create(
        thread=thread,
        author=oskar,
        body="In our region the contract runs for *five* years.",
        reply_to=opening,
    )
    services.post_mark_useful(post=reply, user=anna)
    advert = services.post_create(thread=thread, author=osma, body="Buy our consulting services!")
    services.post_hide(post=advert, acting_user=moderator, reason="Advertising")
    services.post_create(thread=thread, author=anna, body="Thank you both.", reply_to=reply)
    return {
        "topic": topic,
        "thread": thread,
        "moderator": moderator,
        "anna": anna,
        "oskar": oskar,
        "osma": osma,
    }


def test_the_reading_pages_have_no_wcag_violations(page, sign_in, password, dialogue):
    topic, thread = dialogue["topic"], dialogue["thread"]

    # The overview and a topic, as the public sees them.
    page.goto(reverse("dialogues:topic_list"))
    assert page.get_by_role("heading", level=1).inner_text() == "Policy dialogues"
    assert page.get_by_role("link", name="Programme evaluation").count() == 0
    assert_accessible(page)
    page.get_by_role("link", name="Green transition").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Green transition")
    assert_accessible(page)

    # As a member: the members-only topic, unread counts, the thread list with a bad filter.
    sign_in(page, email="oskar@agency.example.eu", password=password)
    page.goto(reverse("dialogues:topic_list"))
    assert page.get_by_role("link", name="Programme evaluation").is_visible()
    assert page.get_by_text("1 thread with new posts").is_visible()
    assert_accessible(page)
    page.goto(reverse("dialogues:topic_detail", kwargs={"slug": topic.slug}) + "?kind=rant")
    assert "is not a kind of thread" in page.get_by_role("alert").inner_text()
    assert page.get_by_role("link", name="How do you fund cluster managements?").is_visible()
    assert_accessible(page)

    # The thread as a moderator sees it: the hidden post's text, the attachment, the quotes.
    page.context.clear_cookies()
    sign_in(page, email="mia@eca-portal.eu", password=password)
    page.goto(reverse("dialogues:thread_detail", kwargs={"pk": thread.pk}))
    assert page.get_by_role("heading", level=1).inner_text() == thread.title
    assert page.get_by_role("link", name="evaluation-report.pdf").is_visible()
    hidden = page.locator("#post-3")
    assert "This post was hidden by a moderator." in hidden.inner_text()
    assert "Buy our consulting services!" in hidden.inner_text()
    assert "In reply to post #2 by Oskar Other" in page.locator("#post-4").inner_text()
    assert_accessible(page)


def test_the_writing_forms_have_no_wcag_violations_also_with_errors(
    page, sign_in, password, dialogue
):
    topic, thread = dialogue["topic"], dialogue["thread"]
    sign_in(page, email="oskar@agency.example.eu", password=password)

    # A new thread: the form, then a submit with mistakes.
    page.goto(reverse("dialogues:topic_detail", kwargs={"slug": topic.slug}))
    page.get_by_role("link", name="Start a thread").click()
    assert_accessible(page)
    # (The browser itself stops a title at 200 characters: the field has maxlength.)
    page.get_by_label("Title").fill("   ")
    page.get_by_label("Your opening message").fill("")
    page.get_by_role("button", name="Start the thread").click()
    page.wait_for_load_state()
    summary = page.get_by_role("alert")
    assert "Give the thread a title." in summary.inner_text()
    assert "Your message is empty" in summary.inner_text()
    assert page.get_by_label("Title").get_attribute("aria-invalid") == "true"
    assert_accessible(page)

    # The reply form at the bottom of the thread, then an empty reply.
    page.goto(reverse("dialogues:thread_detail", kwargs={"pk": thread.pk}) + "?page=1")
    page.get_by_label("Your reply").scroll_into_view_if_needed()
    assert_accessible(page)
    page.get_by_role("button", name="Post reply").click()
    page.wait_for_load_state()
    assert "Your message is empty" in page.get_by_role("alert").inner_text()
    assert page.get_by_role("heading", level=1).inner_text() == f"Reply to “{thread.title}”"
    assert_accessible(page)


def test_the_mention_listbox_works_with_the_keyboard_only(page, sign_in, password, dialogue):
    thread, osma = dialogue["thread"], dialogue["osma"]
    sign_in(page, email="oskar@agency.example.eu", password=password)
    page.goto(reverse("dialogues:thread_detail", kwargs={"pk": thread.pk}) + "?page=1")

    # "Useful" redraws only its button (htmx); the focus stays on it.
    useful = page.locator("#post-1").get_by_role("button", name="Useful")
    useful.focus()
    page.keyboard.press("Enter")
    page.locator("#post-1").get_by_text("1 person found this useful").wait_for()
    useful = page.locator("#post-1").get_by_role("button", name="Useful")
    assert useful.get_attribute("aria-pressed") == "true"
    expect_focused(page, useful)

    # "Reply" on the first post fills in the form at the bottom and moves there.
    page.locator("#post-1").get_by_role("button", name="Reply").focus()
    page.keyboard.press("Enter")
    reply_field = page.get_by_label("Your reply")
    expect_focused(page, reply_field)
    assert "Replying to #1 Anna Active" in page.locator("#reply-context").inner_text()

    page.keyboard.type("Thanks, I asked @Os")
    listbox = page.get_by_role("listbox", name="People you can mention")
    listbox.wait_for(state="visible")
    options = listbox.get_by_role("option")
    assert options.count() == 2  # Oskar (the writer) is found too; Anna is not an "Os".
    assert options.nth(0).get_attribute("aria-selected") == "true"
    assert reply_field.get_attribute("aria-activedescendant") == options.nth(0).get_attribute("id")
    assert_accessible(page)
    page.keyboard.press("ArrowDown")
    assert options.nth(1).get_attribute("aria-selected") == "true"
    assert reply_field.get_attribute("aria-activedescendant") == options.nth(1).get_attribute("id")
    assert "Osma Second" in options.nth(1).inner_text()
    page.keyboard.press("Enter")
    assert listbox.count() == 0 or not listbox.is_visible()
    page.keyboard.type("about it.")
    assert reply_field.input_value() == (
        f"Thanks, I asked @[Osma Second](user:{osma.pk}) about it."
    )

    # Escape closes the list and leaves the text as typed.
    page.keyboard.type(" And @An")
    listbox.wait_for(state="visible")
    page.keyboard.press("Escape")
    assert not listbox.is_visible()
    assert reply_field.input_value().endswith(" And @An")
    page.keyboard.press("Backspace")
    page.keyboard.press("Backspace")
    page.keyboard.press("Backspace")
    page.keyboard.press("Backspace")

    # Send it with the keyboard: the reply quotes post #1 and links to the person mentioned.
    page.get_by_role("button", name="Post reply").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    reply = Post.objects.get(thread=thread, number=5)
    assert reply.reply_to.number == 1
    assert reply.body == f"Thanks, I asked @[Osma Second](user:{osma.pk}) about it. And"
    assert re.search(r"#person-\d+", reply.body_html)
    mention = page.locator("#post-5").get_by_role("link", name="@Osma Second")
    assert mention.is_visible()


def expect_focused(page, locator):
    assert locator.evaluate("element => element === document.activeElement")
