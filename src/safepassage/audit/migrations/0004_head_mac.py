"""Authenticate the head row: a MAC over (seq, hash) under a key derived from the audit key.

The migration runs with the site's settings, so it holds the audit key and writes the first
MAC itself: a fresh install's empty log is authenticated from the start. On a site that
already has entries, the head as it stands is trusted once (run `safepassage audit verify`
before migrating). The PostgreSQL trigger lets the head only move forward by one entry, so
it is switched off around this one update.
"""

from django.db import migrations, models

GENESIS_HASH = "0" * 64


def authenticate_head(apps, schema_editor):
    from safepassage.audit.hashing import head_mac

    AuditHead = apps.get_model("audit", "AuditHead")
    AuditEntry = apps.get_model("audit", "AuditEntry")
    alias = schema_editor.connection.alias
    row = AuditHead.objects.using(alias).filter(id=1).first()
    if row is None:
        if AuditEntry.objects.using(alias).exists():
            return  # a head deleted beside entries stays a break for verify() to report
        AuditHead.objects.using(alias).create(
            id=1, seq=0, hash=GENESIS_HASH, mac=head_mac(0, GENESIS_HASH)
        )
        return
    table = schema_editor.quote_name(AuditHead._meta.db_table)
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute(f"ALTER TABLE {table} DISABLE TRIGGER audit_head_forward_only")
    AuditHead.objects.using(alias).filter(id=1).update(mac=head_mac(row.seq, row.hash))
    if postgres:
        schema_editor.execute(f"ALTER TABLE {table} ENABLE TRIGGER audit_head_forward_only")


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_append_only_triggers")]

    operations = [
        migrations.AddField(
            model_name="audithead",
            name="mac",
            field=models.CharField(blank=True, default="", max_length=64, verbose_name="head MAC"),
        ),
        migrations.RunPython(authenticate_head, migrations.RunPython.noop),
    ]
