"""Money in a model: an amount in integer minor units beside the currency it is in.

``MinorUnitsField`` holds 1234 for US$12.34 and 150000 for ₩150,000 (never a float or a
decimal that rounds); ``CurrencyField`` holds the ISO 4217 code that says how many minor
units a major one has (``safepassage.base.money.exponent``). A model keeps the two side by
side, and the exchange rate it used when it also keeps a base-currency amount.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from safepassage.base import money


def _valid_currency(value: str) -> None:
    if not value:
        return
    try:
        money.currency_code(value)
    except money.MoneyError:
        raise ValidationError("not an ISO 4217 currency code", code="currency") from None


class CurrencyField(models.CharField):
    """An ISO 4217 code: three letters, checked against the currency list."""

    default_validators = [_valid_currency]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 3)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == 3:
            del kwargs["max_length"]
        return name, path, args, kwargs


class MinorUnitsField(models.BigIntegerField):
    """An amount in integer minor units of the currency beside it (cents, won)."""
