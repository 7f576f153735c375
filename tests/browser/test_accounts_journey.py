"""A newcomer's first visit, in a real browser: sign up, verify the address, sign in, switch to
French, sign out."""

import re

import pytest

from tests.browser.axe import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "marta.novak@mgrt-example.si"
PASSWORD = "Ljubljana-cluster-2026"
CONFIRMATION_LINK = re.compile(r"https?://\S+/accounts/confirm-email/\S+/")


def verification_link_sent_to(email):
    from outbox.models import OutboundEmail

    messages = list(OutboundEmail.objects.filter(to__contains=[email]))
    assert len(messages) == 1, f"expected one verification mail to {email}, got {len(messages)}"
    assert "[ECA]" in messages[0].subject
    link = CONFIRMATION_LINK.search(messages[0].body_text)
    assert link, f"no confirmation link in:\n{messages[0].body_text}"
    return link.group(0)


def test_sign_up_verify_sign_in_switch_language_and_sign_out(page, django_user_model):
    page.goto("/")
    assert page.get_by_role("heading", level=1).inner_text() == "European Cluster Alliance"
    with page.expect_navigation():
        page.get_by_role("main").get_by_role("link", name="Create an account").click()

    # Sign up with the keyboard only: Tab from field to field, Enter sends the form.
    assert page.get_by_role("heading", level=1).inner_text() == "Create an account"
    page.get_by_label("Email").focus()
    page.keyboard.type(EMAIL)
    page.keyboard.press("Tab")
    page.keyboard.type("Marta Novak")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.url.endswith("/accounts/confirm-email/")
    assert "Verify" in page.get_by_role("heading", level=1).inner_text()
    assert_accessible(page)
    user = django_user_model.objects.get(email=EMAIL)
    assert user.full_name == "Marta Novak"

    # The mail went through the outbox; its link opens the confirmation page.
    page.goto(verification_link_sent_to(EMAIL))
    assert EMAIL in page.get_by_role("main").inner_text()
    assert_accessible(page)
    page.get_by_role("main").get_by_role("button", name="Confirm").click()
    page.wait_for_url(re.compile(r"/accounts/login/$"))
    assert user.emailaddress_set.get(email=EMAIL).verified

    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_label("Password").press("Enter")
    assert page.url.endswith("/accounts/me/")
    assert page.get_by_role("heading", level=1).inner_text() == "Your account"
    assert EMAIL in page.get_by_role("main").inner_text()

    # The header's language switcher: the page comes back in French, and the account keeps it.
    header = page.get_by_role("banner")
    header.get_by_label("Language").select_option("fr")
    with page.expect_navigation():
        header.get_by_role("button", name="Change").click()
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("heading", level=1).inner_text() == "Votre compte"
    assert_accessible(page)
    user.refresh_from_db()
    assert user.language == "fr"

    with page.expect_navigation():
        header.get_by_role("button", name="Se déconnecter").click()
    assert header.get_by_role("link", name="Se connecter").is_visible()
    assert header.get_by_role("button", name="Se déconnecter").count() == 0
    page.goto("/accounts/me/")
    assert "/accounts/login/" in page.url  # the account page asks to sign in again
