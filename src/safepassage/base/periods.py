"""Periods of whole days in the organisation's time zone (``settings.TIME_ZONE``).

A report counts a month as the organisation lives it: an arrival at 00:30 on 1 June in
Seoul is June's, whatever the server's clock or the reader's time zone says. Every
selector that cuts moments (aware datetimes) by a period of dates goes through these, so
two figures of one report never disagree about an edge.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The moments of the days ``start`` to ``end`` (both included) as a half-open range
    ``[lo, hi)``: local midnight of ``start`` and of the day after ``end``."""
    zone = timezone.get_default_timezone()
    lo = dt.datetime.combine(start, dt.time(), tzinfo=zone)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    return lo, hi


def local_day(moment: dt.datetime) -> dt.date:
    """The organisation's date of an aware moment."""
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


def month_of(day: dt.date | dt.datetime) -> str:
    """ "2026-05": the month of a date, or of a moment in the organisation's time zone."""
    if isinstance(day, dt.datetime):
        day = local_day(day)
    return f"{day.year:04d}-{day.month:02d}"


def months(start: dt.date, end: dt.date) -> list[str]:
    """Every month from ``start``'s to ``end``'s, both included, oldest first."""
    found = []
    index, last = start.year * 12 + start.month - 1, end.year * 12 + end.month - 1
    while index <= last:
        found.append(f"{index // 12:04d}-{index % 12 + 1:02d}")
        index += 1
    return found
