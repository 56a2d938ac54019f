"""What an import tells its caller: the report of what it did, or why it wrote nothing."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from safepassage.base.csv_in.source import RowError


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
