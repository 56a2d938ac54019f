"""On PostgreSQL, make the database refuse to change or remove a release: the ledger of
what was published is append-only (a correction or a retraction is a new row). Django's
test runner empties tables with TRUNCATE there, which row triggers do not see."""

from django.db import migrations

FORWARD = """
CREATE FUNCTION reports_release_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the release ledger is append-only' USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER reports_release_append_only
    BEFORE UPDATE OR DELETE ON {release}
    FOR EACH ROW EXECUTE FUNCTION reports_release_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS reports_release_append_only ON {release};
DROP FUNCTION IF EXISTS reports_release_append_only();
"""


def _run(sql, apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("reports", "Release")._meta.db_table)
    schema_editor.execute(sql.format(release=table), params=None)


def install(apps, schema_editor):
    _run(FORWARD, apps, schema_editor)


def remove(apps, schema_editor):
    _run(BACKWARD, apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
