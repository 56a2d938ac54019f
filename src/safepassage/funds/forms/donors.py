"""Forms for donors: search, a donor's details, a merge, a year's statement."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy

from safepassage.funds.forms.widgets import SealedEmailInput, SealedTextarea, SealedTextInput
from safepassage.funds.models import DonorKind


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
