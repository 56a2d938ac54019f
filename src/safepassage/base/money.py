"""Money as integer minor units of an ISO 4217 currency; never a float.

Exponents come from the ``iso4217`` data package (KRW has no minor unit, USD two, BHD
three); display follows the reader's locale through Babel. A conversion multiplies by a
``Decimal`` rate (units of the target currency for one unit of the source) and rounds half
to even once, at the end.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

import iso4217
from babel.numbers import format_currency
from django.utils.translation import gettext as _


class MoneyError(ValueError):
    """An amount or a currency that cannot be money; the message is safe to show, in the
    reader's language (translated when raised)."""


def _quoted(value: object) -> str:
    return f"“{value}”"


# Largest amount accepted in any currency's minor units: 10^15 (a quadrillion won).
LIMIT = 10**15


def currency_code(code: str) -> str:
    code = (code or "").strip().upper()
    try:
        iso4217.Currency(code)
    except (ValueError, KeyError):
        raise MoneyError(_("unknown currency %(code)s.") % {"code": _quoted(code)}) from None
    return code


def exponent(currency: str) -> int:
    exp = iso4217.Currency(currency_code(currency)).exponent
    return 0 if exp is None else exp


def to_minor(amount: Decimal | str | int, currency: str) -> int:
    """``Decimal("12.34")`` USD → 1234. More decimals than the currency has is an error,
    not a rounding: 12.345 USD or 1000.5 KRW is a typing mistake, not money."""
    if isinstance(amount, float):
        raise MoneyError(_("An amount is never a floating-point number."))
    try:
        value = Decimal(str(amount).strip().replace(",", ""))
    except InvalidOperation:
        raise MoneyError(_("%(cell)s is not an amount.") % {"cell": _quoted(amount)}) from None
    if not value.is_finite():
        raise MoneyError(_("%(cell)s is not an amount.") % {"cell": _quoted(amount)})
    scaled = value.scaleb(exponent(currency))
    if scaled != scaled.to_integral_value():
        raise MoneyError(
            _("%(amount)s has more decimals than %(currency)s allows (%(places)s).")
            % {"amount": amount, "currency": currency_code(currency), "places": exponent(currency)}
        )
    minor = int(scaled)
    if abs(minor) >= LIMIT:
        raise MoneyError(
            _("%(amount)s %(currency)s is not a plausible amount.")
            % {"amount": amount, "currency": currency_code(currency)}
        )
    return minor


def to_major(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-exponent(currency))


def convert(minor: int, source: str, rate: Decimal, target: str) -> int:
    """``minor`` units of ``source`` in ``target`` minor units at ``rate``."""
    if not isinstance(rate, Decimal) or not rate.is_finite() or rate <= 0:
        raise MoneyError(_("A rate is a positive decimal number."))
    shift = exponent(target) - exponent(source)
    exact = Decimal(minor) * rate * (Decimal(10) ** shift)
    return int(exact.to_integral_value(rounding=ROUND_HALF_EVEN))


def display(minor: int, currency: str, locale: str = "en") -> str:
    """``1234, "USD"`` → "US$12.34"; ``150000, "KRW"`` → "₩150,000"."""
    return format_currency(to_major(minor, currency), currency_code(currency), locale=locale)


def plain(minor: int, currency: str) -> str:
    """``1250, "USD"`` → "12.50 USD"; ``800000, "KRW"`` → "800,000 KRW": the same in every
    language, for tables where the code reads better than a symbol."""
    places = exponent(currency)
    return f"{to_major(minor, currency):,.{places}f} {currency_code(currency)}"
