"""Country codes: ISO 3166-1 alpha-2 only (pycountry's list), for every form that asks
for a country. "ZZ", "XX" or a typo is refused, not stored as a place nobody can find."""

from __future__ import annotations

import pycountry
from django import forms
from django.utils.translation import gettext as _

COUNTRY_CODES = frozenset(country.alpha_2 for country in pycountry.countries)


def country_code(value: str) -> str:
    """``value`` as an upper-case ISO 3166-1 alpha-2 code; ValidationError otherwise."""
    code = (value or "").strip().upper()
    if code not in COUNTRY_CODES:
        raise forms.ValidationError(
            _("“%(code)s” is not a country code: use a two-letter code of ISO 3166, such as CN.")
            % {"code": code[:8]},
            code="country",
        )
    return code
