"""Forms for donors: search, a donor's details, their tax-receipt details, a merge, a
year's statement."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from safepassage.funds.forms.widgets import SealedEmailInput, SealedTextarea, SealedTextInput
from safepassage.funds.models import DonorKind
from safepassage.funds.services import tax_receipts


def _rrn_field() -> forms.CharField:
    return forms.CharField(
        label=gettext_lazy("Resident registration number"),
        max_length=20,
        required=False,
        widget=SealedTextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=gettext_lazy(
            "Only if the donor wants a Korean tax receipt: 13 digits, as 800101-1234567 "
            "(a foreigner's registration number is accepted). Encrypted; shown only after "
            "a recorded reveal."
        ),
    )


class TaxFieldsMixin:
    """The wish for a tax receipt and the registration number it needs, checked together:
    a number is asked for only when the donor wants the receipt."""

    def clean(self):
        data = super().clean()
        try:
            data["rrn"] = tax_receipts.tax_fields(
                wants_tax_receipt=data.get("wants_tax_receipt", False),
                rrn=data.get("rrn", ""),
                rrn_confirmed=data.get("rrn_confirmed", False),
            )
        except ValidationError as exc:
            self.add_error("rrn", exc.messages)
        return data


class DonorSearchForm(forms.Form):
    # Not written back into the results page: the query may be an e-mail or an IBAN.
    q = forms.CharField(
        label=gettext_lazy("Code, pseudonym, or exact full name, e-mail, phone or IBAN"),
        max_length=200,
        required=False,
        widget=SealedTextInput,
    )


class DonorForm(TaxFieldsMixin, forms.Form):
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
    wants_tax_receipt = forms.BooleanField(
        label=gettext_lazy("Wants a tax receipt (기부금영수증)"), required=False
    )
    rrn = _rrn_field()
    rrn_confirmed = forms.BooleanField(
        label=gettext_lazy(
            "The registration number is right although its last digit does not match"
        ),
        required=False,
    )
    allow_duplicate = forms.BooleanField(
        label=gettext_lazy("Add anyway, although a donor with the same details exists"),
        required=False,
    )

    def donor_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("allow_duplicate")
        return data


class TaxDetailsForm(TaxFieldsMixin, forms.Form):
    """A donor's tax-receipt details. Sealed values are never shown back: a field left
    empty keeps what is stored."""

    wants_tax_receipt = forms.BooleanField(
        label=gettext_lazy("Wants a tax receipt (기부금영수증)"),
        required=False,
        help_text=gettext_lazy("Untick to drop the stored registration number."),
    )
    rrn = _rrn_field()
    rrn_confirmed = forms.BooleanField(
        label=gettext_lazy(
            "The registration number is right although its last digit does not match"
        ),
        required=False,
    )
    address = forms.CharField(
        label=gettext_lazy("Postal address"),
        max_length=500,
        required=False,
        widget=SealedTextarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Empty keeps the stored address."),
    )


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
