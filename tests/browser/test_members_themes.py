"""The secretariat's vocabulary page in a real browser: accessible, and usable with the keyboard."""

import pytest

from members.models import PolicyTheme
from tests.browser.axe import assert_accessible
from tests.members.factories import PolicyThemeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_secretariat_adds_a_theme_with_the_keyboard(
    page, live_server, sign_in, secretariat_user, password
):
    PolicyThemeFactory(slug="green-transition", name="Green transition")
    sign_in(page, email=secretariat_user.email, password=password)
    page.goto(f"{live_server.url}/members/themes/")
    assert_accessible(page)

    page.get_by_label("name (English)").focus()
    page.keyboard.press("Enter")  # an empty name: the error is announced next to the field
    assert page.locator("#id_name_error").inner_text() == "This field is required."
    assert_accessible(page)

    page.get_by_label("name (English)").fill("Blue economy")
    page.get_by_label("name (French)").fill("Économie bleue")
    page.get_by_label("name (German)").press("Tab")
    page.keyboard.press("Enter")
    page.get_by_text("The theme “Blue economy” was added.").wait_for()
    assert PolicyTheme.objects.filter(name="Blue economy", name_fr="Économie bleue").exists()
