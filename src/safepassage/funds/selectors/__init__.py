"""Reads for the finance pages, filtered by the asking user in the query itself.

Every total is one aggregate query (over ``Donation``, ``Expense``, the ledger's ``Entry``
or, for the ledger reports, its monthly rollups ``MonthlyTotal``, which count gifts too),
grouped in SQL, never a Python loop over rows. Amounts come back as
``Amount`` values, which print in the reader's language through Babel.

One module per concern: ``amounts`` (printable amounts), ``lists`` (donations, donors,
expenses and their totals), ``reports`` (ledger reports) and ``dashboard`` (the shell's
cards). Every name is importable from
here, as ``from safepassage.funds.selectors import Amount``.
"""

from safepassage.funds.selectors.amounts import Amount, base, rate_text, with_amounts
from safepassage.funds.selectors.dashboard import dashboard_cards
from safepassage.funds.selectors.lists import (
    EXPENSE_COLUMNS,
    SEALED_DONOR_COLUMNS,
    CurrencyTotal,
    DonationFilter,
    DonationTotals,
    ExpenseFilter,
    ExpenseTotals,
    donation_entries,
    donation_totals,
    donations_for,
    donations_list,
    donor_gifts,
    donor_soft_credits,
    donor_total,
    donors_for,
    donors_list,
    expense_detail,
    expense_totals,
    expenses_for,
    expenses_list,
)
from safepassage.funds.selectors.reports import (
    SPENT_ACCOUNTS,
    CategorySpent,
    CurrencyGifts,
    FlowRow,
    PeriodMoney,
    RateSource,
    first_money_month,
    first_of_month,
    gifts_by_currency,
    import_posting,
    import_postings,
    money_in_period,
    recent_rates,
    totals_by_campaign,
    totals_by_channel,
    totals_by_fund,
    totals_by_month,
)

__all__ = [
    "EXPENSE_COLUMNS",
    "SEALED_DONOR_COLUMNS",
    "SPENT_ACCOUNTS",
    "Amount",
    "CategorySpent",
    "CurrencyGifts",
    "CurrencyTotal",
    "DonationFilter",
    "DonationTotals",
    "ExpenseFilter",
    "ExpenseTotals",
    "FlowRow",
    "PeriodMoney",
    "RateSource",
    "base",
    "dashboard_cards",
    "donation_entries",
    "donation_totals",
    "donations_for",
    "donations_list",
    "donor_gifts",
    "donor_soft_credits",
    "donor_total",
    "donors_for",
    "donors_list",
    "expense_detail",
    "expense_totals",
    "expenses_for",
    "expenses_list",
    "first_money_month",
    "first_of_month",
    "gifts_by_currency",
    "import_posting",
    "import_postings",
    "money_in_period",
    "rate_text",
    "recent_rates",
    "totals_by_campaign",
    "totals_by_channel",
    "totals_by_fund",
    "totals_by_month",
    "with_amounts",
]
