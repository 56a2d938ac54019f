"""``import_cases``: people and their families from a spreadsheet, all or nothing.

Three steps. **Read**: every row is checked before anything is written, and every problem
is collected (row and column named, names never quoted). **Plan**: rows already imported
are found by their source key and skipped, so importing a file twice adds nothing.
**Write**: the new cases, groups, people and status histories go in with
``safepassage.base.bulk.insert`` (COPY on PostgreSQL) in batches, sealed by
``vault.records.prepare_for_bulk`` (one INSERT for all data keys of a batch), inside one
transaction.

The audit log gets one entry for the whole import, with the counts and the file's SHA-256,
not one per person: a 100,000-row import would otherwise add 100,000 links to a chain that
serialises every audited write, and the file's hash with the counts already says exactly
what came in. Each person's source key ties them back to their row.

Source keys are keyed hashes (HMAC-SHA-256 with a key derived from the blind-index secret,
which is not in the database), not plain SHA-256: the row-hash key covers a full name, sex,
birth year and province, and a plain hash of that could confirm a guessed identity from a
database dump. They include the team, so two teams' spreadsheets that both number their
rows 1, 2, 3 do not skip each other's people. Changing the blind-index secret therefore
makes an old file import again as new.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import batched

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.audit.chain import record
from safepassage.base import bulk
from safepassage.base.csv_in import cells as read_cell
from safepassage.base.csv_in.source import (
    MAX_CELL,
    RowError,
    Unreadable,
    decode,
    has_control_characters,
    looks_like_formula,
    read_bytes,
    records,
    sniff_delimiter,
)
from safepassage.cases import priority, services
from safepassage.cases.importing import vocabulary as words
from safepassage.cases.models import Case, Group, Person, Status, StatusChange, Team
from safepassage.vault import derived
from safepassage.vault import records as vault_records
from safepassage.vault.fields import protected_fields

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
BATCH_SIZE = 1000
MAX_ERRORS_KEPT = 1000
# Cells that mean "nothing here". Words only outside name columns: "Na" is a surname.
_EMPTY_MARKS = frozenset({"-", "?", "\u2014", "\u2013", "--"})  # and em and en dashes
_EMPTY_WORDS = frozenset({"n/a", "na", "none", "unknown", "모름", "미상", "없음"})

Progress = Callable[[str, int, int], None]


@dataclass
class ImportReport:
    """What an import did (or, for a dry run, would do)."""

    rows: int
    new_people: int
    cases: int
    new_cases: int
    families: int
    already_imported: int
    file_sha256: str
    encoding: str
    dry_run: bool
    rejected_rows: int = 0
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return _(
            "new people: %(people)s (in %(cases)s cases, %(families)s families); "
            "already imported: %(skipped)s; rejected rows: %(rejected)s"
        ) % {
            "people": self.new_people,
            "cases": self.cases,
            "families": self.families,
            "skipped": self.already_imported,
            "rejected": self.rejected_rows,
        }


class ImportRejected(Exception):
    """Nothing was written. ``errors`` holds the first ``MAX_ERRORS_KEPT`` problems in row
    order; ``error_count`` and ``rejected_rows`` count them all."""

    def __init__(
        self,
        errors: list[RowError],
        *,
        error_count: int | None = None,
        rejected_rows: int = 0,
        notes: list[str] | None = None,
    ) -> None:
        self.errors = errors
        self.error_count = len(errors) if error_count is None else error_count
        self.rejected_rows = rejected_rows
        self.notes = notes or []
        super().__init__(
            _("Import refused, nothing was written. Problems: %(errors)s; rows rejected: %(rows)s.")
            % {"errors": self.error_count, "rows": rejected_rows}
        )


@dataclass(slots=True)
class _Row:
    number: int
    person_key: str
    case_key: str
    in_family: bool
    real_name: str
    surname: str
    sex: str
    birth_year: int | None
    estimated: bool
    province: str
    born_abroad: bool
    status: str
    status_since: dt.datetime | None  # None: the time of the import
    opened_on: dt.date


def import_cases(
    source,
    *,
    team: Team,
    actor,
    country: str = "KR",
    dry_run: bool = False,
    progress: Progress | None = None,
    today: dt.date | None = None,
) -> ImportReport:
    """Import the people in a CSV file (a path, bytes, or a file object) into ``team``.

    The caller has checked that ``actor`` may add cases to the team. ``country`` is where
    the cases are (ISO 3166 alpha-2). ``progress(stage, done, total)`` is called now and
    then, with stage "reading" (lines) or "writing" (people). Raises ``ImportRejected``,
    having written nothing, if any row is invalid.
    """
    country = country.strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", country):
        raise ImportRejected(
            [RowError(None, "", _("The country must be a two-letter code such as KR or CN."))]
        )
    try:
        decoded = decode(read_bytes(source))
    except Unreadable as exc:
        raise ImportRejected([exc.error], rejected_rows=int(exc.error.row is not None)) from None
    reader = _Reader(team=team, today=today or timezone.localdate())
    rows = reader.read(decoded.text, progress=progress)
    notes = reader.notes(decoded.encoding)
    if reader.errors:
        raise ImportRejected(
            reader.errors,
            error_count=reader.error_count,
            rejected_rows=len(reader.rejected_rows),
            notes=notes,
        )
    if dry_run:
        plan = _Plan.make(rows)
        return plan.report(rows, decoded, dry_run=True, notes=notes)
    with transaction.atomic():
        # Two imports into one team take turns, so the second sees the first's keys and
        # skips them instead of failing on the unique constraint. (SQLite's BEGIN
        # IMMEDIATE already serialises writers.)
        if not list(Team.objects.select_for_update().filter(pk=team.pk).values_list("pk")):
            raise ImportRejected([RowError(None, "", _("The team no longer exists."))])
        plan = _Plan.make(rows)
        plan.write(team=team, actor=actor, country=country, progress=progress)
        report = plan.report(rows, decoded, dry_run=False, notes=notes)
        record(
            actor=actor,
            action="cases.imported",
            target=team,
            data={
                "rows": report.rows,
                "people": report.new_people,
                "cases": report.cases,
                "new_cases": report.new_cases,
                "families": report.families,
                "already_imported": report.already_imported,
                "file_sha256": decoded.sha256,
                "file_bytes": decoded.size,
                "encoding": decoded.encoding,
                "team": str(team.pk),
                "country": country,
                "dry_run": False,
            },
        )
    return report


# --- reading --------------------------------------------------------------------------------


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


class _Reader:
    """Checks every row and collects the problems; keeps the valid rows."""

    def __init__(self, *, team: Team, today: dt.date) -> None:
        self.team_id = str(team.pk)
        self.today = today
        self.secret = _source_key_secret()
        self.errors: list[RowError] = []
        self.error_count = 0
        self.rejected_rows: set[int] = set()
        self.index: dict[str, int] = {}
        self.display: dict[str, str] = {}
        self.header: list[str] | None = None
        self.ignored: list[str] = []
        self.blank_rows = 0
        self.estimated = 0
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
        return notes

    def read(self, text: str, *, progress: Progress | None) -> list[_Row]:
        rows: list[_Row] = []
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
            elif has_control_characters(raw):
                self.error(number, name, _("the cell contains control characters."))
                ok = False
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

    def read_row(self, number: int, cells: list[str]) -> _Row | None:
        values = self.clean_cells(number, cells)
        if values is None:
            return None
        before = self.error_count
        get = values.get

        surname, given_name = get("surname", ""), get("given_name", "")
        if not surname and not given_name:
            column = "surname" if "surname" in self.index else "given_name"
            self.error(number, column, _("a name is needed, even a partial one."))

        sex = ""
        if not get("sex"):
            self.error(number, "sex", _("the sex is needed (F or M)."))
        else:
            sex = self.parse(number, "sex", words.parse_sex, get("sex"))

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
            status_since = timezone.make_aware(dt.datetime.combine(arrived, dt.time(12)))
        self.estimated += estimated
        return _Row(
            number=number,
            person_key=person_key,
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
        try:
            return parser(cell)
        except read_cell.BadCell as exc:
            self.error(number, column, str(exc))
            return None

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
        message = json.dumps([self.team_id, *parts], ensure_ascii=False, separators=(",", ":"))
        # 48 hex digits (192 bits) keep "csvgroup:" + digest within the 64-character column.
        return hmac.new(self.secret, message.encode(), hashlib.sha256).hexdigest()[:48]


# --- planning and writing -------------------------------------------------------------------


def _existing_keys(model, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for chunk in batched(keys, BATCH_SIZE):
        found.update(
            model.objects.filter(source_key__in=chunk).values_list("source_key", flat=True)
        )
    return found


@dataclass
class _Plan:
    new_rows: list[_Row]
    by_case: dict[str, list[_Row]]
    existing_cases: dict[str, Case]
    existing_groups: dict[str, Group]

    @classmethod
    def make(cls, rows: list[_Row]) -> _Plan:
        imported = _existing_keys(Person, [row.person_key for row in rows])
        new_rows = [row for row in rows if row.person_key not in imported]
        by_case: dict[str, list[_Row]] = {}
        for row in new_rows:
            by_case.setdefault(row.case_key, []).append(row)
        existing_cases: dict[str, Case] = {}
        for chunk in batched(list(by_case), BATCH_SIZE):
            for case in Case.objects.filter(source_key__in=chunk):
                existing_cases[case.source_key] = case
        existing_groups: dict[str, Group] = {}
        family_cases = [c.pk for k, c in existing_cases.items() if by_case[k][0].in_family]
        for chunk in batched(family_cases, BATCH_SIZE):
            for group in Group.objects.filter(case__in=chunk).order_by("-created_at"):
                existing_groups[group.case_id] = group  # the oldest group wins
        return cls(new_rows, by_case, existing_cases, existing_groups)

    def report(self, rows, decoded, *, dry_run: bool, notes: list[str]) -> ImportReport:
        notes = list(notes)
        if rows and not self.new_rows:
            notes.append(_("Nothing new: every row was imported before."))
        return ImportReport(
            rows=len(rows),
            new_people=len(self.new_rows),
            cases=len(self.by_case),
            new_cases=len(self.by_case) - len(self.existing_cases),
            families=sum(1 for rows_ in self.by_case.values() if rows_[0].in_family),
            already_imported=len(rows) - len(self.new_rows),
            file_sha256=decoded.sha256,
            encoding=decoded.encoding,
            dry_run=dry_run,
            notes=notes,
        )

    def write(self, *, team: Team, actor, country: str, progress: Progress | None) -> None:
        now = timezone.now()
        user = actor if getattr(actor, "pk", None) and hasattr(actor, "email") else None
        year = timezone.localdate().year
        batch = _Batch(now=now, user=user, year=year)
        families = 0
        total, done = len(self.new_rows), 0
        touched: list[Case] = []
        for key, rows in self.by_case.items():
            case = self.existing_cases.get(key)
            if case is None:
                case = Case(
                    code=batch.code(),
                    team=team,
                    country=country,
                    opened_on=rows[0].opened_on,
                    source_key=key,
                )
                if all(row.status == Status.CLOSED for row in rows):
                    case.closed_at = now
                batch.cases.append(case)
            else:
                touched.append(case)
            group = None
            if rows[0].in_family:
                group = self.existing_groups.get(case.pk)
                if group is None:
                    families += 1
                    # A neutral label: the sheet's own group text may be a family's name.
                    group = Group(case=case, label=_("Family %(n)s") % {"n": families})
                    batch.groups.append(group)
            for row in rows:
                batch.add_person(row, case, group)
            if len(batch.people) >= BATCH_SIZE:
                done += batch.flush()
                if progress is not None:
                    progress("writing", done, total)
        done += batch.flush()
        if progress is not None:
            progress("writing", done, total)
        for case in touched:
            # As services._close_case_if_done: a case is closed when all its people are.
            open_people = case.people.exclude(status=Status.CLOSED).exists()
            if open_people == (case.closed_at is not None):
                case.closed_at = None if open_people else now
                case.save(update_fields=["closed_at", "updated_at"])


@dataclass
class _Batch:
    now: dt.datetime
    user: object
    year: int
    cases: list[Case] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)

    def code(self) -> str:
        if not self.codes:
            self.codes = bulk.new_codes(BATCH_SIZE)
        return self.codes.pop()

    def add_person(self, row: _Row, case: Case, group: Group | None) -> None:
        person = Person(
            code=self.code(),
            case=case,
            group=group,
            sex=row.sex,
            birth_year=row.birth_year,
            birth_year_estimated=row.estimated,
            province=row.province,
            born_abroad=row.born_abroad,
            country=case.country,
            status=row.status,
            status_changed_at=row.status_since or self.now,
            source_key=row.person_key,
        )
        # The file says which part is the surname: the pseudonym need not guess it.
        protected_fields(person)["real_name"].stage(
            person, row.real_name, surname=row.surname or None
        )
        person.priority, person.priority_reasons = priority.assess(person, year=self.year)
        self.people.append(person)

    def flush(self) -> int:
        bulk.unique_codes(Case, self.cases)
        bulk.unique_codes(Person, self.people)
        # Cases keep no protected value at import, so this seals nothing today; it keeps
        # the bulk path right if the import ever fills one in.
        vault_records.prepare_for_bulk(self.cases)
        bulk.insert(Case, self.cases)
        bulk.insert(Group, self.groups)
        vault_records.prepare_for_bulk(self.people)
        bulk.insert(Person, self.people)
        bulk.insert(
            StatusChange,
            [
                StatusChange(
                    person=person,
                    from_status="",
                    to_status=person.status,
                    actor=self.user,
                    created_at=person.status_changed_at,
                )
                for person in self.people
            ],
        )
        written = len(self.people)
        self.cases, self.groups, self.people = [], [], []
        return written
