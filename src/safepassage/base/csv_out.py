"""Writing CSV that a spreadsheet opens safely.

A cell that starts like a formula (``=``, ``+``, ``-``, ``@``, a tab or a carriage return)
gets a leading apostrophe, as OWASP advises, so that a name or a note typed by an outsider
never runs as a formula on a staff member's computer.
"""

from __future__ import annotations

from decimal import Decimal

from django.http import StreamingHttpResponse
from django.utils import timezone

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    """A cell a spreadsheet would run as a formula gets a leading apostrophe (OWASP)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class Echo:
    """A file-like object whose ``write`` returns its argument: ``csv.writer(Echo())``
    turns each row into a string for a ``StreamingHttpResponse``."""

    def write(self, value):
        return value


def csv_cell(value) -> str:
    """Numbers we computed go out as numbers (a refund's "-100.00" is not a formula);
    everything else is neutralised so that a spreadsheet never runs it."""
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return str(value)
    return neutralise(value)


def csv_response(rows, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response
