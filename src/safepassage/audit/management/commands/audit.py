"""``safepassage audit verify [--head HASH]`` and ``safepassage audit head``."""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from safepassage.audit.chain import head, verify


def _hash(value: str) -> str:
    if not re.fullmatch(r"[0-9a-f]{64}", value):
        raise argparse.ArgumentTypeError("a head hash is 64 lower-case hex digits")
    return value


class Command(BaseCommand):
    help = "Verify the audit log's hash chain, or print its head to keep off-site."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True)
        check = commands.add_parser(
            "verify",
            help="Recompute every hash; name the first broken link and exit 1 if there is one.",
        )
        check.add_argument(
            "--head",
            type=_hash,
            default=None,
            help="A head hash kept earlier (from `audit head`); the log must still contain it.",
        )
        commands.add_parser("head", help="Print the latest entry as 'SEQ HASH'.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "head":
            seq, digest = head()
            self.stdout.write(f"{seq} {digest}")
            return
        # A bar only for a person watching: scripts and cron get the one-line verdict.
        show = options["verbosity"] >= 1 and sys.stderr.isatty()
        with tqdm(
            total=head()[0], unit="entries", disable=not show, file=sys.stderr, leave=False
        ) as bar:
            result = verify(
                expected_head=options["head"], progress=lambda done: bar.update(done - bar.n)
            )
        if not result.ok:
            where, reason = "", result.reason
            if result.first_broken_seq is not None:
                where = f" at entry {result.first_broken_seq}"
                reason = reason.removeprefix(f"entry {result.first_broken_seq}: ")
            raise CommandError(f"audit chain BROKEN{where}: {reason}", returncode=1)
        self.stdout.write(
            f"audit chain OK: {result.checked} entries, head {result.head_seq} {result.head_hash}"
        )
