"""Relief costs use the funds app's money rules (ISO 4217 exponents, no floats)."""

from __future__ import annotations

from decimal import Decimal

from safepassage.funds.money import exponent as _exponent


def exponent(currency: str) -> int:
    return _exponent(currency)


def to_minor(amount: Decimal, currency: str) -> Decimal:
    return amount.scaleb(exponent(currency))


def display(minor: int, currency: str) -> str:
    places = exponent(currency)
    major = Decimal(minor).scaleb(-places)
    return f"{major:,.{places}f} {currency.upper()}"
