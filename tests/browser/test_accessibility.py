"""WCAG 2.1 A/AA on every public and account page, keyboard use and small screens."""

import re

import pytest

from tests.browser.axe import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUBLIC_PAGES = [
    "/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/privacy/",
    "/accessibility/",
]
SIGNED_IN_PAGES = ["/accounts/me/", "/accounts/2fa/", "/accounts/sessions/"]
PHONE_WIDTH = 360


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_has_no_wcag_violations(page, path):
    response = page.goto(path)
    assert response.status == 200
    assert_accessible(page)


@pytest.mark.parametrize("width", [1280, PHONE_WIDTH])
@pytest.mark.parametrize("path", SIGNED_IN_PAGES)
def test_account_page_has_no_wcag_violations(signed_in_page, path, width):
    page = signed_in_page
    page.set_viewport_size({"width": width, "height": 800})
    response = page.goto(path)
    assert response.status == 200
    assert page.url.endswith(path)  # not sent back to the sign-in form
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_sign_up_errors_have_no_wcag_violations(page):
    page.goto("/accounts/signup/")
    page.get_by_label("Email").fill("not-an-email")
    page.get_by_label("Full name").fill("Jan Kowalski")
    page.get_by_label(re.compile(r"^Password:?$")).fill("short")
    page.get_by_label("Password (again)").fill("different")
    with page.expect_navigation():
        page.get_by_role("main").get_by_role("button", name="Create an account").click()
    # The errors are shown next to their fields, and the fields say they are invalid.
    assert page.get_by_label("Email").get_attribute("aria-invalid") == "true"
    assert page.locator("#id_email_error").is_visible()
    assert_accessible(page)


def test_login_errors_have_no_wcag_violations(page):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("nobody@nowhere.eu")
    page.get_by_label("Password").fill("wrong-password-1")
    with page.expect_navigation():
        page.get_by_role("main").get_by_role("button", name="Sign in").click()
    assert page.get_by_text("not correct").is_visible()
    assert_accessible(page)


def test_404_page_has_no_wcag_violations(page):
    response = page.goto("/no-such-page/")
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Page not found"
    assert_accessible(page)


def test_first_tab_reaches_the_skip_link_which_moves_focus_to_main(page):
    page.goto("/")
    skip_link = page.locator(".skip-link")
    assert skip_link.bounding_box()["x"] < 0  # off screen until it takes focus
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
    assert skip_link.bounding_box()["x"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.tagName + '#' + document.activeElement.id") == (
        "MAIN#main"
    )


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_every_header_control_is_reached_by_tab_with_a_visible_focus(page, request, signed_in):
    if signed_in:
        page = request.getfixturevalue("signed_in_page")
    page.goto("/")
    controls = page.locator(
        "header a[href], header button, header select, header input:not([type=hidden])"
    )
    expected = controls.count()
    assert expected >= 4
    reached = {}
    for _ in range(expected + 5):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
                const el = document.activeElement;
                const header = document.querySelector("header");
                const controls = [...header.querySelectorAll(
                    "a[href], button, select, input:not([type=hidden])")];
                const style = getComputedStyle(el);
                return {index: controls.indexOf(el), name: el.textContent.trim() || el.id,
                        outline: style.outlineStyle, width: parseFloat(style.outlineWidth)};
            }"""
        )
        if focused["index"] >= 0:
            reached[focused["index"]] = focused
    assert sorted(reached) == list(range(expected)), "some header controls are not reached by Tab"
    without_focus_style = [
        control["name"]
        for control in reached.values()
        if control["outline"] == "none" or control["width"] < 2
    ]
    assert not without_focus_style, f"no visible focus outline on {without_focus_style}"


@pytest.mark.parametrize("path", ["/", "/accounts/login/"])
def test_page_fits_a_phone_screen_without_horizontal_scrolling(page, path):
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 740})
    page.goto(path)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= PHONE_WIDTH


def test_the_axe_check_reports_violations(page):
    """The check above must be able to fail: a page with known faults is reported in detail."""
    page.set_content(
        '<html><head><title>Faulty</title></head><body><main><input type="text">'
        '<p style="color:#bbb;background:#fff">Pale text</p></main></body></html>'
    )
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page)
    report = str(failure.value)
    for rule in ["html-has-lang", "label", "color-contrast"]:
        assert f"* {rule} (" in report
    assert '<input type="text">' in report
