"""Re-mask donors' stored pseudonyms under the rule that shows at most the surname's first
syllable (issue 12): "Jane Smith" was "Jane OO", "Sunhee" "Sunhee OO"."""

from django.db import migrations


def remask(apps, schema_editor):
    from safepassage.funds.models import Donor
    from safepassage.vault.remasking import remask_model

    remask_model(apps.get_model("funds", "Donor"), Donor, apps.get_model("vault", "DataKey"))


class Migration(migrations.Migration):
    dependencies = [
        ("funds", "0006_import_summary_posting"),
        ("vault", "0001_initial"),
    ]

    operations = [migrations.RunPython(remask, migrations.RunPython.noop, elidable=True)]
