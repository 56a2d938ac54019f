from django.db import migrations

GENESIS_HASH = "0" * 64


def create_head(apps, schema_editor):
    # The row writers lock; made here so the first writers never race to create it.
    AuditHead = apps.get_model("audit", "AuditHead")
    AuditHead.objects.using(schema_editor.connection.alias).get_or_create(
        id=1, defaults={"seq": 0, "hash": GENESIS_HASH}
    )


def delete_head(apps, schema_editor):
    AuditHead = apps.get_model("audit", "AuditHead")
    AuditHead.objects.using(schema_editor.connection.alias).filter(id=1, seq=0).delete()


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(create_head, delete_head)]
