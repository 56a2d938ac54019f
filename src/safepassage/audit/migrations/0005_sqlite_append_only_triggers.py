"""On SQLite too, make the database refuse to change or remove audit entries.

As on PostgreSQL (0003): UPDATE and DELETE of entries are refused, the head row can only
move forward by one entry and cannot be deleted. Django's test runner empties tables with
DELETE on SQLite (PostgreSQL uses TRUNCATE, which row triggers do not see); the DELETE
triggers therefore let a row go while ``audit_flush_allowed()`` says so, which it does only
inside the ``flush`` command (see ``safepassage.audit.flushing``). Anyone who can write the
database file can drop these triggers; the head's MAC and the external anchor catch what
such a writer does.
"""

from django.db import migrations

# One statement each: SQLite runs a single statement per execute().
FORWARD = [
    """CREATE TRIGGER IF NOT EXISTS audit_entry_no_update BEFORE UPDATE ON {entry}
    BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS audit_entry_no_delete BEFORE DELETE ON {entry}
    WHEN audit_flush_allowed() IS NOT 1
    BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS audit_head_forward_only BEFORE UPDATE ON {head}
    WHEN NEW.id <> OLD.id OR NEW.seq <> OLD.seq + 1
    BEGIN SELECT RAISE(ABORT, 'audit head only moves forward'); END""",
    """CREATE TRIGGER IF NOT EXISTS audit_head_no_delete BEFORE DELETE ON {head}
    WHEN audit_flush_allowed() IS NOT 1
    BEGIN SELECT RAISE(ABORT, 'audit head only moves forward'); END""",
]
BACKWARD = [
    "DROP TRIGGER IF EXISTS audit_head_no_delete",
    "DROP TRIGGER IF EXISTS audit_head_forward_only",
    "DROP TRIGGER IF EXISTS audit_entry_no_delete",
    "DROP TRIGGER IF EXISTS audit_entry_no_update",
]


def statements(models, quote, *, forward: bool = True) -> list[str]:
    """The statements for these tables (``models`` has get_model, as ``apps`` does); tests
    that play the attacker drop and re-create the triggers with them."""
    entry = quote(models.get_model("audit", "AuditEntry")._meta.db_table)
    head = quote(models.get_model("audit", "AuditHead")._meta.db_table)
    return [sql.format(entry=entry, head=head) for sql in (FORWARD if forward else BACKWARD)]


def _run(apps, schema_editor, *, forward):
    if schema_editor.connection.vendor != "sqlite":
        return
    for sql in statements(apps, schema_editor.quote_name, forward=forward):
        schema_editor.execute(sql, params=None)


def install(apps, schema_editor):
    _run(apps, schema_editor, forward=True)


def remove(apps, schema_editor):
    _run(apps, schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_head_mac")]

    operations = [migrations.RunPython(install, remove)]
