"""The demo's money: a year of gifts and expenses, played through the funds services."""

from __future__ import annotations

import datetime as dt
import random
import re
from collections import Counter
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from schwifty import IBAN

from safepassage.accounts.models import User
from safepassage.audit.chain import verify
from safepassage.audit.models import AuditEntry
from safepassage.audit.sealing import opened
from safepassage.base import money
from safepassage.demo import money as demo_money
from safepassage.demo.management.commands.demo import DEMO_DOMAIN
from safepassage.funds.models import (
    Channel,
    Donation,
    Donor,
    DonorKind,
    Entry,
    ExchangeRate,
    Expense,
    ExpenseCategory,
    ExpenseStatus,
    Restriction,
    Transaction,
)
from safepassage.funds.services import donors, ledger
from safepassage.rescue.models import MissionCost
from safepassage.vault import records

pytestmark = pytest.mark.django_db

S = ExpenseStatus
BASE = settings.BASE_CURRENCY


def gifts():
    return Donation.objects.filter(reverses__isnull=True)


def user(slug: str) -> User:
    return User.objects.get(email=f"{slug}@{DEMO_DOMAIN}")


def test_the_demo_prints_what_came_in_and_went_out(demo):
    found = re.search(
        r"Money in the demo: (\d+) gifts \((₩[\d,]+) raised\), (\d+) expenses \((₩[\d,]+) spent\)"
        r" over 12 months",
        demo,
    )
    assert found, demo
    standing = gifts().filter(reversal__isnull=True)
    raised = Donation.objects.aggregate(total=Sum("base_gross_minor"))["total"]
    paid = Expense.objects.filter(status=S.PAID)
    spent = paid.aggregate(total=Sum("base_amount_minor"))["total"]
    assert int(found.group(1)) == standing.count()
    assert found.group(2) == money.display(raised, BASE)
    assert int(found.group(3)) == paid.count()
    assert found.group(4) == money.display(spent, BASE)
    # A year of realistic money: hundreds of gifts, a hundred and more expenses.
    assert 800 <= standing.count() <= 1000
    assert 130 <= Expense.objects.count() <= 170
    assert 0 < spent < raised


def test_gifts_and_expenses_in_every_month_of_the_year(demo):
    today = timezone.localdate()
    first = today - dt.timedelta(days=demo_money.DAYS - 1)
    received = list(Donation.objects.values_list("received_on", flat=True))
    spent = list(Expense.objects.values_list("spent_on", flat=True))
    assert first <= min(received)
    assert max(received) <= today
    assert first <= min(spent)
    assert max(spent) <= today
    for months_ago in range(12):
        end = today - dt.timedelta(days=30 * months_ago)
        start = end - dt.timedelta(days=30)
        assert any(start <= day < end for day in received), (start, end)
        assert any(start <= day < end for day in spent), (start, end)
    # The quiz night's month has many more gifts than an ordinary one.
    by_month = Counter((day.year, day.month) for day in received)
    night = Donation.objects.filter(channel=Channel.EVENT).values_list("received_on", flat=True)
    busiest = max(by_month, key=by_month.get)
    assert busiest in {(day.year, day.month) for day in night}


def test_every_channel_restriction_category_and_currency_appears(demo):
    assert set(gifts().values_list("channel", flat=True)) == set(Channel.values)
    assert set(gifts().values_list("restriction", flat=True)) == set(Restriction.values)
    assert {"KRW", "USD", "CAD", "EUR"} <= set(gifts().values_list("currency", flat=True))
    assert set(Expense.objects.values_list("category", flat=True)) == set(ExpenseCategory.values)
    currencies = set(Expense.objects.values_list("currency", flat=True))
    assert {"KRW", "USD", "CNY", "THB", "LAK"} <= currencies
    grants = gifts().filter(donor__kind=DonorKind.ORGANISATION, base_gross_minor__gte=10_000_000)
    assert {g.restriction for g in grants} == {Restriction.RESCUE, Restriction.RESETTLEMENT}
    monthly = gifts().filter(channel=Channel.BANK, currency="KRW", donor__kind=DonorKind.PERSON)
    assert {g.gross_minor for g in monthly} <= {10_000, 20_000, 30_000, 50_000, 100_000, 200_000}


def test_platform_gifts_are_dollars_net_of_the_platforms_fee(demo):
    platform = list(gifts().filter(channel=Channel.PLATFORM))
    assert len(platform) > 50
    for gift in platform:
        assert gift.currency == "USD"
        assert gift.fee_minor == (gift.gross_minor * 29 + 500) // 1000 + 30
        assert gift.net_minor == gift.gross_minor - gift.fee_minor
    assert not gifts().exclude(channel=Channel.PLATFORM).exclude(fee_minor=0).exists()


def test_rates_are_daily_decimal_and_within_their_bands(demo):
    today = timezone.localdate()
    first = today - dt.timedelta(days=demo_money.DAYS - 1)
    for currency, (_start, low, high, _step) in demo_money.RATES.items():
        rates = dict(ExchangeRate.objects.filter(currency=currency).values_list("on", "rate"))
        assert len(rates) == demo_money.DAYS
        assert min(rates) == first
        assert max(rates) == today
        assert all(Decimal(low) <= rate <= Decimal(high) for rate in rates.values())
        # A weekend keeps Friday's rate; weekdays move.
        for day, rate in rates.items():
            friday = day - dt.timedelta(days=day.weekday() - 4)
            if day.weekday() >= 5 and friday in rates:
                assert rate == rates[friday]
        assert len(set(rates.values())) > 100
    assert set(ExchangeRate.objects.values_list("source", flat=True)) == {demo_money.SOURCE}


def test_the_rate_walk_is_decimal_strings_and_repeats_with_its_seed():
    days = [dt.date(2026, 1, 1) + dt.timedelta(days=n) for n in range(300)]
    walk = demo_money.rate_walk(random.Random(7), days)
    assert walk == demo_money.rate_walk(random.Random(7), days)
    assert walk["JPY"][0].count(".") == 1
    assert len(walk["JPY"][0].split(".")[1]) == 4
    for currency, values in walk.items():
        _start, low, high, _step = demo_money.RATES[currency]
        assert all(isinstance(value, str) for value in values)
        assert all(Decimal(low) <= Decimal(v) <= Decimal(high) for v in values)


def test_every_gift_is_converted_at_its_days_rate_and_the_ledger_balances(demo):
    assert list(ledger.unbalanced_transactions()) == []
    rates = {(r.currency, r.on): r.rate for r in ExchangeRate.objects.all()}
    for gift in gifts():
        expected = 1 if gift.currency == BASE else rates[(gift.currency, gift.received_on)]
        assert gift.rate == expected
        assert gift.base_gross_minor == money.convert(
            gift.gross_minor, gift.currency, gift.rate, BASE
        )
    totals = Donation.objects.aggregate(
        gross=Sum("base_gross_minor"), fee=Sum("base_fee_minor"), net=Sum("base_net_minor")
    )

    def booked(**where) -> int:
        return Entry.objects.filter(**where).aggregate(total=Sum("amount_minor"))["total"] or 0

    assert booked(account=ledger.DONATIONS) == -totals["gross"]
    assert booked(account=ledger.FEES) == totals["fee"]
    assert booked(transaction__donation__isnull=False, account__kind="asset") == totals["net"]
    paid = Expense.objects.filter(status=S.PAID)
    spent = paid.aggregate(total=Sum("base_amount_minor"))["total"]
    assert booked(account__in=ledger.EXPENSE_ACCOUNTS.values()) == spent
    # One transaction for every gift and every paid expense; none for an unpaid one.
    assert Transaction.objects.filter(donation__isnull=False).count() == Donation.objects.count()
    assert set(
        Transaction.objects.filter(expense__isnull=False).values_list("expense", flat=True)
    ) == set(paid.values_list("pk", flat=True))


def test_restricted_money_is_overdrawn_once_with_an_audited_reason(demo):
    (override,) = Expense.objects.exclude(override_reason="")
    assert override.status == S.PAID
    assert override.restriction == Restriction.RESCUE
    assert override.decided_by == user("director")
    # It was needed: the rescue fund was below zero right after it was paid...
    paid = override.transactions.get()
    after = Entry.objects.filter(
        restriction=Restriction.RESCUE,
        account__kind__in=["income", "expense"],
        transaction__created_at__lte=paid.created_at,
    ).aggregate(total=Sum("amount_minor"))["total"]
    assert -after < 0
    approvals = AuditEntry.objects.filter(
        action="funds.expense_approved", target_id=str(override.pk)
    )
    assert opened(approvals.get()) == {"override": override.override_reason}
    # ...and every fund holds money now.
    for restriction in Restriction.values:
        assert ledger.fund_balance(restriction) >= 0, restriction


def test_expenses_are_submitted_by_finance_and_decided_by_the_director(demo):
    finance, director = user("finance"), user("director")
    counts = Counter(Expense.objects.values_list("status", flat=True))
    assert counts[S.DRAFT] == 1
    assert counts[S.REJECTED] == 1
    assert counts[S.SUBMITTED] >= 2
    assert counts[S.APPROVED] >= 1
    assert counts[S.PAID] >= 0.9 * Expense.objects.count()
    rejected = Expense.objects.get(status=S.REJECTED)
    assert rejected.decision_note
    assert rejected.decided_by == director
    for expense in Expense.objects.exclude(status=S.DRAFT):
        assert expense.submitted_by == finance
        assert timezone.localdate(expense.created_at) >= expense.spent_on
    for expense in Expense.objects.filter(status__in=[S.APPROVED, S.PAID]):
        assert expense.decided_by == director != expense.submitted_by
        assert expense.submitted_at <= expense.decided_at
    for expense in Expense.objects.filter(status=S.PAID):
        assert expense.paid_by == finance
        assert expense.decided_at <= expense.paid_at
    descriptions = " ".join(Expense.objects.values_list("description", flat=True))
    assert "은신처 임대료, 분기" in descriptions
    assert "퀴즈의 밤 대관료" in descriptions


def test_the_missions_costs_are_expenses_linked_to_their_mission(demo):
    costs = list(MissionCost.objects.all())
    assert costs
    for cost in costs:
        assert Expense.objects.filter(
            mission=cost.mission,
            amount_minor=cost.amount_minor,
            currency=cost.currency,
            spent_on=cost.spent_on,
            category=ExpenseCategory.RESCUE,
        ).exists()
    linked = Expense.objects.filter(mission__isnull=False)
    assert set(linked.values_list("category", flat=True)) == {ExpenseCategory.RESCUE}


def test_three_gifts_were_reversed_with_their_reasons(demo):
    reversals = list(Donation.objects.filter(reverses__isnull=False).select_related("reverses"))
    assert len(reversals) == 3
    assert {r.reason for r in reversals} == set(demo_money.REVERSALS.values())
    for reversal in reversals:
        assert reversal.base_gross_minor == -reversal.reverses.base_gross_minor
        assert reversal.received_on > reversal.reverses.received_on
        assert reversal.transactions.get().kind == "reversal"


def test_donors_are_sealed_and_two_of_them_can_be_merged(demo):
    people = Donor.objects.all()
    assert 110 <= people.count() <= 130
    assert set(people.values_list("kind", flat=True)) == set(DonorKind.values)
    assert set(people.values_list("language", flat=True)) == {"ko", "en"}
    assert set(people.values_list("consent_to_contact", flat=True)) == {True, False}
    with_email = people.exclude(email_sealed=None)
    assert with_email.count() > 80
    for donor in people:
        for name in ("name", "email", "phone", "iban"):
            plain = records.read(donor, name)
            if plain:
                assert plain.encode() not in bytes(getattr(donor, f"{name}_sealed"))
        email = records.read(donor, "email")
        assert not email or email.strip().lower().endswith(("@example.org", ".invalid"))
    ibans = [records.read(d, "iban") for d in people.exclude(iban_sealed=None)]
    assert len(ibans) == len(demo_money.TEST_IBANS)
    assert all(IBAN(iban).is_valid for iban in ibans)
    for index in ("email_bidx", "phone_bidx"):
        twice = (
            people.exclude(**{index: None}).values(index).annotate(n=Count("pk")).filter(n__gt=1)
        )
        assert twice.count() == 1, index
        pair = list(people.filter(**{index: twice.get()[index]}).order_by("created_at"))
        assert all(donor.donations.exists() for donor in pair)
        with transaction.atomic():
            kept = donors.donor_merge(actor=user("finance"), keep=pair[0], duplicate=pair[1])
            assert not pair[1].donations.exists()
            assert kept.donations.count() >= 2
            transaction.set_rollback(True)


def test_everything_was_recorded_by_the_services_and_audited(demo):
    actions = Counter(AuditEntry.objects.values_list("action", flat=True))
    by_hand = actions["funds.donation_recorded"]
    statements = AuditEntry.objects.filter(action="funds.donations_recorded")
    listed = [code for entry in statements for code in entry.data["gifts"]]
    assert by_hand + len(listed) == gifts().count()
    assert set(listed) == set(
        gifts().filter(channel__in=demo_money.STATEMENTS).values_list("code", flat=True)
    )
    assert actions["funds.donation_reversed"] == 3
    assert actions["funds.donor_created"] == Donor.objects.count()
    assert actions["funds.expense_created"] == Expense.objects.count()
    assert actions["funds.expense_paid"] == Expense.objects.filter(status=S.PAID).count()
    loaded = AuditEntry.objects.filter(action="funds.rates_imported")
    assert sum(len(entry.data["on"]) for entry in loaded) == demo_money.DAYS
    # Each write happened at its moment: a gift is recorded the day it arrives (or, late
    # at night, just after); an expense is entered after it was spent.
    for gift in gifts():
        recorded = timezone.localdate(gift.created_at)
        assert gift.received_on <= recorded <= gift.received_on + dt.timedelta(days=1)
    assert verify().ok
