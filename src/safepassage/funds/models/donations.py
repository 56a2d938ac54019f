"""Gifts as received, and their reversals."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from safepassage.base.money_fields import CurrencyField, MinorUnitsField
from safepassage.funds.models.campaigns import Campaign
from safepassage.funds.models.choices import Channel, Restriction
from safepassage.funds.models.donors import Donor
from safepassage.funds.models.imports import ImportBatch
from safepassage.vault.models import new_code


class Donation(models.Model):
    """A gift as received: original currency, fee and net, and the base-currency amounts at
    the rate of the day. A refund or a mistake is a reversal row with negative amounts."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="donations")
    currency = CurrencyField(_("currency"))
    gross_minor = MinorUnitsField(_("gross"))
    fee_minor = MinorUnitsField(_("fee"), default=0)
    net_minor = MinorUnitsField(_("net"))
    rate = models.DecimalField(_("rate"), max_digits=24, decimal_places=10)
    base_currency = CurrencyField()
    base_gross_minor = MinorUnitsField()
    base_fee_minor = MinorUnitsField()
    base_net_minor = MinorUnitsField()
    received_on = models.DateField(_("received on"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    restriction = models.CharField(
        _("restriction"),
        max_length=14,
        choices=Restriction.choices,
        default=Restriction.UNRESTRICTED,
    )
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, null=True, blank=True, related_name="donations"
    )
    soft_credit = models.ForeignKey(
        Donor, on_delete=models.PROTECT, null=True, blank=True, related_name="soft_credits"
    )
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversal"
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    # The payer's IBAN on the bank statement failed its checksum: the money came in all
    # the same, so the gift is recorded, but the account is not known to be real.
    payer_iban_unverified = models.BooleanField(_("payer's IBAN unverified"), default=False)
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="donations"
    )
    source_key = models.CharField(max_length=100, unique=True, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_on", "-created_at"]
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        indexes = [
            models.Index(fields=["received_on"]),
            models.Index(fields=["donor", "received_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(net_minor=models.F("gross_minor") - models.F("fee_minor"))
                & models.Q(
                    base_net_minor=models.F("base_gross_minor") - models.F("base_fee_minor")
                ),
                name="funds_donation_net_is_gross_less_fee",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(
                        reverses__isnull=True,
                        gross_minor__gt=0,
                        fee_minor__gte=0,
                        net_minor__gte=0,
                    )
                    | models.Q(
                        reverses__isnull=False,
                        gross_minor__lt=0,
                        fee_minor__lte=0,
                        net_minor__lte=0,
                    )
                ),
                name="funds_donation_signs",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("funds:donation", args=[self.code])
