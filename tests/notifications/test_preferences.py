"""The email settings page (for every role), the consent step after the first sign-in through
the real allauth form, and the notifications page: a fixed number of queries with few and many
notifications of mixed kinds, and marking one or all read."""

import re
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from dialogues import services as dialogue_services
from initiatives.models import InitiativeStatus
from members.models import Organisation
from notifications.consent import CHOICE_DUE_SESSION_KEY
from notifications.models import DigestFrequency, Notification, NotificationPreference
from tests.dialogues.factories import ThreadFactory, member_user, suspended_member_user
from tests.initiatives.factories import InitiativeFactory, contact_user
from tests.members.factories import (
    MembershipApplicationFactory,
    OrganisationFactory,
    PolicyThemeFactory,
    RepresentativeFactory,
)
from tests.notifications.factories import NotificationPreferenceFactory

pytestmark = pytest.mark.django_db

SETTINGS_URL = reverse("notifications:preferences")
LIST_URL = reverse("notifications:list")
Kind = Notification.Kind


def form_data(**overrides):
    data = {
        "digest": "daily",
        "email_mentions": "on",
        "email_decisions": "on",
        "language": "en",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# --- The settings page -------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(SETTINGS_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    response = client.post(SETTINGS_URL, form_data())
    assert response["Location"].startswith(reverse("account_login"))
    assert not NotificationPreference.objects.exists()


@pytest.mark.parametrize(
    "role", ["non_member", "member", "suspended_member", "contact", "moderator", "secretariat"]
)
def test_every_signed_in_person_has_a_settings_page(role, client, non_member, moderator, request):
    users = {
        "non_member": lambda: non_member,
        "member": member_user,
        "suspended_member": suspended_member_user,
        "contact": contact_user,
        "moderator": lambda: moderator,
        "secretariat": lambda: request.getfixturevalue("secretariat_user"),
    }
    user = users[role]()
    client.force_login(user)
    response = client.get(SETTINGS_URL)
    assert response.status_code == 200
    assertContains(response, "<h1>Choose your emails</h1>", html=True)
    response = client.post(SETTINGS_URL, form_data(digest="off"))
    assertRedirects(response, SETTINGS_URL)
    assert NotificationPreference.objects.get(user=user).has_chosen


def test_weekly_is_preselected_on_the_first_visit(client, member):
    client.force_login(member)
    response = client.get(SETTINGS_URL)
    content = response.content.decode()
    weekly = re.search(r'<input[^>]*value="weekly"[^>]*>', content).group(0)
    assert "checked" in weekly
    for other in ("daily", "off"):
        assert "checked" not in re.search(rf'<input[^>]*value="{other}"[^>]*>', content).group(0)
    assert response.context["first_choice"] is True
    # "No digest" is one click away: a radio button of the same group.
    assertContains(response, "No digest")
    assert not NotificationPreference.objects.exists()  # looking is not choosing


def test_the_page_shows_the_saved_choices_afterwards(client, member):
    theme = PolicyThemeFactory(name="Hydrogen")
    NotificationPreferenceFactory(user=member, digest="daily", email_mentions=False).themes.set(
        [theme]
    )
    client.force_login(member)
    response = client.get(SETTINGS_URL)
    assert response.context["first_choice"] is False
    assertContains(response, "<h1>Email settings</h1>", html=True)
    content = response.content.decode()
    assert "checked" in re.search(r'<input[^>]*value="daily"[^>]*>', content).group(0)
    assert "checked" not in re.search(r'<input[^>]*name="email_mentions"[^>]*>', content).group(0)
    assert "checked" in re.search(rf'<input[^>]*value="{theme.pk}"[^>]*>', content).group(0)


def test_saving_records_consent_the_digest_start_themes_and_language(client, member):
    theme = PolicyThemeFactory(name="Hydrogen")
    client.force_login(member)
    before = timezone.now()
    response = client.post(
        SETTINGS_URL, form_data(digest="daily", themes=[theme.pk], language="de"), follow=True
    )
    assertContains(response, "Your email settings are saved.")
    preference = NotificationPreference.objects.get(user=member)
    assert preference.digest == DigestFrequency.DAILY
    assert preference.chosen_at >= before and preference.digest_since >= before
    assert (preference.email_mentions, preference.email_decisions) == (True, True)
    assert preference.email_announcements is False  # left unticked
    assert list(preference.themes.all()) == [theme]
    member.refresh_from_db()
    assert member.language == "de"
    # Saving again keeps the first consent and the digest's start.
    chosen_at, since = preference.chosen_at, preference.digest_since
    client.post(SETTINGS_URL, form_data(digest="weekly", language="de"))
    preference.refresh_from_db()
    assert (preference.chosen_at, preference.digest_since) == (chosen_at, since)
    assert list(preference.themes.all()) == []


def test_choosing_no_digest_is_consent_too_without_a_digest_start(client, member):
    client.force_login(member)
    client.post(SETTINGS_URL, form_data(digest="off", email_mentions=None, email_decisions=None))
    preference = NotificationPreference.objects.get(user=member)
    assert preference.has_chosen and preference.digest == DigestFrequency.OFF
    assert preference.digest_since is None
    assert (preference.email_mentions, preference.email_decisions) == (False, False)


def _error_next_to(content, field, message):
    """The error is in the field's own error list (Django ties it to the field with
    aria-describedby), not only at the top of the form."""
    errors = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', content, re.S)
    assert errors is not None, f"no error list for {field}"
    assert message in errors.group(1)
    assert f"id_{field}_error" in content[content.index(f'id="id_{field}') - 400 :]


@pytest.mark.parametrize(
    "data, field",
    [
        (form_data(digest="hourly"), "digest"),
        (form_data(digest=None), "digest"),
        (form_data(themes=["999999"]), "themes"),
        (form_data(themes=["not-a-number"]), "themes"),
        (form_data(language="xx"), "language"),
    ],
)
def test_bad_input_is_shown_next_to_the_field_and_saves_nothing(data, field, client, member):
    PolicyThemeFactory(name="Hydrogen")
    client.force_login(member)
    response = client.post(SETTINGS_URL, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    content = response.content.decode()
    _error_next_to(content, field, str(errors[field][0])[:20])
    assert 'aria-invalid="true"' in content
    assert not NotificationPreference.objects.exists()


def test_next_leads_back_after_saving_but_never_off_site(client, member):
    client.force_login(member)
    response = client.post(f"{SETTINGS_URL}?next=/dialogues/", form_data())
    assertRedirects(response, "/dialogues/", fetch_redirect_response=False)
    response = client.post(f"{SETTINGS_URL}?next=https://evil.example/", form_data())
    assertRedirects(response, SETTINGS_URL)


# --- The consent step at sign-in ---------------------------------------------------------------


def sign_in(client, user, password):
    response = client.post(reverse("account_login"), {"login": user.email, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def test_an_active_member_who_has_not_chosen_is_asked_once_after_signing_in(
    client, verified_user, password
):
    RepresentativeFactory(user=verified_user)
    sign_in(client, verified_user, password)
    wanted = reverse("dialogues:topic_list")
    response = client.get(wanted)
    assertRedirects(
        response, f"{SETTINGS_URL}?{urlencode({'next': wanted})}", fetch_redirect_response=False
    )
    response = client.get(response["Location"])
    assertContains(response, "Choose your emails")
    assertContains(response, f'name="next" value="{wanted}"', html=False)
    # Once: the person may leave it for later.
    assert client.get(wanted).status_code == 200
    assert client.get("/").status_code == 200
    assert not NotificationPreference.objects.filter(chosen_at__isnull=False).exists()
    # Asked again at the next sign-in; choosing leads on to the page they wanted.
    client.logout()
    sign_in(client, verified_user, password)
    assert client.get(wanted)["Location"].startswith(SETTINGS_URL)
    response = client.post(f"{SETTINGS_URL}?next={wanted}", form_data(next=wanted))
    assertRedirects(response, wanted, fetch_redirect_response=False)
    assert client.get(wanted).status_code == 200


def test_the_step_never_interrupts_a_post_or_htmx_or_the_settings_page_itself(
    client, verified_user, password
):
    RepresentativeFactory(user=verified_user)
    sign_in(client, verified_user, password)
    assert client.get(SETTINGS_URL).status_code == 200  # the page itself clears the flag
    assert client.session.get(CHOICE_DUE_SESSION_KEY) is None
    client.logout()
    sign_in(client, verified_user, password)
    assert client.get("/", headers={"HX-Request": "true"}).status_code == 200
    assert client.session.get(CHOICE_DUE_SESSION_KEY) is True


@pytest.mark.parametrize(
    "situation", ["non_member", "suspended_member", "has_chosen", "chose_no_digest"]
)
def test_others_are_not_asked(situation, client, verified_user, password):
    if situation == "suspended_member":
        RepresentativeFactory(
            user=verified_user,
            organisation=OrganisationFactory(
                membership_status=Organisation.MembershipStatus.SUSPENDED
            ),
        )
    elif situation in ("has_chosen", "chose_no_digest"):
        RepresentativeFactory(user=verified_user)
        digest = "off" if situation == "chose_no_digest" else "weekly"
        NotificationPreferenceFactory(user=verified_user, digest=digest)
    sign_in(client, verified_user, password)
    assert client.session.get(CHOICE_DUE_SESSION_KEY) is None
    assert client.get(reverse("dialogues:topic_list")).status_code == 200


def test_a_login_in_code_does_not_ask(client, member):
    client.force_login(member)  # not through allauth: no signal, no step
    assert client.get(reverse("dialogues:topic_list")).status_code == 200


# --- The notifications page --------------------------------------------------------------------


def _mixed_notifications(user, count):
    """`count` notifications for `user` of every kind the page shows, with their objects."""
    author = member_user(full_name="Anna Active")
    thread = ThreadFactory(author=author, title="Energy audits")
    initiative = InitiativeFactory(
        proposer=contact_user(), title="Hydrogen valleys", status=InitiativeStatus.PROPOSED
    )
    organisation = user.representative.organisation if hasattr(user, "representative") else None
    organisation = organisation or OrganisationFactory()
    application = MembershipApplicationFactory(applicant=user)
    posts = [
        dialogue_services.post_create(thread=thread, author=author, body=f"#{i}")
        for i in range(count)
    ]
    Notification.objects.filter(recipient=user).delete()
    kinds = [
        {"kind": Kind.MENTION},
        {"kind": Kind.REPLY},
        {"kind": Kind.THREAD_POST},
        {"kind": Kind.INITIATIVE_UPDATE, "initiative": initiative, "details": {"title": "News"}},
        {"kind": Kind.INITIATIVE_STATUS, "initiative": initiative, "details": {"status": "active"}},
        {"kind": Kind.MATCHING_INITIATIVE, "initiative": initiative},
        {"kind": Kind.MATCHING_ORGANISATION, "organisation": organisation},
        {
            "kind": Kind.APPLICATION_DECISION,
            "application": application,
            "details": {"status": "approved"},
        },
        {
            "kind": Kind.MEMBERSHIP_STATUS,
            "organisation": organisation,
            "via_organisation": organisation,
        },
    ]
    rows = []
    for i in range(count):
        fields = dict(kinds[i % len(kinds)])
        if fields["kind"] in (Kind.MENTION, Kind.REPLY, Kind.THREAD_POST):
            fields.update(post=posts[i], thread=thread)
        rows.append(Notification(recipient=user, actor=author, **fields))
    Notification.objects.bulk_create(rows)


@pytest.mark.parametrize("count", [9, 90])
def test_the_page_in_a_fixed_number_of_queries_with_mixed_kinds(
    count, client, django_assert_max_num_queries
):
    user = contact_user(full_name="Rita Reader")
    _mixed_notifications(user, count)
    client.force_login(user)
    # 17, and one query per kind of object fetched by id (initiatives, organisations,
    # applications: selectors.NOTIFICATION_FETCHED) when the page shows one.
    with django_assert_max_num_queries(20):
        response = client.get(LIST_URL)
    assert response.status_code == 200
    assert len(response.context["rows"]) == min(count, 25)
    assertContains(response, "Anna Active mentioned you in “Energy audits”")
    assertContains(response, "News in the initiative “Hydrogen valleys”: News")
    with django_assert_max_num_queries(20):
        assert client.get(f"{LIST_URL}?page=2").status_code == 200


def test_mark_one_read_by_opening_it_then_all(client):
    user = contact_user()
    _mixed_notifications(user, 9)
    client.force_login(user)
    header = 'Notifications (9<span class="visually-hidden"> unread</span>)'
    assertContains(client.get(LIST_URL), header)
    mention = Notification.objects.get(recipient=user, kind=Kind.MENTION)
    response = client.get(reverse("notifications:open", kwargs={"pk": mention.pk}))
    assert response.status_code == 302
    mention.refresh_from_db()
    assert mention.read_at is not None
    page = client.get(LIST_URL)
    assertContains(page, 'Notifications (8<span class="visually-hidden"> unread</span>)')
    assert page.content.decode().count('class="badge">Unread') == 8
    client.post(reverse("notifications:mark_all_read"))
    page = client.get(LIST_URL)
    assertContains(page, 'Notifications (0<span class="visually-hidden"> unread</span>)')
    assertNotContains(page, 'class="badge">Unread')
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_mark_all_read_leaves_other_peoples_notifications(client, member, other_member):
    _mixed_notifications(other_member, 3)
    client.force_login(member)
    client.post(reverse("notifications:mark_all_read"))
    assert Notification.objects.filter(recipient=other_member, read_at__isnull=True).count() == 3


def test_each_kind_on_the_page_opens_its_object(client):
    user = contact_user()
    _mixed_notifications(user, 9)
    client.force_login(user)
    for notification in Notification.objects.filter(recipient=user):
        response = client.get(reverse("notifications:open", kwargs={"pk": notification.pk}))
        assert response.status_code == 302, notification.kind
        assert response["Location"] != LIST_URL, notification.kind
        assert client.get(response["Location"]).status_code in (200, 302), notification.kind
