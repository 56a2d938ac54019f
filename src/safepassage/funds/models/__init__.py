"""Money in and money out: donors, donations, expenses, and the ledger they post to.

Every amount is integer minor units of its currency, with the rate to the organisation's
base currency and the converted amount fixed when the money is received or spent.
Corrections are new rows (a reversal points to what it reverses), never edits. Every
donation, fee, reversal and expense posts a balanced ledger transaction.

One module per concern (``choices``, ``donors``, ``rates``, ``campaigns``, ``imports``,
``donations``, ``expenses``, ``ledger``, ``rollups``, ``receipts``); every model is importable from
here, as ``from safepassage.funds.models import Donation``.
"""

from safepassage.funds.models.campaigns import Campaign, CampaignKind
from safepassage.funds.models.choices import Channel, Restriction
from safepassage.funds.models.donations import Donation
from safepassage.funds.models.donors import Donor, DonorKind, normalise_email, normalise_iban
from safepassage.funds.models.expenses import (
    Expense,
    ExpenseCategory,
    ExpenseReceipt,
    ExpenseStatus,
)
from safepassage.funds.models.imports import ColumnMapping, ImportBatch
from safepassage.funds.models.ledger import Account, AccountKind, Entry, Transaction
from safepassage.funds.models.rates import ExchangeRate
from safepassage.funds.models.receipts import GiftInKind, Receipt, ReceiptCounter
from safepassage.funds.models.rollups import MonthlyTotal

__all__ = [
    "Account",
    "AccountKind",
    "Campaign",
    "CampaignKind",
    "Channel",
    "ColumnMapping",
    "Donation",
    "Donor",
    "DonorKind",
    "Entry",
    "ExchangeRate",
    "Expense",
    "ExpenseCategory",
    "ExpenseReceipt",
    "ExpenseStatus",
    "GiftInKind",
    "ImportBatch",
    "MonthlyTotal",
    "Receipt",
    "ReceiptCounter",
    "Restriction",
    "Transaction",
    "normalise_email",
    "normalise_iban",
]
