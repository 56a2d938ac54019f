"""Money typed into a form: one currency field, one amount field, one cleaning rule.

Amounts are typed as decimal text ("1234.50") and become integer minor units of their
currency, with a clear error when the text has more decimals than the currency has (KRW
none, USD two, BHD three): never a float, never a silent rounding. A form with a
``currency`` field and amount fields subclasses ``MoneyForm``; it finds ``<name>_minor`` in
``cleaned_data``.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safepassage.base import money


class CurrencyInput(forms.TextInput):
    def __init__(self):
        super().__init__(
            attrs={
                "maxlength": 3,
                "autocapitalize": "characters",
                "autocomplete": "off",
                "spellcheck": "false",
                "size": 4,
            }
        )


class AmountInput(forms.TextInput):
    def __init__(self):
        super().__init__(attrs={"inputmode": "decimal", "autocomplete": "off"})


def currency_field(**kwargs) -> forms.CharField:
    kwargs.setdefault("label", gettext_lazy("Currency"))
    return forms.CharField(
        max_length=3,
        widget=CurrencyInput(),
        help_text=gettext_lazy("ISO code, e.g. KRW, USD, EUR"),
        **kwargs,
    )


def amount_field(**kwargs) -> forms.CharField:
    return forms.CharField(max_length=24, widget=AmountInput(), **kwargs)


def clean_currency(value: str) -> str:
    try:
        return money.currency_code(value)
    except money.MoneyError:
        raise forms.ValidationError(
            _("“%(code)s” is not a currency code (ISO 4217, such as KRW or USD).")
            % {"code": (value or "").strip()[:3]}
        ) from None


def to_minor(text: str, currency: str, *, allow_zero: bool = False) -> int:
    """Decimal text in ``currency`` → minor units, or a ValidationError safe to show."""
    cleaned = (text or "").strip().replace(",", "").replace(" ", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise forms.ValidationError(_("Type an amount such as 1234.50.")) from None
    if not value.is_finite():
        raise forms.ValidationError(_("Type an amount such as 1234.50."))
    places = money.exponent(currency)
    scaled = value.scaleb(places)
    if scaled != scaled.to_integral_value():
        if places == 0:
            raise forms.ValidationError(
                _("%(currency)s has no decimal places: type a whole amount.")
                % {"currency": currency}
            )
        raise forms.ValidationError(
            _("%(currency)s has %(places)s decimal places; %(amount)s has more.")
            % {"currency": currency, "places": places, "amount": cleaned}
        )
    if value < 0 or (value == 0 and not allow_zero):
        raise forms.ValidationError(_("An amount must be more than zero."))
    try:
        return money.to_minor(value, currency)
    except money.MoneyError:
        raise forms.ValidationError(_("This amount is not plausible.")) from None


class MoneyForm(forms.Form):
    """A form with a ``currency`` field and amount fields in that currency."""

    amount_fields: tuple[str, ...] = ("amount",)
    # Blank means zero.
    optional_amounts: tuple[str, ...] = ()
    # Required, but zero is an answer (a relief item given free).
    zero_amounts: tuple[str, ...] = ()

    def clean_currency(self) -> str:
        return clean_currency(self.cleaned_data["currency"])

    def clean(self):
        data = super().clean()
        currency = data.get("currency")
        for name in self.amount_fields:
            text = data.get(name)
            if currency is None or text is None:
                continue
            if not text.strip() and name in self.optional_amounts:
                data[f"{name}_minor"] = 0
                continue
            try:
                data[f"{name}_minor"] = to_minor(
                    text,
                    currency,
                    allow_zero=name in self.optional_amounts or name in self.zero_amounts,
                )
            except forms.ValidationError as exc:
                self.add_error(name, exc)
        return data
