"""Gifts, reversals and expenses post balanced entries; restricted money stays restricted."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError
from django.db.models import Sum
from django.db.transaction import atomic

from safepassage.accounts.models import Role
from safepassage.funds.models import Donation, Entry, ExpenseStatus, Transaction
from safepassage.funds.services import donations, donors, expenses, ledger, rates
from safepassage.funds.services.errors import FundsError, RestrictionOverdrawn
from safepassage.testing.members import make_member

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 4)


@pytest.fixture
def usd_rate():
    return rates.rate_set(actor=None, currency="USD", on=DAY, rate="1380.50", source="test bank")


@pytest.fixture
def donor():
    return donors.donor_create(actor=None, name="Donor Person", email="donor@example.org")


def gift(donor, **fields):
    values = {
        "gross_minor": 10_000,
        "currency": "USD",
        "received_on": DAY,
        "channel": "platform",
        "fee_minor": 290,
        "restriction": "rescue",
    }
    values.update(fields)
    return donations.donation_record(actor=None, donor=donor, **values)


def test_a_gift_is_converted_at_the_rate_of_the_day_and_posted_balanced(usd_rate, donor):
    donation = gift(donor)
    assert donation.base_gross_minor == 138_050  # 100.00 USD * 1380.50 = ₩138,050
    assert donation.base_fee_minor == 4_003  # 2.90 * 1380.50 = 4003.45 → 4003
    assert donation.base_net_minor == 134_047
    entries = Entry.objects.filter(transaction__donation=donation)
    assert entries.aggregate(t=Sum("amount_minor"))["t"] == 0
    assert {(e.account_id, e.amount_minor) for e in entries} == {
        ("1100", 134_047),
        ("5000", 4_003),
        ("4000", -138_050),
    }
    assert ledger.fund_balance("rescue") == 134_047


def test_a_missing_rate_is_a_clear_error_and_nothing_is_written(donor):
    with pytest.raises(FundsError, match="No exchange rate for USD on 4 Mar 2026"):
        gift(donor)
    assert Donation.objects.count() == 0
    assert Entry.objects.count() == 0


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"gross_minor": 0}, "more than zero"),
        ({"gross_minor": -5}, "more than zero"),
        ({"fee_minor": 20_000}, "fee"),
        ({"currency": "XYZ"}, "unknown currency"),
        ({"received_on": dt.date(2999, 1, 1)}, "future"),
        ({"gross_minor": 10**16}, "plausible"),
        ({"channel": "pigeon"}, "channel"),
    ],
)
def test_bad_gifts_are_refused(usd_rate, donor, fields, message):
    with pytest.raises(FundsError, match=message):
        gift(donor, **fields)
    assert Entry.objects.count() == 0


def test_a_reversal_is_a_new_entry_that_cancels_the_gift(usd_rate, donor):
    donation = gift(donor)
    reversal = donations.donation_reverse(actor=None, donation=donation, reason="card refund")
    assert reversal.gross_minor == -10_000
    assert Donation.objects.count() == 2
    assert ledger.fund_balance("rescue") == 0
    assert Entry.objects.aggregate(t=Sum("amount_minor"))["t"] == 0
    with pytest.raises(FundsError, match="already reversed"):
        donations.donation_reverse(actor=None, donation=donation, reason="again")


def _approved(amount_minor, restriction="rescue", override=""):
    expense = expenses.expense_create(
        actor=None,
        category="rescue_operations",
        description="Bus tickets",
        amount_minor=amount_minor,
        currency="KRW",
        spent_on=DAY,
        restriction=restriction,
    )
    expenses.expense_submit(actor=None, expense=expense)
    # Only the director may overdraw a restricted fund.
    approver = make_member(Role.Code.DIRECTOR).user if override else None
    return expenses.expense_approve(actor=approver, expense=expense, override_reason=override)


def test_restricted_money_is_not_spent_beyond_its_balance_without_an_override(usd_rate, donor):
    gift(donor)  # ₩134,047 net for rescue
    expense = _approved(100_000)
    expenses.expense_pay(actor=None, expense=expense)
    assert ledger.fund_balance("rescue") == 34_047
    with pytest.raises(RestrictionOverdrawn, match="Rescue"):
        _approved(50_000)
    overdrawn = _approved(50_000, override="Emergency: group detained, bribe for release")
    expenses.expense_pay(actor=None, expense=overdrawn)
    assert ledger.fund_balance("rescue") == -15_953
    assert overdrawn.status == ExpenseStatus.APPROVED
    assert list(ledger.unbalanced_transactions()) == []


def test_a_rate_is_a_decimal_never_a_float(usd_rate):
    with pytest.raises(FundsError):
        rates.rate_set(actor=None, currency="EUR", on=DAY, rate=1.5, source="x")
    assert rates.rate_for("USD", DAY) == Decimal("1380.50")
    assert rates.rate_for("KRW", DAY) == 1


def test_donors_who_both_have_a_statement_for_a_year_are_not_merged(donor):
    from django.utils import timezone

    from safepassage.funds.models import Receipt

    twin = donors.donor_create(actor=None, name="Donor Twin", email="twin@example.org")
    for n, who in enumerate((donor, twin), start=1):
        Receipt.objects.create(
            number=f"2026-00000{n}",
            year=2026,
            seq=n,
            kind=Receipt.Kind.ANNUAL,
            donor=who,
            period=2025,
            language="en",
            total_minor=1,
            currency="KRW",
            issued_at=timezone.now(),
        )
    with pytest.raises(FundsError, match="statement for 2025"):
        donors.donor_merge(actor=None, keep=donor, duplicate=twin)
    twin.refresh_from_db()
    assert twin.merged_into is None


def test_a_rate_already_used_cannot_change(usd_rate, donor):
    gift(donor)
    with pytest.raises(FundsError, match="can no longer change"):
        rates.rate_set(actor=None, currency="USD", on=DAY, rate="1400", source="late fix")
    assert rates.rate_for("USD", DAY) == Decimal("1380.50")


def test_a_table_of_rates_is_imported_once_with_one_audit_entry():
    from safepassage.audit.models import AuditEntry

    days = [DAY, DAY + dt.timedelta(days=1)]
    assert (
        rates.rates_import(
            actor=None, days=days, table={"USD": "1390", "EUR": "1500.5"}, source="Bank table"
        )
        == 4
    )
    assert rates.rate_for("EUR", DAY + dt.timedelta(days=1)) == Decimal("1500.5")
    assert AuditEntry.objects.filter(action="funds.rates_imported").count() == 1
    with pytest.raises(FundsError, match="unknown currency"):
        rates.rates_import(actor=None, days=days, table={"XYZ": "1"}, source="Bank table")


def test_approving_counts_what_is_already_promised_from_the_fund(usd_rate, donor):
    gift(donor)  # ₩134,047 net for rescue
    _approved(100_000)  # approved, not paid yet
    with pytest.raises(RestrictionOverdrawn):
        _approved(50_000)


# --- the balance check at commit, on PostgreSQL ---------------------------------------------


def on_postgres(test):
    from safepassage.testing.markers import postgres_only

    for mark in [*postgres_only, pytest.mark.django_db(transaction=True)]:
        test = mark(test)
    return test


def entries(posted, *amounts: int) -> list[Entry]:
    accounts = [ledger.BANK, ledger.FEES, ledger.DONATIONS][: len(amounts)]
    return [
        Entry(
            transaction=posted,
            account_id=account,
            amount_minor=amount,
            on=DAY,
            restriction="unrestricted",
            currency="KRW",
            original_minor=amount,
        )
        for account, amount in zip(accounts, amounts, strict=True)
    ]


def new_transaction() -> Transaction:
    return Transaction.objects.create(kind="donation", on=DAY)


def write(*statements: list[Entry]) -> None:
    """Insert each list of entries in a statement of its own; then commit."""
    with atomic():
        for batch in statements:
            Entry.objects.bulk_create(batch)


@on_postgres
def test_a_commit_that_leaves_a_transaction_unbalanced_is_refused():
    posted = new_transaction()

    with pytest.raises(IntegrityError, match="does not balance"):
        write(entries(posted, 100, 0, -99))

    assert Entry.objects.count() == 0


@on_postgres
def test_entries_of_one_transaction_written_in_several_statements_are_checked_together():
    balanced, unbalanced = new_transaction(), new_transaction()
    first, second, third = entries(balanced, 100, 5, -105)
    write([first], [second], [third])
    first, second, third = entries(unbalanced, 100, 5, -104)

    with pytest.raises(IntegrityError, match="does not balance"):
        write([first, second], [third])

    assert Entry.objects.count() == 3
    assert list(ledger.unbalanced_transactions()) == []


@on_postgres
def test_an_entry_added_later_to_a_balanced_transaction_is_refused():
    posted = new_transaction()
    write(entries(posted, 100, 5, -105))

    with pytest.raises(IntegrityError, match="does not balance"):
        write(entries(posted, 1))

    assert Entry.objects.count() == 3


@on_postgres
def test_one_statement_may_balance_one_transaction_and_not_another():
    good, bad = new_transaction(), new_transaction()

    with pytest.raises(IntegrityError, match="does not balance"):
        write(entries(good, 100, 5, -105) + entries(bad, 100, 5, -100))

    assert Entry.objects.count() == 0


@on_postgres
def test_nothing_is_left_to_check_after_a_commit():
    from django.db import connection

    posted = new_transaction()
    first, second, third = entries(posted, 100, 5, -105)
    write([first], [second, third])

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM funds_balance_pending")
        assert cursor.fetchone() == (0,)
