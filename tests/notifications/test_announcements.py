"""Announcements: drafts, audience, sending in batches with each member given it once (also
under retried and overlapping tasks), progress, and the secretariat-only pages."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from pytest_django.asserts import assertContains, assertRedirects

from audit.models import AuditEntry
from members.models import Organisation
from notifications import announcements
from notifications.models import Announcement, Notification
from outbox.models import OutboundEmail
from outbox.services import outbound_email_deliver
from tests.members.factories import (
    ContactFactory,
    OrganisationFactory,
    PolicyThemeFactory,
    RepresentativeFactory,
)
from tests.notifications.factories import NotificationPreferenceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def members():
    """Three member organisations (Austria ×2 with a theme, France), five people; two of them
    chose announcement emails, one chose none, the others never chose."""
    theme = PolicyThemeFactory(name="Hydrogen")
    austrian = OrganisationFactory(country="AT")
    austrian.themes.add(theme)
    other_austrian = OrganisationFactory(country="AT")
    french = OrganisationFactory(country="FR")
    people = {
        "at_contact": ContactFactory(organisation=austrian).user,
        "at_officer": RepresentativeFactory(organisation=austrian).user,
        "at2_contact": ContactFactory(organisation=other_austrian).user,
        "fr_contact": ContactFactory(organisation=french).user,
        "fr_officer": RepresentativeFactory(organisation=french).user,
    }
    NotificationPreferenceFactory(user=people["at_contact"])
    NotificationPreferenceFactory(user=people["fr_contact"])
    NotificationPreferenceFactory(user=people["fr_officer"], email_announcements=False)
    lapsed = OrganisationFactory(membership_status=Organisation.MembershipStatus.LAPSED)
    people["lapsed"] = ContactFactory(organisation=lapsed).user
    return {"theme": theme, **people}


def _draft(author, **audience):
    return announcements.announcement_save(
        acting_user=author,
        title="General assembly on 3 March",
        body="Please **register** by 20 February.",
        **audience,
    )


def test_a_draft_is_rendered_safely_and_sends_nothing(secretariat_user, members):
    announcement = announcements.announcement_save(
        acting_user=secretariat_user,
        title="Assembly",
        body="<script>alert(1)</script> **Come**",
    )
    assert announcement.status == Announcement.Status.DRAFT
    assert "<script>" not in announcement.body_html
    assert "<strong>Come</strong>" in announcement.body_html
    assert not Notification.objects.exists()


def test_only_the_secretariat_writes_and_sends(members):
    with pytest.raises(PermissionDenied):
        _draft(members["at_contact"])


def test_bad_input_is_refused_with_a_reason(secretariat_user):
    with pytest.raises(ValidationError) as error:
        _draft(secretariat_user, countries=["XX"])
    assert "countries" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        announcements.announcement_save(acting_user=secretariat_user, title="", body=" ")
    assert "title" in error.value.message_dict


def test_the_audience_is_active_members_in_the_countries_and_themes(secretariat_user, members):
    everyone = _draft(secretariat_user)
    assert set(announcements.announcement_audience(everyone)) == {
        members[key]
        for key in ("at_contact", "at_officer", "at2_contact", "fr_contact", "fr_officer")
    }
    austria = _draft(secretariat_user, countries=["AT"])
    assert set(announcements.announcement_audience(austria)) == {
        members["at_contact"],
        members["at_officer"],
        members["at2_contact"],
    }
    hydrogen_in_austria = _draft(secretariat_user, countries=["AT"], themes=[members["theme"]])
    assert set(announcements.announcement_audience(hydrogen_in_austria)) == {
        members["at_contact"],
        members["at_officer"],
    }


def test_sending_gives_each_member_the_announcement_once_and_mails_those_who_chose(
    secretariat_user, members, django_capture_on_commit_callbacks
):
    announcement = _draft(secretariat_user)
    with django_capture_on_commit_callbacks(execute=True):
        announcements.announcement_send(announcement=announcement, acting_user=secretariat_user)
    announcement.refresh_from_db()
    assert announcement.status == Announcement.Status.SENT
    assert announcement.recipient_count == 5
    assert Notification.objects.filter(announcement=announcement).count() == 5
    # Emailed: those who chose announcement emails (not the one who turned them off, not
    # those who never chose).
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [members["at_contact"].email, members["fr_contact"].email]
    )
    message = next(m for m in mail.outbox if m.to == [members["at_contact"].email])
    assert message.subject.endswith("General assembly on 3 March")
    assert "<strong>register</strong>" in message.alternatives[0][0]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    entry = AuditEntry.objects.get(action="announcement_send")
    assert entry.object_id == announcement.pk and entry.changes["recipients"] == 5
    with pytest.raises(ValidationError):
        announcements.announcement_send(announcement=announcement, acting_user=secretariat_user)


def test_a_retried_or_repeated_batch_gives_nobody_the_announcement_twice(
    secretariat_user, members, django_capture_on_commit_callbacks
):
    announcement = _draft(secretariat_user)
    # Sending started, but the broker lost the fan-out: the batches run by hand, twice, and
    # the periodic resume runs on top.
    Announcement.objects.filter(pk=announcement.pk).update(
        status=Announcement.Status.SENDING, recipient_count=5
    )
    batches = announcements.announcement_batches(announcement=announcement, batch_size=2)
    assert [len(batch) for batch in batches] == [2, 2, 1]
    with django_capture_on_commit_callbacks(execute=True):
        given = [
            announcements.announcement_batch_send(announcement_id=announcement.pk, user_ids=b)
            for b in batches + batches
        ]
        announcements.announcements_resume()
    assert given == [2, 2, 1, 0, 0, 0]
    assert Notification.objects.filter(announcement=announcement).count() == 5
    assert OutboundEmail.objects.filter(notification__announcement=announcement).count() == 2
    assert len(mail.outbox) == 2
    announcement.refresh_from_db()
    assert announcement.status == Announcement.Status.SENT


def test_progress_counts_sent_failed_and_pending_emails(
    secretariat_user, members, settings, django_capture_on_commit_callbacks
):
    announcement = announcements.announcement_send(
        announcement=_draft(secretariat_user), acting_user=secretariat_user
    )
    announcements.announcement_batch_send(
        announcement_id=announcement.pk,
        user_ids=[members["at_contact"].pk, members["fr_contact"].pk, members["at_officer"].pk],
    )
    progress = announcements.announcement_progress(announcement=announcement)
    assert progress == {
        "recipients": 5,
        "given": 3,
        "waiting": 2,
        "in_app_only": 1,
        "sent": 0,
        "failed": 0,
        "pending": 2,
    }
    first, second = OutboundEmail.objects.order_by("pk")
    assert outbound_email_deliver(outbound_email_id=first.pk)
    OutboundEmail.objects.filter(pk=second.pk).update(status=OutboundEmail.Status.FAILED)
    progress = announcements.announcement_progress(announcement=announcement)
    assert (progress["sent"], progress["failed"], progress["pending"]) == (1, 1, 0)


# --- Pages -------------------------------------------------------------------------------------


LIST_URL = reverse("announcements:list")


@pytest.mark.parametrize("who", ["member", "contact"])
def test_members_may_not_open_the_secretariat_pages(client, members, who, secretariat_user):
    announcement = _draft(secretariat_user)
    client.force_login(members["at_officer" if who == "member" else "at_contact"])
    for url in (
        LIST_URL,
        reverse("announcements:create"),
        reverse("announcements:detail", args=[announcement.pk]),
        reverse("announcements:edit", args=[announcement.pk]),
    ):
        assert client.get(url).status_code == 403
    assert client.post(reverse("announcements:send", args=[announcement.pk])).status_code == 403
    assert Announcement.objects.get().status == Announcement.Status.DRAFT


def test_anonymous_people_are_sent_to_sign_in(client):
    response = client.get(LIST_URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_secretariat_without_two_factor_is_sent_to_set_it_up(
    client, secretariat_user_without_2fa
):
    client.force_login(secretariat_user_without_2fa)
    response = client.get(LIST_URL)
    assert response.status_code == 302
    assert "/accounts/2fa/" in response["Location"]


def test_writing_checking_and_sending_an_announcement(
    client, secretariat_user, members, django_capture_on_commit_callbacks
):
    client.force_login(secretariat_user)
    response = client.post(
        reverse("announcements:create"),
        {"title": "Assembly", "body": "Come **all**.", "countries": ["FR"]},
    )
    announcement = Announcement.objects.get()
    detail = reverse("announcements:detail", args=[announcement.pk])
    assertRedirects(response, detail)
    page = client.get(detail)
    assertContains(page, "Send to 2 members")
    assertContains(page, "<strong>all</strong>", html=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("announcements:send", args=[announcement.pk]))
    assertRedirects(response, detail)
    page = client.get(detail)
    assertContains(page, "Delivered in the portal")
    assertContains(page, "2 / 2")
    # A sent announcement is not edited any more.
    assert client.get(reverse("announcements:edit", args=[announcement.pk])).status_code == 404
    # The members find it in their notifications and may open it.
    client.force_login(members["fr_officer"])
    assertContains(client.get(reverse("notifications:list")), "Announcement from the secretariat")
    member_page = reverse("notifications:announcement_detail", args=[announcement.pk])
    assertContains(client.get(member_page), "Assembly")
    # Someone outside its audience does not.
    client.force_login(members["at_contact"])
    assert client.get(member_page).status_code == 404


def test_bad_input_shows_errors_next_to_the_fields(client, secretariat_user):
    client.force_login(secretariat_user)
    response = client.post(
        reverse("announcements:create"), {"title": "", "body": "", "countries": ["XX"]}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"title", "body", "countries"}
    assert not Announcement.objects.exists()


def test_sending_to_an_empty_audience_is_refused_with_a_message(client, secretariat_user):
    client.force_login(secretariat_user)
    announcement = _draft(secretariat_user, countries=["MT"])
    response = client.post(reverse("announcements:send", args=[announcement.pk]), follow=True)
    assertContains(response, "No member is in this audience")
    assert Announcement.objects.get().status == Announcement.Status.DRAFT


def test_the_list_has_a_query_bound(client, secretariat_user, django_assert_max_num_queries):
    client.force_login(secretariat_user)
    for count in (2, 30):
        for _index in range(count - Announcement.objects.count()):
            _draft(secretariat_user)
        with django_assert_max_num_queries(16):
            response = client.get(LIST_URL)
        assert response.status_code == 200
        assert len(response.context["announcements"]) == min(count, 25)
