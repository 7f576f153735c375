"""Applying, the review queue and decisions, join requests and invitations, as pages."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from members import services
from members.models import (
    ApplicationStatus,
    JoinRequest,
    MembershipApplication,
    Organisation,
    Representative,
    RepresentativeInvitation,
)
from tests.accounts.factories import UserFactory
from tests.members.factories import (
    ContactFactory,
    MembershipApplicationFactory,
    OrganisationFactory,
    PolicyThemeFactory,
    RepresentativeFactory,
    application_data,
)
from tests.notifications.factories import NotificationPreferenceFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ROLES = [
    "anonymous",
    "non_member",
    "applicant",
    "other_applicant",
    "representative",
    "contact",
    "other_contact",
    "secretariat",
]


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf_upload(name="mandate.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


class World:
    """One person per role, an application with a document, an organisation with its contact,
    a join request and an invitation."""

    def __init__(self, verified_user, secretariat_user):
        self.organisation = OrganisationFactory(name="Business Upper Austria", country="AT")
        self.people = {
            "anonymous": None,
            "non_member": verified_user,
            "applicant": UserFactory(full_name="Lucía Pérez", email="lucia@ader.es"),
            "other_applicant": UserFactory(full_name="Piotr Nowak"),
            "representative": RepresentativeFactory(organisation=self.organisation).user,
            "contact": ContactFactory(organisation=self.organisation).user,
            "other_contact": ContactFactory().user,
            "secretariat": secretariat_user,
        }
        self.application = services.application_submit(
            applicant=self.people["applicant"],
            data=application_data(supporting_document=pdf_upload()),
        )
        self.other_application = services.application_submit(
            applicant=self.people["other_applicant"],
            data=application_data(
                organisation_name="Małopolska Agency",
                country="PL",
                region_code="PL-12",
                nuts_code="PL21",
                website="https://malopolska.example.pl",
            ),
        )
        self.requester = UserFactory(full_name="Jana Horváth")
        self.join_request = services.join_request_create(
            user=self.requester, organisation=self.organisation, position="Analyst"
        )
        self.invitation = services.representative_invite(
            organisation=self.organisation,
            email="invited@biz-up.at",
            role=Representative.Role.REPRESENTATIVE,
            acting_user=self.people["contact"],
        )
        self.invited = UserFactory(email="invited@biz-up.at")

    def client_for(self, client, role):
        user = self.people[role] if role in self.people else getattr(self, role)
        if user is not None:
            client.force_login(user)
        return client


@pytest.fixture
def world(verified_user, secretariat_user):
    return World(verified_user, secretariat_user)


def assert_sent_to_sign_in(response):
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def html_of(response):
    return response.content.decode()


# --- Permissions: every role on every page ------------------------------------------------------

SECRETARIAT_ONLY = dict.fromkeys(ROLES, 403) | {"anonymous": "login", "secretariat": 200}
APPLICANT_OR_SECRETARIAT = dict.fromkeys(ROLES, 404) | {
    "anonymous": "login",
    "applicant": 200,
    "secretariat": 200,
}
CONTACT_OR_SECRETARIAT = dict.fromkeys(ROLES, 404) | {
    "anonymous": "login",
    "contact": 200,
    "secretariat": 200,
}
SIGNED_IN = dict.fromkeys(ROLES, 200) | {"anonymous": "login"}

GET_PAGES = {
    "application_create": (lambda w: reverse("members:application_create"), SIGNED_IN),
    "my_membership": (lambda w: reverse("members:my_membership"), SIGNED_IN),
    "application_detail": (
        lambda w: reverse("members:application_detail", args=[w.application.pk]),
        APPLICANT_OR_SECRETARIAT,
    ),
    "application_document": (
        lambda w: reverse("members:application_document", args=[w.application.pk]),
        APPLICANT_OR_SECRETARIAT,
    ),
    "application_queue": (lambda w: reverse("members:application_queue"), SECRETARIAT_ONLY),
    "application_review": (
        lambda w: reverse("members:application_review", args=[w.application.pk]),
        SECRETARIAT_ONLY,
    ),
    "join_request_create": (
        lambda w: reverse("members:join_request_create", args=[w.organisation.slug]),
        SIGNED_IN,
    ),
    "join_request_list": (
        lambda w: reverse("members:join_request_list", args=[w.organisation.slug]),
        CONTACT_OR_SECRETARIAT,
    ),
    "invitation_accept": (
        lambda w: reverse("members:invitation_accept", args=[w.invitation.pk]),
        dict.fromkeys(ROLES, 404) | {"anonymous": "login"},
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", list(GET_PAGES))
def test_who_may_see_each_page(client, world, page, role):
    url_of, expected = GET_PAGES[page]
    response = world.client_for(client, role).get(url_of(world))
    if expected[role] == "login":
        assert_sent_to_sign_in(response)
    else:
        assert response.status_code == expected[role]


def test_the_invited_person_sees_the_invitation(client, world):
    response = world.client_for(client, "invited").get(
        reverse("members:invitation_accept", args=[world.invitation.pk])
    )
    assert response.status_code == 200
    assert "Business Upper Austria" in html_of(response)


def test_an_invitation_needs_the_invited_address_verified(client, world):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=world.invited).update(verified=False)
    response = world.client_for(client, "invited").get(
        reverse("members:invitation_accept", args=[world.invitation.pk])
    )
    assert response.status_code == 404


POST_ACTIONS = {
    # name: (url, data, expected per role, what a success leaves behind)
    "application_withdraw": (
        lambda w: reverse("members:application_withdraw", args=[w.application.pk]),
        lambda w: {},
        dict.fromkeys(ROLES, 404) | {"anonymous": "login", "applicant": 302, "secretariat": 403},
    ),
    "application_decide": (
        lambda w: reverse("members:application_decide", args=[w.application.pk]),
        lambda w: {"action": "start_review"},
        SECRETARIAT_ONLY | {"secretariat": 302},
    ),
    "application_checklist": (
        lambda w: reverse("members:application_review", args=[w.application.pk]),
        lambda w: {
            "checklist-is_public_body": "yes",
            "checklist-is_eligible_country": "yes",
            "checklist-has_cluster_mandate": "undecided",
        },
        SECRETARIAT_ONLY | {"secretariat": 302},
    ),
    "join_request_decide": (
        lambda w: reverse("members:join_request_decide", args=[w.join_request.pk]),
        lambda w: {f"request-{w.join_request.pk}-decision": "accept"},
        CONTACT_OR_SECRETARIAT | {"contact": 302, "secretariat": 302},
    ),
    "join_request_withdraw": (
        lambda w: reverse("members:join_request_withdraw", args=[w.join_request.pk]),
        lambda w: {},
        dict.fromkeys(ROLES, 404) | {"anonymous": "login"},
    ),
    "invitation_accept": (
        lambda w: reverse("members:invitation_accept", args=[w.invitation.pk]),
        lambda w: {},
        dict.fromkeys(ROLES, 404) | {"anonymous": "login"},
    ),
}


def _action_done(world, action):
    world.application.refresh_from_db()
    world.join_request.refresh_from_db()
    world.invitation.refresh_from_db()
    return {
        "application_withdraw": world.application.status == ApplicationStatus.WITHDRAWN,
        "application_decide": world.application.status == ApplicationStatus.UNDER_REVIEW,
        "application_checklist": world.application.is_public_body is True,
        "join_request_decide": world.join_request.status == JoinRequest.Status.ACCEPTED,
        "join_request_withdraw": world.join_request.status == JoinRequest.Status.WITHDRAWN,
        "invitation_accept": world.invitation.status == RepresentativeInvitation.Status.ACCEPTED,
    }[action]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(POST_ACTIONS))
def test_who_may_act(client, world, action, role):
    url_of, data_of, expected = POST_ACTIONS[action]
    response = world.client_for(client, role).post(url_of(world), data_of(world))
    if expected[role] == "login":
        assert_sent_to_sign_in(response)
    else:
        assert response.status_code == expected[role]
    assert _action_done(world, action) is (expected[role] == 302)


@pytest.mark.parametrize(
    ("action", "role"),
    [
        ("join_request_withdraw", "requester"),
        ("invitation_accept", "invited"),
    ],
)
def test_the_person_concerned_may_act(client, world, action, role):
    url_of, data_of, _expected = POST_ACTIONS[action]
    response = world.client_for(client, role).post(url_of(world), data_of(world))
    assert response.status_code == 302
    assert _action_done(world, action)


def test_the_secretariat_cannot_answer_in_the_applicants_place(client, world, secretariat_user):
    services.application_start_review(application=world.application, acting_user=secretariat_user)
    services.application_request_information(
        application=world.application, acting_user=secretariat_user, question="Which law?"
    )
    url = reverse("members:application_respond", args=[world.application.pk])
    for role, expected in [("secretariat", 403), ("other_applicant", 404), ("contact", 404)]:
        client.logout()
        response = world.client_for(client, role).post(url, {"response": "Law 3/2019"})
        assert response.status_code == expected
    client.logout()
    assert_sent_to_sign_in(client.post(url, {"response": "Law 3/2019"}))
    world.application.refresh_from_db()
    assert world.application.status == ApplicationStatus.INFORMATION_REQUESTED


# --- Applying --------------------------------------------------------------------------------


def form_data(**overrides):
    data = application_data()
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_the_application_form_offers_regions_grouped_by_country(client, verified_user):
    PolicyThemeFactory(slug="green-transition", name="Green transition")
    client.force_login(verified_user)
    html = html_of(client.get(reverse("members:application_create")))
    assert '<optgroup label="Spain">' in html
    assert '<option value="ES-RI">La Rioja</option>' in html
    assert 'type="checkbox" name="themes"' in html
    assert 'enctype="multipart/form-data"' in html
    assert 'accept="application/pdf,.pdf"' in html


def test_applying_sends_the_application_and_shows_it(
    client, verified_user, django_capture_on_commit_callbacks
):
    theme = PolicyThemeFactory(slug="green-transition", name="Green transition")
    client.force_login(verified_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("members:application_create"),
            form_data(themes=[theme.pk], supporting_document=pdf_upload()),
        )
    application = MembershipApplication.objects.get(applicant=verified_user)
    assert response.status_code == 302
    assert response.url == application.get_absolute_url()
    assert list(application.themes.all()) == [theme]
    assert application.supporting_document
    assert [message.to for message in mail.outbox] == [[verified_user.email]]
    page = client.get(response.url)
    html = html_of(page)
    assert "your application has been sent" in html
    assert "Agencia de Desarrollo Económico de La Rioja" in html
    assert "Submitted" in html
    assert reverse("members:application_document", args=[application.pk]) in html


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"country": "US"}, "country", "Select a valid choice"),
        ({"country": ""}, "country", "This field is required"),
        ({"region_code": "FR-ARA"}, "region_code", "not in the selected country"),
        ({"region_code": "XX-YY"}, "region_code", "Select a valid choice"),
        ({"region_code": ""}, "region_code", "must name its region"),
        ({"website": "not a web site"}, "website", "Enter a valid URL"),
        ({"nuts_code": "E$23"}, "nuts_code", "Enter a NUTS code such as"),
        ({"nuts_code": "FR10"}, "nuts_code", "starts with ES"),
        ({"organisation_name": ""}, "organisation_name", "This field is required"),
        ({"mandate": ""}, "mandate", "This field is required"),
        ({"kind": "company"}, "kind", "Select a valid choice"),
    ],
)
def test_bad_input_is_shown_next_to_the_field_and_kept(
    client, verified_user, overrides, field, message
):
    client.force_login(verified_user)
    response = client.post(
        reverse("members:application_create"),
        form_data(motivation="We want to learn from others.", **overrides),
    )
    assert response.status_code == 200
    html = html_of(response)
    assert f'id="id_{field}_error"' in html
    assert message in html
    assert "We want to learn from others." in html  # what was typed is kept
    assert not MembershipApplication.objects.exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (pdf_upload("letter.pdf", b"<html>hello</html>"), "must be a PDF"),
        (pdf_upload("letter.docx", PDF), "File extension"),
    ],
    ids=["not-a-pdf-inside", "not-a-pdf-name"],
)
def test_only_a_pdf_is_accepted_as_document(client, verified_user, upload, message):
    client.force_login(verified_user)
    response = client.post(
        reverse("members:application_create"), form_data(supporting_document=upload)
    )
    assert response.status_code == 200
    assert 'id="id_supporting_document_error"' in html_of(response)
    assert message in html_of(response)
    assert not MembershipApplication.objects.exists()


def test_a_document_over_the_size_limit_is_refused(client, verified_user, monkeypatch):
    monkeypatch.setattr("members.models.DOCUMENT_MAX_BYTES", 20)
    client.force_login(verified_user)
    response = client.post(
        reverse("members:application_create"), form_data(supporting_document=pdf_upload())
    )
    assert "10 MB or smaller" in html_of(response)
    assert not MembershipApplication.objects.exists()


def test_a_second_open_application_is_refused_with_a_link_to_the_first(client, world):
    world.client_for(client, "applicant")
    response = client.get(reverse("members:application_create"))
    html = html_of(response)
    assert "You already have an open application" in html
    assert world.application.get_absolute_url() in html
    assert 'name="organisation_name"' not in html

    response = client.post(reverse("members:application_create"), form_data())
    html = html_of(response)
    assert response.status_code == 200
    assert "You already have an open application." in html
    assert f'<a href="{world.application.get_absolute_url()}">' in html
    assert MembershipApplication.objects.filter(applicant=world.people["applicant"]).count() == 1


def test_a_representative_is_told_they_already_represent_an_organisation(client, world):
    world.client_for(client, "representative")
    html = html_of(client.get(reverse("members:application_create")))
    assert "You already represent" in html
    assert world.organisation.get_absolute_url() in html
    response = client.post(reverse("members:application_create"), form_data())
    assert "You already represent a member organisation." in html_of(response)
    assert not MembershipApplication.objects.filter(
        applicant=world.people["representative"]
    ).exists()


# --- The application's page ---------------------------------------------------------------


def test_the_applicant_sees_the_secretariat_not_a_staff_name(client, world, secretariat_user):
    services.application_start_review(application=world.application, acting_user=secretariat_user)
    world.client_for(client, "applicant")
    html = html_of(client.get(world.application.get_absolute_url()))
    assert "Secretariat" in html
    assert secretariat_user.full_name not in html
    assert "Under review" in html
    client.logout()
    world.client_for(client, "secretariat")
    html = html_of(client.get(world.application.get_absolute_url()))
    assert secretariat_user.full_name in html


def test_withdrawing_is_offered_with_a_warning_while_open(client, world):
    world.client_for(client, "applicant")
    html = html_of(client.get(world.application.get_absolute_url()))
    assert reverse("members:application_withdraw", args=[world.application.pk]) in html
    assert "cannot be reopened" in html
    client.post(reverse("members:application_withdraw", args=[world.application.pk]))
    html = html_of(client.get(world.application.get_absolute_url()))
    assert "Withdrawn" in html
    assert reverse("members:application_withdraw", args=[world.application.pk]) not in html
    # A second withdrawal is refused with a message, not an error page.
    response = client.post(
        reverse("members:application_withdraw", args=[world.application.pk]), follow=True
    )
    assert response.status_code == 200
    assert "cannot become" in html_of(response)


@pytest.fixture
def information_requested(world, secretariat_user):
    services.application_start_review(application=world.application, acting_user=secretariat_user)
    return services.application_request_information(
        application=world.application,
        acting_user=secretariat_user,
        question="Which regional law gives you the mandate?",
        request_document=True,
    )


def test_the_applicant_answers_the_secretariats_question(client, world, information_requested):
    world.client_for(client, "applicant")
    html = html_of(client.get(world.application.get_absolute_url()))
    assert "Which regional law gives you the mandate?" in html
    assert reverse("members:application_respond", args=[world.application.pk]) in html
    response = client.post(
        reverse("members:application_respond", args=[world.application.pk]),
        {"response": "Regional Law 3/2019.", "document": pdf_upload("decree.pdf")},
    )
    assert response.status_code == 302
    world.application.refresh_from_db()
    assert world.application.status == ApplicationStatus.RESUBMITTED
    assert world.application.applicant_response == "Regional Law 3/2019."


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"response": ""}, "response", "This field is required"),
        ({"response": "Here"}, "document", ""),
        ({"response": "Here", "document": "not-a-file"}, "document", ""),
    ],
    ids=["no-answer", "no-document", "document-not-a-file"],
)
def test_bad_answers_are_shown_next_to_the_field(
    client, world, information_requested, data, field, message
):
    # The application already has a document from applying; ask as if it had none.
    MembershipApplication.objects.filter(pk=world.application.pk).update(supporting_document="")
    world.client_for(client, "applicant")
    response = client.post(
        reverse("members:application_respond", args=[world.application.pk]), data
    )
    assert response.status_code == 200
    assert f'id="id_{field}_error"' in html_of(response)
    assert message in html_of(response)
    world.application.refresh_from_db()
    assert world.application.status == ApplicationStatus.INFORMATION_REQUESTED


def test_a_non_pdf_answer_document_is_refused(client, world, information_requested):
    world.client_for(client, "applicant")
    response = client.post(
        reverse("members:application_respond", args=[world.application.pk]),
        {"response": "Here", "document": pdf_upload("decree.pdf", b"PK\x03\x04 zip")},
    )
    assert "must be a PDF" in html_of(response)
    world.application.refresh_from_db()
    assert world.application.status == ApplicationStatus.INFORMATION_REQUESTED


def test_answering_when_nothing_was_asked_is_refused_with_a_message(client, world):
    world.client_for(client, "applicant")
    response = client.post(
        reverse("members:application_respond", args=[world.application.pk]),
        {"response": "Unasked"},
        follow=True,
    )
    assert response.status_code == 200
    assert "cannot become" in html_of(response)


def test_the_document_is_served_privately(client, world):
    world.client_for(client, "applicant")
    response = client.get(reverse("members:application_document", args=[world.application.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    # No document: 404, not an error.
    client.logout()
    world.client_for(client, "other_applicant")
    response = client.get(
        reverse("members:application_document", args=[world.other_application.pk])
    )
    assert response.status_code == 404


def test_the_document_is_not_linked_from_a_public_media_url(client, world):
    world.client_for(client, "secretariat")
    html = html_of(client.get(reverse("members:application_review", args=[world.application.pk])))
    assert "/media/" not in html
    assert reverse("members:application_document", args=[world.application.pk]) in html


# --- My membership ----------------------------------------------------------------------------


def test_my_membership_lists_what_the_person_has(client, world, secretariat_user):
    requester = world.requester
    invited_too = RepresentativeInvitation.objects.create(
        organisation=OrganisationFactory(name="Innovation Norway"),
        email=requester.email.upper(),
        invited_by=secretariat_user,
    )
    world.client_for(client, "requester")
    html = html_of(client.get(reverse("members:my_membership")))
    assert "Business Upper Austria" in html
    assert reverse("members:join_request_withdraw", args=[world.join_request.pk]) in html
    assert reverse("members:invitation_accept", args=[invited_too.pk]) in html
    assert "You do not represent a member organisation." in html

    client.logout()
    world.client_for(client, "contact")
    html = html_of(client.get(reverse("members:my_membership")))
    assert "Contact" in html
    assert world.organisation.get_absolute_url() in html
    assert reverse("members:join_request_list", args=[world.organisation.slug]) in html

    client.logout()
    world.client_for(client, "applicant")
    html = html_of(client.get(reverse("members:my_membership")))
    assert world.application.get_absolute_url() in html
    assert "Submitted" in html


def test_my_membership_shows_no_invitation_for_another_address(client, world):
    world.client_for(client, "non_member")
    html = html_of(client.get(reverse("members:my_membership")))
    assert reverse("members:invitation_accept", args=[world.invitation.pk]) not in html


def test_my_membership_query_count_does_not_grow(client, world, django_assert_max_num_queries):
    user = world.people["other_contact"]
    client.force_login(user)
    client.get(reverse("home"))  # the first request of a session records it (usersessions)
    with django_assert_max_num_queries(17):
        client.get(reverse("members:my_membership"))
    for _number in range(30):
        MembershipApplicationFactory(applicant=user, status=ApplicationStatus.WITHDRAWN)
        JoinRequest.objects.create(
            user=user,
            organisation=OrganisationFactory(),
            position="x",
            status=JoinRequest.Status.DECLINED,
        )
        RepresentativeInvitation.objects.create(
            organisation=OrganisationFactory(), email=user.email, invited_by=None
        )
    with django_assert_max_num_queries(17):
        response = client.get(reverse("members:my_membership"))
    assert html_of(response).count("Withdrawn") >= 30


# --- The review queue -------------------------------------------------------------------------


def test_the_queue_lists_open_applications_oldest_first(client, world):
    old = MembershipApplicationFactory(organisation_name="Old agency", country="PL")
    MembershipApplication.objects.filter(pk=old.pk).update(
        submitted_at=timezone.now() - timedelta(days=30)
    )
    MembershipApplicationFactory(organisation_name="Decided agency", status="rejected")
    world.client_for(client, "secretariat")
    response = client.get(reverse("members:application_queue"))
    html = html_of(response)
    assert response.context["result_count"] == 3
    assert html.index("Old agency") < html.index("Agencia de Desarrollo")
    assert "Decided agency" not in html
    assert "<td>30</td>" in html  # days waiting
    assert "Lucía Pérez" in html
    assert reverse("members:application_review", args=[world.application.pk]) in html


def test_the_queue_filters_by_status_and_country(client, world):
    MembershipApplicationFactory(organisation_name="Rejected agency", status="rejected")
    world.client_for(client, "secretariat")
    url = reverse("members:application_queue")
    response = client.get(url, {"status": "rejected"})
    assert [a.organisation_name for a in response.context["applications"]] == ["Rejected agency"]
    response = client.get(url, {"country": "PL"})
    assert [a.organisation_name for a in response.context["applications"]] == ["Małopolska Agency"]
    response = client.get(url, {"country": "PL", "status": "under_review"})
    assert response.context["result_count"] == 0
    assert "No application matches these filters." in html_of(response)


@pytest.mark.parametrize(
    "params", [{"status": "lost"}, {"country": "US"}, {"country": "<script>"}, {"page": "x"}]
)
def test_bad_queue_filters_give_a_message_not_an_error(client, world, params):
    world.client_for(client, "secretariat")
    response = client.get(reverse("members:application_queue"), params)
    assert response.status_code == 200
    html = html_of(response)
    if "page" not in params:
        assert "These filters could not be used" in html
        assert "<script>" not in html


def test_the_queue_is_paginated(client, secretariat_user):
    MembershipApplicationFactory.create_batch(30)
    client.force_login(secretariat_user)
    response = client.get(reverse("members:application_queue"))
    assert response.context["result_count"] == 30
    assert len(response.context["applications"]) == 25
    response = client.get(reverse("members:application_queue"), {"page": 2})
    assert len(response.context["applications"]) == 5


# Session, user, usersessions (with savepoints), two permission look-ups, count, rows, and
# the session saved (with savepoints), and the secretariat's second factor (members/access.py).
QUEUE_MAX_QUERIES = 15


@pytest.mark.parametrize("count", [3, 200])
def test_the_queue_query_count_does_not_grow(
    client, secretariat_user, django_assert_max_num_queries, count
):
    MembershipApplicationFactory.create_batch(count)
    client.force_login(secretariat_user)
    client.get(reverse("home"))  # the first request of a session records it (usersessions)
    with django_assert_max_num_queries(QUEUE_MAX_QUERIES):
        response = client.get(reverse("members:application_queue"), {"country": "PL"})
    assert response.context["result_count"] == count


# --- The review page and decisions ---------------------------------------------------------------


def test_the_review_page_shows_everything_and_only_allowed_actions(client, world):
    OrganisationFactory(
        name="Agencia de Desarrollo Economico La Rioja", country="ES", website="https://x.es"
    )
    world.client_for(client, "secretariat")
    html = html_of(client.get(reverse("members:application_review", args=[world.application.pk])))
    assert "Runs the regional cluster programme" in html  # the mandate
    assert "lucia@ader.es" in html
    assert 'name="checklist-is_public_body"' in html
    assert "similar name in the same country" in html
    assert 'value="start_review"' in html
    for action in ("request_information", "approve", "reject"):
        assert f'value="{action}"' not in html


def test_the_review_flags_the_same_website_domain(client, world):
    OrganisationFactory(name="Completely different", country="DE", website="https://ader.es/en")
    world.client_for(client, "secretariat")
    html = html_of(client.get(reverse("members:application_review", args=[world.application.pk])))
    assert "Completely different" in html
    assert "same website domain (ader.es)" in html


def decide(client, world, action, **data):
    return client.post(
        reverse("members:application_decide", args=[world.application.pk]),
        {"action": action, **data},
    )


def test_the_secretariat_reviews_and_approves(client, world, django_capture_on_commit_callbacks):
    world.client_for(client, "secretariat")
    decide(client, world, "start_review")
    review = html_of(client.get(reverse("members:application_review", args=[world.application.pk])))
    for action in ("request_information", "approve", "reject"):
        assert f'value="{action}"' in review
    assert 'value="start_review"' not in review
    with django_capture_on_commit_callbacks(execute=True):
        response = decide(client, world, "approve", **{"approve-note": "Welcome!"})
    assert response.status_code == 302
    world.application.refresh_from_db()
    assert world.application.status == ApplicationStatus.APPROVED
    organisation = world.application.organisation
    assert organisation.name == "Agencia de Desarrollo Económico de La Rioja"
    assert Representative.objects.get(user=world.people["applicant"]).is_contact
    (message,) = mail.outbox
    assert message.to == ["lucia@ader.es"]
    html = html_of(client.get(response.url))
    assert "is a member, and the applicant is its contact" in html
    assert "No decision is possible" in html


def test_approval_can_link_a_possible_duplicate(client, world):
    existing = OrganisationFactory(name="ADER La Rioja", country="ES", website="https://ader.es")
    world.client_for(client, "secretariat")
    decide(client, world, "start_review")
    html = html_of(client.get(reverse("members:application_review", args=[world.application.pk])))
    assert f'name="approve-existing_organisation" value="{existing.pk}"' in html
    # Creating a new organisation is offered too, and is the default.
    create_new = 'value="" id="id_approve-existing_organisation_0" checked'
    assert f'name="approve-existing_organisation" {create_new}' in html
    organisations = Organisation.objects.count()
    decide(client, world, "approve", **{"approve-existing_organisation": existing.pk})
    world.application.refresh_from_db()
    assert world.application.organisation == existing
    assert Organisation.objects.count() == organisations


def test_approval_cannot_link_an_organisation_that_was_not_flagged(client, world):
    OrganisationFactory(name="ADER La Rioja", country="ES", website="https://ader.es")
    unrelated = OrganisationFactory(name="Somewhere else", country="SE")
    world.client_for(client, "secretariat")
    decide(client, world, "start_review")
    response = decide(client, world, "approve", **{"approve-existing_organisation": unrelated.pk})
    assert response.status_code == 200
    assert 'id="id_approve-existing_organisation_error"' in html_of(response)
    world.application.refresh_from_db()
    assert world.application.status == ApplicationStatus.UNDER_REVIEW


def test_without_duplicates_approval_always_creates_a_new_organisation(client, world):
    unrelated = OrganisationFactory(name="Somewhere else", country="SE")
    world.client_for(client, "secretariat")
    decide(client, world, "start_review")
    decide(client, world, "approve", **{"approve-existing_organisation": unrelated.pk})
    world.application.refresh_from_db()
    assert world.application.status == ApplicationStatus.APPROVED
    assert world.application.organisation != unrelated
    assert not unrelated.representatives.exists()


def test_requesting_information_needs_a_question_and_emails_it(
    client, world, django_capture_on_commit_callbacks
):
    world.client_for(client, "secretariat")
    decide(client, world, "start_review")
    response = decide(client, world, "request_information", **{"info-question": ""})
    assert response.status_code == 200
    assert 'id="id_info-question_error"' in html_of(response)
    with django_capture_on_commit_callbacks(execute=True):
        decide(
            client,
            world,
            "request_information",
            **{"info-question": "Which law?", "info-request_document": "on"},
        )
    world.application.refresh_from_db()
    assert world.application.status == ApplicationStatus.INFORMATION_REQUESTED
    assert world.application.document_requested
    (message,) = mail.outbox
    assert "Which law?" in message.body


def test_rejecting_needs_a_reason_and_emails_it(client, world, django_capture_on_commit_callbacks):
    world.client_for(client, "secretariat")
    decide(client, world, "start_review")
    response = decide(client, world, "reject", **{"reject-reason": "  "})
    assert response.status_code == 200
    assert 'id="id_reject-reason_error"' in html_of(response)
    with django_capture_on_commit_callbacks(execute=True):
        decide(client, world, "reject", **{"reject-reason": "Not a public body."})
    world.application.refresh_from_db()
    assert world.application.status == ApplicationStatus.REJECTED
    (message,) = mail.outbox
    assert "Not a public body." in message.body
    # The applicant sees the reason on the application's page.
    client.logout()
    world.client_for(client, "applicant")
    assert "Not a public body." in html_of(client.get(world.application.get_absolute_url()))


@pytest.mark.parametrize(
    ("action", "data", "message"),
    [
        ("approve", {}, "“Submitted” cannot become “Approved”"),
        ("reject", {}, "“Submitted” cannot become “Rejected”"),
        ("request_information", {}, "“Submitted” cannot become “Information requested”"),
        ("delete", {}, "Choose one of the decisions shown on the page."),
        ("", {}, "Choose one of the decisions shown on the page."),
    ],
)
def test_an_illegal_decision_is_refused_with_a_message(client, world, action, data, message):
    world.client_for(client, "secretariat")
    response = client.post(
        reverse("members:application_decide", args=[world.application.pk]),
        {"action": action, **data},
        follow=True,
    )
    assert response.status_code == 200
    assert message in html_of(response)
    world.application.refresh_from_db()
    assert world.application.status == ApplicationStatus.SUBMITTED


def test_the_checklist_is_saved_and_bad_values_are_refused(client, world):
    world.client_for(client, "secretariat")
    url = reverse("members:application_review", args=[world.application.pk])
    response = client.post(
        url,
        {
            "checklist-is_public_body": "perhaps",
            "checklist-is_eligible_country": "yes",
            "checklist-has_cluster_mandate": "no",
        },
    )
    assert response.status_code == 200
    assert 'id="id_checklist-is_public_body_error"' in html_of(response)
    client.post(
        url,
        {
            "checklist-is_public_body": "yes",
            "checklist-is_eligible_country": "undecided",
            "checklist-has_cluster_mandate": "no",
        },
    )
    world.application.refresh_from_db()
    assert (
        world.application.is_public_body,
        world.application.is_eligible_country,
        world.application.has_cluster_mandate,
    ) == (True, None, False)
    html = html_of(client.get(url))  # the saved answers are shown checked
    assert 'value="yes" required id="id_checklist-is_public_body_0" checked' in html
    assert 'value="undecided" required id="id_checklist-is_eligible_country_2" checked' in html
    assert 'value="no" required id="id_checklist-has_cluster_mandate_1" checked' in html


# --- Join requests -----------------------------------------------------------------------------


def test_asking_to_join_a_member(client, verified_user, django_capture_on_commit_callbacks):
    contact = ContactFactory()
    NotificationPreferenceFactory(user=contact.user)  # the contact chose immediate emails
    organisation = contact.organisation
    client.force_login(verified_user)
    url = reverse("members:join_request_create", args=[organisation.slug])
    response = client.post(url, {"position": "", "message": "Hello"})
    assert 'id="id_position_error"' in html_of(response)
    assert "Hello" in html_of(response)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"position": "Policy officer", "message": "Hello"})
    assert response.status_code == 302
    assert response.url == reverse("members:my_membership")
    join_request = JoinRequest.objects.get(user=verified_user)
    assert join_request.organisation == organisation
    assert [message.to for message in mail.outbox] == [[contact.user.email]]
    # A second request is refused in words, on the page and if posted anyway.
    html = html_of(client.get(reverse("members:join_request_create", args=[organisation.slug])))
    assert "You already have a pending request" in html
    response = client.post(
        reverse("members:join_request_create", args=[OrganisationFactory().slug]),
        {"position": "Policy officer"},
    )
    assert response.status_code == 200
    assert "You already have a pending request" in html_of(response)


def test_a_representative_is_told_why_they_cannot_ask_to_join(client, world):
    world.client_for(client, "other_contact")
    url = reverse("members:join_request_create", args=[world.organisation.slug])
    html = html_of(client.get(url))
    assert "You already represent" in html
    assert 'name="position"' not in html
    response = client.post(url, {"position": "Analyst"})
    assert "You already represent a member organisation." in html_of(response)


def test_an_inactive_member_cannot_be_joined(client, verified_user, secretariat_user):
    organisation = OrganisationFactory(membership_status=Organisation.MembershipStatus.SUSPENDED)
    client.force_login(verified_user)
    url = reverse("members:join_request_create", args=[organisation.slug])
    assert client.get(url).status_code == 404  # its profile is not public either
    client.force_login(secretariat_user)
    assert "Only active member organisations" in html_of(client.get(url))


def test_the_contact_answers_join_requests(client, world, django_capture_on_commit_callbacks):
    second = services.join_request_create(
        user=UserFactory(full_name="Second Person"),
        organisation=world.organisation,
        position="Economist",
    )
    world.client_for(client, "contact")
    list_url = reverse("members:join_request_list", args=[world.organisation.slug])
    html = html_of(client.get(list_url))
    assert html.index("Jana Horváth") < html.index("Second Person")  # oldest first
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("members:join_request_decide", args=[second.pk]),
            {f"request-{second.pk}-decision": "decline", f"request-{second.pk}-note": "Sorry"},
        )
    assert response.url == list_url
    second.refresh_from_db()
    assert second.status == JoinRequest.Status.DECLINED
    assert second.decision_note == "Sorry"
    assert len(mail.outbox) == 1
    html = html_of(client.get(list_url))
    assert "has been declined" in html
    assert "Declined" in html  # listed among the recently answered
    # A bad decision value, and an answer to an answered request, give messages.
    response = client.post(
        reverse("members:join_request_decide", args=[world.join_request.pk]),
        {f"request-{world.join_request.pk}-decision": "maybe"},
        follow=True,
    )
    assert "Choose to accept or to decline" in html_of(response)
    response = client.post(
        reverse("members:join_request_decide", args=[second.pk]),
        {f"request-{second.pk}-decision": "accept"},
        follow=True,
    )
    assert "already been answered" in html_of(response)


@pytest.mark.parametrize("count", [3, 200])
def test_the_join_request_list_query_count_does_not_grow(
    client, django_assert_max_num_queries, count
):
    contact = ContactFactory()
    for _number in range(count):
        JoinRequest.objects.create(
            user=UserFactory(), organisation=contact.organisation, position="Analyst"
        )
        JoinRequest.objects.create(
            user=UserFactory(),
            organisation=contact.organisation,
            position="Analyst",
            status=JoinRequest.Status.DECLINED,
            decided_by=contact.user,
            decided_at=timezone.now(),
        )
    client.force_login(contact.user)
    client.get(reverse("home"))  # the first request of a session records it (usersessions)
    with django_assert_max_num_queries(16):
        response = client.get(
            reverse("members:join_request_list", args=[contact.organisation.slug])
        )
    assert len(response.context["pending"]) == count


def test_withdrawing_a_join_request(client, world):
    world.client_for(client, "requester")
    response = client.post(
        reverse("members:join_request_withdraw", args=[world.join_request.pk]), follow=True
    )
    assert "has been withdrawn" in html_of(response)
    response = client.post(
        reverse("members:join_request_withdraw", args=[world.join_request.pk]), follow=True
    )
    assert "already been answered" in html_of(response)


# --- Invitations -------------------------------------------------------------------------------


def test_accepting_an_invitation(client, world):
    world.client_for(client, "invited")
    response = client.post(reverse("members:invitation_accept", args=[world.invitation.pk]))
    assert response.status_code == 302
    assert response.url == world.organisation.get_absolute_url()
    assert Representative.objects.get(user=world.invited).organisation == world.organisation
    html = html_of(client.get(reverse("members:invitation_accept", args=[world.invitation.pk])))
    assert "no longer valid" in html
    response = client.post(
        reverse("members:invitation_accept", args=[world.invitation.pk]), follow=True
    )
    assert "no longer valid" in html_of(response)


def test_an_invited_representative_elsewhere_is_told_why_they_cannot_accept(client, world):
    RepresentativeFactory(user=world.invited)
    world.client_for(client, "invited")
    url = reverse("members:invitation_accept", args=[world.invitation.pk])
    html = html_of(client.get(url))
    assert "You already represent" in html
    response = client.post(url, follow=True)
    assert "You already represent a member organisation." in html_of(response)
    world.invitation.refresh_from_db()
    assert world.invitation.status == RepresentativeInvitation.Status.PENDING


# --- Navigation -------------------------------------------------------------------------------


def test_the_navigation_shows_membership_links_by_role(client, world):
    home = reverse("home")
    html = html_of(client.get(home))
    assert reverse("members:application_create") in html  # the home page's call to action
    assert reverse("members:my_membership") not in html
    assert reverse("members:application_queue") not in html
    world.client_for(client, "non_member")
    html = html_of(client.get(home))
    assert reverse("members:my_membership") in html
    assert reverse("members:application_queue") not in html
    client.logout()
    world.client_for(client, "secretariat")
    html = html_of(client.get(home))
    assert reverse("secretariat:dashboard") in html  # the workspace leads to the queue
    assert reverse("members:application_queue") in html_of(
        client.get(reverse("secretariat:dashboard"))
    )


def test_the_apply_button_sends_anonymous_people_to_sign_in_first(client):
    response = client.get(reverse("members:application_create"))
    assert_sent_to_sign_in(response)
    assert "next=" in response.url


@pytest.mark.django_db
def test_my_membership_leads_a_representative_to_their_organisations_initiatives(client):
    from tests.members.factories import RepresentativeFactory

    representative = RepresentativeFactory()
    client.force_login(representative.user)
    html = client.get(reverse("members:my_membership")).content.decode()
    assert f'href="{reverse("initiatives:my_initiatives")}"' in html
