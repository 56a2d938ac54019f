"""``safepassage audit verify [--head HASH]``, ``audit head``, ``audit anchor`` and
``audit show [--open]``."""

from __future__ import annotations

import argparse
import json
import re
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from safepassage.audit import anchor
from safepassage.audit.chain import cross_anchor, head, record, verify
from safepassage.audit.context import request_id_scope
from safepassage.audit.models import AuditEntry
from safepassage.audit.sealing import opened


def _hash(value: str) -> str:
    if not re.fullmatch(r"[0-9a-f]{64}", value):
        raise argparse.ArgumentTypeError("a head hash is 64 lower-case hex digits")
    return value


class Command(BaseCommand):
    help = "Verify the audit log's hash chain, print or anchor its head, or show entries."

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
        commands.add_parser(
            "anchor", help="Append the head to the anchor file (SAFEPASSAGE_AUDIT_ANCHOR_FILE)."
        )
        show = commands.add_parser("show", help="Print entries as JSON lines, newest last.")
        show.add_argument("--from", dest="first", type=int, default=1, help="First entry.")
        show.add_argument("--to", dest="last", type=int, default=None, help="Last entry.")
        show.add_argument("--action", default=None, help="Only entries with this action.")
        show.add_argument(
            "--open",
            action="store_true",
            help="Open sealed values (reasons, duress) for an investigation; this is audited.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "head":
            seq, digest = head()
            self.stdout.write(f"{seq} {digest}")
            return
        if options["subcommand"] == "anchor":
            try:
                cross_anchor()
                seq, digest = anchor.write()
            except anchor.AnchorError as error:
                raise CommandError(str(error)) from None
            self.stdout.write(f"anchored {seq} {digest} in {anchor.anchor_path()}")
            return
        if options["subcommand"] == "show":
            self._show(options)
            return
        try:
            anchors = anchor.read()
        except anchor.AnchorError as error:
            raise CommandError(f"audit chain BROKEN: {error}", returncode=1) from None
        # A bar only for a person watching: scripts and cron get the one-line verdict.
        show = options["verbosity"] >= 1 and sys.stderr.isatty()
        with tqdm(
            total=head()[0], unit="entries", disable=not show, file=sys.stderr, leave=False
        ) as bar:
            result = verify(
                expected_head=options["head"],
                anchors=anchors,
                progress=lambda done: bar.update(done - bar.n),
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
        if anchors:
            self.stdout.write(
                f"matches {len(anchors)} anchors, the latest at entry {anchors[-1][0]}"
            )

    def _show(self, options: dict[str, Any]) -> None:
        entries = AuditEntry.objects.filter(seq__gte=options["first"])
        if options["last"] is not None:
            entries = entries.filter(seq__lte=options["last"])
        if options["action"]:
            entries = entries.filter(action=options["action"])
        shown = 0
        for entry in entries.order_by("seq").iterator(chunk_size=2000):
            data = opened(entry) if options["open"] else entry.data
            line = {
                "seq": entry.seq,
                "at": entry.created_at.isoformat(),
                "actor": entry.actor_label,
                "action": entry.action,
                "target": f"{entry.target_type}:{entry.target_id}" if entry.target_type else "",
                "request_id": entry.request_id,
                "data": data,
            }
            self.stdout.write(json.dumps(line, ensure_ascii=False, sort_keys=True))
            shown += 1
        if options["open"]:
            # Opening sealed values is itself a reveal: it leaves its own entry.
            with request_id_scope():
                record(
                    actor="command line",
                    action="audit.sealed_opened",
                    data={
                        "from": options["first"],
                        "to": options["last"],
                        "action": options["action"] or "",
                        "entries": shown,
                    },
                )
