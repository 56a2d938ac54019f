from django import template

from safepassage.base import money as money_units

register = template.Library()


@register.simple_tag
def money(minor: int, currency: str) -> str:
    """12.50 USD from 1250 and "USD"; 800,000 KRW from 800000 and "KRW"."""
    return money_units.plain(minor, currency)
