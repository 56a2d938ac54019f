"""Double entry in the base currency: every posting's entries sum to zero.

Debits are positive, credits negative. Income and expense entries carry the restriction of
the money they concern, so a fund's balance is one sum: what came in for it (credits to
income) less its fees and what was spent from it (debits to expense).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Sum

from safepassage.funds.models import Account, AccountKind, Entry, Transaction
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


@dataclass(frozen=True)
class Line:
    account: str
    amount_minor: int
    currency: str
    original_minor: int


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
    """One balanced transaction and its entries, unsaved (imports save many at once)."""
    if sum(line.amount_minor for line in lines) != 0:
        raise Unbalanced(f"{kind} on {on}: entries sum to {sum(x.amount_minor for x in lines)}")
    transaction = Transaction(kind=kind, on=on, donation=donation, expense=expense)
    entries = [
        Entry(
            transaction=transaction,
            account_id=line.account,
            amount_minor=line.amount_minor,
            on=on,
            restriction=restriction,
            campaign=campaign,
            channel=channel,
            category=category,
            currency=line.currency,
            original_minor=line.original_minor,
        )
        for line in lines
        if line.amount_minor or line.original_minor
    ]
    return transaction, entries


def post(**posting) -> Transaction:
    """Write one balanced transaction (see ``prepare`` for the fields). Call inside the
    transaction of the change it books."""
    transaction, entries = prepare(**posting)
    transaction.save(force_insert=True)
    Entry.objects.bulk_create(entries)
    return transaction


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
