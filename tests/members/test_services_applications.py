"""Membership applications, join requests and invitations, through the services."""

import itertools
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from members import services
from members.models import (
    APPLICANT,
    APPLICATION_TRANSITIONS,
    SECRETARIAT,
    ApplicationStatus,
    ApplicationTransition,
    JoinRequest,
    MembershipApplication,
    MembershipStatusChange,
    Organisation,
    Representative,
    RepresentativeInvitation,
)
from notifications.models import Notification
from tests.accounts.factories import UserFactory
from tests.members.factories import (
    ContactFactory,
    OrganisationFactory,
    PolicyThemeFactory,
    RepresentativeFactory,
    application_data,
)
from tests.notifications.factories import NotificationPreferenceFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf_upload(name="mandate.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def applicant():
    return UserFactory(full_name="Lucía Pérez", email="lucia.perez@ader.es")


@pytest.fixture
def application(applicant):
    return services.application_submit(applicant=applicant, data=application_data())


# --- The state machine: every transition, legal and illegal, by the right and wrong actor -----

# How each status is reached through the services, from "submitted".
PATHS = {
    ApplicationStatus.SUBMITTED: [],
    ApplicationStatus.UNDER_REVIEW: [ApplicationStatus.UNDER_REVIEW],
    ApplicationStatus.INFORMATION_REQUESTED: [
        ApplicationStatus.UNDER_REVIEW,
        ApplicationStatus.INFORMATION_REQUESTED,
    ],
    ApplicationStatus.RESUBMITTED: [
        ApplicationStatus.UNDER_REVIEW,
        ApplicationStatus.INFORMATION_REQUESTED,
        ApplicationStatus.RESUBMITTED,
    ],
    ApplicationStatus.APPROVED: [ApplicationStatus.UNDER_REVIEW, ApplicationStatus.APPROVED],
    ApplicationStatus.REJECTED: [ApplicationStatus.UNDER_REVIEW, ApplicationStatus.REJECTED],
    ApplicationStatus.WITHDRAWN: [ApplicationStatus.WITHDRAWN],
}
NOTES = {
    ApplicationStatus.UNDER_REVIEW: "",
    ApplicationStatus.INFORMATION_REQUESTED: "Please send the decree that gives you the mandate.",
    ApplicationStatus.RESUBMITTED: "The decree is Regional Law 3/2019, article 12.",
    ApplicationStatus.APPROVED: "Welcome to the alliance.",
    ApplicationStatus.REJECTED: "A private consultancy is not a public body.",
    ApplicationStatus.WITHDRAWN: "",
}


def move(application, to_status, acting_user):
    """Ask the service that leads to `to_status`, as `acting_user`."""
    note = NOTES[to_status]
    if to_status == ApplicationStatus.UNDER_REVIEW:
        return services.application_start_review(application=application, acting_user=acting_user)
    if to_status == ApplicationStatus.INFORMATION_REQUESTED:
        return services.application_request_information(
            application=application, acting_user=acting_user, question=note
        )
    if to_status == ApplicationStatus.RESUBMITTED:
        return services.application_resubmit(
            application=application, acting_user=acting_user, response=note
        )
    if to_status == ApplicationStatus.APPROVED:
        return services.application_approve(
            application=application, acting_user=acting_user, note=note
        )
    if to_status == ApplicationStatus.REJECTED:
        return services.application_reject(
            application=application, acting_user=acting_user, reason=note
        )
    if to_status == ApplicationStatus.WITHDRAWN:
        return services.application_withdraw(application=application, acting_user=acting_user)
    raise AssertionError(f"no service leads to {to_status}")


def bring_to(application, status, secretariat_user):
    for step in PATHS[status]:
        actor = (
            application.applicant
            if APPLICATION_TRANSITIONS[application.status][step] == APPLICANT
            else secretariat_user
        )
        application = move(application, step, actor)
    assert application.status == status
    return application


# Every (from, to) pair a service can be asked for; "submitted" is only reached by applying.
ALL_MOVES = [
    (from_status, to_status)
    for from_status, to_status in itertools.product(ApplicationStatus, ApplicationStatus)
    if to_status != ApplicationStatus.SUBMITTED
]
LEGAL_MOVES = [
    (from_status, to_status)
    for from_status, to_status in ALL_MOVES
    if to_status in APPLICATION_TRANSITIONS[from_status]
]
ILLEGAL_MOVES = [move_ for move_ in ALL_MOVES if move_ not in LEGAL_MOVES]


def test_the_table_lists_every_status_and_the_moves_are_all_covered():
    assert set(APPLICATION_TRANSITIONS) == set(ApplicationStatus)
    assert len(LEGAL_MOVES) == sum(len(targets) for targets in APPLICATION_TRANSITIONS.values())
    assert len(LEGAL_MOVES) + len(ILLEGAL_MOVES) == len(ALL_MOVES)


@pytest.mark.parametrize(("from_status", "to_status"), LEGAL_MOVES, ids=str)
def test_a_legal_move_by_the_right_actor_is_made_and_recorded(
    application, secretariat_user, from_status, to_status
):
    application = bring_to(application, from_status, secretariat_user)
    who = APPLICATION_TRANSITIONS[from_status][to_status]
    actor = application.applicant if who == APPLICANT else secretariat_user
    before = timezone.now()

    moved = move(application, to_status, actor)

    moved.refresh_from_db()
    assert moved.status == to_status
    last = moved.transitions.order_by("created_at", "pk").last()
    assert (last.from_status, last.to_status) == (from_status, to_status)
    assert last.actor == actor
    assert last.note == NOTES[to_status]
    assert before <= last.created_at <= timezone.now()
    if to_status in (
        ApplicationStatus.APPROVED,
        ApplicationStatus.REJECTED,
        ApplicationStatus.WITHDRAWN,
    ):
        assert moved.decided_at is not None
        assert not moved.is_open
    else:
        assert moved.decided_at is None
        assert moved.is_open


@pytest.mark.parametrize(("from_status", "to_status"), LEGAL_MOVES, ids=str)
def test_a_legal_move_by_the_wrong_actor_is_refused_and_not_recorded(
    application, secretariat_user, from_status, to_status
):
    application = bring_to(application, from_status, secretariat_user)
    who = APPLICATION_TRANSITIONS[from_status][to_status]
    stranger = UserFactory()
    wrong_actors = [stranger, secretariat_user if who == APPLICANT else application.applicant]
    count = application.transitions.count()
    for wrong_actor in wrong_actors:
        with pytest.raises(PermissionDenied):
            move(application, to_status, wrong_actor)
    application.refresh_from_db()
    assert application.status == from_status
    assert application.transitions.count() == count


@pytest.mark.parametrize(("from_status", "to_status"), ILLEGAL_MOVES, ids=str)
def test_an_illegal_move_is_refused_whoever_asks(
    application, secretariat_user, from_status, to_status
):
    application = bring_to(application, from_status, secretariat_user)
    count = application.transitions.count()
    for actor in (application.applicant, secretariat_user):
        with pytest.raises(services.MembershipError, match="cannot become"):
            move(application, to_status, actor)
    application.refresh_from_db()
    assert application.status == from_status
    assert application.transitions.count() == count


def test_the_transition_check_names_who_may_move(application):
    assert (
        services.application_transition_check(
            application=application, to_status=ApplicationStatus.UNDER_REVIEW
        )
        == SECRETARIAT
    )
    assert (
        services.application_transition_check(
            application=application, to_status=ApplicationStatus.WITHDRAWN
        )
        == APPLICANT
    )
    with pytest.raises(services.MembershipError, match="“Submitted” cannot become “Approved”"):
        services.application_transition_check(
            application=application, to_status=ApplicationStatus.APPROVED
        )


# --- Applying --------------------------------------------------------------------------------


def test_applying_records_the_first_step_and_emails_a_receipt(
    applicant, django_capture_on_commit_callbacks
):
    themes = [PolicyThemeFactory(slug="smart-specialisation", name="Smart specialisation")]
    with django_capture_on_commit_callbacks(execute=True):
        application = services.application_submit(
            applicant=applicant, data=application_data(), themes=themes
        )
    assert application.status == ApplicationStatus.SUBMITTED
    assert list(application.themes.all()) == themes
    (first,) = application.transitions.all()
    assert (first.from_status, first.to_status, first.actor) == ("", "submitted", applicant)
    (message,) = mail.outbox
    assert message.to == [applicant.email]
    assert "Agencia de Desarrollo Económico de La Rioja" in message.subject


def test_one_open_application_per_person(applicant, application, secretariat_user):
    with pytest.raises(services.MembershipError, match="already have an open application"):
        services.application_submit(
            applicant=applicant, data=application_data(organisation_name="Another agency")
        )
    assert MembershipApplication.objects.filter(applicant=applicant).count() == 1
    # Once the first is closed, the person may apply again.
    services.application_withdraw(application=application, acting_user=applicant)
    again = services.application_submit(applicant=applicant, data=application_data())
    assert again.is_open


def test_a_representative_cannot_apply():
    representative = RepresentativeFactory()
    with pytest.raises(services.MembershipError, match="already represent"):
        services.application_submit(applicant=representative.user, data=application_data())
    assert not MembershipApplication.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"country": "US", "region_code": "", "nuts_code": ""}, "country"),
        ({"region_code": "FR-ARA"}, "region_code"),
        ({"region_code": ""}, "region_code"),
        ({"nuts_code": "FR10"}, "nuts_code"),
        ({"nuts_code": "es-23"}, "nuts_code"),
        ({"website": "not a website"}, "website"),
    ],
    ids=[
        "ineligible-country",
        "region-of-another-country",
        "regional-without-region",
        "nuts-of-another-country",
        "malformed-nuts",
        "malformed-website",
    ],
)
def test_invalid_applications_are_refused_with_field_errors(applicant, overrides, field):
    with pytest.raises(ValidationError) as error:
        services.application_submit(applicant=applicant, data=application_data(**overrides))
    assert field in error.value.message_dict
    assert not MembershipApplication.objects.exists()


def test_a_supporting_document_must_be_a_pdf(applicant):
    with pytest.raises(ValidationError) as error:
        services.application_submit(
            applicant=applicant,
            data=application_data(
                supporting_document=pdf_upload("letter.pdf", b"<html>not a pdf</html>")
            ),
        )
    assert "supporting_document" in error.value.message_dict
    application = services.application_submit(
        applicant=applicant, data=application_data(supporting_document=pdf_upload())
    )
    assert application.supporting_document.name.startswith("applications/")


# --- Review and decisions ---------------------------------------------------------------------


def test_asking_for_information_needs_a_question_and_emails_it(
    application, secretariat_user, django_capture_on_commit_callbacks
):
    services.application_start_review(application=application, acting_user=secretariat_user)
    with pytest.raises(ValidationError):
        services.application_request_information(
            application=application, acting_user=secretariat_user, question="  "
        )
    with django_capture_on_commit_callbacks(execute=True):
        application = services.application_request_information(
            application=application,
            acting_user=secretariat_user,
            question="Which programme do you fund?",
            request_document=True,
        )
    assert application.information_request == "Which programme do you fund?"
    assert application.document_requested
    (message,) = mail.outbox
    assert message.to == [application.applicant.email]
    assert "Which programme do you fund?" in message.body
    assert "supporting document" in message.body


def test_answering_a_document_request_needs_the_document(application, secretariat_user):
    application = bring_to(application, ApplicationStatus.UNDER_REVIEW, secretariat_user)
    application = services.application_request_information(
        application=application,
        acting_user=secretariat_user,
        question="Please send the mandate letter.",
        request_document=True,
    )
    with pytest.raises(ValidationError) as error:
        services.application_resubmit(
            application=application, acting_user=application.applicant, response="Here it is."
        )
    assert "document" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.application_resubmit(
            application=application,
            acting_user=application.applicant,
            response="Here it is.",
            document=pdf_upload("letter.pdf", b"GIF89a not a pdf"),
        )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.INFORMATION_REQUESTED

    application = services.application_resubmit(
        application=application,
        acting_user=application.applicant,
        response="Here it is.",
        document=pdf_upload(),
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RESUBMITTED
    assert application.applicant_response == "Here it is."
    with application.supporting_document.open("rb") as document:
        assert document.read(5) == b"%PDF-"


def test_rejection_needs_a_reason_and_emails_it(
    application, secretariat_user, django_capture_on_commit_callbacks
):
    application = bring_to(application, ApplicationStatus.UNDER_REVIEW, secretariat_user)
    with pytest.raises(ValidationError):
        services.application_reject(
            application=application, acting_user=secretariat_user, reason=""
        )
    with django_capture_on_commit_callbacks(execute=True):
        application = services.application_reject(
            application=application, acting_user=secretariat_user, reason="Not a public body."
        )
    assert application.decision_reason == "Not a public body."
    (message,) = mail.outbox
    assert message.to == [application.applicant.email]
    assert "Not a public body." in message.body


def test_approval_creates_the_organisation_and_makes_the_applicant_its_contact(
    applicant, secretariat_user, django_capture_on_commit_callbacks
):
    theme = PolicyThemeFactory(slug="internationalisation", name="Internationalisation")
    application = services.application_submit(
        applicant=applicant, data=application_data(), themes=[theme]
    )
    application = bring_to(application, ApplicationStatus.UNDER_REVIEW, secretariat_user)
    with django_capture_on_commit_callbacks(execute=True):
        application = services.application_approve(
            application=application, acting_user=secretariat_user, note="Welcome!"
        )
    organisation = application.organisation
    assert organisation.name == "Agencia de Desarrollo Económico de La Rioja"
    assert (organisation.country, organisation.region_code, organisation.nuts_code) == (
        "ES",
        "ES-RI",
        "ES23",
    )
    assert organisation.is_active_member
    assert organisation.member_since == timezone.localdate()
    assert list(organisation.themes.all()) == [theme]
    contact = Representative.objects.get(user=applicant)
    assert contact.organisation == organisation
    assert contact.role == Representative.Role.CONTACT
    assert contact.position == "Head of innovation"
    (message,) = mail.outbox
    assert message.to == [applicant.email]
    assert organisation.name in message.subject
    assert "Welcome!" in message.body


def test_approval_can_link_an_existing_organisation_and_reactivates_it(
    application, secretariat_user
):
    existing = OrganisationFactory(
        name="ADER La Rioja",
        country="ES",
        membership_status=Organisation.MembershipStatus.LAPSED,
    )
    application = bring_to(application, ApplicationStatus.UNDER_REVIEW, secretariat_user)
    organisations_before = Organisation.objects.count()
    application = services.application_approve(
        application=application, acting_user=secretariat_user, existing_organisation=existing
    )
    assert Organisation.objects.count() == organisations_before
    assert application.organisation == existing
    existing.refresh_from_db()
    assert existing.is_active_member
    change = MembershipStatusChange.objects.get(organisation=existing)
    assert (change.from_status, change.to_status, change.actor) == (
        "lapsed",
        "active",
        secretariat_user,
    )
    assert Representative.objects.get(user=application.applicant).organisation == existing


def test_approval_is_refused_when_the_applicant_joined_another_organisation_meanwhile(
    application, secretariat_user
):
    application = bring_to(application, ApplicationStatus.UNDER_REVIEW, secretariat_user)
    RepresentativeFactory(user=application.applicant)
    organisations_before = Organisation.objects.count()
    with pytest.raises(services.MembershipError, match="already represents"):
        services.application_approve(application=application, acting_user=secretariat_user)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.UNDER_REVIEW
    assert Organisation.objects.count() == organisations_before


def test_the_checklist_is_for_the_secretariat_and_open_applications_only(
    application, secretariat_user
):
    answers = {"is_public_body": True, "is_eligible_country": True, "has_cluster_mandate": None}
    with pytest.raises(PermissionDenied):
        services.application_checklist_update(
            application=application, acting_user=application.applicant, **answers
        )
    services.application_checklist_update(
        application=application, acting_user=secretariat_user, **answers
    )
    application.refresh_from_db()
    assert (
        application.is_public_body,
        application.is_eligible_country,
        application.has_cluster_mandate,
    ) == (True, True, None)
    application = services.application_withdraw(
        application=application, acting_user=application.applicant
    )
    with pytest.raises(services.MembershipError, match="decided"):
        services.application_checklist_update(
            application=application, acting_user=secretariat_user, **answers
        )


def test_each_transition_row_is_kept_in_order(application, secretariat_user):
    application = bring_to(application, ApplicationStatus.RESUBMITTED, secretariat_user)
    steps = [(t.from_status, t.to_status) for t in application.transitions.all()]
    assert steps == [
        ("", "submitted"),
        ("submitted", "under_review"),
        ("under_review", "information_requested"),
        ("information_requested", "resubmitted"),
    ]
    assert ApplicationTransition.objects.filter(application=application).count() == 4


# --- Joining an existing member ---------------------------------------------------------------


@pytest.fixture
def organisation():
    return OrganisationFactory(name="Business Upper Austria")


@pytest.fixture
def contact(organisation):
    return ContactFactory(organisation=organisation)


def test_a_join_request_is_mailed_to_the_contacts_who_chose_it(
    organisation, contact, django_capture_on_commit_callbacks
):
    NotificationPreferenceFactory(user=contact.user)
    person = UserFactory(full_name="Jan Novak")
    with django_capture_on_commit_callbacks(execute=True):
        join_request = services.join_request_create(
            user=person, organisation=organisation, position="Analyst", message="Hello"
        )
    assert join_request.status == JoinRequest.Status.PENDING
    (message,) = mail.outbox
    assert message.to == [contact.user.email]
    assert "Jan Novak" in message.subject
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    notification = Notification.objects.get(recipient=contact.user)
    assert (notification.kind, notification.join_request) == ("join_request", join_request)


def test_a_join_request_reaches_a_contact_who_has_not_chosen_in_the_app_only(
    organisation, contact, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.join_request_create(
            user=UserFactory(), organisation=organisation, position="Analyst"
        )
    assert mail.outbox == []
    assert Notification.objects.filter(recipient=contact.user, kind="join_request").exists()


def test_a_join_request_accepted_makes_a_representative_and_tells_the_person(
    organisation, contact, django_capture_on_commit_callbacks
):
    person = UserFactory()
    join_request = services.join_request_create(
        user=person, organisation=organisation, position="Analyst"
    )
    with django_capture_on_commit_callbacks(execute=True):
        join_request = services.join_request_decide(
            join_request=join_request, acting_user=contact.user, accept=True, note="Welcome"
        )
    assert join_request.status == JoinRequest.Status.ACCEPTED
    assert join_request.decided_by == contact.user
    assert join_request.decided_at is not None
    representative = Representative.objects.get(user=person)
    assert representative.organisation == organisation
    assert representative.role == Representative.Role.REPRESENTATIVE
    assert representative.position == "Analyst"
    (message,) = mail.outbox
    assert message.to == [person.email]
    assert "You now represent Business Upper Austria" in message.subject


def test_a_join_request_declined_makes_nobody_a_representative(
    organisation, contact, secretariat_user, django_capture_on_commit_callbacks
):
    person = UserFactory()
    join_request = services.join_request_create(
        user=person, organisation=organisation, position="Analyst"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.join_request_decide(
            join_request=join_request, acting_user=secretariat_user, accept=False
        )
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.DECLINED
    assert not Representative.objects.filter(user=person).exists()
    (message,) = mail.outbox
    assert "declined" in message.subject
    with pytest.raises(services.MembershipError, match="already been answered"):
        services.join_request_decide(
            join_request=join_request, acting_user=contact.user, accept=True
        )


def test_only_the_contact_or_the_secretariat_answer_a_join_request(organisation, contact):
    join_request = services.join_request_create(
        user=UserFactory(), organisation=organisation, position="Analyst"
    )
    colleague = RepresentativeFactory(organisation=organisation)
    other_contact = ContactFactory()
    for outsider in (colleague.user, other_contact.user, join_request.user, UserFactory()):
        with pytest.raises(PermissionDenied):
            services.join_request_decide(
                join_request=join_request, acting_user=outsider, accept=True
            )
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.PENDING


def test_a_join_request_is_withdrawn_by_its_author_only(organisation, contact):
    person = UserFactory()
    join_request = services.join_request_create(
        user=person, organisation=organisation, position="Analyst"
    )
    with pytest.raises(PermissionDenied):
        services.join_request_withdraw(join_request=join_request, acting_user=contact.user)
    services.join_request_withdraw(join_request=join_request, acting_user=person)
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.WITHDRAWN
    with pytest.raises(services.MembershipError):
        services.join_request_withdraw(join_request=join_request, acting_user=person)
    # Withdrawn, the person may ask again.
    services.join_request_create(user=person, organisation=organisation, position="Analyst")


def test_join_requests_are_refused_by_the_rules(organisation, contact):
    person = UserFactory()
    services.join_request_create(user=person, organisation=organisation, position="Analyst")
    with pytest.raises(services.MembershipError, match="pending request"):
        services.join_request_create(
            user=person, organisation=OrganisationFactory(), position="Analyst"
        )
    with pytest.raises(services.MembershipError, match="already represent"):
        services.join_request_create(
            user=contact.user, organisation=OrganisationFactory(), position="Analyst"
        )
    suspended = OrganisationFactory(membership_status=Organisation.MembershipStatus.SUSPENDED)
    with pytest.raises(services.MembershipError, match="Only active member"):
        services.join_request_create(user=UserFactory(), organisation=suspended, position="x")


def test_accepting_is_refused_when_the_person_joined_elsewhere_meanwhile(organisation, contact):
    person = UserFactory()
    join_request = services.join_request_create(
        user=person, organisation=organisation, position="Analyst"
    )
    RepresentativeFactory(user=person)
    with pytest.raises(services.MembershipError, match="already represents"):
        services.join_request_decide(
            join_request=join_request, acting_user=contact.user, accept=True
        )
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.PENDING


# --- Invitations -----------------------------------------------------------------------------


def test_an_invitation_is_accepted_by_the_invited_address_in_any_letter_case(organisation, contact):
    invitation = services.representative_invite(
        organisation=organisation,
        email="Maria.Huber@Biz-Up.at",
        role=Representative.Role.CONTACT,
        acting_user=contact.user,
    )
    invited = UserFactory(email="maria.huber@biz-up.at")
    representative = services.invitation_accept(invitation=invitation, user=invited)
    assert representative.organisation == organisation
    assert representative.role == Representative.Role.CONTACT
    invitation.refresh_from_db()
    assert invitation.status == RepresentativeInvitation.Status.ACCEPTED
    assert invitation.decided_at is not None


def test_an_invitation_cannot_be_used_by_someone_else_or_twice(organisation, contact):
    invitation = services.representative_invite(
        organisation=organisation,
        email="maria.huber@biz-up.at",
        role=Representative.Role.REPRESENTATIVE,
        acting_user=contact.user,
    )
    with pytest.raises(PermissionDenied):
        services.invitation_accept(invitation=invitation, user=UserFactory())
    invited = UserFactory(email="maria.huber@biz-up.at")
    services.invitation_accept(invitation=invitation, user=invited)
    with pytest.raises(services.MembershipError, match="no longer valid"):
        services.invitation_accept(invitation=invitation, user=invited)


def test_a_representative_cannot_accept_an_invitation_elsewhere(organisation, contact):
    already = RepresentativeFactory(user=UserFactory(email="busy@elsewhere.eu"))
    invitation = services.representative_invite(
        organisation=organisation,
        email="busy@elsewhere.eu",
        role=Representative.Role.REPRESENTATIVE,
        acting_user=contact.user,
    )
    with pytest.raises(services.MembershipError, match="already represent"):
        services.invitation_accept(invitation=invitation, user=already.user)
    invitation.refresh_from_db()
    assert invitation.status == RepresentativeInvitation.Status.PENDING


def test_a_cancelled_invitation_cannot_be_accepted(organisation, contact):
    invitation = services.representative_invite(
        organisation=organisation,
        email="late@biz-up.at",
        role=Representative.Role.REPRESENTATIVE,
        acting_user=contact.user,
    )
    services.invitation_cancel(invitation=invitation, acting_user=contact.user)
    with pytest.raises(services.MembershipError, match="no longer valid"):
        services.invitation_accept(invitation=invitation, user=UserFactory(email="late@biz-up.at"))


def test_days_waiting_counts_until_the_decision(application, secretariat_user):
    MembershipApplication.objects.filter(pk=application.pk).update(
        submitted_at=timezone.now() - timedelta(days=12)
    )
    application.refresh_from_db()
    assert application.days_waiting == 12
    application = services.application_withdraw(
        application=application, acting_user=application.applicant
    )
    assert application.days_waiting == 12
