"""CSV files (the platform's export, cash books): decoded and split as the cases importer
does it (``cases.importing.source``: UTF-8 with or without BOM, UTF-16, or CP949/EUC-KR as
Korean Excel saves "CSV"; a quote never closed or a giant cell named by row), then read
as dictionaries keyed by normalised header names."""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Iterator

from django.utils.translation import gettext as _

from safepassage.base.csv_in import source
from safepassage.funds.importing.rows import Parsed, Progress, Unreadable


def header_name(cell: str) -> str:
    """ "Donor Email", "donor-email" and " DONOR_EMAIL " are all ``donor_email``."""
    name = unicodedata.normalize("NFKC", cell).replace("\ufeff", "").strip().casefold()
    return re.sub(r"[\s\-]+", "_", name).strip("_")


def row_position(number: int) -> str:
    return _("row %(n)s") % {"n": number}


def decode(data: bytes, parsed: Parsed) -> str:
    """The file's text; notes the encoding when it is not UTF-8."""
    try:
        decoded = source.decode(data)
    except source.Unreadable as exc:
        raise _undecodable(data, exc.error) from None
    parsed.encoding = decoded.encoding
    if decoded.encoding == "cp949":
        parsed.notes.append(_("The file was read as CP949/EUC-KR (Korean Excel's CSV)."))
    elif decoded.encoding.startswith("utf-16"):
        parsed.notes.append(_("The file was read as UTF-16."))
    return decoded.text


class Table:
    """The header and the records of a CSV file. Row 1 is the header, as a spreadsheet
    numbers it; blank rows are passed over but keep their numbers."""

    def __init__(self, data: bytes, parsed: Parsed) -> None:
        self.text = decode(data, parsed)
        self.header: list[str] | None = None
        self.cells: list[str] = []

    def rows(self, progress: Progress | None = None) -> Iterator[tuple[int, dict[str, str]]]:
        reporter = None if progress is None else (lambda d, t: progress("reading", d, t))
        try:
            for number, cells in source.records(
                self.text,
                delimiter=source.sniff_delimiter(self.text),
                header_of=lambda: self.cells or None,
                progress=reporter,
            ):
                if not any(cell.strip() for cell in cells):
                    continue
                if self.header is None:
                    self.cells = [cell.strip() for cell in cells]
                    self.header = [header_name(cell) for cell in cells]
                    continue
                values = {
                    name: (cells[i] if i < len(cells) else "")
                    for i, name in enumerate(self.header)
                    if name
                }
                if len(cells) > len(self.header) and any(
                    c.strip() for c in cells[len(self.header) :]
                ):
                    values["__extra__"] = "1"
                yield number, values
        except source.Unreadable as exc:
            raise Unreadable(_position(exc.error), exc.error.message) from None


def _position(error: source.RowError) -> str:
    if error.row is None:
        return ""
    if error.column:
        return _("row %(row)s, column %(column)s") % {"row": error.row, "column": error.column}
    return row_position(error.row)


def _undecodable(data: bytes, error: source.RowError) -> Unreadable:
    """Say first what a finance officer can act on: where the file stops being UTF-8."""
    body = data.removeprefix(codecs.BOM_UTF8)
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        if not data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
            offset = exc.start + len(data) - len(body)
            return Unreadable(
                row_position(data.count(b"\n", 0, offset) + 1),
                _(
                    "not UTF-8 at byte %(offset)s (nor CP949/EUC-KR or UTF-16); save the "
                    "file as “CSV UTF-8” and try again."
                )
                % {"offset": offset},
            )
    return Unreadable(_position(error), error.message)
