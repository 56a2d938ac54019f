"""Importing gifts at scale: the giving platform's export against raw COPY, and re-imports.

A generated export of N gifts (default 1,000,000) from N/4 donors (a fifth of them giving
once, the rest several times; 5% anonymous), in USD over the past year with a rate for
every day, is imported once with ``funds.importing.import_donations`` (read, check,
de-duplicate, match and create donors, post to the ledger; one transaction, committed).
Against it, the rows it wrote (read back, with fresh ids, codes and keys) are written with
raw ``COPY`` on PostgreSQL, or ``executemany`` INSERT on SQLite, in a transaction that is
rolled back: once the donations table alone (the issue's baseline, target <= 3x), once
every table the import grew (data keys, donors, donations, ledger transactions, entries).

Then two re-imports, each adding nothing: the same file (refused by its hash before it is
read), and the same gifts exported again (a different file: every row is read, checked and
skipped as already recorded). Target: <= 1.5x the first import.

    python -m bench.funds_import [--rows N]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import random
import sys
import time

from bench import harness

ROWS = 1_000_000
TINY_ROWS = 2_000
SEED = 20261125
IMPORT_TARGET = 3.0
REIMPORT_TARGET = 1.5
COPIED_APPS = ("vault", "funds")


def make_export(rows: int, days: list[dt.date], *, note: str = "") -> bytes:
    rng = random.Random(SEED)
    donors = max(rows // 4, 1)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "transaction_id",
            "date",
            "donor_name",
            "donor_email",
            "amount",
            "fee",
            "currency",
            "designation",
            "anonymous",
            "note",
        ]
    )
    designations = ["rescue", "rescue", "relief", "resettlement", "advocacy", "", ""]
    for n in range(rows):
        # A fifth of donors give once; the others come back.
        donor = n if rng.random() < 0.2 and n < donors else rng.randrange(donors)
        cents = rng.choice([1000, 2000, 2500, 5000, 10000, 25000]) + rng.randrange(100)
        anonymous = rng.random() < 0.05
        writer.writerow(
            [
                f"ch_{n:09d}",
                rng.choice(days).isoformat(),
                "" if anonymous else f"Donor {donor:07d}",
                "" if anonymous else f"donor{donor:07d}@example.org",
                f"{cents // 100}.{cents % 100:02d}",
                f"{cents * 29 // 1000 // 100}.{cents * 29 // 1000 % 100:02d}",
                "USD",
                rng.choice(designations),
                "yes" if anonymous else "no",
                note,
            ]
        )
    return out.getvalue().encode()


def enter_rates(days: list[dt.date]) -> None:
    from decimal import Decimal

    from safepassage.funds.models import ExchangeRate

    rng = random.Random(SEED + 1)
    ExchangeRate.objects.bulk_create(
        ExchangeRate(
            currency="USD",
            on=day,
            rate=Decimal("1380") + Decimal(rng.randrange(-5000, 5000)) / 100,
            source="bench",
        )
        for day in days
    )


def avoid_taken_codes(copies: dict) -> None:
    """``fresh_copies`` draws new codes unlike each other but not unlike the codes already
    in the table; with a million rows in each, a clash is likely. Draw again where one is."""
    from safepassage.vault.models import new_code

    for model, (columns, rows) in copies.items():
        if "code" not in columns:
            continue
        at = columns.index("code")
        taken = set(model._default_manager.values_list("code", flat=True))
        for row in rows:
            while row[at] in taken:
                row[at] = new_code()
            taken.add(row[at])


def run(rows: int) -> None:
    from django.db import connection
    from django.utils import timezone

    from bench.cases import dependency_order, fresh_copies, models_of, raw_write, rows_added
    from safepassage.funds.importing import import_donations
    from safepassage.funds.models import Donation, Entry, ImportBatch

    print(harness.describe_site(), flush=True)
    today = timezone.localdate()
    days = [today - dt.timedelta(days=n) for n in range(1, 366)]
    enter_rates(days)
    started = time.perf_counter()
    data = make_export(rows, days)
    made = time.perf_counter() - started
    print(f"generated {rows:,} gifts ({len(data) / 1e6:.1f} MB) in {made:.1f} s")

    models = models_of(COPIED_APPS)
    before = {m: set(m._default_manager.values_list("pk", flat=True)) for m in models}
    started = time.perf_counter()
    report = import_donations(path_or_bytes=data, kind="platform", actor="bench")
    seconds = time.perf_counter() - started
    assert report.ok, [str(p) for p in report.rejected[:5]]
    print(f"\nimport: {seconds:.1f} s = {rows / seconds:,.0f} rows/s (one run, committed)")
    print(f"  report: {report.summary()}")
    assert Donation.objects.count() == rows
    grown = {m: m._default_manager.count() - len(before[m]) for m in models}
    grown = {m: n for m, n in grown.items() if n > 0}
    print("  it wrote: " + ", ".join(f"{n:,} {m._meta.db_table}" for m, n in grown.items()))
    # The batch row stays (one row, unique on the file's hash); the copies point to it.
    copied = [m for m in grown if m is not ImportBatch]
    written = {m: rows_added(m, before[m]) for m in dependency_order(copied)}
    copies = fresh_copies(written)
    del written
    avoid_taken_codes(copies)
    raw_name = "COPY" if connection.vendor == "postgresql" else "executemany INSERT (no COPY)"
    for label, timed, target in (
        ("the same donation rows", {Donation}, IMPORT_TARGET),
        ("everything it wrote", set(copies), None),
    ):
        times = sorted(raw_write(copies, timed=timed) for _ in range(3))
        median = times[1]
        total = sum(len(copies[m][1]) for m in timed)
        verdict = ""
        if target is not None:
            verdict = f" (target <= {target:.0f}x: {harness.verdict(seconds / median, target)})"
        print(
            f"  raw {raw_name} of {label} ({total:,} rows): {median:.2f} s;"
            f" import / raw = {seconds / median:.1f}x{verdict} (median of 3)"
        )
    del copies

    entries = Entry.objects.count()
    for label, again in (
        ("the same file", data),
        ("the same gifts exported again", make_export(rows, days, note="again")),
    ):
        started = time.perf_counter()
        report = import_donations(path_or_bytes=again, kind="platform", actor="bench")
        redo = time.perf_counter() - started
        assert report.new == 0
        assert Donation.objects.count() == rows
        assert Entry.objects.count() == entries
        ratio = redo / seconds
        print(
            f"re-import of {label}: {redo:.2f} s, 0 rows added; {ratio:.2f}x the first import"
            f" (target <= {REIMPORT_TARGET}x: {harness.verdict(ratio, REIMPORT_TARGET)})"
        )
        print(f"  report: {report.summary()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.funds_import", description=__doc__)
    parser.add_argument("--rows", type=int, default=ROWS, help=f"gifts (default {ROWS:,})")
    harness.add_tiny_option(parser)
    args = parser.parse_args(argv)
    if args.tiny:
        args.rows = TINY_ROWS
    with harness.throwaway_site():
        run(args.rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
