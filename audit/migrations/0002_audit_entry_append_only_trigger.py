"""The database itself refuses to change or delete an audit entry: a trigger raises on UPDATE
and DELETE, whoever sends the statement (the ORM, raw SQL, the admin, a shell).

TRUNCATE is deliberately not blocked: Django's test runner empties every table with TRUNCATE
between transactional tests, and only the table's owner may truncate. In production, run the
application under a role that does not own the tables if even that must be impossible."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audit_auditentry_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are append-only: % of audit_auditentry refused', TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER audit_auditentry_append_only
    BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_auditentry_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_auditentry_append_only ON audit_auditentry;
DROP FUNCTION IF EXISTS audit_auditentry_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_audit_entry")]

    operations = [migrations.RunSQL(sql=CREATE, reverse_sql=DROP)]
