"""The secretariat's import and export of members (CSV): the dry run, applying, the same file
again, bad files, and who may open the pages."""

import codecs
import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEntry
from members.member_csv import COLUMNS, member_csv_parse, member_import_run
from members.models import Organisation, Representative, RepresentativeInvitation
from outbox.models import OutboundEmail
from tests.accounts.factories import UserFactory
from tests.members.factories import ContactFactory, OrganisationFactory, RepresentativeFactory

pytestmark = pytest.mark.django_db

GOOD_ROWS = [
    # A new national authority with its contact and a representative.
    [
        "",
        "Bundesministerium für Cluster",
        "national",
        "AT",
        "",
        "AT13",
        "https://bmc.example.at",
        "clunet",
        "2021-03-01",
        "anna.huber@bmc.example.at",
        "contact",
    ],
    [
        "",
        "Bundesministerium für Cluster",
        "national",
        "AT",
        "",
        "AT13",
        "https://bmc.example.at",
        "clunet",
        "2021-03-01",
        "max.gruber@bmc.example.at",
        "representative",
    ],
    # A new regional authority without people.
    ["", "Région Auvergne-Rhône-Alpes", "regional", "FR", "FR-ARA", "", "", "", "", "", ""],
]


def _csv(rows, *, header=COLUMNS, delimiter=",", bom=False, encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    data = buffer.getvalue().encode(encoding)
    return (codecs.BOM_UTF8 + data) if bom else data


def _upload(client, content: bytes, name="members.csv"):
    return client.post(
        reverse("members:member_import"), {"file": SimpleUploadedFile(name, content, "text/csv")}
    )


def _apply(client):
    token = client.session["member_import"]["token"]
    return client.post(reverse("members:member_import_apply"), {"token": token})


def _results(client):
    return [(r["line"], r["result"]) for r in client.session["member_import"]["reports"]]


# --- The whole journey through the pages --------------------------------------------------


def test_try_then_apply_then_the_same_file_changes_nothing(client, secretariat_user):
    client.force_login(secretariat_user)
    response = _upload(client, _csv(GOOD_ROWS))
    assert response.status_code == 302
    assert response.url == reverse("members:member_import_review")

    # The dry run: a report, and nothing changed.
    assert _results(client) == [(2, "created"), (3, "updated"), (4, "created")]
    assert not Organisation.objects.exists()
    assert not RepresentativeInvitation.objects.exists()
    assert not OutboundEmail.objects.exists()
    page = client.get(response.url).content.decode()
    assert "2 created, 1 updated, 0 unchanged, 0 rejected" in page
    assert "anna.huber@bmc.example.at will be invited as Contact." in page
    assert "Apply the import" in page

    response = _apply(client)
    assert response.status_code == 302
    ministry = Organisation.objects.get(name="Bundesministerium für Cluster")
    assert ministry.slug == "bundesministerium-fur-cluster"
    assert ministry.founding_network == "clunet" and str(ministry.member_since) == "2021-03-01"
    assert Organisation.objects.get(region_code="FR-ARA").kind == "regional"
    invitations = {(i.email, i.role) for i in RepresentativeInvitation.objects.all()}
    assert invitations == {
        ("anna.huber@bmc.example.at", "contact"),
        ("max.gruber@bmc.example.at", "representative"),
    }
    # Invited, not given an account.
    assert not Representative.objects.exists()
    assert OutboundEmail.objects.filter(to__contains=["anna.huber@bmc.example.at"]).exists()
    entry = AuditEntry.objects.get(action="member_import_apply")
    assert entry.actor_id == secretariat_user.pk
    assert entry.changes["created"] == 2 and entry.changes["rejected"] == 0
    page = client.get(reverse("members:member_import_review")).content.decode()
    assert "Import applied" in page and "Apply the import" not in page

    # Applying twice is refused (the token was used).
    assert _apply(client).url == reverse("members:member_import")
    assert AuditEntry.objects.filter(action="member_import_apply").count() == 1

    # The same file again: every row unchanged, nothing to apply.
    _upload(client, _csv(GOOD_ROWS))
    assert [result for _line, result in _results(client)] == ["unchanged"] * 3
    assert (
        "Apply the import"
        not in client.get(reverse("members:member_import_review")).content.decode()
    )


def test_export_then_import_changes_nothing(client, secretariat_user):
    organisation = OrganisationFactory(name="=Formula Agency", founding_network="innet")
    ContactFactory(organisation=organisation)
    RepresentativeFactory(organisation=organisation)
    RepresentativeInvitation.objects.create(
        organisation=organisation, email="pending@agency.example.eu", role="representative"
    )
    OrganisationFactory(name="Agency without people", country="SE")
    client.force_login(secretariat_user)

    export = client.get(reverse("members:member_export"))
    assert export.status_code == 200
    assert export["Content-Disposition"].startswith('attachment; filename="eca-members-')
    content = b"".join(export)
    assert content.startswith(codecs.BOM_UTF8)
    text = content.decode("utf-8-sig")
    assert text.splitlines()[0] == ",".join(COLUMNS)
    assert "'=Formula Agency" in text  # no spreadsheet formula
    assert len(text.splitlines()) == 1 + 3 + 1

    _upload(client, content)
    assert {result for _line, result in _results(client)} == {"unchanged"}


def test_changes_to_an_existing_member_are_updates(secretariat_user):
    organisation = OrganisationFactory(name="Cluster Agency", slug="cluster-agency", country="AT")
    representative = RepresentativeFactory(organisation=organisation)
    ContactFactory(organisation=organisation)
    row = {
        "line": 2,
        "organisation_slug": "cluster-agency",
        "organisation_name": "Cluster Agency Austria",
        "kind": "agency",
        "country": "AT",
        "region_code": "",
        "nuts_code": "",
        "website": organisation.website,
        "founding_network": "",
        "member_since": organisation.member_since.isoformat(),
        "person_email": representative.user.email.upper(),
        "person_role": "contact",
    }
    [report] = member_import_run(rows=[row], acting_user=secretariat_user, apply=True)
    assert report["result"] == "updated"
    organisation.refresh_from_db()
    representative.refresh_from_db()
    assert organisation.name == "Cluster Agency Austria"
    assert representative.role == "contact"


# --- Rejected rows -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({1: ""}, "has no name"),
        ({3: "XX"}, "not the code of a country"),
        ({3: "US"}, "not the code of a country"),
        ({2: "ministry"}, "not a kind of organisation"),
        ({9: "not-an-email"}, "is not an email address"),
        ({9: "", 10: "contact"}, "a role needs the person's email"),
        ({10: "boss"}, "is not a role"),
        ({8: "01/03/2021"}, "YYYY-MM-DD"),
        ({2: "regional"}, "regional authority must name its region"),
        ({4: "DE-BY"}, "not in the selected country"),
        ({6: "not a website"}, "website"),
        ({0: "Not A Slug!"}, "organisation_slug"),
    ],
)
def test_a_bad_row_is_rejected_with_its_reason_and_the_others_stand(
    client, secretariat_user, changes, reason
):
    bad = list(GOOD_ROWS[2])
    bad[1] = "Bad row agency"
    bad[2], bad[4] = "agency", ""
    bad[9], bad[10] = "someone@agency.example.eu", "representative"
    for index, value in changes.items():
        bad[index] = value
    client.force_login(secretariat_user)
    _upload(client, _csv([GOOD_ROWS[2], bad]))
    reports = client.session["member_import"]["reports"]
    assert [r["result"] for r in reports] == ["created", "rejected"]
    assert reason.lower() in " ".join(reports[1]["notes"]).lower()
    page = client.get(reverse("members:member_import_review")).content.decode()
    assert "1 rejected" in page

    _apply(client)
    assert Organisation.objects.count() == 1
    assert not Organisation.objects.filter(name="Bad row agency").exists()


def test_a_person_of_another_organisation_is_rejected(secretariat_user):
    elsewhere = RepresentativeFactory()
    row = dict(zip(COLUMNS, GOOD_ROWS[2], strict=True), line=2)
    row.update(person_email=elsewhere.user.email, person_role="representative")
    [report] = member_import_run(rows=[row], acting_user=secretariat_user, apply=True)
    assert report["result"] == "rejected"
    assert elsewhere.organisation.name in report["notes"][0]
    # The row's organisation was rolled back with it.
    assert not Organisation.objects.filter(region_code="FR-ARA").exists()


def test_rows_of_one_organisation_must_agree(secretariat_user):
    first = dict(zip(COLUMNS, GOOD_ROWS[0], strict=True), line=2)
    second = dict(zip(COLUMNS, GOOD_ROWS[1], strict=True), line=3, website="https://other.at")
    reports = member_import_run(rows=[first, second], acting_user=secretariat_user, apply=False)
    assert [r["result"] for r in reports] == ["created", "rejected"]
    assert "line 2" in reports[1]["notes"][0]


# --- Bad files ---------------------------------------------------------------------------------


def test_semicolons_and_a_byte_order_mark_are_read():
    rows = member_csv_parse(_csv(GOOD_ROWS, delimiter=";", bom=True))
    assert [row["organisation_name"] for row in rows] == [r[1] for r in GOOD_ROWS]
    assert rows[0]["organisation_slug"] == ""  # the BOM did not stick to the first column


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (_csv(GOOD_ROWS, encoding="cp1252"), "not in UTF-8"),
        (_csv(GOOD_ROWS, encoding="utf-16"), "not in UTF-8"),
        (b"", "empty"),
        (_csv([]), "has no rows"),
        (_csv(GOOD_ROWS, header=COLUMNS[:-1]), "missing: person_role"),
        (_csv(GOOD_ROWS, header=[*COLUMNS[:-1], "phone"]), "unknown: phone"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "not"),
    ],
)
def test_a_bad_file_gets_a_clear_error_next_to_the_file_field(
    client, secretariat_user, content, message
):
    client.force_login(secretariat_user)
    response = _upload(client, content)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_file_error"' in html
    assert message in html
    assert "member_import" not in client.session


def test_too_many_rows_and_too_large_files_are_refused(client, secretariat_user, monkeypatch):
    from members import member_csv

    client.force_login(secretariat_user)
    monkeypatch.setattr(member_csv, "MAX_ROWS", 2)
    assert "more than 2 rows" in _upload(client, _csv(GOOD_ROWS)).content.decode()
    big = _csv(GOOD_ROWS * 5000)
    assert len(big) > member_csv.MAX_FILE_BYTES
    assert "larger than 1024 KB" in _upload(client, big).content.decode()


def test_apply_without_a_try_or_with_a_stale_token_changes_nothing(client, secretariat_user):
    client.force_login(secretariat_user)
    response = client.post(reverse("members:member_import_apply"), {"token": "nope"})
    assert response.url == reverse("members:member_import")
    _upload(client, _csv(GOOD_ROWS))
    response = client.post(reverse("members:member_import_apply"), {"token": "stale"})
    assert response.url == reverse("members:member_import")
    assert not Organisation.objects.exists()


# --- Who may open the pages --------------------------------------------------------------------

PAGES = [
    ("get", "members:member_import"),
    ("post", "members:member_import"),
    ("get", "members:member_import_review"),
    ("post", "members:member_import_apply"),
    ("get", "members:member_export"),
]


def _role_user(role):
    if role == "non_member":
        return UserFactory()
    if role == "representative":
        return RepresentativeFactory().user
    if role == "contact":
        return ContactFactory().user
    raise AssertionError(role)


@pytest.mark.parametrize(("method", "name"), PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, method, name):
    response = getattr(client, method)(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("role", ["non_member", "representative", "contact"])
@pytest.mark.parametrize(("method", "name"), PAGES)
def test_people_outside_the_secretariat_get_403(client, role, method, name):
    client.force_login(_role_user(role))
    assert getattr(client, method)(reverse(name)).status_code == 403


@pytest.mark.parametrize(("method", "name"), PAGES)
def test_the_secretariat_without_2fa_is_sent_to_set_it_up(
    client, secretariat_user_without_2fa, method, name
):
    client.force_login(secretariat_user_without_2fa)
    response = getattr(client, method)(reverse(name))
    assert response.status_code == 302
    assert response.url == reverse("mfa_index")


def test_the_secretariat_opens_the_pages(client, secretariat_user):
    client.force_login(secretariat_user)
    assert client.get(reverse("members:member_import")).status_code == 200
    # No try yet: the review page sends back to the upload.
    assert client.get(reverse("members:member_import_review")).url == reverse(
        "members:member_import"
    )
    assert client.get(reverse("members:member_export")).status_code == 200


# Sign-in, session, 2FA and layout queries, plus the export's three.
EXPORT_QUERY_BOUND = 16
REVIEW_QUERY_BOUND = 13


def test_the_export_costs_the_same_queries_for_few_and_many_members(
    client, secretariat_user, django_assert_max_num_queries
):
    client.force_login(secretariat_user)
    OrganisationFactory()
    with django_assert_max_num_queries(EXPORT_QUERY_BOUND):
        b"".join(client.get(reverse("members:member_export")))
    for _ in range(15):
        organisation = OrganisationFactory()
        ContactFactory(organisation=organisation)
        RepresentativeInvitation.objects.create(organisation=organisation, email="x@y.eu")
    with django_assert_max_num_queries(EXPORT_QUERY_BOUND):
        b"".join(client.get(reverse("members:member_export")))


def test_the_review_page_costs_the_same_queries_for_few_and_many_rows(
    client, secretariat_user, django_assert_max_num_queries
):
    client.force_login(secretariat_user)
    _upload(client, _csv(GOOD_ROWS[:1]))
    with django_assert_max_num_queries(REVIEW_QUERY_BOUND):
        client.get(reverse("members:member_import_review"))
    _upload(client, _csv(GOOD_ROWS * 20))
    with django_assert_max_num_queries(REVIEW_QUERY_BOUND):
        client.get(reverse("members:member_import_review"))
