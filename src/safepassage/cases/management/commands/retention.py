"""``safepassage retention [--dry-run]``: shred closed cases past the retention period.

The worker runs the same sweep once a day; this command shows what is due and can run it
by hand. ``SAFEPASSAGE_RETENTION_DAYS`` sets the period (default five years).
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from safepassage.cases import services


class Command(BaseCommand):
    help = "Crypto-shred the identities in cases closed longer ago than the retention period."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="list what is due, change nothing"
        )

    def handle(self, *args, dry_run: bool, **options):
        due = list(services.retention_due().select_related("team"))
        self.stdout.write(
            f"{len(due)} closed case(s) past {settings.RETENTION_DAYS} days"
            + (" (dry run: nothing shredded)" if dry_run else "")
        )
        for case in due:
            people = case.people.count()
            closed = f"{case.closed_at:%Y-%m-%d}"
            line = f"  {case.code}  closed {closed}  team {case.team}  people {people}"
            if not dry_run:
                count = services.retention_shred(actor="command line", case=case)
                line += f"  shredded {count} record(s)"
            self.stdout.write(line)
