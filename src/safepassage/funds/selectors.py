"""Reads for the finance pages, filtered by the asking user in the query itself.

Every total is one aggregate query (over ``Donation``, ``Expense`` or the ledger's
``Entry``), grouped in SQL, never a Python loop over rows; a count of gifts beside ledger
totals is one more, over ``Donation`` (an import's entries sum a day's gifts). Amounts come back as
``Amount`` values, which print in the reader's language through Babel.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import get_language, to_locale

from safepassage.accounts import permissions
from safepassage.base import money
from safepassage.funds.models import (
    AccountKind,
    Channel,
    Donation,
    Donor,
    Entry,
    ExchangeRate,
    Expense,
    Restriction,
    Transaction,
)
from safepassage.funds.services import ledger
from safepassage.vault import records

SEALED_DONOR_COLUMNS = (
    "name_sealed",
    "email_sealed",
    "phone_sealed",
    "iban_sealed",
    "address_sealed",
)


@dataclass(frozen=True)
class Amount:
    """Minor units of a currency; prints as money in the current language."""

    minor: int
    currency: str

    def __str__(self) -> str:
        locale = to_locale(get_language() or settings.LANGUAGE_CODE)
        return money.display(self.minor, self.currency, locale=locale)

    def __html__(self) -> str:
        return escape(str(self))

    @property
    def negative(self) -> bool:
        return self.minor < 0


def base(minor: int | None) -> Amount:
    return Amount(minor or 0, settings.BASE_CURRENCY)


def rate_text(rate: Decimal) -> str:
    """1380.5000000000 → "1380.5"; 1000 → "1000" (never "1E+3")."""
    return format(rate.normalize(), "f")


def with_amounts(obj):
    """Attach printable amounts to a donation, an expense or a ledger entry."""
    if isinstance(obj, Donation):
        obj.gross = Amount(obj.gross_minor, obj.currency)
        obj.fee = Amount(obj.fee_minor, obj.currency)
        obj.net = Amount(obj.net_minor, obj.currency)
        obj.base_gross = Amount(obj.base_gross_minor, obj.base_currency)
        obj.base_fee = Amount(obj.base_fee_minor, obj.base_currency)
        obj.base_net = Amount(obj.base_net_minor, obj.base_currency)
        obj.rate_text = rate_text(obj.rate)
    elif isinstance(obj, Expense):
        obj.amount = Amount(obj.amount_minor, obj.currency)
        obj.base_amount = Amount(obj.base_amount_minor, obj.base_currency)
        obj.rate_text = rate_text(obj.rate)
    elif isinstance(obj, Entry):
        obj.amount = base(obj.amount_minor)
        obj.original = Amount(obj.original_minor, obj.currency)
    return obj


# Donations ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DonationFilter:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    channel: str = ""
    restriction: str = ""
    campaign: str = ""
    currency: str = ""
    donor: str = ""


def donations_for(user, *, action: str = "funds.view") -> QuerySet[Donation]:
    return permissions.visible(user, action, Donation.objects.all())


def donations_list(user, filters: DonationFilter | None = None) -> QuerySet[Donation]:
    filters = filters or DonationFilter()
    found = (
        donations_for(user)
        .select_related("donor", "campaign")
        .defer(*(f"donor__{column}" for column in SEALED_DONOR_COLUMNS))
    )
    if filters.date_from:
        found = found.filter(received_on__gte=filters.date_from)
    if filters.date_to:
        found = found.filter(received_on__lte=filters.date_to)
    if filters.channel:
        found = found.filter(channel=filters.channel)
    if filters.restriction:
        found = found.filter(restriction=filters.restriction)
    if filters.campaign:
        found = found.filter(campaign__code=filters.campaign)
    if filters.currency:
        found = found.filter(currency=filters.currency.upper())
    if filters.donor:
        found = found.filter(donor__code=filters.donor.strip().upper())
    return found


@dataclass(frozen=True)
class CurrencyTotal:
    currency: str
    count: int
    gross: Amount
    fee: Amount
    net: Amount
    base_gross: Amount


@dataclass(frozen=True)
class DonationTotals:
    count: int
    gross: Amount
    fee: Amount
    net: Amount
    by_currency: list[CurrencyTotal] = field(default_factory=list)


def donation_totals(donations: QuerySet[Donation]) -> DonationTotals:
    """Totals of a (filtered) set of donations: in the base currency, and per currency.
    Reversals count with their negative amounts, so a refunded gift adds nothing."""
    sums = {
        "gross": Coalesce(Sum("gross_minor"), 0),
        "fee": Coalesce(Sum("fee_minor"), 0),
        "net": Coalesce(Sum("net_minor"), 0),
        "base_gross": Coalesce(Sum("base_gross_minor"), 0),
    }
    overall = donations.order_by().aggregate(
        count=Count("id"),
        base_gross=sums["base_gross"],
        base_fee=Coalesce(Sum("base_fee_minor"), 0),
        base_net=Coalesce(Sum("base_net_minor"), 0),
    )
    rows = donations.order_by().values("currency").annotate(count=Count("id"), **sums)
    return DonationTotals(
        count=overall["count"],
        gross=base(overall["base_gross"]),
        fee=base(overall["base_fee"]),
        net=base(overall["base_net"]),
        by_currency=[
            CurrencyTotal(
                currency=row["currency"],
                count=row["count"],
                gross=Amount(row["gross"], row["currency"]),
                fee=Amount(row["fee"], row["currency"]),
                net=Amount(row["net"], row["currency"]),
                base_gross=base(row["base_gross"]),
            )
            for row in rows.order_by("currency")
        ],
    )


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


def donation_entries(donation: Donation) -> list[Entry]:
    """The ledger lines of a gift and of its reversal, if any (an imported gift's own are
    in its import's summary: see ``import_posting``)."""
    entries = Entry.objects.filter(
        Q(transaction__donation=donation) | Q(transaction__donation__reverses=donation)
    ).select_related("account", "transaction")
    return [with_amounts(entry) for entry in entries.order_by("transaction__created_at", "id")]


# Donors ---------------------------------------------------------------------------------


def donors_for(user, *, action: str = "funds.view") -> QuerySet[Donor]:
    return permissions.visible(user, action, Donor.objects.all())


def donors_list(user, *, query: str = "", identifying: bool = False) -> QuerySet[Donor]:
    """Donors still in use (not merged away), with their number of gifts and total given.

    ``query`` matches a code or a pseudonym; with ``identifying``, also an exact full name,
    e-mail, phone or IBAN through the blind indexes (the caller keeps such a query out of
    URLs and logs). Reversals do not count as gifts; their negative amounts do count in
    the total.
    """
    donors = (
        donors_for(user)
        .filter(merged_into__isnull=True)
        .defer(*SEALED_DONOR_COLUMNS)
        .annotate(
            gifts=Count("donations", filter=Q(donations__reverses__isnull=True)),
            total_minor=Coalesce(Sum("donations__base_gross_minor"), 0),
        )
    )
    query = query.strip()
    if not query:
        return donors
    by_code = donors.filter(code=query.upper())
    if by_code.exists():
        return by_code
    condition = Q(name_masked__iexact=query)
    if identifying:
        everyone = Donor.objects.all()
        matches = (
            records.filter_by(everyone, "name", query)
            | records.filter_by(everyone, "email", query)
            | records.filter_by(everyone, "iban", query)
        )
        if any(c.isdigit() for c in query):
            matches = matches | records.filter_by(everyone, "phone", query)
        condition |= Q(pk__in=matches.values("pk"))
    return donors.filter(condition)


def donor_total(donor: Donor) -> Amount:
    total = donor.donations.aggregate(total=Coalesce(Sum("base_gross_minor"), 0))["total"]
    return base(total)


def donor_gifts(donor: Donor) -> list[Donation]:
    gifts = donor.donations.select_related("campaign").order_by("-received_on", "-created_at")
    return [with_amounts(gift) for gift in gifts]


def donor_soft_credits(donor: Donor) -> list[Donation]:
    credited = Donation.objects.filter(soft_credit=donor).select_related("donor", "campaign")
    credited = credited.defer(*(f"donor__{column}" for column in SEALED_DONOR_COLUMNS))
    return [with_amounts(gift) for gift in credited.order_by("-received_on")]


# Expenses -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExpenseFilter:
    status: str = ""
    category: str = ""
    restriction: str = ""
    month: dt.date | None = None


# A linked mission or case is read for its code and nothing else.
EXPENSE_COLUMNS = [f.name for f in Expense._meta.concrete_fields]


def expenses_for(user, *, action: str = "funds.view") -> QuerySet[Expense]:
    return permissions.visible(user, action, Expense.objects.all())


def expenses_list(user, filters: ExpenseFilter | None = None) -> QuerySet[Expense]:
    """Expenses with the codes of their mission and case, never more of either: finance
    does not see who was helped."""
    filters = filters or ExpenseFilter()
    found = (
        expenses_for(user)
        .select_related("mission", "case")
        .only(*EXPENSE_COLUMNS, "mission__code", "case__code")
    )
    if filters.status:
        found = found.filter(status=filters.status)
    if filters.category:
        found = found.filter(category=filters.category)
    if filters.restriction:
        found = found.filter(restriction=filters.restriction)
    if filters.month:
        found = found.filter(spent_on__year=filters.month.year, spent_on__month=filters.month.month)
    return found


def expense_detail(user, code: str, *, action: str = "funds.view") -> Expense:
    """One expense; 404 if missing or not allowed. Its mission and case give their codes
    only."""
    return permissions.get_or_404(
        user,
        action,
        Expense.objects.select_related("mission", "case").only(
            *EXPENSE_COLUMNS, "mission__code", "case__code"
        ),
        code=code.upper(),
    )


@dataclass(frozen=True)
class ExpenseTotals:
    count: int
    total: Amount
    by_currency: list[tuple[str, int, Amount]] = field(default_factory=list)


def expense_totals(expenses: QuerySet[Expense]) -> ExpenseTotals:
    overall = expenses.order_by().aggregate(
        count=Count("id"), total=Coalesce(Sum("base_amount_minor"), 0)
    )
    rows = (
        expenses.order_by()
        .values("currency")
        .annotate(count=Count("id"), amount=Coalesce(Sum("amount_minor"), 0))
        .order_by("currency")
    )
    return ExpenseTotals(
        count=overall["count"],
        total=base(overall["total"]),
        by_currency=[
            (row["currency"], row["count"], Amount(row["amount"], row["currency"])) for row in rows
        ],
    )


# The ledger's totals --------------------------------------------------------------------

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
        rows.append(_flow(month, month.strftime("%Y-%m"), found.get(month, empty)))
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


def dashboard_cards(user) -> list:
    """The dashboard's money figures, for a user who holds ``funds.view``: what was raised
    this month (in the base currency) and the expenses waiting for approval."""
    from django.utils.translation import gettext

    from safepassage.base.shell import Card
    from safepassage.funds.models import ExpenseStatus

    month = timezone.localdate().replace(day=1)
    raised = (
        Donation.objects.filter(received_on__gte=month).aggregate(t=Sum("base_gross_minor"))["t"]
        or 0
    )
    return [
        Card(
            title=gettext("Raised this month"),
            value=money.display(raised, settings.BASE_CURRENCY),
            url_name="funds:totals",
        ),
        Card(
            title=gettext("Expenses awaiting approval"),
            value=Expense.objects.filter(status=ExpenseStatus.SUBMITTED).count(),
            url_name="funds:expenses",
            query="status=submitted",
        ),
    ]
