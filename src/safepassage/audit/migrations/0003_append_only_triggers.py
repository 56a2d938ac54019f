"""On PostgreSQL, make the database itself refuse to change or remove audit entries.

Row triggers refuse UPDATE and DELETE on entries, DELETE on the head row, and any head
update other than moving forward by exactly one entry. There is deliberately no TRUNCATE
trigger: Django's test runner empties tables with TRUNCATE between transactional tests.
SQLite has no equivalent that survives a determined writer, so nothing is installed there;
verify() still finds any change.
"""

from django.db import migrations

FORWARD = """
CREATE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit log is append-only' USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER audit_entry_append_only
    BEFORE UPDATE OR DELETE ON {entry}
    FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only();

CREATE FUNCTION audit_head_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR NEW.id <> OLD.id OR NEW.seq <> OLD.seq + 1 THEN
        RAISE EXCEPTION 'audit head only moves forward' USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER audit_head_forward_only
    BEFORE UPDATE OR DELETE ON {head}
    FOR EACH ROW EXECUTE FUNCTION audit_head_forward_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS audit_head_forward_only ON {head};
DROP FUNCTION IF EXISTS audit_head_forward_only();
DROP TRIGGER IF EXISTS audit_entry_append_only ON {entry};
DROP FUNCTION IF EXISTS audit_entry_append_only();
"""


def _run(sql, apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    sql = sql.format(
        entry=quote(apps.get_model("audit", "AuditEntry")._meta.db_table),
        head=quote(apps.get_model("audit", "AuditHead")._meta.db_table),
    )
    # params=None: several statements in one go are allowed only without parameters.
    schema_editor.execute(sql, params=None)


def install(apps, schema_editor):
    _run(FORWARD, apps, schema_editor)


def remove(apps, schema_editor):
    _run(BACKWARD, apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_head_row")]

    operations = [migrations.RunPython(install, remove)]
