"""``safepassage import donations FILE``: gifts from a platform export or a statement.

    safepassage import donations FILE --format platform|camt053|mt940|csv
                                      [--mapping NAME] [--dry-run]

(``import donations`` runs this command, ``import_donations``.) All or nothing: any invalid
row stops the import, every problem is listed (statement and entry), and nothing is
written. Importing the same file again adds nothing. The formats are described in
``funds/importing/FORMATS.md``.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safepassage.base.progress import Bars
from safepassage.funds.importing import FORMATS, import_donations
from safepassage.funds.models import ColumnMapping

ERRORS_SHOWN = 50
UNITS = (gettext_lazy("entries"), gettext_lazy("gifts"))


class Command(BaseCommand):
    help = "Import gifts from a platform export or a bank statement (safepassage import donations)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the file")
        parser.add_argument("--format", dest="file_format", help="platform, camt053, mt940 or csv")
        parser.add_argument("--mapping", help="--format csv: a saved column mapping")
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and report; write nothing"
        )

    def handle(
        self,
        *args,
        file: str,
        dry_run: bool,
        file_format: str | None = None,
        mapping: str | None = None,
        **options,
    ) -> None:
        mapping_name = mapping
        if file_format not in FORMATS:
            raise CommandError(
                _("Say what the file is: --format %(formats)s.") % {"formats": "|".join(FORMATS)}
            )
        mapping_obj = None
        if file_format == "csv":
            if not mapping_name:
                raise CommandError(_("A generic CSV is read through a saved --mapping NAME."))
            mapping_obj = ColumnMapping.objects.filter(name=mapping_name).first()
            if mapping_obj is None:
                raise CommandError(
                    _("No column mapping is called “%(name)s”.") % {"name": mapping_name[:60]}
                )
        bars = Bars.for_command(self, UNITS)
        try:
            report = import_donations(
                path_or_bytes=file,
                kind=file_format,
                actor="command line",
                mapping=mapping_obj,
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
