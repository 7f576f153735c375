"""The audit trail is append-only: refused by the model, the queryset, the database and the
admin."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from audit.models import AuditAction, AuditEntry, AuditEntryImmutable
from audit.services import audit_record
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(secretariat_user):
    return audit_record(
        actor=secretariat_user,
        action=AuditAction.MEMBERSHIP_SUSPEND,
        object_type="members.organisation",
        object_id=7,
        object_label="Cluster Agency",
        changes={"membership_status": ["active", "suspended"]},
    )


def test_the_model_refuses_to_save_an_existing_entry(entry):
    entry.object_label = "Something else"
    with pytest.raises(AuditEntryImmutable):
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).object_label == "Cluster Agency"


def test_the_model_refuses_to_delete(entry):
    with pytest.raises(AuditEntryImmutable):
        entry.delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_queryset_refuses_update_and_delete(entry):
    with pytest.raises(AuditEntryImmutable):
        AuditEntry.objects.filter(pk=entry.pk).update(object_label="Else")
    with pytest.raises(AuditEntryImmutable):
        AuditEntry.objects.all().delete()
    with pytest.raises(AuditEntryImmutable):
        AuditEntry.objects.bulk_update([entry], ["object_label"])
    assert AuditEntry.objects.get(pk=entry.pk).object_label == "Cluster Agency"


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditentry SET object_label = 'Forged' WHERE id = %s",
        "UPDATE audit_auditentry SET actor_id = NULL WHERE id = %s",
        "DELETE FROM audit_auditentry WHERE id = %s",
    ],
)
def test_the_database_refuses_update_and_delete_even_in_raw_sql(entry, statement):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(statement, [entry.pk])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT object_label, actor_id FROM audit_auditentry WHERE id = %s", [entry.pk]
        )
        assert cursor.fetchone() == ("Cluster Agency", entry.actor_id)


def test_the_database_still_accepts_new_entries_in_raw_sql(entry):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditentry (actor_label, action, object_type, object_label,"
            " changes, created_at) VALUES ('system', 'announcement_send', '', 'News', '{}', now())"
        )
    assert AuditEntry.objects.filter(object_label="News").count() == 1


def test_deleting_the_actor_leaves_the_entry_untouched(entry, secretariat_user):
    actor_id = secretariat_user.pk
    secretariat_user.delete()
    assert AuditEntry.objects.get(pk=entry.pk).actor_id == actor_id


# --- The admin: superusers read, nobody edits -------------------------------------------------


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_the_admin_lists_entries_read_only(superuser_client, entry):
    response = superuser_client.get(reverse("admin:audit_auditentry_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Cluster Agency" in html
    assert reverse("admin:audit_auditentry_add") not in html
    assert 'name="_selected_action"' not in html  # no bulk delete


def test_the_admin_offers_no_add_change_or_delete(superuser_client, entry):
    assert superuser_client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    change_url = reverse("admin:audit_auditentry_change", args=[entry.pk])
    page = superuser_client.get(change_url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert superuser_client.post(change_url, {"object_label": "Forged"}).status_code == 403
    delete_url = reverse("admin:audit_auditentry_delete", args=[entry.pk])
    assert superuser_client.get(delete_url).status_code == 403
    assert superuser_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).object_label == "Cluster Agency"


def test_staff_who_are_not_superusers_do_not_see_the_audit_admin(client, entry):
    from django.contrib.auth.models import Permission

    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="audit"))
    client.force_login(staff)
    response = client.get(reverse("admin:audit_auditentry_changelist"))
    assert response.status_code == 403
