"""A person's rights over their data: the export (everything, as JSON) and the deletion
(everything personal goes; what they wrote stays, attributed to a former member)."""

import json

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse

from accounts.services import (
    EXPORT_EXCLUDED_RELATIONS,
    EXPORT_SECTIONS,
    AccountDeletionRefused,
    user_data_export,
    user_delete,
)
from dialogues.models import Mention, Post, PostRevision, Thread
from initiatives.models import NewsUpdate
from members.models import JoinRequest, MembershipApplication, Representative
from notifications.models import Notification
from outbox.models import OutboundEmail
from tests.accounts.factories import UserFactory
from tests.accounts.privacy_factories import RICH_EMAIL, RICH_NAME, rich_person
from tests.members.factories import ContactFactory, RepresentativeFactory

pytestmark = pytest.mark.django_db


def _user_relations() -> set[str]:
    """Every link from a table to the user, hidden ones (related_name="+") included."""
    User = get_user_model()
    return {
        f"{field.related_model._meta.label}.{field.field.name}"
        for field in User._meta.get_fields(include_hidden=True)
        if field.auto_created and not field.concrete
    }


# --- The export ---------------------------------------------------------------------------


def test_every_link_to_the_user_is_exported_or_excluded_with_a_reason():
    covered = {f"{section.model}.{section.user_field}" for section in EXPORT_SECTIONS}
    # A many-to-many relation shows as its through table's link.
    covered |= {
        f"{field.remote_field.through._meta.label}.{field.m2m_reverse_field_name()}"
        for section in EXPORT_SECTIONS
        if apps.is_installed(section.model.split(".")[0])
        for model in [_model_or_none(section.model)]
        if model is not None
        for field in [model._meta.get_field(section.user_field)]
        if field.many_to_many
    }
    missing = _user_relations() - covered - set(EXPORT_EXCLUDED_RELATIONS)
    assert not missing, (
        f"These links to the user are neither exported nor excluded: {sorted(missing)}. "
        "Add them to accounts.services.EXPORT_SECTIONS (or, with the reason, to "
        "EXPORT_EXCLUDED_RELATIONS)."
    )
    assert all(reason.strip() for reason in EXPORT_EXCLUDED_RELATIONS.values())


def _model_or_none(label):
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def test_the_export_holds_what_the_portal_knows_about_the_person():
    footprint = rich_person()
    person = footprint.person
    data = json.loads(json.dumps(user_data_export(user=person), default=str))

    assert data["profile"]["email"] == RICH_EMAIL
    assert data["profile"]["full_name"] == RICH_NAME
    assert data["profile"]["language"] == person.language
    assert data["email_addresses"] == [{"email": RICH_EMAIL, "primary": True, "verified": True}]
    assert [m["type"] for m in data["two_factor_methods"]] == ["totp"]
    assert "JBSWY3DPEHPK3PXP" not in json.dumps(data)  # never the secret
    assert data["sessions"][0]["ip"] == "192.0.2.10"
    assert "k" * 32 not in json.dumps(data)  # never the session key
    assert data["representative"] == [
        {
            "organisation__name": "Agence Xylo",
            "role": "representative",
            "position": "Cluster policy officer",
            "joined_at": data["representative"][0]["joined_at"],
        }
    ]
    assert [a["status"] for a in data["membership_applications"]] == ["withdrawn"]
    assert data["join_requests"][0]["message"] == "I moved here from another agency."
    assert data["invitations_received"][0]["organisation__name"] == "Agence Xylo"
    assert [t["title"] for t in data["threads_started"]] == ["Funding cluster managements"]
    assert "What do you do" in data["posts"][0]["body"]
    assert data["post_edits"][0]["body"].startswith("We co-fund")
    assert [m["post__number"] for m in data["useful_marks"]] == [2]
    assert [m["post__number"] for m in data["mentions"]] == [2]
    assert data["flags_raised"][0]["reason"] == "Off topic, I think."
    assert {f["topic__title"] for f in data["follows"]} >= {"Green transition"}
    assert [n["title"] for n in data["news_posted"]] == ["Kick-off"]
    assert len(data["notifications"]) == 1
    assert {e["subject"] for e in data["emails_sent_to_you"]}
    # Nobody else's data: the other member's post is not in the person's posts.
    assert all("we fund five years" not in p["body"] for p in data["posts"])


def test_the_export_includes_notification_preferences():
    from notifications.models import NotificationPreference

    person = UserFactory()
    NotificationPreference.objects.get_or_create(user=person)
    assert len(user_data_export(user=person)["notification_preferences"]) == 1


def test_the_export_costs_the_same_queries_for_few_and_many_rows(django_assert_max_num_queries):
    quiet = UserFactory()
    # One query per section, whatever the number of rows.
    bound = len(EXPORT_SECTIONS) + 5
    with django_assert_max_num_queries(bound):
        user_data_export(user=quiet)
    busy = rich_person().person
    with django_assert_max_num_queries(bound):
        user_data_export(user=busy)


def test_the_export_page_needs_sign_in(client):
    for method in (client.get, client.post):
        response = method(reverse("accounts:export"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


def test_the_export_page_shows_a_button_and_downloads_only_on_post(client):
    person = UserFactory(full_name="Jan Kowalski")
    client.force_login(person)
    page = client.get(reverse("accounts:export"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Download my data (JSON)" in html
    assert 'method="post"' in html
    assert "attachment" not in page.get("Content-Disposition", "")

    response = client.post(reverse("accounts:export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="eca-portal-my-data-')
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    assert data["profile"]["full_name"] == "Jan Kowalski"


def test_the_account_page_links_to_the_data_page(client):
    client.force_login(UserFactory())
    html = client.get(reverse("accounts:overview")).content.decode()
    assert reverse("accounts:export") in html


# --- Deletion -----------------------------------------------------------------------------


TEXT_TYPES = ("text", "character varying", "jsonb", "json", "ARRAY", "tsvector", "USER-DEFINED")


def _tables_mentioning(*needles) -> list[str]:
    """Every column of every table of the portal's database that holds one of the needles
    (case-insensitive), as "table.column"."""
    found = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND data_type = ANY(%s)",
            [list(TEXT_TYPES)],
        )
        columns = cursor.fetchall()
        for table, column in columns:
            for needle in needles:
                cursor.execute(
                    f'SELECT 1 FROM "{table}" WHERE "{column}"::text ILIKE %s LIMIT 1',  # noqa: S608
                    [f"%{needle}%"],
                )
                if cursor.fetchone():
                    found.append(f"{table}.{column} ({needle})")
    return found


def test_deletion_leaves_nothing_personal_and_keeps_the_posts():
    footprint = rich_person()
    person = footprint.person
    needles = [RICH_EMAIL, RICH_NAME, "Quaglietti", "Zéphyrine"]
    assert _tables_mentioning(*needles)  # the search finds the person before

    user_delete(user=person)

    assert _tables_mentioning(*needles) == []
    assert not get_user_model().objects.filter(pk=person.pk).exists()
    assert not EmailAddress.objects.filter(email__iexact=RICH_EMAIL).exists()
    assert not Authenticator.objects.filter(user_id=person.pk).exists()
    assert not Representative.objects.filter(user_id=person.pk).exists()
    assert not MembershipApplication.objects.filter(applicant_id=person.pk).exists()
    assert not JoinRequest.objects.filter(user_id=person.pk).exists()
    assert not Notification.objects.filter(recipient_id=person.pk).exists()
    assert not Mention.objects.filter(user_id=person.pk).exists()
    assert not OutboundEmail.objects.filter(to__contains=[RICH_EMAIL]).exists()
    # The colleague's email about the person stays, without the name.
    assert OutboundEmail.objects.filter(to__contains=[footprint.colleague.email]).exists()

    # What the person wrote stays, attributed to a former member of the organisation.
    thread = Thread.objects.get(pk=footprint.thread.pk)
    own_post = Post.objects.get(pk=footprint.own_post.pk)
    assert thread.author_id is None and own_post.author_id is None
    assert own_post.former_member_of == "Agence Xylo"
    assert str(own_post.author_display) == "A former member of Agence Xylo"
    assert "What do you do" in own_post.body
    assert PostRevision.objects.filter(post=own_post).exists()
    # Their mention in someone else's post reads as the same words, as plain text.
    mentioning = Post.objects.get(pk=footprint.mentioning_post.pk)
    assert mentioning.author_id == footprint.other.pk
    assert "user:" not in mentioning.body
    assert "@A former member of Agence Xylo" in mentioning.body_text
    assert 'class="mention"' not in mentioning.body_html
    news = NewsUpdate.objects.get()
    assert news.author_id is None and news.organisation == footprint.organisation
    assert "user:" not in news.body


def test_a_person_without_an_organisation_becomes_a_former_member(secretariat_user):
    from tests.dialogues.factories import ThreadFactory, TopicFactory

    thread = ThreadFactory(topic=TopicFactory(), author=secretariat_user)
    user_delete(user=secretariat_user)
    post = Post.objects.get(thread=thread)
    assert post.former_member_of == ""
    assert str(post.author_display) == "A former participant"


def test_the_last_contact_must_hand_over_first():
    contact = ContactFactory().user
    RepresentativeFactory(organisation=contact.representative.organisation)
    with pytest.raises(AccountDeletionRefused) as refusal:
        user_delete(user=contact)
    assert refusal.value.organisation == contact.representative.organisation
    assert get_user_model().objects.filter(pk=contact.pk).exists()


def test_a_contact_with_another_contact_may_go():
    contact = ContactFactory().user
    ContactFactory(organisation=contact.representative.organisation)
    user_delete(user=contact)
    assert not get_user_model().objects.filter(pk=contact.pk).exists()


def test_the_delete_pages_need_sign_in(client):
    for method in (client.get, client.post):
        response = method(reverse("accounts:delete"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


def test_deleting_through_the_page_signs_out_and_shows_the_thread_anonymised(client, password):
    footprint = rich_person()
    person = footprint.person
    client.force_login(person)
    page = client.get(reverse("accounts:delete"))
    assert page.status_code == 200
    assert "a former member of" in page.content.decode()

    wrong = client.post(reverse("accounts:delete"), {"password": "not-my-password"})
    assert wrong.status_code == 200
    assert 'id="id_password_error"' in wrong.content.decode()
    assert get_user_model().objects.filter(pk=person.pk).exists()

    response = client.post(reverse("accounts:delete"), {"password": password})
    assert response.status_code == 302
    assert response.url == reverse("accounts:deleted")
    done = client.get(response.url)
    assert "Your account was deleted" in done.content.decode()
    assert "_auth_user_id" not in client.session
    # Signed out: the account page asks to sign in.
    assert client.get(reverse("accounts:overview")).status_code == 302

    thread_page = client.get(reverse("dialogues:thread_detail", kwargs={"pk": footprint.thread.pk}))
    html = thread_page.content.decode()
    assert thread_page.status_code == 200
    assert "A former member of Agence Xylo" in html
    assert "Quaglietti" not in html
    assert "What do you do" in html


def test_the_last_contact_is_sent_to_the_handover_page(client):
    contact = ContactFactory().user
    organisation = contact.representative.organisation
    client.force_login(contact)
    html = client.get(reverse("accounts:delete")).content.decode()
    handover = reverse("members:representative_manage", kwargs={"slug": organisation.slug})
    assert handover in html
    assert 'name="password"' not in html
    response = client.post(reverse("accounts:delete"), {"password": "correct-horse-battery-staple"})
    assert response.status_code == 200
    assert "last contact" in response.content.decode()
    assert get_user_model().objects.filter(pk=contact.pk).exists()


def test_the_confirmation_page_is_public(client):
    assert client.get(reverse("accounts:deleted")).status_code == 200


@pytest.mark.parametrize("role", ["non_member", "representative", "contact", "secretariat"])
def test_everyone_signed_in_opens_their_own_data_and_delete_pages(client, role, request):
    if role == "secretariat":
        user = request.getfixturevalue("secretariat_user")
    elif role == "non_member":
        user = UserFactory()
    elif role == "representative":
        user = RepresentativeFactory().user
    else:
        contact = ContactFactory()
        ContactFactory(organisation=contact.organisation)
        user = contact.user
    client.force_login(user)
    for name in ("accounts:overview", "accounts:export", "accounts:delete"):
        response = client.get(reverse(name))
        assert response.status_code == 200
    assert 'name="password"' in client.get(reverse("accounts:delete")).content.decode()
    data = json.loads(client.post(reverse("accounts:export")).content)
    assert data["profile"]["email"] == user.email


def test_deletion_ends_the_persons_other_sessions(client, password):
    from django.contrib.sessions.models import Session
    from django.test import Client

    person = RepresentativeFactory().user
    elsewhere = Client()
    elsewhere.force_login(person)
    elsewhere.get(reverse("accounts:overview"))  # allauth records the session
    other_key = elsewhere.session.session_key
    assert Session.objects.filter(session_key=other_key).exists()

    client.force_login(person)
    client.post(reverse("accounts:delete"), {"password": password})

    assert not Session.objects.filter(session_key=other_key).exists()
    assert elsewhere.get(reverse("accounts:overview")).status_code == 302


def test_only_the_whole_name_and_the_address_are_replaced_in_other_peoples_email():
    person = RepresentativeFactory(
        user__full_name="Ann Lee", user__email="ann.lee@agency.example.eu"
    ).user
    organisation_name = person.representative.organisation.name
    email = OutboundEmail.objects.create(
        from_email="portal@eca.eu",
        to=["colleague@agency.example.eu"],
        subject="Ann Lee asks to join",
        body_text="Ann Lee (ann.lee@agency.example.eu) met Ann Leeds at the Annual meeting.",
    )
    user_delete(user=person)
    email.refresh_from_db()
    label = f"A former member of {organisation_name}"
    assert email.subject == f"{label} asks to join"
    assert email.body_text == f"{label} ({label}) met Ann Leeds at the Annual meeting."
