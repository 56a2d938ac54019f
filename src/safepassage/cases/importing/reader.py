"""Reading a spreadsheet of people: every row checked before anything is written.

Every problem is collected (row and column named, names never quoted); a valid row becomes
a ``services.Arrival``. Source keys are keyed hashes (HMAC-SHA-256 with a key derived from
the blind-index secret, which is not in the database), not plain SHA-256: the row-hash key
covers a full name, sex, birth year and province, and a plain hash of that could confirm a
guessed identity from a database dump. They include the team, so two teams' spreadsheets
that both number their rows 1, 2, 3 do not skip each other's people. Changing the
blind-index secret therefore makes an old file import again as new.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
import unicodedata
from collections.abc import Callable

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from safepassage.base.csv_in import cells as read_cell
from safepassage.base.csv_in.source import (
    MAX_CELL,
    RowError,
    Unreadable,
    has_control_characters,
    looks_like_formula,
    records,
    sniff_delimiter,
)
from safepassage.cases import services
from safepassage.cases.importing import vocabulary as words
from safepassage.cases.models import Sex, Status, Team
from safepassage.vault import derived

COLUMNS = (
    "source_id",
    "group",
    "surname",
    "given_name",
    "sex",
    "birth_year",
    "age",
    "province",
    "status",
    "arrived_on",
    "born_abroad",
)
NAME_COLUMNS = frozenset({"surname", "given_name"})
MAX_ERRORS_KEPT = 1000
# Cells that mean "nothing here". Words only outside name columns: "Na" is a surname.
_EMPTY_MARKS = frozenset({"-", "?", "\u2014", "\u2013", "--"})  # and em and en dashes
_EMPTY_WORDS = frozenset({"n/a", "na", "none", "unknown", "모름", "미상", "없음"})
# Most cells: ASCII letters and digits or Hangul syllables, with single spaces and . - /
# inside. Such a cell is no formula, holds no control character and has no spacing to
# collapse, so the checks in ``clean_cells`` are skipped for it (they would pass it as is).
_PLAIN_CELL = re.compile(
    r"[0-9A-Za-z\uac00-\ud7a3][0-9A-Za-z\uac00-\ud7a3./-]*(?: [0-9A-Za-z\uac00-\ud7a3./-]+)*"
)

Progress = Callable[[str, int, int], None]


def _column_name(header_cell: str) -> str:
    name = unicodedata.normalize("NFKC", header_cell).replace("\ufeff", "").strip().casefold()
    return re.sub(r"[\s\-]+", "_", name).strip("_")


def _source_key_secret() -> bytes:
    return derived.key("import-source:cases")


def _is_hangul(text: str) -> bool:
    return all("\uac00" <= char <= "\ud7a3" for char in text)


def full_name(surname: str, given_name: str) -> str:
    """Surname first, as Koreans write it; "김" and "영희" make "김영희"."""
    if surname and given_name:
        if _is_hangul(surname) and _is_hangul(given_name):
            return surname + given_name
        return f"{surname} {given_name}"
    return surname or given_name


class Reader:
    """Checks every row and collects the problems; keeps the valid rows."""

    def __init__(self, *, team: Team, today: dt.date) -> None:
        self.team_id = str(team.pk)
        self.today = today
        # Read once: asking for the current time zone per row cost a tenth of the reading.
        self.tz = timezone.get_current_timezone()
        self.parsed: dict[tuple, tuple] = {}
        self.secret = _source_key_secret()
        self._keyed = hmac.new(self.secret, digestmod=hashlib.sha256)
        self._json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
        self.errors: list[RowError] = []
        self.error_count = 0
        self.rejected_rows: set[int] = set()
        self.index: dict[str, int] = {}
        self.display: dict[str, str] = {}
        self.header: list[str] | None = None
        self.ignored: list[str] = []
        self.blank_rows = 0
        self.estimated = 0
        self.sex_not_recorded = 0
        self.seen: dict[str, int] = {}
        self.width = 0

    def error(self, row: int | None, column: str, message: str) -> None:
        self.error_count += 1
        if row is not None:
            self.rejected_rows.add(row)
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append(RowError(row, self.display.get(column, column), message))

    def notes(self, encoding: str) -> list[str]:
        notes = []
        if encoding == "cp949":
            notes.append(_("The file was read as CP949/EUC-KR (Korean Excel's CSV)."))
        elif encoding.startswith("utf-16"):
            notes.append(_("The file was read as UTF-16."))
        if self.ignored:
            notes.append(
                _("Columns not imported: %(columns)s.") % {"columns": ", ".join(self.ignored)}
            )
        if self.blank_rows:
            notes.append(_("%(n)s blank rows skipped.") % {"n": self.blank_rows})
        if self.estimated:
            notes.append(_("%(n)s birth years estimated from an age.") % {"n": self.estimated})
        if self.sex_not_recorded:
            notes.append(
                ngettext(
                    "%(n)s person with sex not recorded (the source does not say).",
                    "%(n)s people with sex not recorded (the source does not say).",
                    self.sex_not_recorded,
                )
                % {"n": self.sex_not_recorded}
            )
        return notes

    def read(self, text: str, *, progress: Progress | None) -> list[services.Arrival]:
        rows: list[services.Arrival] = []
        reporter = (
            None if progress is None else (lambda done, total: progress("reading", done, total))
        )
        try:
            for number, cells in records(
                text,
                delimiter=sniff_delimiter(text),
                header_of=lambda: self.header,
                progress=reporter,
            ):
                if not any(cell.strip() for cell in cells):
                    if self.header is not None:
                        self.blank_rows += 1
                    continue
                if self.header is None:
                    if not self.read_header(number, cells):
                        return []
                    continue
                row = self.read_row(number, cells)
                if row is not None:
                    rows.append(row)
        except Unreadable as exc:
            self.error(exc.error.row, exc.error.column, exc.error.message)
            return []
        if self.header is None:
            self.error(None, "", _("The file is empty."))
        return rows

    def read_header(self, number: int, cells: list[str]) -> bool:
        self.header = [_column_name(cell) for cell in cells]
        for position, (name, cell) in enumerate(zip(self.header, cells, strict=True)):
            if name in COLUMNS:
                if name in self.index:
                    self.error(number, name, _("this column appears twice."))
                self.index[name] = position
                self.display[name] = words.quoted(cell.strip(), 40)[1:-1]
            elif name:
                self.ignored.append(words.quoted(cell.strip(), 40)[1:-1])
        missing = []
        if "surname" not in self.index and "given_name" not in self.index:
            missing.append(_("surname or given_name"))
        if "sex" not in self.index:
            missing.append("sex")
        if missing:
            # Only the known names are quoted: a file without a header row has its first
            # person's cells here, names included.
            known = [self.display[name] for name in COLUMNS if name in self.index]
            self.error(
                number,
                "",
                _(
                    "required columns missing: %(missing)s. This row is read as the header; "
                    "the columns it names that the import knows: %(known)s; others: %(n)s."
                )
                % {
                    "missing": "; ".join(missing),
                    "known": ", ".join(known) or "—",
                    "n": len(self.ignored),
                },
            )
            self.ignored = []
        self.width = len(cells)
        return not self.error_count

    def clean_cells(self, number: int, cells: list[str]) -> dict[str, str] | None:
        values: dict[str, str] = {}
        ok = True
        for name, position in self.index.items():
            raw = cells[position] if position < len(cells) else ""
            if not raw:
                values[name] = ""
                continue
            if len(raw) > MAX_CELL:
                self.error(
                    number, name, _("the cell is longer than %(n)s characters.") % {"n": MAX_CELL}
                )
                ok = False
                continue
            if _PLAIN_CELL.fullmatch(raw):
                value = raw  # what the checks below would pass and leave as it is
            elif looks_like_formula(raw):
                self.error(
                    number,
                    name,
                    _(
                        "the cell looks like a spreadsheet formula "
                        "(it starts with =, +, -, @ or a tab); remove it."
                    ),
                )
                ok = False
                continue
            elif has_control_characters(raw):
                self.error(number, name, _("the cell contains control characters."))
                ok = False
                continue
            else:
                value = " ".join(raw.split())
            if value in _EMPTY_MARKS or (
                name not in NAME_COLUMNS and value.casefold() in _EMPTY_WORDS
            ):
                value = ""
            values[name] = value
        if len(cells) > self.width and any(cell.strip() for cell in cells[self.width :]):
            self.error(
                number,
                _("column %(n)s") % {"n": self.width + 1},
                _("the row has more cells than the header has columns."),
            )
            ok = False
        return values if ok else None

    def read_row(self, number: int, cells: list[str]) -> services.Arrival | None:
        values = self.clean_cells(number, cells)
        if values is None:
            return None
        before = self.error_count
        get = values.get

        surname, given_name = get("surname", ""), get("given_name", "")
        if not surname and not given_name:
            column = "surname" if "surname" in self.index else "given_name"
            self.error(number, column, _("a name is needed, even a partial one."))

        # An empty cell is "not recorded": many published lists give no sex.
        sex = Sex.NOT_RECORDED
        if get("sex"):
            sex = self.parse(number, "sex", words.parse_sex, get("sex")) or Sex.NOT_RECORDED

        born_abroad = False
        if get("born_abroad"):
            born_abroad = bool(
                self.parse(number, "born_abroad", read_cell.parse_yes_no, get("born_abroad"))
            )

        province = ""
        if get("province"):
            province = self.parse(number, "province", words.parse_province, get("province"))
            if province and born_abroad:
                self.error(
                    number, "province", _("a person born outside North Korea has no home province.")
                )

        arrived, arrived_key = None, ""
        if get("arrived_on"):
            parsed = self.parse(
                number, "arrived_on", read_cell.parse_date_or_month, get("arrived_on")
            )
            if parsed:
                arrived, is_month = parsed
                arrived_key = arrived.strftime("%Y-%m" if is_month else "%Y-%m-%d")
                if arrived > self.today:
                    self.error(
                        number,
                        "arrived_on",
                        _("%(cell)s is in the future.") % {"cell": words.quoted(get("arrived_on"))},
                    )
                    arrived = None

        birth_year, estimated = self.birth_year(number, get("birth_year"), get("age"), arrived)

        status = Status.ARRIVED if arrived_key else Status.INTAKE
        if get("status"):
            status = self.parse(number, "status", words.parse_status, get("status")) or status

        if self.error_count > before:
            return None

        group = get("group", "").casefold()
        source_id = get("source_id", "")
        if source_id:
            person_key = "csv:" + self.digest("source_id", source_id)
        else:
            person_key = "csvrow:" + self.digest(
                "row",
                surname.casefold(),
                given_name.casefold(),
                sex,
                get("birth_year"),
                get("age"),
                province,
                status,
                arrived_key,
                group,
                born_abroad,
            )
        first = self.seen.get(person_key)
        if first is not None:
            if source_id:
                self.error(
                    number,
                    "source_id",
                    _("the same source_id as row %(first)s.") % {"first": first},
                )
            else:
                self.error(
                    number,
                    "source_id",
                    _(
                        "the row repeats row %(first)s exactly; give each row a "
                        "source_id if they are two people."
                    )
                    % {"first": first},
                )
            return None
        self.seen[person_key] = number
        if group:
            case_key = "csvgroup:" + self.digest("group", group, arrived_key)
        else:
            case_key = "csvcase:" + self.digest("case", person_key)

        status_since = None
        if status == Status.ARRIVED and arrived is not None:
            status_since = timezone.make_aware(dt.datetime.combine(arrived, dt.time(12)), self.tz)
        self.estimated += estimated
        self.sex_not_recorded += sex == Sex.NOT_RECORDED
        return services.Arrival(
            source_key=person_key,
            case_key=case_key,
            in_family=bool(group),
            real_name=full_name(surname, given_name),
            surname=surname,
            sex=sex,
            birth_year=birth_year,
            estimated=estimated,
            province=province,
            born_abroad=born_abroad,
            status=status,
            status_since=status_since,
            opened_on=arrived or self.today,
        )

    def parse(self, number: int, column: str, parser, cell: str):
        # The parsers depend on the cell alone, and a sheet repeats its spellings ("F",
        # "함북", "arrived"): each distinct cell is parsed once per file.
        try:
            value, problem = self.parsed[parser, cell]
        except KeyError:
            try:
                value, problem = parser(cell), None
            except read_cell.BadCell as exc:
                value, problem = None, str(exc)
            self.parsed[parser, cell] = value, problem
        if problem is not None:
            self.error(number, column, problem)
        return value

    def birth_year(self, number, year_cell, age_cell, arrived) -> tuple[int | None, bool]:
        year = age = None
        if year_cell:
            year = self.parse(number, "birth_year", read_cell.parse_whole_number, year_cell)
        if age_cell:
            age = self.parse(number, "age", read_cell.parse_whole_number, age_cell)
        if year is None and age is None:
            return None, False
        if year is not None and year > self.today.year:
            self.error(number, "birth_year", _("A birth year cannot be in the future."))
            return None, False
        # An age in an old sheet is the age when the row was written, most likely on
        # arrival: measure from then, or a 2015 list would contradict itself today.
        reference = arrived or self.today
        if year is not None and year > reference.year:
            self.error(number, "birth_year", _("the birth year is after the arrival date."))
            return None, False
        try:
            return services.check_birth_year(birth_year=year, age=age, today=reference)
        except services.CaseError as exc:
            for column, messages in exc.message_dict.items():
                for message in messages:
                    self.error(number, column, message)
            return None, False

    def digest(self, *parts) -> str:
        message = self._json([self.team_id, *parts])
        # The keyed state is set up once; a copy of it is cheaper than a new hmac per row.
        keyed = self._keyed.copy()
        keyed.update(message.encode())
        # 48 hex digits (192 bits) keep "csvgroup:" + digest within the 64-character column.
        return keyed.hexdigest()[:48]
