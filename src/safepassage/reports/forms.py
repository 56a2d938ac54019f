"""Forms for the reports' staff pages. Periods are typed as months ("2026-05"); every
figure comes from the records, so no form takes a number of people or an amount."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safepassage.funds.models import Channel
from safepassage.reports.models import Audience, Language, SectionKind

_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


class MonthInput(forms.TextInput):
    input_type = "month"

    def __init__(self):
        super().__init__(attrs={"placeholder": "2026-05", "pattern": r"\d{4}-\d{2}"})


def parse_month(text: str) -> dt.date:
    """ "2026-05" → 1 May 2026, or a ValidationError that says what to type."""
    found = _MONTH.match(text or "")
    if not found or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 1900:
        raise forms.ValidationError(_("Type a month as year-month, e.g. 2026-05."))
    return dt.date(int(found.group(1)), int(found.group(2)), 1)


class MonthField(forms.CharField):
    widget = MonthInput

    def __init__(self, **kwargs):
        super().__init__(max_length=7, **kwargs)

    def prepare_value(self, value):
        return f"{value:%Y-%m}" if isinstance(value, dt.date) else value

    def clean(self, value):
        return parse_month(super().clean(value))


class ReportForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    period_from = MonthField(label=gettext_lazy("From (month)"))
    period_to = MonthField(label=gettext_lazy("To (month, included)"))
    audience = forms.ChoiceField(label=gettext_lazy("Audience"), choices=Audience.choices)
    channel = forms.ChoiceField(
        label=gettext_lazy("Channel (for one channel's donors)"),
        choices=[("", "—"), *Channel.choices],
        required=False,
    )
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=Language.choices)

    def clean(self):
        data = super().clean()
        start, end = data.get("period_from"), data.get("period_to")
        if start and end and end < start:
            self.add_error("period_to", _("The period ends before it starts."))
        if data.get("audience") == Audience.CHANNEL and not data.get("channel"):
            self.add_error("channel", _("Choose the channel whose donors receive the report."))
        return data

    def report_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "period_start": data["period_from"],
            "period_end": data["period_to"],
            "audience": data["audience"],
            "channel": data.get("channel") or "",
            "language": data["language"],
            "base_currency": settings.BASE_CURRENCY,
        }

    @staticmethod
    def initial_for(report) -> dict:
        return {
            "title": report.title,
            "period_from": report.period_start,
            "period_to": report.period_end,
            "audience": report.audience,
            "channel": report.channel,
            "language": report.language,
        }


class SectionTextForm(forms.Form):
    heading_ko = forms.CharField(
        label=gettext_lazy("Heading (Korean)"), max_length=200, required=False
    )
    heading_en = forms.CharField(
        label=gettext_lazy("Heading (English)"), max_length=200, required=False
    )
    text_ko = forms.CharField(
        label=gettext_lazy("Text (Korean)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    text_en = forms.CharField(
        label=gettext_lazy("Text (English)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )


class SectionAddForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Add a section"), choices=SectionKind.choices)
    photo = forms.FileField(label=gettext_lazy("Photo (for a photo section)"), required=False)


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("What should change"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why it is retracted"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ChangesForm(forms.Form):
    changes = forms.CharField(
        label=gettext_lazy("What this correction changes"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ApproveForm(forms.Form):
    reviewed = forms.CharField(widget=forms.HiddenInput, max_length=64)


class CadenceForm(forms.Form):
    months = forms.IntegerField(
        label=gettext_lazy("A report every (months)"), min_value=1, max_value=12
    )
    grace_days = forms.IntegerField(
        label=gettext_lazy("Days after the period to publish it"), min_value=0, max_value=120
    )
    starts_on = MonthField(label=gettext_lazy("First period starts (month)"))
