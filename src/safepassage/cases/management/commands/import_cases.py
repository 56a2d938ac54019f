"""``safepassage import cases FILE``: people and their families from a spreadsheet.

    safepassage import cases people.csv --team "Team name" [--country CN] [--dry-run]

(``import cases`` runs this command, ``import_cases``.) All or nothing: any invalid row
stops the import, every problem is listed (row and column), and nothing is written.
Importing the same file again adds nothing.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safepassage.base.progress import Bars
from safepassage.cases import importing
from safepassage.cases.models import Team

ERRORS_SHOWN = 50
UNITS = (gettext_lazy("lines"), gettext_lazy("people"))


class Command(BaseCommand):
    help = "Import people and their families from a spreadsheet (safepassage import cases)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the file (CSV: UTF-8, UTF-16 or CP949/EUC-KR)")
        parser.add_argument("--team", help="the team that takes the cases")
        parser.add_argument(
            "--country", default="KR", help="where they are, two letters (default KR)"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and report; write nothing"
        )

    def handle(
        self,
        *args,
        file: str,
        team: str | None,
        country: str,
        dry_run: bool,
        **options,
    ):
        if not team:
            raise CommandError(_("Say which team takes the cases: --team NAME."))
        team_obj = Team.objects.filter(name=team).first()
        if team_obj is None:
            raise CommandError(_("No team is called “%(team)s”.") % {"team": team[:80]})
        bars = Bars.for_command(self, UNITS)
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
