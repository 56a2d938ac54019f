"""Ledger reports: totals by fund, month, channel and campaign, gifts by currency, an
import's summary postings, and recent rates.

Every total is one aggregate query over the ledger's ``Entry``, grouped in SQL, never a
Python loop over rows; a count of gifts beside ledger totals is one more, over ``Donation``
(an import's entries sum a day's gifts).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import formats, timezone

from safepassage.funds.models import (
    AccountKind,
    Channel,
    Donation,
    Entry,
    ExchangeRate,
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


def _gift_counts(column: str) -> dict:
    """Gifts received (reversals not counted) per value of a donation's ``column``. Counted
    on the gifts, not the entries: an import books a day's gifts in one summed entry."""
    return dict(
        Donation.objects.filter(reverses__isnull=True)
        .order_by()
        .values_list(column)
        .annotate(gifts=Count("id"))
    )


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
    way ``ledger.fund_balance`` sums it: every income and expense entry of the fund."""
    found = {
        row["restriction"]: row
        for row in Entry.objects.order_by()
        .values("restriction")
        .annotate(
            **_sums(
                balance=Coalesce(
                    Sum(
                        "amount_minor",
                        filter=Q(account__kind__in=[AccountKind.INCOME, AccountKind.EXPENSE]),
                    ),
                    0,
                )
            )
        )
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
    without any money shows zeros."""
    today = today or timezone.localdate()
    start = first_of_month(today, months - 1)
    found = {
        _as_date(row["month"]): row
        for row in Entry.objects.filter(on__gte=start, on__lte=today)
        .annotate(month=TruncMonth("on"))
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


def totals_by_channel() -> list[FlowRow]:
    labels = dict(Channel.choices)
    gifts = _gift_counts("channel")
    rows = (
        Entry.objects.exclude(channel="")
        .order_by()
        .values("channel")
        .annotate(**_sums())
        .order_by("channel")
    )
    return [
        _flow(
            row["channel"],
            str(labels.get(row["channel"], row["channel"])),
            {**row, "gifts": gifts.get(row["channel"], 0)},
        )
        for row in rows
    ]


def totals_by_campaign() -> list[FlowRow]:
    gifts = _gift_counts("campaign")
    rows = (
        Entry.objects.filter(campaign__isnull=False)
        .order_by()
        .values("campaign", "campaign__code", "campaign__name")
        .annotate(**_sums())
        .order_by("campaign__name")
    )
    return [
        _flow(
            row["campaign__code"],
            row["campaign__name"],
            {**row, "gifts": gifts.get(row["campaign"], 0)},
        )
        for row in rows
    ]


@dataclass(frozen=True)
class CurrencyGifts:
    currency: str
    gifts: int
    original: Amount
    base: Amount


def gifts_by_currency() -> list[CurrencyGifts]:
    """Gifts as received, per original currency, net of reversals, with their value in the
    base currency at the rates of their days."""
    gifts = _gift_counts("currency")
    rows = (
        Entry.objects.filter(_RAISED)
        .order_by()
        .values("currency")
        .annotate(
            original=Coalesce(Sum("original_minor"), 0),
            amount=Coalesce(Sum("amount_minor"), 0),
        )
        .order_by("currency")
    )
    return [
        CurrencyGifts(
            currency=row["currency"],
            gifts=gifts.get(row["currency"], 0),
            original=Amount(-row["original"], row["currency"]),
            base=base(-row["amount"]),
        )
        for row in rows
    ]


def recent_rates(limit: int = 100) -> list[ExchangeRate]:
    found = list(ExchangeRate.objects.order_by("-on", "currency")[:limit])
    for rate in found:
        rate.rate_text = rate_text(rate.rate)
    return found
