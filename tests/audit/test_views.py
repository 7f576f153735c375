"""The secretariat's audit log page and its CSV download."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEntry
from audit.services import audit_record
from tests.accounts.factories import UserFactory
from tests.audit.conftest import ROLES, assert_refused_as

pytestmark = pytest.mark.django_db

LOG = reverse("audit:log")
CSV = reverse("audit:log_csv")


def record(actor, action=AuditAction.MEMBERSHIP_SUSPEND, **fields):
    fields.setdefault("object_type", "members.organisation")
    fields.setdefault("object_id", 1)
    fields.setdefault("object_label", "Cluster Agency Styria")
    return audit_record(actor=actor, action=action, **fields)


def record_days_ago(actor, action, days, **fields):
    """An entry written `days` ago (entries cannot be changed afterwards, so it is inserted with
    its date)."""
    return AuditEntry.objects.create(
        actor_id=actor.pk,
        actor_label="secretariat",
        action=action,
        created_at=timezone.now() - datetime.timedelta(days=days),
        **fields,
    )


@pytest.mark.parametrize("url", [LOG, CSV])
@pytest.mark.parametrize("role", ROLES)
def test_only_the_secretariat_with_2fa_opens_the_log(client_as, role, url):
    assert_refused_as(client_as(role).get(url), role)


def test_the_secretariat_reads_the_log(client_as, secretariat_user):
    record(
        secretariat_user,
        changes={"membership_status": ["active", "suspended"], "note": "Fees unpaid."},
    )
    response = client_as("secretariat").get(LOG)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Audit log" in html
    assert "Suspended a membership" in html
    assert "Sophie Secretariat" in html
    assert "Cluster Agency Styria" in html
    assert "active → suspended" in html
    assert "Fees unpaid." in html


def test_a_deleted_actor_is_shown_by_number(client_as, secretariat_user):
    gone = UserFactory(full_name="Gerd Gone")
    record(gone)
    gone_id = gone.pk
    gone.delete()
    html = client_as("secretariat").get(LOG).content.decode()
    assert f"deleted account #{gone_id}" in html
    assert "Gerd Gone" not in html


def test_an_entry_about_an_account_shows_its_current_name(client_as, secretariat_user):
    person = UserFactory(full_name="Paula Person")
    record(
        secretariat_user,
        AuditAction.USER_DEACTIVATE,
        object_type="accounts.user",
        object_id=person.pk,
        object_label=f"#{person.pk}",
    )
    html = client_as("secretariat").get(LOG).content.decode()
    assert f"Paula Person (#{person.pk})" in html


def test_the_log_filters_by_action_actor_kind_and_period(client_as, secretariat_user):
    other = UserFactory(full_name="Otto Officer")
    record(secretariat_user, object_label="Suspended agency")
    record(other, AuditAction.POST_HIDE, object_type="dialogues.post", object_label="Hidden post")
    record_days_ago(secretariat_user, AuditAction.THREAD_LOCK, 40, object_label="Old lock")
    client = client_as("secretariat")

    def labels(**query):
        response = client.get(LOG, query)
        assert response.status_code == 200
        return {entry.object_label for entry in response.context["entries"]}

    # (The fixtures joining the secretariat group wrote entries of their own.)
    assert {"Suspended agency", "Hidden post", "Old lock"} <= labels()
    assert labels(action="post_hide") == {"Hidden post"}
    assert labels(actor="otto") == {"Hidden post"}
    assert labels(actor=str(secretariat_user.pk)) == {"Suspended agency", "Old lock"}
    assert labels(object_type="dialogues.post") == {"Hidden post"}
    today = timezone.localdate()
    recent = labels(date_from=(today - datetime.timedelta(days=7)).isoformat())
    assert {"Suspended agency", "Hidden post"} <= recent
    assert "Old lock" not in recent
    assert labels(date_to=(today - datetime.timedelta(days=30)).isoformat()) == {"Old lock"}


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"action": "paint"}, "action", "“paint” is not an action of the audit trail."),
        ({"date_from": "yesterday"}, "date_from", "Enter a date such as 2026-03-31."),
        (
            {"date_from": "2026-05-02", "date_to": "2026-05-01"},
            "date_to",
            "The end of the period cannot be before its start.",
        ),
    ],
)
def test_bad_filters_are_explained_next_to_their_field(client_as, query, field, message):
    response = client_as("secretariat").get(LOG, query)
    assert response.status_code == 200
    assert response.context["filter"].form.errors[field] == [message]
    html = response.content.decode()
    assert "These filters could not be used" in html
    assert f'id="id_{field}_error"' in html or message in html


def test_a_page_number_past_the_end_shows_the_last_page(client_as, secretariat_user):
    record(secretariat_user)
    response = client_as("secretariat").get(LOG, {"page": "99"})
    assert response.status_code == 200
    assert "There is no page “99”" in response.content.decode()


@pytest.mark.parametrize("count", [3, 120])
def test_the_log_costs_the_same_queries_for_few_and_many_entries(
    client_as, secretariat_user, django_assert_max_num_queries, count
):
    actors = UserFactory.create_batch(3)
    for number in range(count):
        record(actors[number % 3], object_label=f"Agency {number}")
    client = client_as("secretariat")
    # Session, user, usersessions (4 with savepoints), two permission look-ups, second factor,
    # count, rows (names joined in), unread notifications, session saved (3): 16 at most.
    with django_assert_max_num_queries(16):
        response = client.get(LOG)
    assert response.status_code == 200
    assert len(response.context["entries"]) == min(AuditEntry.objects.count(), 50)
    assert AuditEntry.objects.count() >= count


def csv_rows(response):
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_csv_holds_the_filtered_entries(client_as, secretariat_user):
    record(
        secretariat_user,
        changes={"membership_status": ["active", "suspended"]},
    )
    record(secretariat_user, AuditAction.POST_HIDE, object_label="=HYPERLINK(evil)")
    response = client_as("secretariat").get(CSV, {"action": "membership_suspend"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="eca-audit-log-')
    rows = csv_rows(response)
    assert rows[0][:5] == ["When", "Actor account", "Actor", "Actor's role", "Action"]
    assert len(rows) == 2
    row = rows[1]
    assert row[1:9] == [
        str(secretariat_user.pk),
        "Sophie Secretariat",
        "Secretariat",
        "Suspended a membership",
        "members.organisation",
        "1",
        "Cluster Agency Styria",
        "membership_status: active → suspended",
    ]


def test_the_csv_defuses_formulas(client_as, secretariat_user):
    record(secretariat_user, AuditAction.POST_HIDE, object_label="=HYPERLINK(evil)")
    rows = csv_rows(client_as("secretariat").get(CSV))
    assert rows[1][7] == "'=HYPERLINK(evil)"


def test_the_csv_with_bad_filters_is_empty_not_an_error(client_as, secretariat_user):
    record(secretariat_user)
    rows = csv_rows(client_as("secretariat").get(CSV, {"date_from": "nonsense"}))
    assert len(rows) == 1


@pytest.mark.parametrize("count", [3, 300])
def test_the_csv_costs_the_same_queries_for_few_and_many_entries(
    client_as, secretariat_user, django_assert_max_num_queries, count
):
    for number in range(count):
        record(secretariat_user, object_label=f"Agency {number}")
    client = client_as("secretariat")
    with django_assert_max_num_queries(14):
        rows = csv_rows(client.get(CSV))
    assert len(rows) == AuditEntry.objects.count() + 1 >= count + 1


def test_no_page_edits_the_log(client_as, secretariat_user):
    entry = record(secretariat_user)
    client = client_as("secretariat")
    assert client.post(LOG, {"object_label": "Forged"}).status_code == 405
    assert client.post(CSV).status_code == 405
    assert AuditEntry.objects.get(pk=entry.pk).object_label == "Cluster Agency Styria"
