"""Ledger reports: totals by fund, month, channel and campaign, gifts by currency, money
raised and spent in a period (for a report's money section), an import's summary postings,
and recent rates.

Every total is one aggregate query over the monthly rollups (``MonthlyTotal``, kept by
every posting, equal to the entries summed: ``safepassage ledger verify``), grouped in
SQL, never a Python loop over rows; the rollups count gifts too, so a count of gifts comes
in the same query. Summing the entries themselves took seconds at millions of gifts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max, Min, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import formats, timezone

from safepassage.funds.models import (
    Channel,
    Donation,
    Entry,
    ExchangeRate,
    ExpenseCategory,
    MonthlyTotal,
    Restriction,
    Transaction,
)
from safepassage.funds.selectors.amounts import Amount, base, rate_text
from safepassage.funds.services import ledger


def import_posting(donation: Donation) -> Transaction | None:
    """The summary transaction an imported gift was posted in: its import's, of its day.
    None for a gift recorded by hand (and one imported before imports posted summaries)."""
    if donation.batch_id is None:
        return None
    return Transaction.objects.filter(
        kind=Transaction.Kind.IMPORT, batch_id=donation.batch_id, on=donation.received_on
    ).first()


def import_postings(batch) -> list[FlowRow]:
    """An import's summary transactions, one a day: what each credited to income and
    debited to fees, in the base currency."""
    rows = (
        Entry.objects.filter(transaction__batch=batch)
        .order_by()
        .values("on")
        .annotate(**_sums())
        .order_by("on")
    )
    return [_flow(row["on"], row["on"].isoformat(), row) for row in rows]


SPENT_ACCOUNTS = list(ledger.EXPENSE_ACCOUNTS.values())


_RAISED = Q(account_id=ledger.DONATIONS)


_FEES = Q(account_id=ledger.FEES)


_SPENT = Q(account_id__in=SPENT_ACCOUNTS)


# The accounts every ledger total reads: the chart's income and expense accounts (donations,
# fees, the spending categories; a test holds this to the chart). The bank and platform rows
# of the rollups, a third of them, are left out of the scan.
READ_ACCOUNTS = [ledger.DONATIONS, ledger.FEES, *SPENT_ACCOUNTS]
_READ = Q(account_id__in=READ_ACCOUNTS)


def _sums(**extra):
    return {
        "income": Coalesce(Sum("amount_minor", filter=_RAISED), 0),
        "fees": Coalesce(Sum("amount_minor", filter=_FEES), 0),
        "spent": Coalesce(Sum("amount_minor", filter=_SPENT), 0),
        **extra,
    }


@dataclass(frozen=True)
class FlowRow:
    """Money in and out of one group, in the base currency."""

    key: object
    label: str
    raised: Amount
    fees: Amount
    spent: Amount
    balance: Amount | None = None
    gifts: int = 0

    @property
    def net(self) -> Amount:
        return base(self.raised.minor - self.fees.minor - self.spent.minor)


def _flow(key, label: str, row: dict, *, balance: int | None = None) -> FlowRow:
    return FlowRow(
        key=key,
        label=label,
        raised=base(-row["income"]),
        fees=base(row["fees"]),
        spent=base(row["spent"]),
        balance=None if balance is None else base(balance),
        gifts=row.get("gifts", 0),
    )


def totals_by_fund() -> list[FlowRow]:
    """Raised, fees, spent and balance per fund (restriction). The balance is summed the
    way ``ledger.fund_balance`` sums it: every income and expense entry of the fund (the
    rows of ``READ_ACCOUNTS``, read without a join to the chart)."""
    found = {
        row["restriction"]: row
        for row in MonthlyTotal.objects.filter(_READ)
        .order_by()
        .values("restriction")
        .annotate(**_sums(balance=Coalesce(Sum("amount_minor"), 0)))
    }
    empty = {"income": 0, "fees": 0, "spent": 0, "balance": 0}
    return [
        _flow(value, label, found.get(value, empty), balance=-found.get(value, empty)["balance"])
        for value, label in Restriction.choices
    ]


def first_of_month(day: dt.date, months_back: int = 0) -> dt.date:
    index = day.year * 12 + day.month - 1 - months_back
    return dt.date(index // 12, index % 12 + 1, 1)


def totals_by_month(*, months: int = 12, today: dt.date | None = None) -> list[FlowRow]:
    """The last ``months`` calendar months, this one included, oldest first; a month
    without any money shows zeros. (Nothing is dated after today: gifts and expenses in
    the future are refused, so this month's rollup is this month so far.)"""
    today = today or timezone.localdate()
    start = first_of_month(today, months - 1)
    found = {
        _as_date(row["month"]): row
        for row in MonthlyTotal.objects.filter(_READ, month__gte=start, month__lte=today)
        .order_by()
        .values("month")
        .annotate(**_sums())
    }
    empty = {"income": 0, "fees": 0, "spent": 0}
    rows = []
    for back in range(months - 1, -1, -1):
        month = first_of_month(today, back)
        label = formats.date_format(month, "YEAR_MONTH_FORMAT")  # 2026년 12월, Dec 2026
        rows.append(_flow(month, label, found.get(month, empty)))
    return rows


def _as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


_GIFTS = Coalesce(Sum("gifts"), 0)


def totals_by_channel() -> list[FlowRow]:
    labels = dict(Channel.choices)
    rows = (
        MonthlyTotal.objects.filter(_READ)
        .exclude(channel="")
        .order_by()
        .values("channel")
        .annotate(**_sums(gifts=_GIFTS))
        .order_by("channel")
    )
    return [
        _flow(row["channel"], str(labels.get(row["channel"], row["channel"])), row) for row in rows
    ]


def totals_by_campaign() -> list[FlowRow]:
    rows = (
        MonthlyTotal.objects.filter(_READ, campaign__isnull=False)
        .order_by()
        .values("campaign", "campaign__code", "campaign__name")
        .annotate(**_sums(gifts=_GIFTS))
        .order_by("campaign__name")
    )
    return [_flow(row["campaign__code"], row["campaign__name"], row) for row in rows]


@dataclass(frozen=True)
class CurrencyGifts:
    currency: str
    gifts: int
    original: Amount
    base: Amount


def gifts_by_currency() -> list[CurrencyGifts]:
    """Gifts as received, per original currency, net of reversals, with their value in the
    base currency at the rates of their days."""
    rows = (
        MonthlyTotal.objects.filter(_RAISED)
        .order_by()
        .values("currency")
        .annotate(
            original=Coalesce(Sum("original_minor"), 0),
            amount=Coalesce(Sum("amount_minor"), 0),
            gifts=_GIFTS,
        )
        .order_by("currency")
    )
    return [
        CurrencyGifts(
            currency=row["currency"],
            gifts=row["gifts"],
            original=Amount(-row["original"], row["currency"]),
            base=base(-row["amount"]),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class CategorySpent:
    """Money spent in one expense category, in the base currency."""

    key: str
    label: str
    spent: Amount


@dataclass(frozen=True)
class RateSource:
    """Where the rates of one currency in a period came from: each source named on the
    rates recorded in it, and the first and last day they cover."""

    currency: str
    sources: tuple[str, ...]
    first: dt.date
    last: dt.date


@dataclass(frozen=True)
class PeriodMoney:
    """A report's money section: raised (gross, by channel, with fees and gifts) and spent
    (by category) in ``first_month`` to ``last_month`` (first days of months, both
    included), in ``base_currency``, each amount converted at the rate of its own day;
    ``rates`` says where those rates came from."""

    first_month: dt.date
    last_month: dt.date
    base_currency: str
    raised_by_channel: list[FlowRow]
    spent_by_category: list[CategorySpent]
    raised: Amount
    fees: Amount
    spent: Amount
    gifts: int
    rates: list[RateSource]


def first_money_month() -> dt.date | None:
    """The first month the ledger's rollups hold money raised, fees or spending in (its
    first day), or None: where a public page of totals per year starts. One query."""
    found = MonthlyTotal.objects.filter(_READ).order_by().aggregate(first=Min("month"))["first"]
    return None if found is None else _as_date(found)


def money_in_period(*, first_month: dt.date, last_month: dt.date) -> PeriodMoney:
    """Money raised by channel and spent by category in a period of whole months, in the
    base currency, read from the monthly rollups (three aggregate queries and one over the
    rates, whatever the number of gifts). Organisation-wide totals: the caller decides who
    may see them (a report's audience). Months given as any day in them."""
    first, last = first_of_month(first_month), first_of_month(last_month)
    if last < first:
        raise ValueError("the period ends before it begins")
    period = MonthlyTotal.objects.filter(month__gte=first, month__lte=last).order_by()
    labels = dict(Channel.choices)
    by_channel = [
        _flow(row["channel"], str(labels.get(row["channel"], row["channel"])), row)
        for row in period.filter(_RAISED | _FEES)
        .exclude(channel="")
        .values("channel")
        .annotate(**_sums(gifts=_GIFTS))
        .order_by("channel")
    ]
    categories = dict(ExpenseCategory.choices)
    spent = {
        row["category"]: row["spent"]
        for row in period.filter(_SPENT)
        .values("category")
        .annotate(spent=Coalesce(Sum("amount_minor"), 0))
    }
    by_category = [
        CategorySpent(key=value, label=str(label), spent=base(spent[value]))
        for value, label in ExpenseCategory.choices
        if spent.get(value)
    ]
    by_category += [
        CategorySpent(key=value, label=str(categories.get(value, value)), spent=base(total))
        for value, total in spent.items()
        if value not in categories and total
    ]
    currencies = set(
        period.exclude(currency=settings.BASE_CURRENCY)
        .values_list("currency", flat=True)
        .distinct()
    )
    following = first_of_month(last + dt.timedelta(days=31))
    sources: dict[str, dict] = {}
    for row in (
        ExchangeRate.objects.filter(currency__in=currencies, on__gte=first, on__lt=following)
        .order_by()
        .values("currency", "source")
        .annotate(first=Min("on"), last=Max("on"))
        .order_by("currency", "source")
    ):
        found = sources.setdefault(
            row["currency"], {"sources": [], "first": row["first"], "last": row["last"]}
        )
        found["sources"].append(row["source"])
        found["first"] = min(found["first"], row["first"])
        found["last"] = max(found["last"], row["last"])
    return PeriodMoney(
        first_month=first,
        last_month=last,
        base_currency=settings.BASE_CURRENCY,
        raised_by_channel=by_channel,
        spent_by_category=by_category,
        raised=base(sum(row.raised.minor for row in by_channel)),
        fees=base(sum(row.fees.minor for row in by_channel)),
        spent=base(sum(c.spent.minor for c in by_category)),
        gifts=sum(row.gifts for row in by_channel),
        rates=[
            RateSource(
                currency=currency,
                sources=tuple(found["sources"]),
                first=found["first"],
                last=found["last"],
            )
            for currency, found in sorted(sources.items())
        ],
    )


def recent_rates(limit: int = 100) -> list[ExchangeRate]:
    found = list(ExchangeRate.objects.order_by("-on", "currency")[:limit])
    for rate in found:
        rate.rate_text = rate_text(rate.rate)
    return found
