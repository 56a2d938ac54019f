"""Several audit chains (``audit.chains``): one head row per chain instead of a singleton.

On SQLite, changing the head table's constraint rebuilds the table, which drops the
triggers of migration 0005 on it: they are installed again afterwards.
"""

import importlib

from django.db import migrations, models


def reinstall_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    triggers = importlib.import_module(
        "safepassage.audit.migrations.0005_sqlite_append_only_triggers"
    )
    for sql in triggers.statements(apps, schema_editor.quote_name):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0005_sqlite_append_only_triggers"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="audithead",
            options={
                "ordering": ["id"],
                "verbose_name": "audit head",
                "verbose_name_plural": "audit heads",
            },
        ),
        migrations.RemoveConstraint(
            model_name="audithead",
            name="audit_head_singleton",
        ),
        migrations.AddConstraint(
            model_name="audithead",
            constraint=models.CheckConstraint(
                condition=models.Q(("id__gte", 1), ("id__lte", 8)),
                name="audit_head_one_per_chain",
            ),
        ),
        migrations.RunPython(reinstall_sqlite_triggers, migrations.RunPython.noop),
    ]
