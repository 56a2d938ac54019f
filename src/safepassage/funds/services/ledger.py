"""Double entry in the base currency: every posting's entries sum to zero.

Debits are positive, credits negative. Income and expense entries carry the restriction of
the money they concern, so a fund's balance is one sum: what came in for it (credits to
income) less its fees and what was spent from it (debits to expense).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import NamedTuple

from django.db.models import Sum

from safepassage.funds.models import Account, AccountKind, Entry, Transaction
from safepassage.funds.services import rollups
from safepassage.funds.services.errors import Unbalanced

BANK = "1000"
PLATFORM = "1100"
DONATIONS = "4000"
FEES = "5000"
EXPENSE_ACCOUNTS = {
    "rescue_operations": "6100",
    "relief_aid": "6200",
    "resettlement": "6300",
    "advocacy": "6400",
    "fundraising": "6500",
    "administration": "6600",
}


class Line(NamedTuple):
    """One side of a posting: base-currency minor units (debit positive) on ``account``,
    and the same in the original currency. A tuple: an import makes three per gift."""

    account: str
    amount_minor: int
    currency: str
    original_minor: int


# The columns of ``rows``, by attribute name, for ``safepassage.base.bulk.insert_rows``.
TRANSACTION_COLUMNS = (
    "id",
    "kind",
    "on",
    "donation_id",
    "expense_id",
    "batch_id",
    "created_at",
    "updated_at",
)
ENTRY_COLUMNS = (
    "transaction_id",
    "account_id",
    "amount_minor",
    "on",
    "restriction",
    "campaign_id",
    "channel",
    "category",
    "currency",
    "original_minor",
)


def entry_rows(
    *,
    transaction_id,
    kind: str,
    on: dt.date,
    lines: list[Line],
    restriction: str,
    campaign_id=None,
    channel: str = "",
    category: str = "",
) -> list[tuple]:
    """The entries of one balanced transaction as rows of ``ENTRY_COLUMNS``: a line of
    nothing in either currency is left out. Raises ``Unbalanced``. Both ``prepare`` (one
    posting) and the importers (many, as plain rows) book through this."""
    total = sum(line.amount_minor for line in lines)
    if total != 0:
        raise Unbalanced(f"{kind} on {on}: entries sum to {total}")
    return [
        (
            transaction_id,
            line.account,
            line.amount_minor,
            on,
            restriction,
            campaign_id,
            channel,
            category,
            line.currency,
            line.original_minor,
        )
        for line in lines
        if line.amount_minor or line.original_minor
    ]


class Summary:
    """Many postings booked as one balanced transaction per day, as a bank deposit or a
    platform's payout is: the rows of their ``entry_rows`` added up by day, account,
    restriction, campaign, channel, category and currency. Every total over entries
    (by any of these, by month, a fund's balance) is what the postings one by one give."""

    def __init__(self) -> None:
        self.sums: dict[tuple, list[int]] = {}
        # Gifts per key of their income entry, for the monthly rollups.
        self.gifts: dict[tuple, int] = {}

    def add(self, rows: list[tuple], *, gift: bool = False) -> None:
        """Add the entries of one posting (rows of ``ENTRY_COLUMNS``); ``gift``: the
        posting books one gift received (not a reversal), counted in the rollups."""
        sums = self.sums
        if gift and (key := rollups.gift_key(rows)) is not None:
            self.gifts[key] = self.gifts.get(key, 0) + 1
        for (
            _t,
            account,
            amount,
            on,
            restriction,
            campaign,
            channel,
            category,
            currency,
            original,
        ) in rows:
            key = (on, account, restriction, campaign, channel, category, currency)
            found = sums.get(key)
            if found is None:
                sums[key] = [amount, original]
            else:
                found[0] += amount
                found[1] += original

    def rows(self, *, kind: str, batch_id, now: dt.datetime) -> tuple[list[tuple], list[tuple]]:
        """The day transactions (``TRANSACTION_COLUMNS``) and their summed entries
        (``ENTRY_COLUMNS``); a sum of nothing in either currency is left out. Raises
        ``Unbalanced``."""
        ids: dict[dt.date, uuid.UUID] = {}
        totals: dict[dt.date, int] = {}
        entries = []
        for (on, account, *grouped), (amount, original) in self.sums.items():
            if on not in ids:
                ids[on], totals[on] = uuid.uuid4(), 0
            totals[on] += amount
            if amount or original:
                entries.append((ids[on], account, amount, on, *grouped, original))
        for on, total in totals.items():
            if total != 0:
                raise Unbalanced(f"{kind} on {on}: entries sum to {total}")
        transactions = [
            (pk, kind, on, None, None, batch_id, now, now) for on, pk in sorted(ids.items())
        ]
        return transactions, entries

    def rollup_rows(self) -> list[tuple]:
        """The monthly rollup deltas of everything added (``rollups.ROLLUP_COLUMNS``)."""
        return rollups.deltas(
            ((None, key[1], sums[0], key[0], *key[2:], sums[1]) for key, sums in self.sums.items()),
            gifts=self.gifts,
        )


def prepare(
    *,
    kind: str,
    on: dt.date,
    lines: list[Line],
    restriction: str,
    campaign=None,
    channel: str = "",
    category: str = "",
    donation=None,
    expense=None,
) -> tuple[Transaction, list[Entry]]:
    """One balanced transaction and its entries, unsaved (see ``entry_rows``)."""
    rows = entry_rows(
        transaction_id=None,
        kind=kind,
        on=on,
        lines=lines,
        restriction=restriction,
        campaign_id=campaign.pk if campaign is not None else None,
        channel=channel,
        category=category,
    )
    transaction = Transaction(kind=kind, on=on, donation=donation, expense=expense)
    entries = []
    for row in rows:
        entry = Entry(**dict(zip(ENTRY_COLUMNS[1:], row[1:], strict=True)))
        entry.transaction = transaction
        if campaign is not None:
            entry.campaign = campaign
        entries.append(entry)
    return transaction, entries


def post(**posting) -> Transaction:
    """Write one balanced transaction (see ``prepare`` for the fields) and its monthly
    rollup deltas. Call inside the transaction of the change it books."""
    transaction, entries = prepare(**posting)
    transaction.save(force_insert=True)
    Entry.objects.bulk_create(entries)
    rollups.write(rollup_rows([(transaction, entries)]))
    return transaction


def post_many(postings: list[tuple[Transaction, list[Entry]]]) -> None:
    """Write many transactions made by ``prepare`` (one insert for the transactions, one
    for their entries, one for their rollup deltas). Call inside the transaction of the
    changes they book."""
    Transaction.objects.bulk_create([posted for posted, _entries in postings])
    Entry.objects.bulk_create([entry for _posted, entries in postings for entry in entries])
    rollups.write(rollup_rows(postings))


def _as_row(entry: Entry) -> tuple:
    return (None, *(getattr(entry, column) for column in ENTRY_COLUMNS[1:]))


def rollup_rows(postings: list[tuple[Transaction, list[Entry]]]) -> list[tuple]:
    """The rollup deltas (``rollups.ROLLUP_COLUMNS``) of postings made by ``prepare``: their
    entries summed by month and key, and one gift counted for each donation posting (a
    reversal counts none)."""
    rows: list[tuple] = []
    gifts: dict[tuple, int] = {}
    for posted, entries in postings:
        booked = [_as_row(entry) for entry in entries]
        rows.extend(booked)
        if posted.kind == Transaction.Kind.DONATION and (key := rollups.gift_key(booked)):
            gifts[key] = gifts.get(key, 0) + 1
    return rollups.deltas(rows, gifts=gifts)


def fund_balance(restriction: str) -> int:
    """Base-currency minor units available in a fund: income less fees and spending."""
    total = (
        Entry.objects.filter(
            restriction=restriction, account__kind__in=[AccountKind.INCOME, AccountKind.EXPENSE]
        ).aggregate(total=Sum("amount_minor"))["total"]
        or 0
    )
    return -total


def unbalanced_transactions():
    """Transactions whose entries do not sum to zero (there should never be any)."""
    return (
        Entry.objects.values("transaction")
        .annotate(total=Sum("amount_minor"))
        .exclude(total=0)
        .values_list("transaction", flat=True)
    )


def chart() -> dict[str, Account]:
    return {account.code: account for account in Account.objects.all()}
