"""Amounts that need a second look before they are saved.

A gift, an expense or a mission's cost above its currency's ceiling
(``settings.AMOUNT_CONFIRM_ABOVE``, whole units per currency) is saved only once the person
typing it ticks "confirm this amount": a slip of three zeros is caught on the form, not in
the books. A currency with no ceiling of its own is compared with the base currency's,
after conversion, when the form can convert it. Every money form uses the one mixin here,
so the rule and its wording are the same on every page.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safepassage.base import money

CONFIRM_FIELD = "confirm_amount"


def ceiling_minor(currency: str) -> int | None:
    """The ceiling of ``currency`` in its minor units, or None if it has none."""
    whole = settings.AMOUNT_CONFIRM_ABOVE.get(currency)
    if whole is None:
        return None
    return whole * 10 ** money.exponent(currency)


def above_ceiling(amount_minor: int, currency: str, *, base_minor: int | None = None) -> bool:
    """Whether an amount needs confirming: above its own currency's ceiling, or (a currency
    without one) its ``base_minor`` conversion above the base currency's."""
    own = ceiling_minor(currency)
    if own is not None:
        return amount_minor > own
    base = ceiling_minor(settings.BASE_CURRENCY)
    return base is not None and base_minor is not None and base_minor > base


def confirm_field(**kwargs) -> forms.BooleanField:
    """The checkbox. A form whose errors are shown away from it (the mission page's cost
    form answers with messages) declares it itself, so that it is always on the page."""
    return forms.BooleanField(label=gettext_lazy("Confirm this amount"), required=False, **kwargs)


class ConfirmLargeAmount:
    """A form mixin: ``confirm_large`` from ``clean`` adds the "confirm this amount"
    checkbox, with a warning naming the ceiling, when the amount is above it and was not
    confirmed; the form is then invalid, so nothing is saved. The checkbox appears only
    when needed and stays ticked on a re-rendered form."""

    def confirm_large(
        self, *, amount_minor: int, currency: str, base_minor: int | None = None
    ) -> None:
        if not above_ceiling(amount_minor, currency, base_minor=base_minor):
            return
        field = self.fields.get(CONFIRM_FIELD)
        if field is None:
            field = self.fields[CONFIRM_FIELD] = confirm_field()
        name = self.add_prefix(CONFIRM_FIELD)
        if field.widget.value_from_datadict(self.data, self.files, name):
            self.cleaned_data[CONFIRM_FIELD] = True
            return
        own = ceiling_minor(currency)
        shown_in = currency if own is not None else settings.BASE_CURRENCY
        limit = own if own is not None else ceiling_minor(settings.BASE_CURRENCY)
        self.add_error(
            CONFIRM_FIELD,
            _(
                "%(amount)s is more than %(limit)s: check the amount, then tick “Confirm "
                "this amount” and save again."
            )
            % {
                "amount": money.display(amount_minor, currency),
                "limit": money.display(limit, shown_in),
            },
        )
