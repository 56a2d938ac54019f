"""Cells as people write them in spreadsheets: yes and no, whole numbers, dates and months.

Each ``parse_*`` function takes a stripped, non-empty cell and returns the value or raises
``BadCell`` with a message that is safe to show (it may quote the cell: the columns these
read hold no names). Domain words (provinces, statuses) live with their app's importer and
build on ``key`` and ``quoted``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.utils.translation import gettext as _


class BadCell(ValueError):
    """A cell that cannot be read; ``str(exc)`` is the message for the row's report."""


def quoted(cell: str, limit: int = 30) -> str:
    """A cell fit to quote in an error: printable and short."""
    cell = "".join(c for c in cell if c.isprintable())
    return f"“{cell[:limit]}…”" if len(cell) > limit else f"“{cell}”"


def key(value: str) -> str:
    """Lower case, no accents (ŏ, ŭ), no spaces, hyphens, apostrophes or dots."""
    text = unicodedata.normalize("NFKD", value)
    # NFC again afterwards: NFKD also takes Hangul syllables apart into their letters.
    text = unicodedata.normalize("NFC", "".join(c for c in text if not unicodedata.combining(c)))
    return "".join(c for c in text.casefold() if c.isalnum())


# Not "O" or "X": in Korean sheets they mean yes and no, in others a ticked box.
_YES = {key(w) for w in ("yes", "y", "true", "1", "예", "네", "있음")}
_NO = {key(w) for w in ("no", "n", "false", "0", "아니오", "아니요", "없음")}


def parse_yes_no(cell: str) -> bool:
    word = key(cell)
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise BadCell(_("%(cell)s is neither yes nor no.") % {"cell": quoted(cell)})


# --- numbers and dates --------------------------------------------------------------------

# "1990", "1990.0" (a spreadsheet's number), "1990년", "1990년생", "35세", "35살".
_NUMBER = re.compile(r"(\d{1,4})(?:\.0+)?\s*(?:년생|년|세|살)?")


def parse_whole_number(cell: str) -> int:
    match = _NUMBER.fullmatch(cell)
    if match is None:
        raise BadCell(_("%(cell)s is not a whole number.") % {"cell": quoted(cell)})
    return int(match.group(1))


_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_DAY = re.compile(r"(\d{4})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})\.?" + _TIME)
_MONTH = re.compile(r"(\d{4})\s*[-./]\s*(\d{1,2})\.?")
_KOREAN_DATE = re.compile(r"(\d{4})\s*년\s*(\d{1,2})\s*월(?:\s*(\d{1,2})\s*일)?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})?")


def parse_date_or_month(cell: str) -> tuple[dt.date, bool]:
    """(date, is_month): "2019-03-05", "2019.3.5.", "2019년 3월 5일", or a month "2019-03",
    "2019년 3월" (then the first of the month). Day-first or month-first forms such as
    "05/03/2019" are refused: which one is meant cannot be told."""
    year = month = day = None
    for pattern in (_DAY, _MONTH, _KOREAN_DATE, _COMPACT):
        match = pattern.fullmatch(cell)
        if match:
            groups = match.groups()
            year, month = int(groups[0]), int(groups[1])
            day = int(groups[2]) if len(groups) > 2 and groups[2] else None
            break
    else:
        raise BadCell(
            _("%(cell)s is not a date; write YYYY-MM-DD or, for a month, YYYY-MM.")
            % {"cell": quoted(cell)}
        )
    try:
        value = dt.date(year, month, day or 1)
    except ValueError:
        raise BadCell(_("%(cell)s is not a real date.") % {"cell": quoted(cell)}) from None
    if value.year < 1900:
        raise BadCell(_("%(cell)s is too long ago.") % {"cell": quoted(cell)})
    return value, day is None
