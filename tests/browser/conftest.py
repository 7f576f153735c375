"""Playwright fixtures for browser tests: Debian's Chromium driving pytest-django's live server.

Use them in any app's browser tests:

    pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

    def test_something(page, live_server, sign_in, verified_user, password):
        sign_in(page, email=verified_user.email, password=password)
        page.goto("/some/page/")
        assert_accessible(page)   # from tests.browser.axe

`page` starts in a fresh browser context (no cookies) whose base URL is the live server, so
`page.goto("/")` opens the portal's home page.
"""

import os
from pathlib import Path

import pytest

# Debian's Chromium, never a browser downloaded by `playwright install`.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP_VIEWPORT = {"width": 1280, "height": 900}
# Short enough that a broken page fails fast, long enough for a slow CI machine.
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(
            f"Browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium); "
            "it is not installed."
        )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API leaves its event loop running in the main thread until the session
    # ends; Django would otherwise refuse every ORM call made in that thread (creating users,
    # reading the outbox, flushing the test database) as coming "from an async context".
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def browser_context_args(live_server):
    """Options of each test's browser context; override this fixture to change them."""
    return {"base_url": live_server.url, "locale": "en-GB", "viewport": DESKTOP_VIEWPORT}


@pytest.fixture
def context(browser, browser_context_args):
    browser_context = browser.new_context(**browser_context_args)
    browser_context.set_default_timeout(TIMEOUT_MS)
    yield browser_context
    browser_context.close()


@pytest.fixture
def page(context):
    return context.new_page()


def _current_totp_code(email) -> str:
    """The code of the person's authenticator app now. allauth accepts each code once per
    30-second period (it marks it used in the cache); a test that signs the same person in twice
    within a period would be refused, so the mark is forgotten first."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP
    from django.core.cache import cache

    from accounts.models import User
    from tests.accounts.factories import totp_code

    user = User.objects.get(email__iexact=email)
    code = totp_code(user)
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    cache.delete(TOTP(authenticator)._get_used_cache_key(code))
    return code


@pytest.fixture
def sign_in():
    """`sign_in(page, email=..., password=...)`: sign in through the real sign-in form."""

    def sign_in_through_the_form(page, *, email, password):
        page.goto("/accounts/login/")
        # Field ids rather than labels, so that it works whatever the page's language.
        page.locator("#id_login").fill(email)
        page.locator("#id_password").fill(password)
        with page.expect_navigation():
            page.locator("#id_password").press("Enter")
        if "/2fa/authenticate/" in page.url:
            # Two-factor authentication (the secretariat): type what the app would show.
            page.locator("#id_code").fill(_current_totp_code(email))
            with page.expect_navigation():
                page.locator("#id_code").press("Enter")
        # The two-factor page has a sign-out form too (its Cancel button): check where we are.
        assert "/2fa/authenticate/" not in page.url, (
            f"Signing in as {email} failed at two-factor authentication ({page.url})."
        )
        assert page.locator("form[action$='/accounts/logout/']").count() == 1, (
            f"Signing in as {email} failed; the page at {page.url} has no sign-out button."
        )

    return sign_in_through_the_form


@pytest.fixture
def signed_in_page(page, sign_in, verified_user, password):
    """A page signed in as `verified_user` (see tests/conftest.py)."""
    sign_in(page, email=verified_user.email, password=password)
    return page
