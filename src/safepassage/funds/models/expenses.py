"""Money spent, with its approval trail, and the receipts' scans."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from safepassage.base.money_fields import CurrencyField, MinorUnitsField
from safepassage.funds.models.campaigns import Campaign
from safepassage.funds.models.choices import Restriction
from safepassage.vault.fields import ProtectedField
from safepassage.vault.models import VaultRecord, new_code


class ExpenseCategory(models.TextChoices):
    RESCUE = "rescue_operations", _("Rescue operations")
    RELIEF = "relief_aid", _("Relief aid")
    RESETTLEMENT = "resettlement", _("Resettlement")
    ADVOCACY = "advocacy", _("Advocacy")
    FUNDRAISING = "fundraising", _("Fundraising")
    ADMINISTRATION = "administration", _("Administration")


class ExpenseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    PAID = "paid", _("Paid")
    REJECTED = "rejected", _("Rejected")


class Expense(models.Model):
    """Money spent, with its approval trail. A link to a mission or a case is kept by code
    only: finance never sees who was helped."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    category = models.CharField(_("category"), max_length=20, choices=ExpenseCategory.choices)
    description = models.CharField(
        _("what for"), max_length=200, help_text=_("No names or places: they go in receipts.")
    )
    currency = CurrencyField(_("currency"))
    amount_minor = MinorUnitsField(_("amount"))
    rate = models.DecimalField(_("rate"), max_digits=24, decimal_places=10)
    base_currency = CurrencyField()
    base_amount_minor = MinorUnitsField()
    spent_on = models.DateField(_("spent on"))
    restriction = models.CharField(
        _("paid from"),
        max_length=14,
        choices=Restriction.choices,
        default=Restriction.UNRESTRICTED,
    )
    mission = models.ForeignKey(
        "rescue.Mission", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="expenses",
        verbose_name=_("campaign or event"),
    )
    # Relief: the field partner who delivered it, kept by the partner's record (shown by
    # pseudonym); the partner's identity stays sealed in rescue.
    delivered_by = models.ForeignKey(
        "rescue.FieldPartner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("delivered by (field partner)"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ExpenseStatus.choices, default=ExpenseStatus.DRAFT
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    paid_at = models.DateTimeField(null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decision_note = models.CharField(_("note"), max_length=200, blank=True)
    override_reason = models.CharField(
        _("why this may overdraw its fund"), max_length=200, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-spent_on", "-created_at"]
        verbose_name = _("expense")
        verbose_name_plural = _("expenses")
        indexes = [models.Index(fields=["status", "spent_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_minor__gt=0, base_amount_minor__gt=0),
                name="funds_expense_positive",
            )
        ]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("funds:expense", args=[self.code])


class ExpenseReceipt(VaultRecord):
    """A scan or photo of a receipt. Sealed: a receipt can name a place or a person."""

    content = ProtectedField(_("file"), binary=True)
    filename = ProtectedField(_("file name"))

    expense = models.ForeignKey(Expense, on_delete=models.PROTECT, related_name="receipts")
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("expense receipt")
        verbose_name_plural = _("expense receipts")

    def __str__(self) -> str:
        return self.code
