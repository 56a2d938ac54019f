"""Forms for receipts: a gift in kind, the statement of issued receipts in full."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from safepassage.base.money_forms import amount_field, to_minor


class InKindForm(forms.Form):
    """What a gift in kind was (현물): the item, how many, the unit value in the gift's
    currency. ``currency`` is the gift's, given by the view."""

    item = forms.CharField(label=gettext_lazy("Item"), max_length=200)
    quantity = forms.IntegerField(label=gettext_lazy("Quantity"), min_value=1, max_value=10**9)
    unit_value = amount_field(label=gettext_lazy("Unit value"))

    def __init__(self, *args, currency: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.currency = currency
        self.fields["unit_value"].help_text = gettext_lazy(
            "In the gift's currency; quantity times unit value is the gift's amount."
        )

    def clean_unit_value(self) -> int:
        return to_minor(self.cleaned_data["unit_value"], self.currency)


class FullStatementForm(forms.Form):
    """The statement of issued receipts with registration numbers in full: a reveal of
    every listed donor's number, so it says why."""

    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=200,
        help_text=gettext_lazy("e.g. filing with the tax office"),
    )
