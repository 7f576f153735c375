"""The policy dialogue end to end, in a real browser: the secretariat opens a topic; a member
starts a thread; a member of another organisation replies with a mention and an attachment; the
first member finds the thread unread and lands on the first unread post; a third member flags
the reply; the secretariat hides it from the moderation queue, and members then see it hidden.
Then the outcome, the outcome list and search. axe-core checks the pages on the way (WCAG 2.1
A/AA): the topic form, the flag form (also with an error), the moderation queue, the outcome
form, the outcome list, and search with results and with none."""

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from dialogues.models import Flag, Post, Thread, Topic
from members.permissions import SECRETARIAT_GROUP
from tests.accounts.factories import UserFactory, totp_authenticator_add
from tests.browser.axe import assert_accessible
from tests.dialogues.factories import PDF_BYTES, member_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def people():
    secretariat = UserFactory(full_name="Sophie Secretariat", email="sophie@eca-portal.eu")
    secretariat.groups.add(Group.objects.get(name=SECRETARIAT_GROUP))
    totp_authenticator_add(secretariat)  # secretariat pages need two-factor authentication
    return {
        "secretariat": secretariat,
        "anna": member_user(full_name="Anna Active", email="anna@region.example.eu"),
        "oskar": member_user(full_name="Oskar Other", email="oskar@agency.example.eu"),
        "flora": member_user(full_name="Flora Third", email="flora@ministry.example.pt"),
    }


@pytest.fixture
def as_person(page, sign_in, password):
    """Sign the browser in as one person, after signing out whoever was signed in."""

    def switch(email):
        page.context.clear_cookies()
        sign_in(page, email=email, password=password)
        return page

    return switch


def submit(page, button_name):
    with page.expect_navigation():
        page.get_by_role("button", name=button_name, exact=True).click()


def test_a_dialogue_from_thread_to_moderation(page, as_person, people, tmp_path):
    anna = people["anna"]

    # The secretariat opens a topic from the dialogues overview.
    as_person("sophie@eca-portal.eu")
    page.goto(reverse("dialogues:topic_list"))
    page.get_by_role("link", name="Open a topic").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Open a topic"
    assert_accessible(page)
    page.get_by_label("Title").fill("Cluster support schemes")
    page.get_by_label("Description").fill("How members fund and evaluate cluster support.")
    page.get_by_label("Public: anyone reads, members write").check()
    submit(page, "Open the topic")
    assert "The topic “Cluster support schemes” is open." in page.locator(".messages").inner_text()
    topic = Topic.objects.get(title="Cluster support schemes")

    # Anna starts a thread.
    as_person("anna@region.example.eu")
    page.goto(reverse("dialogues:topic_detail", kwargs={"slug": topic.slug}))
    page.get_by_role("link", name="Start a thread").click()
    page.get_by_label("Title").fill("How long do your cluster contracts run?")
    page.get_by_label("Your opening message").fill("We fund cluster managements for three years.")
    submit(page, "Start the thread")
    thread = Thread.objects.get(title="How long do your cluster contracts run?")

    # Oskar, of another organisation, replies to her with a mention and an attachment.
    as_person("oskar@agency.example.eu")
    page.goto(reverse("dialogues:thread_detail", kwargs={"pk": thread.pk}))
    page.get_by_label("Your reply").fill(
        f"@[Anna Active](user:{anna.pk}) ours run for five years: see our evaluation."
    )
    report = tmp_path / "evaluation-2025.pdf"
    report.write_bytes(PDF_BYTES)
    page.get_by_label("Attachments (optional)").set_input_files(str(report))
    submit(page, "Post reply")
    reply = Post.objects.get(thread=thread, number=2)
    assert reply.mentions.get().user == anna
    assert reply.attachments.get().original_name == "evaluation-2025.pdf"
    oskars_post = page.locator("#post-2")
    assert oskars_post.get_by_role("link", name="evaluation-2025.pdf").is_visible()
    assert "Anna Active" in oskars_post.inner_text()

    # Anna sees the thread as unread, and opening it lands on the first post she has not read.
    as_person("anna@region.example.eu")
    page.goto(reverse("dialogues:topic_list"))
    assert page.get_by_text("1 thread with new posts").is_visible()
    page.goto(reverse("dialogues:topic_detail", kwargs={"slug": topic.slug}))
    assert page.get_by_role("link", name="1 new post").is_visible()
    page.get_by_role("link", name="How long do your cluster contracts run?").click()
    page.wait_for_url(re.compile(rf"/dialogues/t/{thread.pk}/\?page=1#post-2$"))
    assert "New" in page.locator("#post-2").inner_text()
    page.goto(reverse("dialogues:topic_detail", kwargs={"slug": topic.slug}))
    assert page.get_by_role("link", name="1 new post").count() == 0

    # Flora, a third member, flags Oskar's reply; a first try without a reason is explained.
    as_person("flora@ministry.example.pt")
    page.goto(reverse("dialogues:thread_detail", kwargs={"pk": thread.pk}) + "?page=1")
    page.locator("#post-2").get_by_role("link", name="Flag post #2").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Flag a post"
    assert_accessible(page)
    submit(page, "Flag the post")
    assert "Say what is wrong with this post." in page.get_by_role("alert").inner_text()
    reason = page.get_by_label("What is wrong with this post?")
    assert reason.get_attribute("aria-invalid") == "true"
    assert_accessible(page)
    reason.fill("It names a colleague's salary: personal data.")
    submit(page, "Flag the post")
    assert "the moderators have been told" in page.locator(".messages").inner_text()
    assert Flag.objects.get().post == reply

    # The secretariat finds it in the moderation queue and hides the post.
    as_person("sophie@eca-portal.eu")
    page.goto("/")
    page.get_by_role("link", name="Secretariat", exact=True).click()
    page.get_by_role("link", name="Moderation queue", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Moderation queue"
    flagged = page.get_by_role("article", name=f"Post #2 in “{thread.title}”")
    assert "It names a colleague's salary: personal data." in flagged.inner_text()
    assert "Flora Third" in flagged.inner_text()
    assert_accessible(page)
    flagged.get_by_label("Why is the post hidden?").fill("Personal data of a third person.")
    with page.expect_navigation():
        flagged.get_by_role("button", name="Hide the post").click()
    assert "The post is hidden." in page.locator(".messages").inner_text()
    assert "No post is waiting" in page.get_by_role("main").inner_text()
    reply.refresh_from_db()
    assert reply.is_hidden

    # Members see the post as hidden, without its text or attachment.
    as_person("anna@region.example.eu")
    page.goto(reverse("dialogues:post_permalink", kwargs={"pk": thread.pk, "number": 2}))
    hidden = page.locator("#post-2")
    assert "This post was hidden by a moderator." in hidden.inner_text()
    assert "five years" not in hidden.inner_text()
    assert hidden.get_by_role("link", name="evaluation-2025.pdf").count() == 0

    # Anna concludes the thread with an outcome, and Flora's organisation endorses it.
    page.goto(reverse("dialogues:thread_detail", kwargs={"pk": thread.pk}) + "?page=1")
    page.get_by_role("link", name="Conclude with an outcome").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Conclude the thread"
    assert_accessible(page)
    submit(page, "Conclude with this outcome")
    assert "Summarise the conclusions or recommendations." in page.get_by_role("alert").inner_text()
    assert_accessible(page)
    page.get_by_label("Conclusions or recommendations").fill(
        "Contracts of **four to five years** give cluster managements room to plan."
    )
    submit(page, "Conclude with this outcome")
    outcome = page.get_by_role("region", name="Outcome")
    assert "four to five years" in outcome.inner_text()
    assert "Concluded by Anna Active" in outcome.inner_text()

    as_person("flora@ministry.example.pt")
    page.goto(reverse("dialogues:thread_detail", kwargs={"pk": thread.pk}) + "?page=1")
    organisation = people["flora"].representative.organisation.name
    submit(page, f"Endorse on behalf of {organisation}")
    outcome = page.get_by_role("region", name="Outcome")
    assert organisation in outcome.inner_text()
    assert outcome.get_by_role("button", name="Withdraw our endorsement").is_visible()

    # The list of outcomes, and search with and without results.
    page.goto(reverse("dialogues:topic_list"))
    page.get_by_role("link", name="Outcomes", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Outcomes"
    assert "Endorsed by 1 organisation" in page.get_by_role("main").inner_text()
    assert_accessible(page)

    page.goto(reverse("dialogues:search"))
    page.get_by_label("Search the dialogues").fill("cluster contracts")
    submit(page, "Search")
    assert "1 result for “cluster contracts”" in page.get_by_role("main").inner_text()
    assert page.locator("mark").first.is_visible()
    assert_accessible(page)
    # Flora may not read the hidden reply: searching its words finds nothing.
    page.get_by_label("Search the dialogues").fill("evaluation five years")
    submit(page, "Search")
    assert "Nothing found." in page.get_by_role("main").inner_text()
    assert_accessible(page)
