"""Reading a spreadsheet saved as CSV, defensively.

Files come from Excel in Korean or English, from LibreOffice and from hand-edited text, and
may be hostile. This module turns bytes into rows of cells and refuses, with the row and
column named, what cannot be read safely: a file too large, an encoding it cannot tell, a
cell of megabytes, a quote never closed. Knowing what the columns mean is the caller's job.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import hashlib
import os
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.utils.translation import gettext as _

MAX_FILE_BYTES = 200 * 1024 * 1024
# The csv module's own limit: past it the reader gives up on the row and the file. It is
# well above MAX_CELL so that long notes in columns the import ignores do not stop it.
CSV_FIELD_LIMIT = 64 * 1024
# Longest cell the import accepts in a column it reads.
MAX_CELL = 1000

_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_FORMULA_STARTS = frozenset("=+@\t\r\n")


@dataclass(frozen=True)
class RowError:
    """One problem, located as the spreadsheet shows it: row 1 is the header.

    The message never quotes a name; it may quote a cell of a non-identifying column.
    """

    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        if self.row is not None and self.column:
            return _("Row %(row)s, column %(column)s: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        if self.row is not None:
            return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return self.message


class Unreadable(Exception):
    """The file as a whole cannot be read (too large, undecodable, malformed)."""

    def __init__(self, error: RowError) -> None:
        super().__init__(str(error))
        self.error = error


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    sha256: str
    size: int


def read_bytes(source) -> bytes:
    """The file's bytes from a path, bytes, or a binary or text file object, refusing
    anything over ``MAX_FILE_BYTES`` without reading all of it."""
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    elif isinstance(source, str | os.PathLike):
        with Path(source).open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    else:
        data = _read_handle(source)
    if len(data) > MAX_FILE_BYTES:
        raise Unreadable(
            RowError(
                None,
                "",
                _("The file is larger than %(mb)s MB; split it into parts.")
                % {"mb": MAX_FILE_BYTES // (1024 * 1024)},
            )
        )
    return data


def _read_handle(handle: IO) -> bytes:
    if hasattr(handle, "chunks"):  # a Django UploadedFile
        parts, size = [], 0
        for chunk in handle.chunks():
            parts.append(chunk)
            size += len(chunk)
            if size > MAX_FILE_BYTES:
                break
        return b"".join(parts)
    data = handle.read(MAX_FILE_BYTES + 1)
    # A text file object has already been decoded; encode it back so one path checks all.
    return data.encode("utf-8") if isinstance(data, str) else data


def decode(data: bytes) -> Decoded:
    """Text from bytes: a BOM decides; else strict UTF-8; else CP949 (Korean Excel's
    "CSV" format, a superset of EUC-KR). Nothing is guessed beyond that."""
    digest = hashlib.sha256(data).hexdigest()
    if data[:4] == b"PK\x03\x04" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise Unreadable(
            RowError(
                None,
                "",
                _(
                    "This is an Excel workbook, not a CSV file: in Excel, use "
                    "Save As and choose “CSV UTF-8”."
                ),
            )
        )
    if data.startswith(codecs.BOM_UTF8):
        candidates = [("utf-8", data[len(codecs.BOM_UTF8) :], len(codecs.BOM_UTF8))]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = [("utf-16", data, 0)]
    elif b"\x00" in data[:4096] and len(data) % 2 == 0:
        # UTF-16 saved without a BOM: every other byte of plain Latin text is zero.
        little = data[1:4096:2].count(0) > data[0:4096:2].count(0)
        candidates = [("utf-16-le" if little else "utf-16-be", data, 0)]
    else:
        candidates = [("utf-8", data, 0), ("cp949", data, 0)]
    furthest = None
    for encoding, body, skipped in candidates:
        try:
            text = body.decode(encoding)
        except UnicodeDecodeError as exc:
            # The encoding that got furthest is most likely the file's: name its failure.
            offset = exc.start + skipped
            if furthest is None or offset > furthest[1]:
                furthest = (encoding, offset)
            continue
        return Decoded(text=text, encoding=encoding, sha256=digest, size=len(data))
    encoding, offset = furthest
    if encoding.startswith("utf-16"):
        row = data[:offset].decode(encoding, errors="replace").count("\n") + 1
    else:
        row = data.count(b"\n", 0, offset) + 1
    raise Unreadable(
        RowError(
            row,
            "",
            _(
                "byte %(offset)s cannot be read as UTF-8, UTF-16 or CP949/EUC-KR; save the "
                "file as “CSV UTF-8” and try again."
            )
            % {"offset": offset},
        )
    )


def sniff_delimiter(text: str) -> str:
    """Comma, unless the header line has more tabs (Excel's "Unicode text") or semicolons
    (Excel where the decimal mark is a comma)."""
    for line in _lines(text):
        if line.strip():
            counts = {d: line.count(d) for d in (",", "\t", ";")}
            best = max(counts, key=lambda d: counts[d])
            return best if counts[best] > counts[","] else ","
    return ","


def _lines(text: str) -> Iterator[str]:
    # Only "\n" ends a line here (str.splitlines would also split at \x0c, \u2028, ...,
    # which may sit inside a cell). A file from old Mac Excel ends lines with "\r" alone.
    if "\n" not in text and "\r" in text:
        text = text.replace("\r", "\n")
    position, end = 0, len(text)
    while position < end:
        newline = text.find("\n", position)
        if newline == -1:
            yield text[position:]
            return
        yield text[position : newline + 1]
        position = newline + 1


@contextlib.contextmanager
def _field_size_limit(limit: int):
    # Process-wide in the csv module; restored afterwards.
    previous = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


class _TrackedLines:
    """Feeds the csv reader and keeps the lines of the record being read, so that an
    error can be placed in its column."""

    def __init__(self, text: str) -> None:
        self._lines = _lines(text)
        self.current: list[str] = []
        self.consumed = 0

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.current.append(line)
        self.consumed += 1
        return line


def records(
    text: str,
    *,
    delimiter: str,
    header_of: Callable[[], list[str] | None] = lambda: None,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) for every record, blank ones included so that row numbers are
    the spreadsheet's. ``header_of`` gives the column names once known, to name the column
    of an unreadable cell. Raises ``Unreadable`` at the first record the csv module
    refuses: what follows it cannot be trusted to be split where the author meant."""
    total_lines = text.count("\n") + 1
    lines = _TrackedLines(text)
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    number = 0
    with _field_size_limit(CSV_FIELD_LIMIT):
        while True:
            lines.current.clear()
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                raise Unreadable(
                    _malformed(number + 1, exc, lines, delimiter, header_of())
                ) from None
            number += 1
            if progress is not None and number % 1000 == 0:
                progress(lines.consumed, total_lines)
            yield number, cells
    if progress is not None:
        progress(total_lines, total_lines)


def _malformed(row, exc, lines, delimiter, header) -> RowError:
    text = "".join(lines.current)
    index = _column_at_fault(text, delimiter)
    if header is not None and index < len(header) and header[index]:
        column = header[index]
    else:
        column = _("column %(n)s") % {"n": index + 1}
    reason = str(exc)
    if "field limit" in reason:
        message = _(
            "a cell is longer than %(limit)s characters; the file was not read further."
        ) % {"limit": CSV_FIELD_LIMIT}
    elif "end of data" in reason:
        message = _("a quoted cell is never closed; the file was not read further.")
    elif "expected after" in reason:
        message = _(
            "a closing quote is followed by more text in the same cell; the file "
            "was not read further."
        )
    elif "new-line" in reason:
        message = _(
            "a line break inside a cell that is not in quotes; the file was not read further."
        )
    else:
        message = _("the CSV cannot be read here; the file was not read further.")
    return RowError(row, column, message)


def _column_at_fault(text: str, delimiter: str) -> int:
    """Index of the cell where a CSV record breaks: one too long, a quote never closed, or
    text after a closing quote. Jumps with ``str.find``, so a 10 MB cell costs little."""
    position, column, end = 0, 0, len(text)
    while position < end:
        start = position
        if text[position] == '"':
            cursor = position + 1
            while True:
                quote = text.find('"', cursor)
                if quote == -1:
                    return column
                if text.startswith('""', quote):
                    cursor = quote + 2
                    continue
                break
            position = quote + 1
            if position < end and text[position] not in (delimiter, "\r", "\n"):
                return column
        else:
            stops = [
                i
                for i in (
                    text.find(delimiter, position),
                    text.find("\n", position),
                    text.find("\r", position),
                )
                if i != -1
            ]
            position = min(stops) if stops else end
        if position - start > CSV_FIELD_LIMIT:
            return column
        if position >= end or text[position] in "\r\n":
            return column
        position += 1
        column += 1
    return column


# --- cells ---------------------------------------------------------------------------------


def looks_like_formula(cell: str) -> bool:
    """Would a spreadsheet run this cell? (=, +, @, a leading tab or line break, or "-"
    followed by something that is not a letter: "-2+3", "-cmd" is a name fragment.)"""
    if not cell:
        return False
    if cell[0] in _FORMULA_STARTS:
        return True
    # Full-width signs (U+FF1D, U+FF0B) become the ASCII ones under NFKC; some programs do that.
    stripped = unicodedata.normalize("NFKC", cell.lstrip()[:2])
    if stripped[:1] in ("=", "+", "@"):
        return True
    return stripped.startswith("-") and len(stripped) > 1 and not stripped[1].isalpha()


def has_control_characters(cell: str) -> bool:
    """Control characters (NUL, escape, ...) or bidirectional overrides, which can make a
    name display as something else. Tabs and line breaks are whitespace, collapsed later."""
    for char in cell:
        code = ord(char)
        if (code < 32 and char not in "\t\r\n") or code == 127 or char in _BIDI_CONTROLS:
            return True
    return False
