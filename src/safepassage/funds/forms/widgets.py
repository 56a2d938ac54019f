"""What the finance forms share: inputs that never write a sealed value back into a page,
filter choices with "any", and an amount in the base currency for the ceiling check."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy

from safepassage.base import money
from safepassage.funds.services import rates
from safepassage.funds.services.errors import FundsError


class SealedTextInput(forms.TextInput):
    def format_value(self, value):
        return None


class SealedEmailInput(forms.EmailInput):
    def format_value(self, value):
        return None


class SealedTextarea(forms.Textarea):
    def format_value(self, value):
        return None


def any_of(choices) -> list:
    return [("", gettext_lazy("any")), *choices]


def base_amount(amount_minor: int, currency: str, on: dt.date) -> int | None:
    """``amount_minor`` in the base currency at the rate of ``on``; None without a rate
    (the service then refuses the amount with its own message)."""
    try:
        rate = rates.rate_for(currency, on)
    except (FundsError, money.MoneyError):
        return None
    return money.convert(amount_minor, currency, rate, settings.BASE_CURRENCY)
