"""Monthly rollups of the ledger: what the funds page and the reports read instead of
summing every entry.

A posting never updates a row here: it inserts its own rows (``compacted`` false), one per
key it touches, in the transaction that writes its entries. Concurrent gifts to the same
month and account therefore never wait on one shared row. A background task
(``tasks.compact_rollups``) folds those deltas into one compacted row per key, in one
transaction that deletes exactly the rows it summed, so no total ever changes. Every total
is a ``SUM`` over the table, compacted rows and pending deltas alike.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from safepassage.base.money_fields import CurrencyField, MinorUnitsField
from safepassage.funds.models.campaigns import Campaign
from safepassage.funds.models.choices import Channel, Restriction
from safepassage.funds.models.expenses import ExpenseCategory
from safepassage.funds.models.ledger import Account


class MonthlyTotal(models.Model):
    """The ledger's entries of one month summed by account, restriction, campaign, channel,
    expense category and currency: in base-currency minor units (``amount_minor``) and in
    the entries' own currency (``original_minor``), with the gifts received (reversals not
    counted) on the donations-income row of their key.

    Several rows may share a key (pending deltas beside the compacted row); only their sum
    means anything."""

    id = models.BigAutoField(primary_key=True)
    month = models.DateField(_("month"))
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    restriction = models.CharField(max_length=14, choices=Restriction.choices)
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, blank=True)
    category = models.CharField(max_length=20, choices=ExpenseCategory.choices, blank=True)
    currency = CurrencyField()
    amount_minor = MinorUnitsField()
    original_minor = MinorUnitsField()
    gifts = models.BigIntegerField(default=0)
    compacted = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["month", "account", "id"]
        verbose_name = _("monthly total")
        verbose_name_plural = _("monthly totals")
        indexes = [
            models.Index(fields=["month", "account"]),
            # The compaction task's queue: the pending deltas, oldest first.
            models.Index(
                fields=["id"], condition=models.Q(compacted=False), name="funds_rollup_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.account_id} {self.amount_minor}"
