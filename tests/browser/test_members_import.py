"""The secretariat imports members in a real browser: choose a file, read the report, apply.
Every page passes axe-core (WCAG 2.1 A/AA)."""

import pytest

from members.models import Organisation
from tests.browser.axe import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSV = (
    "organisation_slug;organisation_name;kind;country;region_code;nuts_code;website;"
    "founding_network;member_since;person_email;person_role\n"
    ";Bundesministerium für Cluster;national;AT;;;;;;anna.huber@bmc.example.at;contact\n"
    ";Nowhere agency;agency;XX;;;;;;;\n"
)


def test_the_secretariat_tries_and_applies_an_import(
    page, live_server, sign_in, secretariat_user, password, tmp_path
):
    sign_in(page, email=secretariat_user.email, password=password)
    page.goto("/members/import/")
    assert_accessible(page)

    page.get_by_role("button", name="Try the file").click()  # no file: the error by the field
    page.locator("#id_file_error").wait_for()
    assert_accessible(page)

    bad = tmp_path / "latin1.csv"
    bad.write_bytes(CSV.replace("für", "f\xfcr").encode("latin-1"))
    page.get_by_label("CSV file").set_input_files(str(bad))
    page.get_by_role("button", name="Try the file").click()
    assert "not in UTF-8" in page.locator("#id_file_error").inner_text()

    good = tmp_path / "members.csv"
    good.write_text(CSV, encoding="utf-8-sig")
    page.get_by_label("CSV file").set_input_files(str(good))
    page.get_by_role("button", name="Try the file").click()
    page.get_by_role("heading", name="Import: what would change").wait_for()
    assert_accessible(page)
    assert "1 created, 0 updated, 0 unchanged, 1 rejected" in page.content()
    assert not Organisation.objects.exists()

    page.get_by_role("button", name="Apply the import").click()
    page.get_by_role("heading", name="Import applied").wait_for()
    assert_accessible(page)
    assert Organisation.objects.filter(name="Bundesministerium für Cluster").exists()
