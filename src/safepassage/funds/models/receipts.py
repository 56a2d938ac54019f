"""Tax receipts, numbered without gaps per year."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safepassage.base.money_fields import CurrencyField, MinorUnitsField
from safepassage.funds.models.donations import Donation
from safepassage.funds.models.donors import Donor


class ReceiptCounter(models.Model):
    """The last receipt number used in a year; locked while a number is taken, so numbers
    have no gaps (a rolled-back receipt rolls its number back too)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Receipt(models.Model):
    """A tax receipt: for one donation, or a donor's statement for a year."""

    class Kind(models.TextChoices):
        GIFT = "gift", _("Receipt for a gift")
        ANNUAL = "annual", _("Statement for a year")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(max_length=20, unique=True)
    year = models.PositiveSmallIntegerField()
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=8, choices=Kind.choices)
    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="receipts")
    donation = models.OneToOneField(
        Donation, on_delete=models.PROTECT, null=True, blank=True, related_name="receipt"
    )
    period = models.PositiveSmallIntegerField(null=True, blank=True)
    language = models.CharField(max_length=8)
    total_minor = MinorUnitsField()
    currency = CurrencyField()
    # What the receipt listed when last issued (gift codes, dates, amounts; nothing
    # personal), so a PDF made again later shows what was issued, whatever was reversed
    # or merged since.
    lines = models.JSONField(default=list, editable=False)
    # The donation's 코드 and 유형 on the Korean form as configured when last issued.
    tax_code = models.CharField(max_length=4, blank=True, default="")
    tax_type = models.CharField(max_length=40, blank=True, default="")
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    times_issued = models.PositiveSmallIntegerField(default=1)
    emailed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "-seq"]
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        constraints = [
            models.UniqueConstraint(fields=["year", "seq"], name="funds_receipt_seq"),
            models.UniqueConstraint(
                fields=["donor", "period"],
                condition=models.Q(kind="annual"),
                name="funds_one_statement_per_year",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class GiftInKind(models.Model):
    """What a gift in kind (현물) was, for its receipt: the item, how many and at what unit
    value. The gift's own amount is its value (quantity times unit value, in the gift's
    currency); a gift without this row was given in money (금전)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    donation = models.OneToOneField(Donation, on_delete=models.PROTECT, related_name="in_kind")
    item = models.CharField(_("item"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_minor = MinorUnitsField(_("unit value"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("gift in kind")
        verbose_name_plural = _("gifts in kind")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0, unit_minor__gt=0),
                name="funds_in_kind_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} x {self.quantity}"
