"""Becoming a member in a real browser: a verified person applies, the secretariat reviews and
approves, the organisation appears in the directory, and its new contact edits the profile.
axe-core checks every page of the application journey (WCAG 2.1 A/AA)."""

import re

import pytest

from members.models import ApplicationStatus, MembershipApplication
from tests.browser.axe import assert_accessible
from tests.members.factories import OrganisationFactory, PolicyThemeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def themes():
    return [
        PolicyThemeFactory(slug="green-transition", name="Green transition"),
        PolicyThemeFactory(slug="smart-specialisation", name="Smart specialisation"),
    ]


@pytest.fixture
def secretariat_page(browser, browser_context_args, sign_in, secretariat_user, password):
    """A second browser, signed in as the secretariat, beside the applicant's."""
    context = browser.new_context(**browser_context_args)
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, email=secretariat_user.email, password=password)
    yield page
    context.close()


def fill_application(page):
    page.get_by_label("Name of the organisation").fill("Agencia de Desarrollo de La Rioja")
    page.get_by_label("Kind of organisation").select_option(label="Regional public authority")
    page.get_by_label("Country").select_option(label="Spain")
    page.get_by_label("Region").select_option(label="La Rioja")
    page.get_by_label("NUTS code").fill("ES23")
    page.get_by_label("Website of the organisation").fill("https://www.ader.example.es")
    page.get_by_label("What the organisation does").fill("Regional development agency.")
    page.get_by_label("Green transition").check()
    page.get_by_label("Your position in the organisation").fill("Head of innovation")
    page.get_by_label("Mandate").fill("Runs the regional cluster programme of La Rioja.")
    page.get_by_label("Why the organisation wants to join").fill("To learn from other regions.")


def test_apply_review_approve_and_edit_the_new_members_profile(
    signed_in_page, secretariat_page, themes, verified_user
):
    OrganisationFactory(name="Business Upper Austria", country="AT")
    page = signed_in_page

    # The applicant finds the form from the home page.
    page.goto("/")
    page.get_by_role("link", name="Apply for membership").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Apply for membership"
    assert_accessible(page)

    # A first attempt with mistakes: the errors are listed, linked and shown at their fields.
    page.get_by_label("Name of the organisation").fill("Agencia de Desarrollo de La Rioja")
    page.get_by_label("Country").select_option(label="France")
    page.get_by_label("Region").select_option(label="La Rioja")
    page.get_by_label("Website of the organisation").fill("not a website")
    page.get_by_role("button", name="Send the application").click()
    page.wait_for_load_state()
    summary = page.get_by_role("alert")
    assert "This region is not in the selected country." in summary.inner_text()
    assert page.get_by_label("Website of the organisation").get_attribute("aria-invalid") == "true"
    # What was typed is kept.
    assert page.get_by_label("Name of the organisation").input_value() == (
        "Agencia de Desarrollo de La Rioja"
    )
    assert_accessible(page)

    fill_application(page)
    page.get_by_role("button", name="Send the application").click()
    page.wait_for_url(re.compile(r"/members/applications/\d+/$"))
    assert "your application has been sent" in page.get_by_role("status").inner_text()
    assert page.get_by_text("Status: Submitted").is_visible()
    assert_accessible(page)
    application = MembershipApplication.objects.get(applicant=verified_user)

    # The secretariat finds it in the queue, starts the review and approves it.
    review = secretariat_page
    review.goto("/")
    review.get_by_role("link", name="Secretariat", exact=True).click()
    review.get_by_role("link", name="Review applications").click()
    assert review.get_by_role("heading", level=1).inner_text() == "Review applications"
    assert_accessible(review)
    review.get_by_role("link", name="Agencia de Desarrollo de La Rioja").click()
    assert_accessible(review)
    review.get_by_role("button", name="Start review").click()
    review.wait_for_load_state()
    assert "The review has started." in review.get_by_role("status").inner_text()
    assert_accessible(review)
    review.get_by_label("Note to the applicant (optional)").fill("Welcome to the alliance.")
    review.get_by_role("button", name="Approve", exact=True).click()
    review.wait_for_load_state()
    assert "is a member, and the applicant is its contact" in (
        review.get_by_role("status").inner_text()
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED

    # The applicant's page says so, and names the secretariat, not the staff member.
    page.reload()
    assert page.get_by_text("Status: Approved").is_visible()
    history = page.get_by_role("table")
    assert "Secretariat" in history.inner_text()
    assert "Sophie Secretariat" not in history.inner_text()
    assert_accessible(page)

    # The new member is in the directory, under its country and not under another.
    page.goto("/members/?country=ES")
    assert page.get_by_role("link", name="Agencia de Desarrollo de La Rioja").is_visible()
    page.goto("/members/?country=AT")
    assert page.get_by_role("link", name="Agencia de Desarrollo de La Rioja").count() == 0
    assert page.get_by_role("link", name="Business Upper Austria").is_visible()

    # Its new contact edits the profile from "My membership".
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My membership").click()
    page.get_by_role("link", name="Edit the organisation’s profile").click()
    description = page.get_by_label("What the organisation does")
    description.fill("The economic development agency of La Rioja; it runs the cluster programme.")
    page.get_by_role("button", name=re.compile("^Save")).click()
    page.wait_for_load_state()
    assert page.get_by_text("it runs the cluster programme").is_visible()


def test_my_membership_and_an_empty_queue_have_no_wcag_violations(signed_in_page, secretariat_page):
    signed_in_page.goto("/members/me/")
    assert signed_in_page.get_by_role("heading", level=1).inner_text() == "My membership"
    assert_accessible(signed_in_page)
    secretariat_page.goto("/members/review/?status=nonsense")
    assert secretariat_page.get_by_role("alert").is_visible()
    assert_accessible(secretariat_page)


def test_the_secretariat_asks_for_information_and_the_applicant_answers(
    signed_in_page, secretariat_page, verified_user, secretariat_user, tmp_path, settings
):
    from members import services
    from tests.members.factories import application_data

    settings.MEDIA_ROOT = tmp_path / "media"
    application = services.application_submit(applicant=verified_user, data=application_data())
    services.application_start_review(application=application, acting_user=secretariat_user)

    review = secretariat_page
    review.goto(f"/members/review/{application.pk}/")
    # Asking without a question: the error is at the field, and the page stays accessible.
    review.get_by_role("button", name="Request information").click()
    review.wait_for_load_state()
    question = review.get_by_label("Your question to the applicant")
    assert question.get_attribute("aria-invalid") == "true"
    assert_accessible(review)
    question.fill("Please send the regional decree that gives you the mandate.")
    review.get_by_label("Ask for a supporting document (PDF)").check()
    review.get_by_role("button", name="Request information").click()
    review.wait_for_load_state()
    assert "emailed to the applicant" in review.get_by_role("status").inner_text()

    page = signed_in_page
    page.goto(f"/members/applications/{application.pk}/")
    assert page.get_by_text("Please send the regional decree").first.is_visible()
    # Answering without the requested document is refused at the field.
    page.get_by_label("Your answer").fill("It is Regional Decree 12/2019.")
    page.get_by_role("button", name="Send the answer").click()
    page.wait_for_load_state()
    assert page.get_by_label("Supporting document").get_attribute("aria-invalid") == "true"
    assert page.get_by_label("Your answer").input_value() == "It is Regional Decree 12/2019."
    assert_accessible(page)
    decree = tmp_path / "decree.pdf"
    decree.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page.get_by_label("Supporting document").set_input_files(decree)
    page.get_by_role("button", name="Send the answer").click()
    page.wait_for_load_state()
    assert page.get_by_text("Status: Resubmitted").is_visible()
    assert_accessible(page)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RESUBMITTED
    assert application.supporting_document
