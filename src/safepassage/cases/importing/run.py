"""``import_cases``: people and their families from a spreadsheet, all or nothing.

Three steps. **Read** (``reader``): every row is checked before anything is written, and
every problem is collected (row and column named, names never quoted). **Plan** (``plan``):
rows already imported are found by their source key and skipped, so importing a file twice
adds nothing. **Write**: ``services.people_import``, the batch entry point of the cases
services, writes the new cases, groups, people and status histories in bulk, inside one
transaction, with one audit entry for the whole import (the counts and the file's
SHA-256; see ``services.imports`` for why not one per person).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from safepassage.base.countries import country_code
from safepassage.base.csv_in.source import RowError, Unreadable, decode, read_bytes
from safepassage.cases import services
from safepassage.cases.importing import plan as planning
from safepassage.cases.importing.reader import Progress, Reader
from safepassage.cases.importing.report import ImportRejected, ImportReport
from safepassage.cases.models import Team


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
    having written nothing, if any row is invalid. Not inside a transaction: the write
    commits on return (``services.people_import`` is durable).
    """
    try:
        country = country_code(country)
    except ValidationError as error:
        raise ImportRejected([RowError(None, "", error.messages[0])]) from None
    try:
        decoded = decode(read_bytes(source))
    except Unreadable as exc:
        raise ImportRejected([exc.error], rejected_rows=int(exc.error.row is not None)) from None
    reader = Reader(team=team, today=today or timezone.localdate())
    people = reader.read(decoded.text, progress=progress)
    notes = reader.notes(decoded.encoding)
    if reader.errors:
        raise ImportRejected(
            reader.errors,
            error_count=reader.error_count,
            rejected_rows=len(reader.rejected_rows),
            notes=notes,
        )
    if dry_run:
        return planning.dry_run(people, decoded, notes=notes)
    try:
        done = services.people_import(
            actor=actor,
            team=team,
            country=country,
            people=people,
            source={
                "file_sha256": decoded.sha256,
                "file_bytes": decoded.size,
                "encoding": decoded.encoding,
            },
            progress=None if progress is None else (lambda n, total: progress("writing", n, total)),
        )
    except services.CaseError as exc:
        raise ImportRejected([RowError(None, "", message) for message in exc.messages]) from None
    return planning.report(done, decoded, dry_run=False, notes=notes)
