"""Forms for the finance pages.

Amounts are typed as decimal text ("1234.50") and become integer minor units of their
currency here, with a clear error when the text has more decimals than the currency has:
never a float, never a silent rounding. Contact details of a donor use widgets that never
write a value back into a page.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from safepassage.base.date_fields import DateField, DateInput
from safepassage.base.money_forms import (
    AmountInput,
    CurrencyInput,
    MoneyForm,
    amount_field,
    clean_currency,
    currency_field,
)
from safepassage.funds.models import (
    Campaign,
    Channel,
    DonorKind,
    ExpenseCategory,
    ExpenseStatus,
    Restriction,
)


class SealedTextInput(forms.TextInput):
    def format_value(self, value):
        return None


class SealedEmailInput(forms.EmailInput):
    def format_value(self, value):
        return None


class SealedTextarea(forms.Textarea):
    def format_value(self, value):
        return None


def _any(choices) -> list:
    return [("", gettext_lazy("any")), *choices]


# Donations ------------------------------------------------------------------------------


class DonationFilterForm(forms.Form):
    date_from = DateField(
        label=pgettext_lazy("date range", "From"), required=False, widget=DateInput
    )
    date_to = DateField(label=pgettext_lazy("date range", "To"), required=False, widget=DateInput)
    channel = forms.ChoiceField(
        label=gettext_lazy("Channel"), choices=_any(Channel.choices), required=False
    )
    restriction = forms.ChoiceField(
        label=gettext_lazy("Fund"), choices=_any(Restriction.choices), required=False
    )
    campaign = forms.ChoiceField(label=gettext_lazy("Campaign"), choices=[], required=False)
    currency = forms.CharField(
        label=gettext_lazy("Currency"), max_length=3, required=False, widget=CurrencyInput()
    )
    donor = forms.CharField(label=gettext_lazy("Donor code"), max_length=12, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].choices = _any(Campaign.objects.values_list("code", "name"))

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


# Donors ---------------------------------------------------------------------------------


class DonorSearchForm(forms.Form):
    # Not written back into the results page: the query may be an e-mail or an IBAN.
    q = forms.CharField(
        label=gettext_lazy("Code, pseudonym, or exact full name, e-mail, phone or IBAN"),
        max_length=200,
        required=False,
        widget=SealedTextInput,
    )


class DonorForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), choices=DonorKind.choices, initial=DonorKind.PERSON
    )
    name = forms.CharField(
        label=gettext_lazy("Name"), max_length=200, required=False, widget=SealedTextInput
    )
    email = forms.EmailField(
        label=gettext_lazy("E-mail"), max_length=200, required=False, widget=SealedEmailInput
    )
    phone = forms.CharField(
        label=gettext_lazy("Phone"), max_length=40, required=False, widget=SealedTextInput
    )
    iban = forms.CharField(
        label=gettext_lazy("IBAN"), max_length=42, required=False, widget=SealedTextInput
    )
    address = forms.CharField(
        label=gettext_lazy("Postal address"),
        max_length=500,
        required=False,
        widget=SealedTextarea(attrs={"rows": 3}),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language for receipts and letters"), choices=settings.LANGUAGES
    )
    consent_to_contact = forms.BooleanField(
        label=gettext_lazy("Agrees to be contacted"), required=False
    )
    allow_duplicate = forms.BooleanField(
        label=gettext_lazy("Add anyway, although a donor with the same details exists"),
        required=False,
    )

    def donor_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("allow_duplicate")
        return data


class MergeForm(forms.Form):
    duplicate = forms.CharField(
        label=gettext_lazy("Code of the duplicate donor"),
        max_length=12,
        help_text=gettext_lazy("Its gifts, soft credits and receipts move to this donor."),
    )

    def clean_duplicate(self) -> str:
        return self.cleaned_data["duplicate"].strip().upper()


class StatementForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)


# Expenses -------------------------------------------------------------------------------


class ExpenseFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), choices=_any(ExpenseStatus.choices), required=False
    )
    category = forms.ChoiceField(
        label=gettext_lazy("Category"), choices=_any(ExpenseCategory.choices), required=False
    )
    restriction = forms.ChoiceField(
        label=gettext_lazy("Fund"), choices=_any(Restriction.choices), required=False
    )
    month = DateField(
        label=gettext_lazy("Month"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )


class ExpenseForm(MoneyForm):
    """Money spent. A mission or a case is named by its code only: nothing else of either
    is read, so finance never sees who was helped."""

    category = forms.ChoiceField(label=gettext_lazy("Category"), choices=ExpenseCategory.choices)
    description = forms.CharField(
        label=gettext_lazy("What for"),
        max_length=200,
        help_text=gettext_lazy("No names or places: they go in receipts."),
    )
    amount = amount_field(label=gettext_lazy("Amount"))
    currency = currency_field(initial=lambda: settings.BASE_CURRENCY)
    spent_on = DateField(
        label=gettext_lazy("Spent on"), widget=DateInput, initial=timezone.localdate
    )
    restriction = forms.ChoiceField(
        label=gettext_lazy("Paid from (fund)"),
        choices=Restriction.choices,
        initial=Restriction.UNRESTRICTED,
    )
    mission = forms.CharField(
        label=gettext_lazy("Mission code (optional)"), max_length=12, required=False
    )
    case = forms.CharField(
        label=gettext_lazy("Case code (optional)"), max_length=12, required=False
    )

    def __init__(self, *args, cases, **kwargs):
        """``cases``: the cases the user may charge an expense to
        (``permissions.visible(user, "funds.link", ...)``)."""
        super().__init__(*args, **kwargs)
        self.cases = cases

    def clean_mission(self):
        from safepassage.rescue.models import Mission

        code = self.cleaned_data["mission"].strip().upper()
        if not code:
            return None
        found = Mission.objects.filter(code=code).only("id", "code").first()
        if found is None:
            raise forms.ValidationError(_("No mission has this code."))
        return found

    def clean_case(self):
        code = self.cleaned_data["case"].strip().upper()
        if not code:
            return None
        # A code that does not exist and one the user may not use get the same answer.
        found = self.cases.filter(code=code).only("id", "code").first()
        if found is None:
            raise forms.ValidationError(_("No case has this code."))
        return found

    def expense_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "category": data["category"],
            "description": data["description"],
            "amount_minor": data["amount_minor"],
            "currency": data["currency"],
            "spent_on": data["spent_on"],
            "restriction": data["restriction"],
            "mission": data["mission"],
            "case": data["case"],
        }


class ExpenseStatusForm(forms.Form):
    ACTIONS = ("submit", "approve", "reject", "pay")

    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS])
    override_reason = forms.CharField(
        label=gettext_lazy("Reason to overdraw the fund (only if needed)"),
        max_length=200,
        required=False,
    )
    note = forms.CharField(label=gettext_lazy("Why rejected"), max_length=200, required=False)


class ReceiptUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Receipt (PDF, JPEG or PNG, up to 10 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )


# Rates ----------------------------------------------------------------------------------


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
