"""``safepassage import KIND FILE``: bring an existing spreadsheet in.

    safepassage import cases people.csv --team "Team name" [--country CN] [--dry-run]

The kind comes first so that other imports (donations, say) can join later under the same
command. All or nothing: any invalid row stops the import, every problem is listed (row
and column), and nothing is written. Importing the same file again adds nothing.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from safepassage.cases import importing
from safepassage.cases.models import Team

KINDS = ("cases",)
ERRORS_SHOWN = 50
# Below this many lines or people a bar would only flicker.
BAR_THRESHOLD = 2000


class _Bars:
    """A tqdm bar per stage on stderr, only on a terminal and only for long files."""

    def __init__(self, stream) -> None:
        self.stream = stream
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
                unit=_("lines") if stage == "reading" else _("people"),
                file=self.stream,
                disable=not self.enabled or total < BAR_THRESHOLD,
            )
            self.bars[stage] = bar
        bar.update(done - bar.n)

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()


class Command(BaseCommand):
    help = "Import an existing spreadsheet (CSV). Kinds: cases."

    def add_arguments(self, parser):
        parser.add_argument("kind", help="what the file holds: cases")
        parser.add_argument("file", help="the CSV file (UTF-8, UTF-16 or CP949/EUC-KR)")
        parser.add_argument("--team", required=True, help="the team that takes the cases")
        parser.add_argument(
            "--country", default="KR", help="where the cases are, two letters (default KR)"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and report; write nothing"
        )

    def handle(
        self, *args, kind: str, file: str, team: str, country: str, dry_run: bool, **options
    ):
        if kind not in KINDS:
            raise CommandError(
                _("Unknown kind of import “%(kind)s”; can import: %(kinds)s.")
                % {"kind": kind[:40], "kinds": ", ".join(KINDS)}
            )
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
