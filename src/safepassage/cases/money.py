"""Minor units per currency, until the funds app brings its money library."""

from __future__ import annotations

from decimal import Decimal

# ISO 4217 exponents of the currencies relief is paid in; the rest have two decimals.
EXPONENTS = {"KRW": 0, "LAK": 0, "VND": 0, "JPY": 0}


def exponent(currency: str) -> int:
    return EXPONENTS.get(currency.upper(), 2)


def to_minor(amount: Decimal, currency: str) -> Decimal:
    return amount.scaleb(exponent(currency))


def display(minor: int, currency: str) -> str:
    places = exponent(currency)
    major = Decimal(minor).scaleb(-places)
    return f"{major:,.{places}f} {currency.upper()}"
