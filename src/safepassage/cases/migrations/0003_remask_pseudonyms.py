"""Re-mask people's stored pseudonyms under the rule that shows at most the surname's first
syllable (issue 12): "王美华 OO", "Sunhee OO" and "Younghee OO" were kept whole."""

from django.db import migrations


def remask(apps, schema_editor):
    from safepassage.cases.models import Person
    from safepassage.vault.remasking import remask_model

    remask_model(apps.get_model("cases", "Person"), Person, apps.get_model("vault", "DataKey"))


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0002_queue_index_matches_order"),
        ("vault", "0001_initial"),
    ]

    operations = [migrations.RunPython(remask, migrations.RunPython.noop, elidable=True)]
