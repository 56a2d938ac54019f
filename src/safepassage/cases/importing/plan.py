"""From the rows read to what an import does: ``services.people_import_plan`` says who is
new and into which cases they go; ``report`` tells it (for a dry run, before writing)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from safepassage.base.csv_in.source import Decoded
from safepassage.cases import services
from safepassage.cases.importing.report import ImportReport


def report(
    plan: services.ImportPlan, decoded: Decoded, *, dry_run: bool, notes: list[str]
) -> ImportReport:
    notes = list(notes)
    if plan.rows and not plan.new:
        notes.append(_("Nothing new: every row was imported before."))
    return ImportReport(
        rows=plan.rows,
        new_people=len(plan.new),
        cases=plan.cases,
        new_cases=plan.new_cases,
        families=plan.families,
        already_imported=plan.already_imported,
        file_sha256=decoded.sha256,
        encoding=decoded.encoding,
        dry_run=dry_run,
        notes=notes,
    )


def dry_run(people: list[services.Arrival], decoded: Decoded, *, notes: list[str]):
    return report(services.people_import_plan(people=people), decoded, dry_run=True, notes=notes)
