"""Exchange rates into the base currency, one a currency and day."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from safepassage.base.money_fields import CurrencyField


class ExchangeRate(models.Model):
    """Units of the base currency for one unit of ``currency`` on a day, with its source."""

    id = models.BigAutoField(primary_key=True)
    currency = CurrencyField(_("currency"))
    on = models.DateField(_("date"))
    rate = models.DecimalField(_("rate"), max_digits=24, decimal_places=10)
    source = models.CharField(_("source"), max_length=80)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-on", "currency"]
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        constraints = [
            models.UniqueConstraint(fields=["currency", "on"], name="funds_rate_per_day"),
            models.CheckConstraint(condition=models.Q(rate__gt=0), name="funds_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.on}: {self.rate}"
