"""A report's money (``selectors.report_money``): raised by channel and spent by category
in a period, from the ledger, each amount at its own day's rate, the rates' sources named,
and each donor's part by an opaque number. Donors are named in Hangul, Chinese and Latin
script; no name reaches the result.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from safepassage.accounts.models import Role
from safepassage.funds.selectors.report_money import report_money
from safepassage.funds.services import donations, donors, expenses, rates
from safepassage.testing.members import make_member

pytestmark = pytest.mark.django_db

R = Role.Code
MAY_1, MAY_10, MAY_31 = dt.date(2026, 5, 1), dt.date(2026, 5, 10), dt.date(2026, 5, 31)


@pytest.fixture(autouse=True)
def _krw(settings):
    settings.BASE_CURRENCY = "KRW"


@pytest.fixture
def author(db):
    return make_member(R.COMMUNICATIONS).user


def giver(name: str):
    return donors.donor_create(actor=None, name=name, email="")


def gift(who, amount: int, on: dt.date, *, currency: str = "KRW", channel: str = "bank", **more):
    return donations.donation_record(
        actor=None,
        donor=who,
        gross_minor=amount,
        currency=currency,
        received_on=on,
        channel=channel,
        **more,
    )


def paid(amount: int, on: dt.date, *, currency: str = "KRW", category: str = "rescue_operations"):
    expense = expenses.expense_create(
        actor=None,
        category=category,
        description="Bus tickets",
        amount_minor=amount,
        currency=currency,
        spent_on=on,
    )
    expenses.expense_submit(actor=None, expense=expense)
    expenses.expense_approve(actor=None, expense=expense)
    return expenses.expense_pay(actor=None, expense=expense)


@pytest.fixture
def may():
    """Gifts in won and dollars in May (the dollars at two rates of two days), one on each
    edge of the month and one outside, and expenses paid in both currencies."""
    rates.rate_set(actor=None, currency="USD", on=MAY_1, rate="1380", source="Bank of Korea")
    rates.rate_set(actor=None, currency="USD", on=MAY_10, rate="1400", source="Bank of Korea")
    rates.rate_set(
        actor=None, currency="USD", on=MAY_31, rate="1390", source="Seoul Money Brokerage"
    )
    kim, wang, lee = giver("김선희"), giver("王美华"), giver("Sunhee Lee")
    gift(kim, 1_000_000, MAY_1)  # ₩1,000,000
    gift(wang, 10_000, MAY_1, currency="USD", channel="platform")  # $100 at 1380: ₩138,000
    gift(wang, 10_000, MAY_10, currency="USD", channel="platform")  # $100 at 1400: ₩140,000
    gift(lee, 5_000, MAY_31, currency="USD")  # $50 at 1390: ₩69,500
    gift(kim, 7_000_000, dt.date(2026, 4, 30))  # April's
    gift(lee, 9_000_000, dt.date(2026, 6, 1))  # June's
    paid(300_000, MAY_10)
    paid(1_000, MAY_10, currency="USD", category="relief_aid")  # $10 at 1400: ₩14,000
    return {"kim": kim, "wang": wang, "lee": lee}


def test_money_is_raised_and_spent_at_each_entrys_own_rate(may, author):
    money = report_money(user=author, start=MAY_1, end=MAY_31)
    assert money.currency == "KRW"
    assert money.raised == {"bank": 1_000_000 + 69_500, "platform": 138_000 + 140_000}
    assert money.raised_minor == 1_347_500
    assert money.spent == {"relief_aid": 14_000, "rescue_operations": 300_000}
    assert money.spent_minor == 314_000
    assert money.currencies == ("KRW", "USD")
    assert money.rates_sources == ("Bank of Korea", "Seoul Money Brokerage")
    assert money.unsourced == 0


def test_each_donor_is_a_number_with_their_amounts_per_channel(may, author):
    money = report_money(user=author, start=MAY_1, end=MAY_31)
    # Kim gave the most in May (1), then Wang (2), then Lee (3).
    assert money.donors == {"bank": {1: 1_000_000, 3: 69_500}, "platform": {2: 278_000}}
    for channel, amounts in money.donors.items():
        assert sum(amounts.values()) == money.raised[channel]
    text = repr(dataclasses.asdict(money))
    for name in ("김선희", "王美华", "Sunhee", str(may["kim"].pk), may["kim"].code):
        assert name not in text


def test_a_rate_given_with_the_entry_has_no_source(author):
    gift(giver("陈小红"), 20_000, MAY_10, currency="EUR", rate=Decimal("1500"))
    money = report_money(user=author, start=MAY_1, end=MAY_31)
    assert money.raised == {"bank": 300_000}
    assert (money.rates_sources, money.unsourced) == ((), 1)


def test_a_reversal_in_the_period_takes_its_gift_back_at_the_gifts_rate(author):
    """A reversal is booked on the day it is made (today), at its gift's rate, so the
    period that holds today loses the gift, and the rate named is the gift's."""
    today = timezone.localdate()
    first = today.replace(day=1)
    last_month = first - dt.timedelta(days=1)
    rates.rate_set(actor=None, currency="USD", on=last_month, rate="1350", source="Bank of Korea")
    who = giver("박영철")
    given = gift(who, 10_000, last_month, currency="USD")
    gift(who, 50_000, today)
    donations.donation_reverse(actor=None, donation=given, reason="Refund asked for")
    money = report_money(user=author, start=first, end=today)
    assert money.raised == {"bank": 50_000 - 135_000}
    assert money.donors == {"bank": {1: -85_000}}
    assert money.rates_sources == ("Bank of Korea",)
    assert money.unsourced == 0
    before = report_money(user=author, start=last_month.replace(day=1), end=last_month)
    assert before.raised == {"bank": 135_000}


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        (R.COMMUNICATIONS, True),
        (R.DIRECTOR, True),
        (R.FINANCE, True),
        (R.CASE_WORKER, False),
        (R.RESCUE_COORDINATOR, False),
        (R.ADVOCACY, False),
        (R.DONOR, False),
    ],
)
def test_only_report_writers_and_finance_read_it(may, role, sees):
    money = report_money(user=make_member(role).user, start=MAY_1, end=MAY_31)
    assert bool(money.raised) is sees
    if not sees:
        assert money == type(money)(currency="KRW")
