"""Money raised and spent in a period, for a report: from the ledger, as the finance
pages total it (``funds.selectors.reports``), in the base currency at each entry's own
rate (the rate of its day, fixed when it was booked), with the rates' sources named.

Figures only: amounts by channel and by expense category, and the amounts of each donor
by an opaque number (so a dominance rule can be applied), never a donor's name, code or
e-mail. Categories are the ledger's own; what the public reads is decided by
``reports.disclosure``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import F, Sum
from django.db.models.functions import Coalesce

from safepassage.accounts import permissions
from safepassage.funds.models import Donation, Entry, ExchangeRate
from safepassage.funds.services import ledger

# Who may read a report's money: whoever writes reports, and finance.
CAPABILITIES = ("reports.edit", "funds.view")


@dataclass(frozen=True)
class ReportMoney:
    """Minor units of ``currency`` (the base currency), net of reversals in the period.

    ``raised``: channel → gifts credited to donations income (gross: fees are costs).
    ``spent``: expense category → paid expenses. ``fees_minor``: payment fees.
    ``donors``: channel → {donor number: amount}; donor numbers are 1, 2, ... by the
    donor's total in the period, largest first, the same number in every channel, and
    mean nothing outside this result (a merged donor counts as the one kept).
    ``rates_sources``: the sources of the exchange rates the period's amounts were
    converted at (e.g. "Bank of Korea"), sorted; ``unsourced``: how many currency-days
    were converted at a rate given with the entry itself, not one of the rates table.
    ``currencies``: the original currencies of the period's amounts.
    """

    currency: str
    raised: dict[str, int] = field(default_factory=dict)
    spent: dict[str, int] = field(default_factory=dict)
    fees_minor: int = 0
    donors: dict[str, dict[int, int]] = field(default_factory=dict)
    rates_sources: tuple[str, ...] = ()
    unsourced: int = 0
    currencies: tuple[str, ...] = ()

    @property
    def raised_minor(self) -> int:
        return sum(self.raised.values())

    @property
    def spent_minor(self) -> int:
        return sum(self.spent.values())


def may_read(user) -> bool:
    return any(permissions.has_capability(user, c) for c in CAPABILITIES)


def report_money(*, user, start: dt.date, end: dt.date) -> ReportMoney:
    """The money of the days ``start`` to ``end`` (both included; ledger dates are the
    organisation's days). Empty for a user who may not read it."""
    base = settings.BASE_CURRENCY
    if not may_read(user):
        return ReportMoney(currency=base)
    entries = Entry.objects.filter(on__gte=start, on__lte=end).order_by()
    raised = {
        row["channel"]: -row["total"]
        for row in entries.filter(account_id=ledger.DONATIONS)
        .values("channel")
        .annotate(total=Coalesce(Sum("amount_minor"), 0))
        if row["total"]
    }
    category_of = {account: category for category, account in ledger.EXPENSE_ACCOUNTS.items()}
    spent: dict[str, int] = {}
    for row in (
        entries.filter(account_id__in=list(category_of))
        .values("account_id")
        .annotate(total=Coalesce(Sum("amount_minor"), 0))
    ):
        if row["total"]:
            spent[category_of[row["account_id"]]] = row["total"]
    fees = entries.filter(account_id=ledger.FEES).aggregate(t=Coalesce(Sum("amount_minor"), 0))
    currencies = sorted(set(entries.values_list("currency", flat=True).distinct()))
    sources, unsourced = _rates(start, end, base)
    return ReportMoney(
        currency=base,
        raised=dict(sorted(raised.items())),
        spent=dict(sorted(spent.items())),
        fees_minor=fees["t"],
        donors=_donors(start, end),
        rates_sources=sources,
        unsourced=unsourced,
        currencies=tuple(currencies),
    )


def _gifts(start: dt.date, end: dt.date):
    return Donation.objects.filter(received_on__gte=start, received_on__lte=end).order_by()


def _donors(start: dt.date, end: dt.date) -> dict[str, dict[int, int]]:
    """Each donor's gifts per channel (base currency, reversals netted), by number.

    Counted on the gifts, not the entries: an import books a day's gifts in one summed
    entry. The amounts are what ``raised`` sums (each gift's base gross)."""
    rows = list(
        _gifts(start, end)
        .annotate(giver=Coalesce(F("donor__merged_into_id"), F("donor_id")))
        .values("channel", "giver")
        .annotate(total=Coalesce(Sum("base_gross_minor"), 0))
    )
    totals: dict[str, int] = {}
    for row in rows:
        giver = str(row["giver"])
        totals[giver] = totals.get(giver, 0) + row["total"]
    numbers = {
        giver: n for n, giver in enumerate(sorted(totals, key=lambda g: (-totals[g], g)), start=1)
    }
    found: dict[str, dict[int, int]] = {}
    for row in rows:
        if row["total"]:
            found.setdefault(row["channel"], {})[numbers[str(row["giver"])]] = row["total"]
    return {channel: dict(sorted(amounts.items())) for channel, amounts in sorted(found.items())}


def _rates(start: dt.date, end: dt.date, base: str) -> tuple[tuple[str, ...], int]:
    """The sources of the rates the period's gifts and paid expenses were converted at.

    A gift's rate is that of the day it was received (a reversal keeps its gift's rate, of
    the gift's day); an expense's, that of the day it was spent. A rate matches the rates
    table when the table holds that very rate for that currency and day."""
    used: set[tuple[str, dt.date, object]] = set()
    for currency, received_on, reversed_on, rate in (
        _gifts(start, end)
        .exclude(currency=base)
        .values_list("currency", "received_on", "reverses__received_on", "rate")
        .distinct()
    ):
        used.add((currency, reversed_on or received_on, rate))
    for currency, spent_on, rate in (
        Entry.objects.filter(
            on__gte=start,
            on__lte=end,
            account_id__in=list(ledger.EXPENSE_ACCOUNTS.values()),
            transaction__expense__isnull=False,
        )
        .exclude(currency=base)
        .order_by()
        .values_list(
            "transaction__expense__currency",
            "transaction__expense__spent_on",
            "transaction__expense__rate",
        )
        .distinct()
    ):
        used.add((currency, spent_on, rate))
    if not used:
        return (), 0
    table = {
        (currency, on): (rate, source)
        for currency, on, rate, source in ExchangeRate.objects.filter(
            currency__in={u[0] for u in used}, on__in={u[1] for u in used}
        ).values_list("currency", "on", "rate", "source")
    }
    sources: set[str] = set()
    unsourced = 0
    for currency, on, rate in used:
        found = table.get((currency, on))
        if found is not None and found[0] == rate:
            sources.add(found[1])
        else:
            unsourced += 1
    return tuple(sorted(sources)), unsourced
