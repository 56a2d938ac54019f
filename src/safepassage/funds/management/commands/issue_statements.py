"""``safepassage issue_statements YEAR``: queue the year's statement for every donor.

    safepassage issue_statements 2025

The worker (``safepassage worker``) then issues a statement to every donor who gave that
year and has none yet, as the button on the receipts page does. Running it twice issues
nothing twice: donors who already have the year's statement are skipped.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from safepassage.funds.services import receipts


class Command(BaseCommand):
    help = "Queue every donor's statement for a year that is over (the worker issues them)."

    def add_arguments(self, parser):
        parser.add_argument("year", type=int, help="the calendar year, e.g. 2025")

    def handle(self, *args, year: int, **options) -> None:
        try:
            receipts.statements_queue(actor="command line", year=year)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(
            _("The statements for %(year)s are queued; the worker issues them.") % {"year": year}
        )
