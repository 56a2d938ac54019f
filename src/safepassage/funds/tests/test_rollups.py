"""The monthly rollups: kept by every posting without updating a shared row, folded in the
background without changing a sum, and always equal to the ledger summed again."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from safepassage.accounts.models import Role
from safepassage.base import schedule
from safepassage.funds import selectors
from safepassage.funds.models import Campaign, Donation, ImportBatch, MonthlyTotal
from safepassage.funds.services import (
    donations,
    donors,
    expenses,
    gift_batches,
    ledger,
    rates,
    rollups,
)
from safepassage.testing.markers import postgres_only
from safepassage.testing.members import ensure_chart, make_member

DAYS = [dt.date(2026, 1, 31), dt.date(2026, 2, 1), dt.date(2026, 6, 15), dt.date(2026, 11, 30)]
CURRENCIES = ["KRW", "USD", "EUR", "JPY"]
CHANNELS = ["platform", "bank", "cash", "event", "cheque"]
RESTRICTIONS = ["rescue", "relief", "unrestricted"]
CATEGORIES = ["rescue_operations", "relief_aid", "fundraising", "administration"]

gift_st = st.fixed_dictionaries(
    {
        "op": st.just("gift"),
        "gross_minor": st.integers(min_value=1, max_value=10**9),
        "fee_share": st.integers(min_value=0, max_value=100),
        "currency": st.sampled_from(CURRENCIES),
        "channel": st.sampled_from(CHANNELS),
        "restriction": st.sampled_from(RESTRICTIONS),
        "campaign": st.sampled_from(["", "spring", "autumn"]),
        "on": st.sampled_from(DAYS),
    }
)
op_st = st.one_of(
    gift_st,
    st.fixed_dictionaries({"op": st.just("reverse"), "which": st.integers(0, 50)}),
    st.fixed_dictionaries(
        {
            "op": st.just("expense"),
            # At least 50 won at the lowest rate drawn (a base amount of nothing is refused).
            "amount_minor": st.integers(min_value=10_000, max_value=10**8),
            "currency": st.sampled_from(["KRW", "USD"]),
            "category": st.sampled_from(CATEGORIES),
            "restriction": st.sampled_from(RESTRICTIONS),
            "campaign": st.sampled_from(["", "spring"]),
            "on": st.sampled_from(DAYS),
        }
    ),
    st.fixed_dictionaries({"op": st.just("batch"), "gifts": st.lists(gift_st, max_size=4)}),
    st.fixed_dictionaries({"op": st.just("import"), "gifts": st.lists(gift_st, max_size=5)}),
    st.fixed_dictionaries({"op": st.just("compact"), "batch": st.integers(1, 6)}),
)


def gift_fields(gift: dict, campaigns: dict) -> dict:
    return {
        "gross_minor": gift["gross_minor"],
        "fee_minor": gift["gross_minor"] * gift["fee_share"] // 100,
        "currency": gift["currency"],
        "received_on": gift["on"],
        "channel": gift["channel"],
        "restriction": gift["restriction"],
        "campaign": campaigns.get(gift["campaign"]),
    }


def assert_rollups_equal_the_ledger() -> None:
    assert rollups.stored() == rollups.recomputed()
    assert rollups.verify().ok


class RollupProperties(TestCase):
    @settings(max_examples=20, deadline=None)
    @given(
        rate=st.decimals(
            min_value=Decimal("0.5"), max_value=Decimal("5000"), places=4, allow_nan=False
        ),
        ops=st.lists(op_st, min_size=1, max_size=10),
    )
    def test_any_postings_and_compactions_leave_rollups_equal_to_the_ledger(self, rate, ops):
        ensure_chart()
        for on in DAYS:
            for currency in CURRENCIES[1:]:
                rates.rate_set(actor=None, currency=currency, on=on, rate=rate, source="property")
        campaigns = {c: Campaign.objects.create(code=c, name=c) for c in ("spring", "autumn")}
        donor = donors.donor_create(actor=None, name="김 속성")
        director = make_member(Role.Code.DIRECTOR).user
        recorded: list[Donation] = []
        for op in ops:
            if op["op"] == "gift":
                recorded.append(
                    donations.donation_record(actor=None, donor=donor, **gift_fields(op, campaigns))
                )
            elif op["op"] == "reverse" and recorded:
                gift = recorded[op["which"] % len(recorded)]
                if not Donation.objects.filter(reverses=gift).exists():
                    donations.donation_reverse(actor=None, donation=gift, reason="property")
            elif op["op"] == "expense":
                expense = expenses.expense_create(
                    actor=None,
                    category=op["category"],
                    description="property",
                    amount_minor=op["amount_minor"],
                    currency=op["currency"],
                    spent_on=op["on"],
                    restriction=op["restriction"],
                    campaign=campaigns.get(op["campaign"]),
                )
                expenses.expense_submit(actor=None, expense=expense)
                expenses.expense_approve(
                    actor=director, expense=expense, override_reason="property"
                )
                expenses.expense_pay(actor=None, expense=expense)
            elif op["op"] == "batch" and op["gifts"]:
                gift_batches.gifts_record_many(
                    actor=None,
                    gifts=[{"donor": donor, **gift_fields(g, campaigns)} for g in op["gifts"]],
                )
            elif op["op"] == "import":
                batch = ImportBatch.objects.create(kind="property", sha256=uuid.uuid4().hex)
                gift_batches.gifts_import_rows(
                    actor=None,
                    batch=batch,
                    total=len(op["gifts"]),
                    gifts=[
                        gift_batches.ImportedGift(
                            donor_id=donor.pk,
                            gross_minor=g["gross_minor"],
                            fee_minor=g["gross_minor"] * g["fee_share"] // 100,
                            currency=g["currency"],
                            rate=Decimal(1) if g["currency"] == "KRW" else rate,
                            received_on=g["on"],
                            channel=g["channel"],
                            restriction=g["restriction"],
                            campaign_id=campaigns[g["campaign"]].pk if g["campaign"] else None,
                            source_key=None,
                        )
                        for g in op["gifts"]
                    ],
                )
            elif op["op"] == "compact":
                rollups.compact(batch=op["batch"])
            assert_rollups_equal_the_ledger()
        # The page's figures, read from the rollups, are the ledger's.
        for row in selectors.totals_by_fund():
            assert row.balance.minor == ledger.fund_balance(row.key)
        counted = {r.currency: r.gifts for r in selectors.gifts_by_currency()}
        for currency in CURRENCIES:
            gifts = Donation.objects.filter(currency=currency, reverses__isnull=True).count()
            assert counted.get(currency, 0) == gifts
        rollups.compact()
        assert not MonthlyTotal.objects.filter(compacted=False).exists()
        assert_rollups_equal_the_ledger()


@pytest.mark.django_db
def test_the_totals_read_exactly_the_chart_s_income_and_expense_accounts():
    from safepassage.funds.models import Account, AccountKind
    from safepassage.funds.selectors.reports import READ_ACCOUNTS

    ensure_chart()
    chart = Account.objects.filter(kind__in=[AccountKind.INCOME, AccountKind.EXPENSE])
    assert sorted(READ_ACCOUNTS) == sorted(chart.values_list("code", flat=True))
    assert rollups.GIFT_ACCOUNT == ledger.DONATIONS


@pytest.fixture
def usd():
    return rates.rate_set(actor=None, currency="USD", on=DAYS[2], rate="1380.5", source="test bank")


@pytest.fixture
def donor():
    return donors.donor_create(actor=None, name="王美华")


def give(donor, **fields):
    values = {
        "gross_minor": 10_000,
        "fee_minor": 290,
        "currency": "USD",
        "received_on": DAYS[2],
        "channel": "platform",
        "restriction": "rescue",
    }
    return donations.donation_record(actor=None, donor=donor, **(values | fields))


@pytest.mark.django_db
def test_a_posting_inserts_its_own_rows_and_changes_none_it_finds(usd, donor):
    give(donor)
    before = {row.pk: (row.amount_minor, row.gifts) for row in MonthlyTotal.objects.all()}
    give(donor)
    after = {row.pk: (row.amount_minor, row.gifts) for row in MonthlyTotal.objects.all()}
    assert {pk: after[pk] for pk in before} == before
    assert len(after) == 2 * len(before) == 6  # platform, fee and income, twice
    assert not MonthlyTotal.objects.filter(compacted=True).exists()
    income = MonthlyTotal.objects.filter(account_id=ledger.DONATIONS)
    assert {(r.month, r.amount_minor, r.gifts) for r in income} == {
        (dt.date(2026, 6, 1), -138_050, 1)
    }


@pytest.mark.django_db
def test_compaction_folds_deltas_into_one_row_per_key_and_changes_no_sum(usd, donor):
    for _ in range(3):
        give(donor)
    donations.donation_reverse(actor=None, donation=give(donor, fee_minor=0), reason="refund")
    sums = rollups.stored()
    assert rollups.compact(batch=4) == MonthlyTotal.objects.filter(compacted=True).count() + 8
    assert rollups.stored() == sums
    assert MonthlyTotal.objects.filter(compacted=False).count() == 0
    # One compacted row per key.
    assert MonthlyTotal.objects.count() == len(sums)
    give(donor)
    rollups.compact()
    assert rollups.verify().ok
    assert MonthlyTotal.objects.count() == len(rollups.stored())


@pytest.mark.django_db
def test_ledger_verify_says_ok_with_counts(usd, donor, capsys):
    give(donor)
    call_command("ledger", "verify")
    out = capsys.readouterr().out
    assert out.startswith("OK: 3 rollup keys, 3 rollup rows, 3 ledger entries")


@pytest.mark.django_db
@pytest.mark.parametrize("tamper", ["change", "delete", "add"])
def test_ledger_verify_names_the_first_tampered_key(usd, donor, tamper):
    give(donor)
    give(donor, channel="bank", currency="KRW", gross_minor=50_000, fee_minor=0)
    rollups.compact()
    income = MonthlyTotal.objects.filter(account_id=ledger.DONATIONS, currency="USD")
    if tamper == "change":
        income.update(amount_minor=-1)
    elif tamper == "delete":
        income.delete()
    else:
        MonthlyTotal.objects.create(
            month=dt.date(2026, 6, 1),
            account_id=ledger.DONATIONS,
            restriction="rescue",
            channel="platform",
            currency="USD",
            amount_minor=-1,
            original_minor=0,
        )
    with pytest.raises(CommandError) as raised:
        call_command("ledger", "verify")
    message = str(raised.value)
    assert "month=2026-06 account=4000 restriction=rescue" in message
    assert "channel=platform" in message
    assert "currency=USD" in message


@pytest.mark.django_db
def test_ledger_compact_folds_what_is_pending(usd, donor, capsys):
    give(donor)
    call_command("ledger", "compact")
    assert capsys.readouterr().out.startswith("3 rollup deltas folded.")
    assert MonthlyTotal.objects.filter(compacted=True).count() == 3


@pytest.mark.django_db
def test_rebuild_recomputes_every_rollup_from_the_ledger(usd, donor):
    give(donor)
    give(donor, campaign=Campaign.objects.create(code="spring", name="봄 캠페인"))
    expected = rollups.stored()
    MonthlyTotal.objects.update(amount_minor=0)
    assert rollups.rebuild() == len(expected)
    assert rollups.stored() == expected
    assert rollups.verify().ok


@pytest.mark.django_db
def test_the_migration_gives_a_ledger_posted_before_rollups_its_rollups(usd, donor):
    import importlib

    from django.apps import apps
    from django.db import connection

    give(donor)
    donations.donation_reverse(actor=None, donation=give(donor), reason="refund")
    MonthlyTotal.objects.all().delete()
    assert not rollups.verify().ok
    migration = importlib.import_module(
        "safepassage.funds.migrations.0012_monthly_totals_from_ledger"
    )

    migration.forwards(apps, SimpleNamespace(connection=connection))

    assert rollups.verify().ok
    assert MonthlyTotal.objects.filter(compacted=False).count() == 0


@pytest.mark.django_db
def test_the_compaction_task_is_periodic_and_folds(usd, donor):
    from django_tasks_db.models import DBTaskResult

    from safepassage.funds.tasks import compact_rollups

    path = "safepassage.funds.tasks.compact_rollups"
    assert path in schedule.paths()
    give(donor)
    assert compact_rollups.call() == 3
    assert compact_rollups.call() == 0
    assert DBTaskResult.objects.filter(task_path=path, status="READY").exists()


@pytest.mark.django_db
def test_a_period_s_money_is_raised_by_channel_and_spent_by_category(usd, donor):
    give(donor)
    give(donor, channel="bank", currency="KRW", gross_minor=50_000, fee_minor=0)
    give(donor, received_on=DAYS[0], currency="KRW", channel="cash", fee_minor=0)
    director = make_member(Role.Code.DIRECTOR).user
    expense = expenses.expense_create(
        actor=None,
        category="relief_aid",
        description="쌀과 약",
        amount_minor=20_000,
        currency="KRW",
        spent_on=DAYS[3],
        restriction="unrestricted",
    )
    expenses.expense_submit(actor=None, expense=expense)
    expenses.expense_approve(actor=director, expense=expense)
    expenses.expense_pay(actor=None, expense=expense)

    money = selectors.money_in_period(first_month=dt.date(2026, 6, 1), last_month=DAYS[3])

    assert money.base_currency == "KRW"
    assert [(r.key, r.raised.minor, r.fees.minor, r.gifts) for r in money.raised_by_channel] == [
        ("bank", 50_000, 0, 1),
        ("platform", 138_050, 4_003, 1),
    ]
    assert [(c.key, c.spent.minor) for c in money.spent_by_category] == [("relief_aid", 20_000)]
    assert (money.raised.minor, money.fees.minor, money.spent.minor, money.gifts) == (
        188_050,
        4_003,
        20_000,
        2,
    )
    assert [(r.currency, r.sources, r.first, r.last) for r in money.rates] == [
        ("USD", ("test bank",), DAYS[2], DAYS[2])
    ]
    with pytest.raises(ValueError, match="ends before"):
        selectors.money_in_period(first_month=DAYS[3], last_month=DAYS[0])


def on_postgres(test):
    for mark in [*postgres_only, pytest.mark.django_db(transaction=True)]:
        test = mark(test)
    return test


@on_postgres
def test_a_posting_and_a_compaction_at_once_lose_nothing(usd, donor):
    """The compaction deletes only the deltas it read: a posting committed while it runs
    stays pending, counted once."""
    from safepassage.testing.concurrency import run_together

    ensure_chart()
    for _ in range(5):
        give(donor)

    def work(n):
        if n == 0:
            return rollups.compact(batch=2)
        return give(donor).pk

    run_together(2, work)
    rollups.compact()
    assert rollups.verify().ok
    assert selectors.gifts_by_currency()[0].gifts == 6


def _post_gift(donation, *, arrived: threading.Barrier) -> None:
    with transaction.atomic():
        donations.post(donation)
        # Both postings are written and not yet committed: had the second waited on a row
        # the first holds, it could not get here and the barrier would time out.
        arrived.wait(timeout=10)


@on_postgres
def test_concurrent_gifts_to_one_month_and_account_do_not_wait_on_a_row(usd, donor):
    from safepassage.testing.concurrency import run_together

    gifts = []
    for _ in range(2):
        gift = donations.build(
            donor=donor,
            gross_minor=10_000,
            fee_minor=290,
            currency="USD",
            received_on=DAYS[2],
            channel="platform",
            restriction="rescue",
        )
        gift.save()
        gifts.append(gift)
    arrived = threading.Barrier(2)

    run_together(2, lambda n: _post_gift(gifts[n], arrived=arrived))

    assert rollups.verify().ok
    income = MonthlyTotal.objects.filter(account_id=ledger.DONATIONS)
    assert income.count() == 2  # one delta each, same key, neither updated
    assert {(row.month, row.restriction, row.channel) for row in income} == {
        (dt.date(2026, 6, 1), "rescue", "platform")
    }
    assert sum(row.gifts for row in income) == 2
