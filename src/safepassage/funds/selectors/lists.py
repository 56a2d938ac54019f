"""Lists and detail reads for the finance pages (donations, donors, expenses, and their
totals), filtered by the asking user in the query itself."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from safepassage.accounts import permissions
from safepassage.funds.models import Donation, Donor, Entry, Expense
from safepassage.funds.selectors.amounts import Amount, base, with_amounts
from safepassage.vault import records

SEALED_DONOR_COLUMNS = (
    "name_sealed",
    "email_sealed",
    "phone_sealed",
    "iban_sealed",
    "address_sealed",
)


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
