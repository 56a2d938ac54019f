from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from safepassage.rescue.models import CheckInKind
from safepassage.rescue.services.checkins import MAX_DELAY_HOURS, MAX_HEAD_COUNT, MAX_REASON


class CheckInForm(forms.Form):
    """The field partner's report. ``key`` is minted into the page, so sending the same
    page twice (a bad connection, a double tap) records one check-in. The hidden fields
    have labels too: the error summary names every field its errors belong to."""

    key = forms.CharField(
        label=_("Page key (reload the page)"),
        widget=forms.HiddenInput,
        max_length=64,
        min_length=8,
    )
    point = forms.CharField(
        label=_("Safe point"), widget=forms.HiddenInput, max_length=30, required=False
    )
    kind = forms.ChoiceField(
        label=_("What happened?"), choices=CheckInKind.choices, widget=forms.RadioSelect
    )
    delay_hours = forms.IntegerField(
        label=_("If delayed: how many more hours?"),
        min_value=1,
        max_value=MAX_DELAY_HOURS,
        required=False,
    )
    head_count = forms.IntegerField(
        label=_("How many people are with you now? (optional)"),
        min_value=0,
        max_value=MAX_HEAD_COUNT,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    reason = forms.CharField(
        label=_("Anything to add (optional)"),
        max_length=MAX_REASON,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    pin = forms.CharField(
        label=_("PIN"),
        max_length=12,
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
