"""Forms for gifts: the list's filter, a gift as received, a reversal."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from safepassage.base.date_fields import DateField, DateInput
from safepassage.base.money_forms import (
    CurrencyInput,
    MoneyForm,
    amount_field,
    clean_currency,
    currency_field,
)
from safepassage.funds.forms.widgets import SealedEmailInput, SealedTextInput, any_of
from safepassage.funds.models import Campaign, Channel, Restriction


class DonationFilterForm(forms.Form):
    date_from = DateField(
        label=pgettext_lazy("date range", "From"), required=False, widget=DateInput
    )
    date_to = DateField(label=pgettext_lazy("date range", "To"), required=False, widget=DateInput)
    channel = forms.ChoiceField(
        label=gettext_lazy("Channel"), choices=any_of(Channel.choices), required=False
    )
    restriction = forms.ChoiceField(
        label=gettext_lazy("Fund"), choices=any_of(Restriction.choices), required=False
    )
    campaign = forms.ChoiceField(label=gettext_lazy("Campaign"), choices=[], required=False)
    currency = forms.CharField(
        label=gettext_lazy("Currency"), max_length=3, required=False, widget=CurrencyInput()
    )
    donor = forms.CharField(label=gettext_lazy("Donor code"), max_length=12, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].choices = any_of(Campaign.objects.values_list("code", "name"))

    def clean_currency(self) -> str:
        value = self.cleaned_data["currency"].strip()
        return clean_currency(value) if value else ""

    def clean_donor(self) -> str:
        return self.cleaned_data["donor"].strip().upper()


class DonationForm(MoneyForm):
    """A gift as received, from a donor picked by code, a new donor, or anonymous."""

    amount_fields = ("amount", "fee")
    optional_amounts = ("fee",)

    donor = forms.CharField(
        label=gettext_lazy("Donor code"),
        max_length=12,
        required=False,
        help_text=gettext_lazy("Leave empty to add a new donor below."),
    )
    name = forms.CharField(
        label=gettext_lazy("New donor: name"),
        max_length=200,
        required=False,
        widget=SealedTextInput,
    )
    email = forms.EmailField(
        label=gettext_lazy("New donor: e-mail"),
        max_length=200,
        required=False,
        widget=SealedEmailInput,
        help_text=gettext_lazy(
            "If a donor with this e-mail address exists, the gift goes to them."
        ),
    )
    anonymous = forms.BooleanField(label=gettext_lazy("Anonymous gift"), required=False)
    amount = amount_field(label=gettext_lazy("Amount received (gross)"))
    currency = currency_field(initial=lambda: settings.BASE_CURRENCY)
    fee = amount_field(
        label=gettext_lazy("Fee"),
        required=False,
        help_text=gettext_lazy("Taken by the platform or bank, in the same currency."),
    )
    received_on = DateField(
        label=gettext_lazy("Received on"), widget=DateInput, initial=timezone.localdate
    )
    channel = forms.ChoiceField(label=gettext_lazy("Channel"), choices=Channel.choices)
    restriction = forms.ChoiceField(
        label=gettext_lazy("Fund"),
        choices=Restriction.choices,
        initial=Restriction.UNRESTRICTED,
    )
    campaign = forms.ModelChoiceField(
        label=gettext_lazy("Campaign"),
        queryset=Campaign.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=gettext_lazy("none"),
    )
    soft_credit = forms.CharField(
        label=gettext_lazy("Brought in by (donor code)"), max_length=12, required=False
    )

    def __init__(self, *args, donors, **kwargs):
        super().__init__(*args, **kwargs)
        self.donors = donors

    def fieldsets(self) -> list[tuple[str, list]]:
        return [
            (_("From"), [self[name] for name in ("donor", "name", "email", "anonymous")]),
            (
                _("The gift"),
                [
                    self[name]
                    for name in (
                        "amount",
                        "currency",
                        "fee",
                        "received_on",
                        "channel",
                        "restriction",
                        "campaign",
                        "soft_credit",
                    )
                ],
            ),
        ]

    def _donor(self, code: str):
        found = self.donors.filter(code=code.strip().upper()).select_related("merged_into").first()
        if found is None:
            return None
        # A merged donor's gifts go to the donor it was merged into.
        return found.merged_into or found

    def clean_donor(self):
        code = self.cleaned_data["donor"].strip()
        if not code:
            return None
        found = self._donor(code)
        if found is None:
            raise forms.ValidationError(_("No donor has this code."))
        return found

    def clean_soft_credit(self):
        code = self.cleaned_data["soft_credit"].strip()
        if not code:
            return None
        found = self._donor(code)
        if found is None:
            raise forms.ValidationError(_("No donor has this code."))
        return found

    def clean(self):
        data = super().clean()
        chosen = [
            bool(data.get("donor")),
            bool(data.get("anonymous")),
            bool(data.get("name") or data.get("email")),
        ]
        if "donor" not in self.errors and sum(chosen) != 1:
            self.add_error(
                "donor",
                _("Give one of: a donor code, a new donor's name or e-mail, or “anonymous gift”."),
            )
        return data

    def donation_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "gross_minor": data["amount_minor"],
            "fee_minor": data["fee_minor"],
            "currency": data["currency"],
            "received_on": data["received_on"],
            "channel": data["channel"],
            "restriction": data["restriction"],
            "campaign": data["campaign"],
            "soft_credit": data["soft_credit"],
        }


class ReverseForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is this gift reversed?"),
        max_length=200,
        help_text=gettext_lazy("e.g. refunded to the donor, recorded twice"),
    )
