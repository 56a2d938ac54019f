"""The form for an exchange rate of a day."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safepassage.base.date_fields import DateField, DateInput
from safepassage.base.money_forms import AmountInput, clean_currency, currency_field


class RateForm(forms.Form):
    currency = currency_field()
    on = DateField(label=gettext_lazy("Date"), widget=DateInput)
    rate = forms.CharField(
        label=gettext_lazy("Rate"),
        max_length=30,
        widget=AmountInput(),
        help_text=gettext_lazy("How much of the base currency one unit buys, e.g. 1380.50"),
    )
    source = forms.CharField(
        label=gettext_lazy("Source"),
        max_length=80,
        help_text=gettext_lazy("e.g. Bank of Korea, the bank's statement"),
    )

    def clean_currency(self) -> str:
        code = clean_currency(self.cleaned_data["currency"])
        if code == settings.BASE_CURRENCY:
            raise forms.ValidationError(_("The base currency needs no rate."))
        return code

    def clean_rate(self) -> Decimal:
        text = self.cleaned_data["rate"].strip().replace(",", "")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError(_("Type a rate such as 1380.50.")) from None
        if not value.is_finite() or value <= 0:
            raise forms.ValidationError(_("A rate must be more than zero."))
        if value.as_tuple().exponent < -10 or value >= Decimal(10) ** 14:
            raise forms.ValidationError(_("A rate has at most 14 digits and 10 decimals."))
        return value
