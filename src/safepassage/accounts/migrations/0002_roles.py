from django.db import migrations

CODES = [
    "director",
    "case_worker",
    "rescue_coordinator",
    "finance",
    "communications",
    "advocacy",
    "donor",
]


def add_roles(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for code in CODES:
        Role.objects.get_or_create(code=code)


def remove_roles(apps, schema_editor):
    apps.get_model("accounts", "Role").objects.filter(code__in=CODES).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(add_roles, remove_roles)]
