"""Forms for gifts: the list's filter, a gift as received, a reversal."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from safepassage.base.ceilings import CONFIRM_FIELD, ConfirmLargeAmount
from safepassage.base.date_fields import DateField, DateInput
from safepassage.base.money_forms import (
    CurrencyInput,
    MoneyForm,
    amount_field,
    clean_currency,
    currency_field,
)
from safepassage.funds.forms.widgets import (
    SealedEmailInput,
    SealedTextInput,
    any_of,
    base_amount,
)
from safepassage.funds.models import Campaign, Channel, Restriction
from safepassage.vault import records


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


class DonationForm(ConfirmLargeAmount, MoneyForm):
    """A gift as received, from a donor picked by code (found by search), a donor added
    on purpose ("new donor"), or anonymous. A new donor whose name or e-mail matches a
    donor already known (blind index) is a likely duplicate: the form says so and records
    the gift only once the duplicate is picked or "a new donor anyway" is ticked."""

    amount_fields = ("amount", "fee")
    optional_amounts = ("fee",)

    find = forms.CharField(
        label=gettext_lazy("Find a donor"),
        max_length=200,
        required=False,
        widget=SealedTextInput,
        help_text=gettext_lazy(
            "A donor code, a pseudonym (Kim OO), or a full name or e-mail address exactly "
            "as recorded."
        ),
    )
    donor = forms.CharField(
        label=gettext_lazy("Donor code"),
        max_length=12,
        required=False,
        help_text=gettext_lazy("Or tick “New donor” and give a name or an e-mail below."),
    )
    new_donor = forms.BooleanField(label=gettext_lazy("New donor"), required=False)
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
    # No default: a gift recorded under the first channel of the list by mistake would
    # file a cash gift as a platform one.
    channel = forms.ChoiceField(
        label=gettext_lazy("Channel"), choices=[("", "—"), *Channel.choices]
    )
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
        self.duplicates: list = []

    def fieldsets(self) -> list[tuple[str, list]]:
        who = ["donor", "new_donor", "name", "email", "anonymous"]
        if "new_anyway" in self.fields:
            who.insert(2, "new_anyway")
        amount = ["amount", "currency", "fee"]
        if CONFIRM_FIELD in self.fields:
            amount.append(CONFIRM_FIELD)
        return [
            (_("Donor"), [self[name] for name in who]),
            (
                _("The gift"),
                [
                    self[name]
                    for name in (
                        *amount,
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
        chosen = [bool(data.get("donor")), bool(data.get("anonymous")), data.get("new_donor")]
        if "donor" not in self.errors and sum(map(bool, chosen)) != 1:
            self.add_error(
                "donor",
                _(
                    "Give one of: a donor code, “new donor” (with a name or an e-mail), or "
                    "“anonymous gift”."
                ),
            )
        elif data.get("new_donor"):
            self._check_new_donor(data)
        if data.get("amount_minor") and data.get("currency") and data.get("received_on"):
            self.confirm_large(
                amount_minor=data["amount_minor"],
                currency=data["currency"],
                base_minor=base_amount(data["amount_minor"], data["currency"], data["received_on"]),
            )
        return data

    def _check_new_donor(self, data) -> None:
        if not (data.get("name") or data.get("email")):
            if "email" not in self.errors:
                self.add_error("name", _("A new donor needs a name or an e-mail address."))
            return
        self.duplicates = list(likely_duplicates(self.donors, data.get("name"), data.get("email")))
        if not self.duplicates:
            return
        field = forms.BooleanField(label=gettext_lazy("Record a new donor anyway"), required=False)
        self.fields["new_anyway"] = field
        if field.widget.value_from_datadict(self.data, self.files, self.add_prefix("new_anyway")):
            return
        self.add_error(
            "new_anyway",
            _(
                "A donor with this name or e-mail is already recorded: %(donors)s. Give their "
                "code above instead, or tick “Record a new donor anyway”."
            )
            % {"donors": ", ".join(str(donor) for donor in self.duplicates)},
        )

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


def likely_duplicates(donors, name: str = "", email: str = ""):
    """Donors (not merged away) with the same full name or e-mail, matched through the
    blind indexes: never by decrypting anyone."""
    found = donors.none()
    if name and name.strip():
        found = found | records.filter_by(donors, "name", name.strip())
    if email and email.strip():
        found = found | records.filter_by(donors, "email", email.strip())
    return found.filter(merged_into__isnull=True).order_by("created_at")[:5]


class ReverseForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is this gift reversed?"),
        max_length=200,
        help_text=gettext_lazy("e.g. refunded to the donor, recorded twice"),
    )
