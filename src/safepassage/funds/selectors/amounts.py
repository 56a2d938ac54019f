"""Amounts as the finance pages print them: minor units of a currency, shown in the
reader's language through Babel."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.html import escape
from django.utils.translation import get_language, to_locale

from safepassage.base import money
from safepassage.funds.models import Donation, Entry, Expense


@dataclass(frozen=True)
class Amount:
    """Minor units of a currency; prints as money in the current language."""

    minor: int
    currency: str

    def __str__(self) -> str:
        locale = to_locale(get_language() or settings.LANGUAGE_CODE)
        return money.display(self.minor, self.currency, locale=locale)

    def __html__(self) -> str:
        return escape(str(self))

    @property
    def negative(self) -> bool:
        return self.minor < 0


def base(minor: int | None) -> Amount:
    return Amount(minor or 0, settings.BASE_CURRENCY)


def rate_text(rate: Decimal) -> str:
    """1380.5000000000 → "1380.5"; 1000 → "1000" (never "1E+3")."""
    return format(rate.normalize(), "f")


def with_amounts(obj):
    """Attach printable amounts to a donation, an expense or a ledger entry."""
    if isinstance(obj, Donation):
        obj.gross = Amount(obj.gross_minor, obj.currency)
        obj.fee = Amount(obj.fee_minor, obj.currency)
        obj.net = Amount(obj.net_minor, obj.currency)
        obj.base_gross = Amount(obj.base_gross_minor, obj.base_currency)
        obj.base_fee = Amount(obj.base_fee_minor, obj.base_currency)
        obj.base_net = Amount(obj.base_net_minor, obj.base_currency)
        obj.rate_text = rate_text(obj.rate)
    elif isinstance(obj, Expense):
        obj.amount = Amount(obj.amount_minor, obj.currency)
        obj.base_amount = Amount(obj.base_amount_minor, obj.base_currency)
        obj.rate_text = rate_text(obj.rate)
    elif isinstance(obj, Entry):
        obj.amount = base(obj.amount_minor)
        obj.original = Amount(obj.original_minor, obj.currency)
    return obj
