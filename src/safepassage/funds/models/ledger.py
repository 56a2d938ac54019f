"""The chart of accounts and the balanced transactions every gift and payment posts."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safepassage.base.money_fields import CurrencyField, MinorUnitsField
from safepassage.funds.models.campaigns import Campaign
from safepassage.funds.models.choices import Channel, Restriction
from safepassage.funds.models.donations import Donation
from safepassage.funds.models.expenses import Expense, ExpenseCategory
from safepassage.funds.models.imports import ImportBatch


class AccountKind(models.TextChoices):
    ASSET = "asset", _("Asset")
    INCOME = "income", _("Income")
    EXPENSE = "expense", _("Expense")


# The chart's names are data written in English by a migration (0002); a reader sees them in
# their language through these labels, keyed by the account's code.
ACCOUNT_LABELS = {
    "1000": pgettext_lazy("ledger account", "Bank and cash"),
    "1100": pgettext_lazy("ledger account", "Giving platform balance"),
    "4000": pgettext_lazy("ledger account", "Donations"),
    "5000": pgettext_lazy("ledger account", "Payment fees"),
    "6100": pgettext_lazy("ledger account", "Rescue operations"),
    "6200": pgettext_lazy("ledger account", "Relief aid"),
    "6300": pgettext_lazy("ledger account", "Resettlement"),
    "6400": pgettext_lazy("ledger account", "Advocacy"),
    "6500": pgettext_lazy("ledger account", "Fundraising"),
    "6600": pgettext_lazy("ledger account", "Administration"),
}


class Account(models.Model):
    """The chart of accounts: a short fixed list, created by a data migration."""

    code = models.CharField(max_length=10, primary_key=True)
    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=10, choices=AccountKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    @property
    def label(self) -> str:
        """The account's name in the reader's language (its stored name if it has no label)."""
        return str(ACCOUNT_LABELS.get(self.code, self.name))


class Transaction(models.Model):
    """One balanced posting: its entries sum to zero (checked by the service and, on
    PostgreSQL, by a deferred constraint trigger at commit).

    A gift recorded by hand, a reversal and an expense each post their own. An import
    posts one per day of its gifts (kind "import", ``batch`` set), as a bank deposit or a
    payout is booked: its entries are the entries of those gifts summed by account,
    restriction, campaign, channel and currency, so every total is the same."""

    class Kind(models.TextChoices):
        DONATION = "donation", _("Donation")
        REVERSAL = "reversal", _("Reversal")
        EXPENSE = "expense", _("Expense")
        IMPORT = "import", _("Import")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    on = models.DateField()
    donation = models.ForeignKey(
        Donation, on_delete=models.PROTECT, null=True, blank=True, related_name="transactions"
    )
    expense = models.ForeignKey(
        Expense, on_delete=models.PROTECT, null=True, blank=True, related_name="transactions"
    )
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="transactions"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["on", "created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.on}"


class Entry(models.Model):
    """One line of a transaction in the base currency: debit positive, credit negative.

    Carries what the reports group by (month, restriction, campaign, channel, category) and
    the original currency and amount, so every total is one query over this table.
    """

    id = models.BigAutoField(primary_key=True)
    transaction = models.ForeignKey(Transaction, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    amount_minor = MinorUnitsField()
    on = models.DateField()
    restriction = models.CharField(max_length=14, choices=Restriction.choices)
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, blank=True)
    category = models.CharField(max_length=20, choices=ExpenseCategory.choices, blank=True)
    currency = CurrencyField()
    original_minor = MinorUnitsField()

    class Meta:
        ordering = ["transaction", "id"]
        indexes = [
            models.Index(fields=["account", "on"]),
            models.Index(fields=["restriction", "account"]),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.amount_minor}"
