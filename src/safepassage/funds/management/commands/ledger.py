"""``safepassage ledger verify``: the monthly rollups against the ledger they sum.

    safepassage ledger verify
    safepassage ledger compact

``verify`` recomputes every rollup (by month, account, fund, campaign, channel, expense
category and currency: base and original minor units and gifts) from the entries and the
gifts, compares it with what the rollups hold, and prints OK with the counts, or names the
first key that differs and exits with status 1. ``compact`` folds the pending deltas now,
as the worker does every few minutes (no total changes).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from safepassage.funds.services import rollups


class Command(BaseCommand):
    help = (
        "Check the ledger's monthly rollups against its entries (verify), or fold them (compact)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "compact"])

    def handle(self, *args, action: str, **options) -> None:
        if action == "compact":
            folded = rollups.compact()
            self.stdout.write(_("%(count)s rollup deltas folded.") % {"count": folded})
            return
        verdict = rollups.verify()
        if verdict.ok:
            self.stdout.write(
                _("OK: %(keys)s rollup keys, %(rows)s rollup rows, %(entries)s ledger entries.")
                % {"keys": verdict.keys, "rows": verdict.rows, "entries": verdict.entries}
            )
            return
        month, account, restriction, campaign, channel, category, currency = verdict.key
        key = (
            f"month={month:%Y-%m} account={account} restriction={restriction}"
            f" campaign={campaign or '-'} channel={channel or '-'} category={category or '-'}"
            f" currency={currency}"
        )
        raise CommandError(
            _(
                "Rollups differ from the ledger at %(key)s: the entries give %(expected)s,"
                " the rollups hold %(found)s (base minor units, original minor units, gifts)."
            )
            % {"key": key, "expected": verdict.expected, "found": verdict.found}
        )
