"""Forms of the coordinator's mission pages. They parse input; the services decide."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safepassage.base.ceilings import ConfirmLargeAmount, confirm_field
from safepassage.base.date_fields import DateField, DateTimeField
from safepassage.base.money_forms import MoneyForm, amount_field
from safepassage.rescue.models import CheckInKind, MissionStatus, Outcome
from safepassage.rescue.services.checkins import MAX_DELAY_HOURS, MAX_REASON

# The currencies missions are paid in (as for relief on the people pages).
CURRENCIES = [(c, c) for c in ("USD", "CNY", "KRW", "THB", "LAK", "VND")]


class CodesField(forms.MultipleChoiceField):
    """Any list of codes; the form resolves them against the people one may plan for."""

    def valid_value(self, value) -> bool:
        return True


PAST_GRACE = dt.timedelta(minutes=15)


class MissionPlanForm(forms.Form):
    route = forms.ModelChoiceField(label=_("Route"), queryset=None, empty_label=None)
    people = CodesField(
        label=_("Who travels"),
        error_messages={"required": _("Choose at least one person for the mission.")},
    )
    coordinator = forms.ModelChoiceField(label=_("Coordinator"), queryset=None, empty_label=None)
    planned_start = DateTimeField(
        label=_("Planned departure"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Local time."),
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("Field partners"),
        queryset=None,
        required=False,
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, routes, leads, partners, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        self.fields["route"].queryset = routes
        self.fields["coordinator"].queryset = leads
        self.fields["partners"].queryset = partners

    def clean_planned_start(self):
        """Not in the past: a plan starts from now on (a few minutes' grace for a form
        filled slowly). Missions already under way are recorded by starting them."""
        start = self.cleaned_data["planned_start"]
        if start < timezone.now() - PAST_GRACE:
            raise forms.ValidationError(_("The planned departure is in the past."))
        return start

    def clean_people(self):
        codes = sorted({code.strip().upper() for code in self.cleaned_data["people"] if code})
        found = list(self.candidates.filter(code__in=codes))
        missing = sorted(set(codes) - {p.code for p in found})
        if missing:
            raise forms.ValidationError(
                _("No longer awaiting rescue, or already on a mission: %(codes)s.")
                % {"codes": ", ".join(missing)}
            )
        return found

    def plan_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "route": data["route"],
            "people": data["people"],
            "coordinator": data["coordinator"],
            "planned_start": data["planned_start"],
            "partners": list(data["partners"]),
        }


def default_start() -> dt.datetime:
    """The next full hour, local time."""
    now = timezone.localtime()
    return now.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)


# What each status button does; the view maps the action to a service.
ACTIONS = {
    "start": _("Set off"),
    "pause": _("Pause"),
    "resume": _("Resume"),
    "complete": _("Complete: everyone arrived"),
    "fail": _("Failed: arrested"),
    "abort": _("Abort"),
}

ACTIONS_BY_STATUS = {
    MissionStatus.PLANNED: ("start", "abort"),
    MissionStatus.UNDER_WAY: ("pause", "complete", "fail", "abort"),
    MissionStatus.PAUSED: ("resume", "complete", "fail", "abort"),
}


class StatusForm(forms.Form):
    action = forms.ChoiceField(choices=list(ACTIONS.items()))


class OutcomeForm(forms.Form):
    person = forms.CharField(max_length=12)
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[(value, label) for value, label in Outcome.choices if value != Outcome.TRAVELLING],
    )

    def clean_person(self):
        return self.cleaned_data["person"].strip().upper()


class CheckInForm(forms.Form):
    """A report that reached a coordinator by phone. The hidden key is made fresh for each
    page, so a form sent twice (a double tap, a retried request) is recorded once."""

    key = forms.CharField(min_length=8, max_length=64, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("What happened"), choices=CheckInKind.choices)
    point = forms.CharField(
        label=_("Safe point code (if they arrived further on)"),
        max_length=30,
        required=False,
    )
    delay_hours = forms.IntegerField(
        label=_("Delay in hours"),
        min_value=1,
        max_value=MAX_DELAY_HOURS,
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=MAX_REASON,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Sealed when stored."),
    )

    def report_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "key": data["key"],
            "kind": data["kind"],
            "point": data["point"].strip().upper(),
            "delay_hours": data["delay_hours"],
            "reason": data["reason"],
        }


class CostForm(ConfirmLargeAmount, MoneyForm):
    """A mission's cost. One above its currency's ceiling (``base.ceilings``) is saved only
    with "confirm this amount" ticked; the box is always shown, as this form's errors come
    back as messages on the mission page."""

    amount_fields = ("amount",)
    zero_amounts = ("amount",)

    description = forms.CharField(
        label=_("What for"),
        max_length=120,
        help_text=_("e.g. bus tickets; no places or names"),
    )
    amount = amount_field(label=_("Amount"))
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCIES)
    spent_on = DateField(
        label=_("Spent on"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    confirm_amount = confirm_field(
        help_text=_("Needed only for an amount above its currency's ceiling.")
    )

    def clean(self):
        data = super().clean()
        if data.get("amount_minor") and data.get("currency"):
            self.confirm_large(amount_minor=data["amount_minor"], currency=data["currency"])
        return data

    def cost_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "description": data["description"],
            "amount_minor": data["amount_minor"],
            "currency": data["currency"],
            "spent_on": data["spent_on"],
        }


class LinkForm(forms.Form):
    partner = forms.ModelChoiceField(
        label=_("Field partner"), queryset=None, to_field_name="code", empty_label=None
    )

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners
