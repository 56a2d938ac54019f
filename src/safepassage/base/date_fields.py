"""Date and date-time form fields with a sane range, for every form in the project.

A date a browser lets through (``9999-12-31``, ``0001-01-01``) parses, and then a service's
date arithmetic overflows into a server error. Every date field is therefore one of these:
from 1 January 1900 to ten years from today unless the field says otherwise (``earliest``
and ``latest``: a date, or a callable for one read at validation time, e.g.
``latest=timezone.localdate`` for a date that cannot be in the future). A date outside
the range is a form error naming the range.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

EARLIEST = dt.date(1900, 1, 1)
YEARS_AHEAD = 10

Bound = dt.date | Callable[[], dt.date] | None


def ten_years_ahead() -> dt.date:
    today = timezone.localdate()
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


class DateInput(forms.DateInput):
    input_type = "date"


class _Ranged:
    """Keeps a field's value within ``earliest`` … ``latest``."""

    def _setup_range(self, earliest: Bound, latest: Bound) -> None:
        self.earliest = EARLIEST if earliest is None else earliest
        self.latest = ten_years_ahead if latest is None else latest

    @staticmethod
    def _bound(value) -> dt.date:
        return value() if callable(value) else value

    def _check_range(self, day: dt.date) -> None:
        earliest, latest = self._bound(self.earliest), self._bound(self.latest)
        if not earliest <= day <= latest:
            raise ValidationError(
                _("Enter a date from %(earliest)s to %(latest)s."),
                code="out_of_range",
                params={
                    "earliest": formats.date_format(earliest, "SHORT_DATE_FORMAT"),
                    "latest": formats.date_format(latest, "SHORT_DATE_FORMAT"),
                },
            )


class DateField(_Ranged, forms.DateField):
    widget = DateInput

    def __init__(self, *, earliest: Bound = None, latest: Bound = None, **kwargs):
        super().__init__(**kwargs)
        self._setup_range(earliest, latest)

    def validate(self, value):
        super().validate(value)
        if value is not None:
            self._check_range(value)


class DateTimeField(_Ranged, forms.DateTimeField):
    def __init__(self, *, earliest: Bound = None, latest: Bound = None, **kwargs):
        super().__init__(**kwargs)
        self._setup_range(earliest, latest)

    def validate(self, value):
        super().validate(value)
        if value is not None:
            self._check_range(value.date())
