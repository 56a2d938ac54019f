"""The monthly rollups of the entries and gifts already in the ledger (data only; the
table is 0011's). From here on every posting writes its own rollup rows.

Self-contained (historical models, no service code), so it reads the same whatever the
services become. Reversed by removing every rollup row."""

from django.db import migrations
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

GIFT_ACCOUNT = "4000"


def _month(value):
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def forwards(apps, schema_editor):
    Entry = apps.get_model("funds", "Entry")
    Donation = apps.get_model("funds", "Donation")
    MonthlyTotal = apps.get_model("funds", "MonthlyTotal")
    db = schema_editor.connection.alias
    sums = {}
    entries = (
        Entry.objects.using(db)
        .annotate(month=TruncMonth("on"))
        .order_by()
        .values_list(
            "month", "account", "restriction", "campaign", "channel", "category", "currency"
        )
        .annotate(amount=Sum("amount_minor"), original=Sum("original_minor"))
    )
    for month, *key, amount, original in entries:
        sums[(_month(month), *key)] = [amount or 0, original or 0, 0]
    gifts = (
        Donation.objects.using(db)
        .filter(reverses__isnull=True)
        .annotate(month=TruncMonth("received_on"))
        .order_by()
        .values_list("month", "restriction", "campaign", "channel", "currency")
        .annotate(gifts=Count("id"))
    )
    for month, restriction, campaign, channel, currency, count in gifts:
        key = (_month(month), GIFT_ACCOUNT, restriction, campaign, channel, "", currency)
        sums.setdefault(key, [0, 0, 0])[2] += count
    now = timezone.now()
    MonthlyTotal.objects.using(db).bulk_create(
        (
            MonthlyTotal(
                month=month,
                account_id=account,
                restriction=restriction,
                campaign_id=campaign,
                channel=channel,
                category=category,
                currency=currency,
                amount_minor=amount,
                original_minor=original,
                gifts=count,
                compacted=True,
                created_at=now,
                updated_at=now,
            )
            for (month, account, restriction, campaign, channel, category, currency), (
                amount,
                original,
                count,
            ) in sums.items()
            if amount or original or count
        ),
        batch_size=1000,
    )


def backwards(apps, schema_editor):
    apps.get_model("funds", "MonthlyTotal").objects.using(schema_editor.connection.alias).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("funds", "0011_monthly_totals"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
