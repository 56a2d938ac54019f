"""``safepassage import KIND FILE ...``: bring an existing spreadsheet or statement in.

    safepassage import cases people.csv --team "Team name" [--country CN] [--dry-run]
    safepassage import donations FILE --format platform|camt053|mt940|csv
                                      [--mapping NAME] [--dry-run]

Each kind is the command ``import_KIND`` of the app that owns it (``import_cases`` here,
``import_donations`` in funds): this one only passes the rest of the line on, so it knows
no app but its own, and a new app adds a kind by adding its command.
"""

from __future__ import annotations

import argparse

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

PREFIX = "import_"


def kinds() -> list[str]:
    return sorted(name.removeprefix(PREFIX) for name in get_commands() if name.startswith(PREFIX))


class Command(BaseCommand):
    help = "Import an existing spreadsheet or statement: safepassage import KIND FILE ..."

    def add_arguments(self, parser):
        parser.add_argument("kind", help="what the file holds: " + ", ".join(kinds()))
        parser.add_argument(
            "rest", nargs=argparse.REMAINDER, help="the file and the kind's options"
        )

    def handle(self, *args, kind: str, rest: list[str], **options):
        known = kinds()
        if kind not in known:
            raise CommandError(
                _("Unknown kind of import “%(kind)s”; can import: %(kinds)s.")
                % {"kind": kind[:40], "kinds": ", ".join(known)}
            )
        call_command(
            PREFIX + kind,
            *rest,
            stdout=getattr(self.stdout, "_out", self.stdout),
            stderr=getattr(self.stderr, "_out", self.stderr),
        )
