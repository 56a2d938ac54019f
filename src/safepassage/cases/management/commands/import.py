"""``safepassage import KIND FILE``: bring an existing spreadsheet or statement in.

    safepassage import cases people.csv --team "Team name" [--country CN] [--dry-run]
    safepassage import donations FILE --format platform|camt053|mt940|csv
                                      [--mapping NAME] [--dry-run]

All or nothing: any invalid row stops the import, every problem is listed (row and column,
or statement and entry), and nothing is written. Importing the same file again adds
nothing. The donation formats are described in ``funds/importing/FORMATS.md``.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from tqdm import tqdm

from safepassage.cases import importing
from safepassage.cases.models import Team

KINDS = ("cases", "donations")
ERRORS_SHOWN = 50
# Below this many lines or people a bar would only flicker.
BAR_THRESHOLD = 2000


class _Bars:
    """A tqdm bar per stage on stderr, only on a terminal and only for long files."""

    UNITS = {
        "cases": (gettext_lazy("lines"), gettext_lazy("people")),
        "donations": (gettext_lazy("entries"), gettext_lazy("gifts")),
    }

    def __init__(self, stream, kind: str = "cases") -> None:
        self.stream = stream
        self.units = self.UNITS[kind]
        self.enabled = bool(getattr(stream, "isatty", lambda: False)())
        self.bars: dict[str, tqdm] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        bar = self.bars.get(stage)
        if bar is None:
            self.close()  # the previous stage is over
            label = _("reading") if stage == "reading" else _("writing")
            bar = tqdm(
                total=total,
                desc=label,
                unit=str(self.units[0] if stage == "reading" else self.units[1]),
                file=self.stream,
                disable=not self.enabled or total < BAR_THRESHOLD,
            )
            self.bars[stage] = bar
        bar.update(done - bar.n)

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()


class Command(BaseCommand):
    help = "Import an existing spreadsheet or statement. Kinds: cases, donations."

    def add_arguments(self, parser):
        parser.add_argument("kind", help="what the file holds: cases or donations")
        parser.add_argument("file", help="the file (CSV: UTF-8, UTF-16 or CP949/EUC-KR)")
        parser.add_argument("--team", help="cases: the team that takes the cases")
        parser.add_argument(
            "--country", default="KR", help="cases: where they are, two letters (default KR)"
        )
        parser.add_argument(
            "--format",
            dest="file_format",
            help="donations: platform, camt053, mt940 or csv",
        )
        parser.add_argument("--mapping", help="donations --format csv: a saved column mapping")
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and report; write nothing"
        )

    def handle(
        self,
        *args,
        kind: str,
        file: str,
        team: str | None,
        country: str,
        dry_run: bool,
        file_format: str | None = None,
        mapping: str | None = None,
        **options,
    ):
        if kind not in KINDS:
            raise CommandError(
                _("Unknown kind of import “%(kind)s”; can import: %(kinds)s.")
                % {"kind": kind[:40], "kinds": ", ".join(KINDS)}
            )
        if kind == "donations":
            return self.donations(file, file_format, mapping, dry_run)
        if not team:
            raise CommandError(_("Say which team takes the cases: --team NAME."))
        team_obj = Team.objects.filter(name=team).first()
        if team_obj is None:
            raise CommandError(_("No team is called “%(team)s”.") % {"team": team[:80]})
        # The raw stream: OutputWrapper would colour each redraw and end it with a newline.
        bars = _Bars(getattr(self.stderr, "_out", self.stderr))
        try:
            report = importing.import_cases(
                file,
                team=team_obj,
                actor="command line",
                country=country,
                dry_run=dry_run,
                progress=bars,
            )
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(reason)s") % {"file": file, "reason": exc.strerror}
            ) from None
        except importing.ImportRejected as rejected:
            bars.close()
            if rejected.error_count == 1 and rejected.errors[0].row in (None, 1):
                # One problem with the file as a whole: say it in the error itself.
                raise CommandError(
                    _("%(error)s Nothing was written.") % {"error": rejected.errors[0]},
                    returncode=1,
                ) from None
            for error in rejected.errors[:ERRORS_SHOWN]:
                self.stderr.write(str(error))
            hidden = rejected.error_count - min(len(rejected.errors), ERRORS_SHOWN)
            if hidden > 0:
                self.stderr.write(_("… and %(n)s more problems.") % {"n": hidden})
            for note in rejected.notes:
                self.stderr.write(_("note: %(note)s") % {"note": note})
            raise CommandError(str(rejected), returncode=1) from None
        bars.close()
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
        self.stdout.write(report.summary())
        for note in report.notes:
            self.stdout.write(_("note: %(note)s") % {"note": note})

    def donations(
        self, file: str, file_format: str | None, mapping_name: str | None, dry_run: bool
    ) -> None:
        from safepassage.funds.importing import FORMATS, import_donations
        from safepassage.funds.models import ColumnMapping

        if file_format not in FORMATS:
            raise CommandError(
                _("Say what the file is: --format %(formats)s.") % {"formats": "|".join(FORMATS)}
            )
        mapping = None
        if file_format == "csv":
            if not mapping_name:
                raise CommandError(_("A generic CSV is read through a saved --mapping NAME."))
            mapping = ColumnMapping.objects.filter(name=mapping_name).first()
            if mapping is None:
                raise CommandError(
                    _("No column mapping is called “%(name)s”.") % {"name": mapping_name[:60]}
                )
        bars = _Bars(getattr(self.stderr, "_out", self.stderr), kind="donations")
        try:
            report = import_donations(
                path_or_bytes=file,
                kind=file_format,
                actor="command line",
                mapping=mapping,
                dry_run=dry_run,
                progress=bars,
            )
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(reason)s") % {"file": file, "reason": exc.strerror}
            ) from None
        finally:
            bars.close()
        for note in report.notes:
            self.stderr.write(_("note: %(note)s") % {"note": note})
        if report.rejected_rows:
            for problem in report.rejected[:ERRORS_SHOWN]:
                self.stderr.write(str(problem))
            hidden = len(report.rejected) - min(len(report.rejected), ERRORS_SHOWN)
            if hidden > 0:
                self.stderr.write(_("… and %(n)s more problems.") % {"n": hidden})
            raise CommandError(
                _("Import refused, nothing was written: %(summary)s")
                % {"summary": report.summary()},
                returncode=1,
            )
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
        self.stdout.write(report.summary())
        for problem in report.skipped[:ERRORS_SHOWN]:
            self.stdout.write(_("skipped: %(problem)s") % {"problem": problem})
        if report.skipped_count > ERRORS_SHOWN:
            self.stdout.write(
                _("… and %(n)s more skipped.") % {"n": report.skipped_count - ERRORS_SHOWN}
            )
