"""Writing in the dialogues: starting a thread, replying, editing one's post, useful marks and
the @mention lookup — for every role, and with bad input that never loses what was typed."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dialogues import services
from dialogues.models import Attachment, Post, PostRevision, Thread, UsefulMark
from tests.dialogues.conftest import PAGE_ROLES
from tests.dialogues.factories import (
    PostFactory,
    ThreadFactory,
    docx_file,
    exe_file,
    image_file,
    member_user,
    pdf_file,
)
from tests.members.factories import PolicyThemeFactory

pytestmark = pytest.mark.django_db

MEMBERS_TOPIC_READERS = {"member", "suspended_member", "moderator", "secretariat"}
WRITERS = {"member", "moderator", "secretariat"}


def text(response) -> str:
    return response.content.decode()


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def expected_status(role, *, members_only: bool) -> int | str:
    """What a writing page answers each role: sign in, 404 (cannot read), 403 (cannot write)."""
    if role == "anonymous":
        return "login"
    if members_only and role not in MEMBERS_TOPIC_READERS:
        return 404
    return 200 if role in WRITERS else 403


def assert_answers(response, expected):
    if expected == "login":
        assert is_login_redirect(response), response.status_code
    else:
        assert response.status_code == expected


@pytest.fixture
def thread(topic, member):
    return ThreadFactory(topic=topic, author=member, title="Funding cluster managers")


@pytest.fixture
def members_thread(members_topic, member):
    return ThreadFactory(topic=members_topic, author=member, title="Evaluating our programmes")


def new_thread_url(topic):
    return reverse("dialogues:thread_create", kwargs={"slug": topic.slug})


def reply_url(thread):
    return reverse("dialogues:post_create", kwargs={"pk": thread.pk})


def field_has_error(html, field_id, message):
    start = html.index(f'id="{field_id}_error"')
    return message in html[start : html.index("</ul>", start)]


# --- Starting a thread --------------------------------------------------------------------------


@pytest.mark.parametrize("members_only", [False, True], ids=["public", "members-only"])
@pytest.mark.parametrize("role", PAGE_ROLES)
def test_who_may_start_a_thread(client_as, role, topic, members_topic, members_only):
    target = members_topic if members_only else topic
    client = client_as(role)
    expected = expected_status(role, members_only=members_only)
    assert_answers(client.get(new_thread_url(target)), expected)
    response = client.post(
        new_thread_url(target), {"title": "T", "kind": "discussion", "body": "B"}
    )
    if expected == 200:
        assert response.status_code == 302
        assert Thread.objects.filter(topic=target, title="T").exists()
    else:
        assert_answers(response, expected)
        assert not Thread.objects.filter(title="T").exists()


def test_starting_a_thread_with_themes_and_attachments(client, topic, member):
    theme = PolicyThemeFactory(slug="smart-specialisation", name="Smart specialisation")
    client.force_login(member)
    page = text(client.get(new_thread_url(topic)))
    assert "Start the thread" in page and "Markdown" in page
    response = client.post(
        new_thread_url(topic),
        {
            "title": "How do you evaluate clusters?",
            "kind": "question",
            "themes": [theme.pk],
            "body": "We use **five** indicators.",
            "attachments": [pdf_file(), image_file()],
        },
    )
    thread = Thread.objects.get(title="How do you evaluate clusters?")
    assert response["Location"] == reverse("dialogues:thread_detail", kwargs={"pk": thread.pk})
    assert thread.kind == "question" and list(thread.themes.all()) == [theme]
    opening = thread.posts.get()
    assert opening.author == member and "<strong>five</strong>" in opening.body_html
    assert sorted(opening.attachments.values_list("original_name", flat=True)) == [
        "cluster-map.png",
        "evaluation-report.pdf",
    ]
    assert "Your thread has been started." in text(client.get(response["Location"]))


def _thread_data(**changes):
    return {
        "title": "A careful title",
        "kind": "discussion",
        "body": "A careful message.",
        **changes,
    }


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"body": ""}, "id_body", "Your message is empty. Write something before posting."),
        ({"body": "   "}, "id_body", "Your message is empty."),
        ({"body": "\u200b\u200b"}, "id_body", "Your message is empty."),
        ({"title": ""}, "id_title", "Give the thread a title."),
        (
            {"title": "x" * 201},
            "id_title",
            "A title has at most 200 characters (this one has 201).",
        ),
        ({"kind": "rant"}, "id_kind", "Select a valid choice."),
        ({"themes": ["999"]}, "id_themes", "Select a valid choice."),
        ({"attachments": [exe_file()]}, "id_attachments", "is not the kind of file its name says"),
        ({"attachments": [docx_file(macros=True)]}, "id_attachments", "Documents with macros"),
        (
            {"attachments": [SimpleUploadedFile("notes.txt", b"plain text")]},
            "id_attachments",
            "cannot be attached",
        ),
        (
            {"attachments": [pdf_file(f"file-{n}.pdf") for n in range(11)]},
            "id_attachments",
            "Attach at most 10 files to one post.",
        ),
    ],
)
def test_bad_input_on_the_new_thread_form_keeps_what_was_typed(
    client, topic, member, changes, field, message
):
    client.force_login(member)
    response = client.post(new_thread_url(topic), _thread_data(**changes))
    assert response.status_code == 200
    html = text(response)
    assert 'role="alert"' in html
    assert field_has_error(html, field, message), html[html.find("errorlist") :][:400]
    if "title" not in changes:
        assert 'value="A careful title"' in html
    if "body" not in changes:
        assert "A careful message.</textarea>" in html
    if "attachments" in changes:
        assert "choose your attachments again" in html
    assert not Thread.objects.exists()


def test_an_oversized_attachment_is_refused(client, topic, member, settings):
    settings.DIALOGUES_ATTACHMENT_MAX_BYTES = 100
    client.force_login(member)
    response = client.post(new_thread_url(topic), _thread_data(attachments=[pdf_file()]))
    assert field_has_error(text(response), "id_attachments", "is too large")
    assert not Thread.objects.exists() and not Attachment.objects.exists()


def test_an_archived_topic_takes_no_new_thread(client, topic, member, secretariat_user):
    services.topic_archive(topic=topic, acting_user=secretariat_user)
    client.force_login(member)
    response = client.get(new_thread_url(topic), follow=True)
    assert "This topic is archived" in text(response)
    # A form sent just after the topic was archived comes back with the text and the reason.
    response = client.post(new_thread_url(topic), _thread_data())
    html = text(response)
    assert response.status_code == 200
    assert "This topic is archived" in html and "A careful message.</textarea>" in html
    assert not Thread.objects.exists()


# --- Replying -----------------------------------------------------------------------------------


@pytest.mark.parametrize("members_only", [False, True], ids=["public", "members-only"])
@pytest.mark.parametrize("role", PAGE_ROLES)
def test_who_may_reply(client_as, role, thread, members_thread, members_only):
    target = members_thread if members_only else thread
    client = client_as(role)
    expected = expected_status(role, members_only=members_only)
    assert_answers(client.get(reply_url(target)), expected)
    response = client.post(reply_url(target), {"body": "A reply"})
    if expected == 200:
        assert response.status_code == 302
        assert target.posts.filter(body="A reply").exists()
    else:
        assert_answers(response, expected)
        assert not Post.objects.filter(body="A reply").exists()


def test_replying_to_a_post_quotes_it_and_lands_on_the_reply(client, thread, member, other_member):
    client.force_login(other_member)
    page = text(client.get(reply_url(thread), {"reply_to": "1"}))
    assert "Post #1 by Anna Active" in page
    assert 'name="reply_to" value="1"' in page
    response = client.post(
        reply_url(thread),
        {"body": "Five years here.", "reply_to": "1", "attachments": [pdf_file()]},
    )
    reply = thread.posts.get(number=2)
    assert reply.reply_to.number == 1 and reply.attachments.count() == 1
    thread_page = reverse("dialogues:thread_detail", kwargs={"pk": thread.pk})
    assert response["Location"] == f"{thread_page}?page=1#post-2"


def test_the_thread_page_reply_links_work_without_javascript(client, thread, other_member):
    client.force_login(other_member)
    html = text(
        client.get(reverse("dialogues:thread_detail", kwargs={"pk": thread.pk}), {"page": 1})
    )
    assert f'href="{reply_url(thread)}?reply_to=1"' in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"body": ""}, "Your message is empty. Write something before posting."),
        ({"body": "A reply", "reply_to": "42"}, "There is no post #42 in this thread to reply to."),
        ({"body": "A reply", "reply_to": "first"}, "The post you reply to could not be found."),
        ({"body": "A reply", "attachments": [exe_file()]}, "is not the kind of file its name says"),
    ],
)
def test_bad_input_on_the_reply_form_keeps_what_was_typed(
    client, thread, other_member, data, message
):
    client.force_login(other_member)
    response = client.post(reply_url(thread), data)
    assert response.status_code == 200
    html = text(response)
    assert message in html and 'role="alert"' in html
    assert f"{data['body']}</textarea>" in html
    assert thread.posts.count() == 1


def test_a_reply_cannot_point_to_a_post_of_another_thread(
    client, thread, topic, member, other_member
):
    elsewhere = ThreadFactory(topic=topic, author=member)
    for index in range(2, 5):
        PostFactory(thread=elsewhere, author=member, body=f"Elsewhere {index}")
    client.force_login(other_member)
    # reply_to is a number in this thread: #4 exists elsewhere, not here.
    response = client.post(reply_url(thread), {"body": "A reply", "reply_to": "4"})
    assert "There is no post #4 in this thread to reply to." in text(response)
    assert not Post.objects.filter(body="A reply").exists()


def test_a_locked_thread_takes_replies_from_moderators_only(client_as, thread, moderator):
    services.thread_lock(thread=thread, acting_user=moderator)
    member_client = client_as("member")
    response = member_client.get(reply_url(thread), follow=True)
    assert "This thread is locked: only its moderators can still post." in text(response)
    response = member_client.post(reply_url(thread), {"body": "Still talking"})
    html = text(response)
    assert response.status_code == 200
    assert "This thread is locked" in html and "Still talking</textarea>" in html
    assert (
        client_as("moderator").post(reply_url(thread), {"body": "Locked: see #1"}).status_code
        == 302
    )
    assert list(thread.posts.values_list("body", flat=True).order_by("number")) == [
        thread.posts.get(number=1).body,
        "Locked: see #1",
    ]


def test_an_archived_topic_takes_no_reply(client, thread, member, secretariat_user):
    services.topic_archive(topic=thread.topic, acting_user=secretariat_user)
    client.force_login(member)
    response = client.post(reply_url(thread), {"body": "Too late"})
    assert "This topic is archived" in text(response) and "Too late</textarea>" in text(response)
    assert thread.posts.count() == 1


def test_a_mention_in_a_reply_links_to_the_person(client, thread, member, other_member):
    client.force_login(other_member)
    client.post(reply_url(thread), {"body": f"Ask @[Anna](user:{member.pk}) about it."})
    reply = thread.posts.get(number=2)
    organisation = member.representative.organisation
    assert f'href="/members/{organisation.slug}/#person-{member.pk}"' in reply.body_html
    assert "@Anna Active" in reply.body_html
    assert list(reply.mentions.values_list("user", flat=True)) == [member.pk]


# --- Editing one's post -------------------------------------------------------------------------


def edit_url(post):
    return reverse("dialogues:post_edit", kwargs={"pk": post.pk})


@pytest.mark.parametrize("role", PAGE_ROLES)
def test_only_the_author_edits_a_post(client_as, role, members_thread, member):
    post = members_thread.posts.get()
    client = client_as(role)
    response = client.get(edit_url(post))
    if role == "anonymous":
        assert is_login_redirect(response)
    elif role not in MEMBERS_TOPIC_READERS:
        assert response.status_code == 404
    elif role == "member":
        assert response.status_code == 200
        assert "We co-fund **cluster management**" in text(response)
    else:
        assert response.status_code == 403
    response = client.post(edit_url(post), {"body": "Rewritten"})
    post.refresh_from_db()
    assert (post.body == "Rewritten") == (role == "member")


def test_editing_a_post_keeps_the_previous_version(client, thread, member):
    post = thread.posts.get()
    before = post.body
    client.force_login(member)
    response = client.post(
        edit_url(post), {"body": "Now *seven* years.", "attachments": [pdf_file()]}
    )
    thread_page = reverse("dialogues:thread_detail", kwargs={"pk": thread.pk})
    assert response["Location"] == f"{thread_page}?page=1#post-1"
    post.refresh_from_db()
    assert "<em>seven</em>" in post.body_html and post.is_edited
    assert PostRevision.objects.get(post=post).body == before
    assert post.attachments.count() == 1


def test_bad_input_on_the_edit_form_keeps_what_was_typed(client, thread, member):
    post = thread.posts.get()
    client.force_login(member)
    response = client.post(edit_url(post), {"body": "\u200b"})
    assert response.status_code == 200 and "Your message is empty." in text(response)
    response = client.post(edit_url(post), {"body": "Better", "attachments": [exe_file()]})
    assert "is not the kind of file" in text(response) and "Better</textarea>" in text(response)
    post.refresh_from_db()
    assert not post.is_edited


def test_a_suspended_author_can_no_longer_edit(client, topic, suspended_member, member):
    thread = ThreadFactory(topic=topic, author=member)
    post = thread.posts.get()
    organisation = member.representative.organisation
    organisation.membership_status = "suspended"
    organisation.save(update_fields=["membership_status"])
    client.force_login(member)
    assert client.get(edit_url(post)).status_code == 403
    assert client.post(edit_url(post), {"body": "Changed"}).status_code == 403


def test_a_hidden_post_cannot_be_edited(client, thread, member, moderator):
    post = thread.posts.get()
    services.post_hide(post=post, acting_user=moderator, reason="Rude")
    client.force_login(member)
    response = client.get(edit_url(post), follow=True)
    assert "A moderator hid this post; it cannot be edited." in text(response)
    html = text(client.post(edit_url(post), {"body": "Nicer now"}))
    assert "A moderator hid this post" in html and "Nicer now</textarea>" in html


# --- Useful marks -------------------------------------------------------------------------------


def useful_url(post):
    return reverse("dialogues:post_useful", kwargs={"pk": post.pk})


@pytest.mark.parametrize("role", PAGE_ROLES)
def test_who_may_mark_a_post_useful(client_as, role, members_thread):
    post = members_thread.posts.get()
    response = client_as(role).post(useful_url(post), {"action": "mark"})
    if role == "anonymous":
        assert is_login_redirect(response)
    elif role not in MEMBERS_TOPIC_READERS:
        assert response.status_code == 404
    elif role == "member":  # the author
        assert response.status_code == 302
    else:
        # Reacting speaks for an active member organisation.
        assert response.status_code == 403
    assert not UsefulMark.objects.exists()


def test_marking_useful_and_taking_it_back(client, thread, other_member):
    post = thread.posts.get()
    client.force_login(other_member)
    response = client.post(useful_url(post), {"action": "mark"})
    thread_page = reverse("dialogues:thread_detail", kwargs={"pk": thread.pk})
    assert response["Location"] == f"{thread_page}?page=1#post-1"
    client.post(useful_url(post), {"action": "mark"})  # once per person
    assert UsefulMark.objects.filter(post=post).count() == 1
    html = text(client.get(f"{thread_page}?page=1"))
    assert 'aria-pressed="true"' in html and "1 person found this useful" in html
    client.post(useful_url(post), {"action": "unmark"})
    assert not UsefulMark.objects.exists()


def test_marking_ones_own_post_useful_is_refused_with_a_message(client, thread, member):
    client.force_login(member)
    response = client.post(useful_url(thread.posts.get()), {"action": "mark"}, follow=True)
    assert "You cannot mark your own post as useful." in text(response)
    response = client.post(useful_url(thread.posts.get()), {"action": "adore"}, follow=True)
    assert "That action is not known." in text(response)
    assert not UsefulMark.objects.exists()


def test_with_htmx_only_the_button_is_redrawn(client, thread, other_member):
    post = thread.posts.get()
    client.force_login(other_member)
    response = client.post(useful_url(post), {"action": "mark"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = text(response)
    assert html.lstrip().startswith(f'<div class="post__useful" id="useful-{post.pk}">')
    assert 'aria-pressed="true"' in html and 'value="unmark"' in html
    assert "1 person found this useful" in html


# --- @mentions ----------------------------------------------------------------------------------


def mentions_url(topic):
    return reverse("dialogues:mention_candidates", kwargs={"slug": topic.slug})


@pytest.mark.parametrize("members_only", [False, True], ids=["public", "members-only"])
@pytest.mark.parametrize("role", PAGE_ROLES)
def test_who_may_look_up_people_to_mention(
    client_as, role, topic, members_topic, members_only, other_member
):
    target = members_topic if members_only else topic
    response = client_as(role).get(mentions_url(target), {"q": "osk"})
    if members_only and role not in MEMBERS_TOPIC_READERS:
        assert response.status_code == 404
        return
    if role not in WRITERS:
        assert response.status_code == 403
        assert json.loads(response.content) == {"results": []}
        return
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    organisation = other_member.representative.organisation
    assert json.loads(response.content) == {
        "results": [
            {
                "id": other_member.pk,
                "name": "Oskar Other",
                "organisation": organisation.name,
                "markup": f"@[Oskar Other](user:{other_member.pk})",
            }
        ]
    }


def test_the_mention_lookup_finds_nobody_for_an_empty_query_or_a_stranger(
    client, topic, member, non_member
):
    client.force_login(member)
    assert json.loads(client.get(mentions_url(topic)).content) == {"results": []}
    # Someone who does not take part in the dialogue cannot be mentioned.
    assert json.loads(client.get(mentions_url(topic), {"q": "Nora"}).content) == {"results": []}


def test_without_javascript_the_editor_lists_the_people_one_can_mention(
    client, thread, member, other_member, non_member
):
    client.force_login(member)
    html = text(client.get(reply_url(thread)))
    assert "<summary>People you can mention</summary>" in html
    assert f"<code>@[Oskar Other](user:{other_member.pk})</code>" in html
    assert "Nora Visitor" not in html
    # Not oneself.
    assert f"(user:{member.pk})" not in html


def test_the_listed_people_follow_changes_and_never_include_oneself(
    client, thread, member, other_member
):
    """The list is kept per topic (selectors.mention_directory_for_user): each person is left
    out of their own, and a change of people shows on the next page."""
    client.force_login(other_member)
    text(client.get(reply_url(thread)))  # starts the cache's generation
    assert f"(user:{member.pk})" in text(client.get(reply_url(thread)))
    client.force_login(member)
    html = text(client.get(reply_url(thread)))
    assert f"(user:{member.pk})" not in html
    assert f"<code>@[Oskar Other](user:{other_member.pk})</code>" in html
    other_member.full_name = "Oskar Renamed"
    other_member.save()
    html = text(client.get(reply_url(thread)))
    assert f"<code>@[Oskar Renamed](user:{other_member.pk})</code>" in html
    newcomer = member_user(full_name="Aino Newcomer")
    assert f"<code>@[Aino Newcomer](user:{newcomer.pk})</code>" in text(
        client.get(reply_url(thread))
    )
