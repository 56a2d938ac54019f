"""Forms for expenses: the list's filter, an expense (with the mission and case it is
for, by code only), a step of its approval trail, a receipt's scan."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safepassage.base.ceilings import ConfirmLargeAmount
from safepassage.base.date_fields import DateField, DateInput
from safepassage.base.money_forms import MoneyForm, amount_field, currency_field
from safepassage.funds.forms.widgets import any_of, base_amount
from safepassage.funds.models import ExpenseCategory, ExpenseStatus, Restriction
from safepassage.rescue import selectors as rescue_selectors


class ExpenseFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), choices=any_of(ExpenseStatus.choices), required=False
    )
    category = forms.ChoiceField(
        label=gettext_lazy("Category"), choices=any_of(ExpenseCategory.choices), required=False
    )
    restriction = forms.ChoiceField(
        label=gettext_lazy("Fund"), choices=any_of(Restriction.choices), required=False
    )
    month = DateField(
        label=gettext_lazy("Month"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )


class ExpenseForm(ConfirmLargeAmount, MoneyForm):
    """Money spent. A mission or a case is named by its code only: nothing else of either
    is read, so finance never sees who was helped. Relief names the field partner who
    delivered it, picked from rescue's partners by pseudonym (never a real name)."""

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
    delivered_by = forms.ModelChoiceField(
        label=gettext_lazy("Delivered by (field partner, for relief)"),
        queryset=None,
        to_field_name="code",
        required=False,
        empty_label="—",
    )

    def __init__(self, *args, cases, missions, partners=None, **kwargs):
        """``cases``, ``missions`` and ``partners``: those the user may charge an expense
        to or name as relief's deliverer (``permissions.visible(user, "funds.link", ...)``,
        the partners through ``rescue.selectors.partners_for``)."""
        super().__init__(*args, **kwargs)
        self.cases, self.missions = cases, missions
        if partners is None:
            partners = rescue_selectors.partners_for(None, action="funds.link")
        self.fields["delivered_by"].queryset = partners.only("id", "code", "pseudonym")
        self.fields["delivered_by"].label_from_instance = lambda partner: partner.pseudonym

    def clean(self):
        data = super().clean()
        relief = data.get("category") == ExpenseCategory.RELIEF
        if relief and not data.get("delivered_by") and "delivered_by" not in self.errors:
            self.add_error("delivered_by", _("Relief: choose the field partner who delivered it."))
        elif not relief and data.get("delivered_by"):
            self.add_error("delivered_by", _("Only relief is delivered by a field partner."))
        if data.get("amount_minor") and data.get("currency") and data.get("spent_on"):
            self.confirm_large(
                amount_minor=data["amount_minor"],
                currency=data["currency"],
                base_minor=base_amount(data["amount_minor"], data["currency"], data["spent_on"]),
            )
        return data

    def clean_mission(self):
        code = self.cleaned_data["mission"].strip().upper()
        if not code:
            return None
        # A code that does not exist and one the user may not use get the same answer.
        found = self.missions.filter(code=code).only("id", "code").first()
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
            "delivered_by": data["delivered_by"],
        }


class ExpenseStatusForm(forms.Form):
    ACTIONS = ("submit", "approve", "reject", "pay")

    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS])
    override_reason = forms.CharField(
        label=gettext_lazy("Reason to overdraw the fund (director, only if needed)"),
        max_length=200,
        required=False,
    )
    note = forms.CharField(label=gettext_lazy("Why rejected"), max_length=200, required=False)


class ReceiptUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Receipt (PDF, JPEG or PNG, up to 10 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )
