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
EXISTING, TINY_EXISTING = 250_000, 500
SEED = 20261125
IMPORT_TARGET = 3.0
REIMPORT_TARGET = 1.5
COPIED_APPS = ("vault", "funds")


def make_export(rows: int, days: list[dt.date], *, note: str = "", first: int = 0) -> bytes:
    """``rows`` gifts with transaction ids from ``first``: the same draws whatever
    ``first`` is, so a file from ``first = rows // 2`` repeats the ids of the second half
    of the file from 0 (already recorded) and adds as many new ones."""
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
                f"ch_{first + n:09d}",
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


def make_existing_donors(count: int, first: int) -> None:
    """``count`` donors already on file before the import, numbered from ``first`` (the
    export's donors are 0 .. rows/4 - 1: those from ``first`` on are matched, not made),
    written as the importer writes new donors (sealed in bulk, a data key each)."""
    from django.db import transaction
    from django.utils import timezone

    from safepassage.base import bulk
    from safepassage.funds.models import Donor
    from safepassage.funds.services import donors

    chunk = 10_000
    with transaction.atomic():
        for start in range(first, first + count, chunk):
            numbers = range(start, min(start + chunk, first + count))
            codes = bulk.fresh_codes(Donor, len(numbers))
            fields = (
                {
                    "name": f"Donor {n:07d}",
                    "email": f"donor{n:07d}@example.org",
                    "phone": "",
                    "iban": "",
                }
                for n in numbers
            )
            donors.NewDonors(now=timezone.now()).write(zip(codes, fields, strict=False))


def settle(models) -> None:
    """Statistics fresh and, on PostgreSQL, the dead rows of a rolled-back write cleared
    (``VACUUM ANALYZE``), so every timed write meets the tables in the same state."""
    from django.db import connection

    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
    with connection.cursor() as cursor:
        cursor.execute(
            f"VACUUM ANALYZE {tables}" if connection.vendor == "postgresql" else "ANALYZE"
        )


class RolledBack(Exception):
    pass


def rows_of_an_import(data: bytes, models) -> dict:
    """What importing ``data`` writes, row for row, from an import that is rolled back."""
    from django.db import transaction

    from bench.cases import dependency_order, rows_added
    from safepassage.funds.importing import import_donations

    before = {m: set(m._default_manager.values_list("pk", flat=True)) for m in models}
    written: dict = {}
    try:
        with transaction.atomic():
            report = import_donations(path_or_bytes=data, kind="platform", actor="bench")
            assert report.ok, [str(p) for p in report.rejected[:5]]
            grown = [m for m in models if m._default_manager.count() > len(before[m])]
            written = {m: rows_added(m, before[m]) for m in dependency_order(grown)}
            raise RolledBack
    except RolledBack:
        pass
    return written


def run(rows: int, existing: int) -> None:
    from django.db import connection
    from django.utils import timezone

    from bench.cases import models_of, raw_write
    from safepassage.funds.importing import import_donations
    from safepassage.funds.models import Donation, Donor, Entry

    print(harness.describe_site(), flush=True)
    today = timezone.localdate()
    days = [today - dt.timedelta(days=n) for n in range(1, 366)]
    enter_rates(days)
    file_donors = max(rows // 4, 1)
    started = time.perf_counter()
    make_existing_donors(existing, first=file_donors // 2)
    print(
        f"{existing:,} donors already on file, made in {time.perf_counter() - started:.1f} s"
        f" (the file's donors from {file_donors // 2:,} of {file_donors:,} are among them)"
    )
    started = time.perf_counter()
    data = make_export(rows, days)
    print(
        f"generated {rows:,} gifts ({len(data) / 1e6:.1f} MB) in"
        f" {time.perf_counter() - started:.1f} s"
    )

    # The baseline first, into the state the import meets: no gifts, no ledger, the
    # existing donors. Its rows are the import's own, taken from an import rolled back.
    models = models_of(COPIED_APPS)
    settle(models)
    copies = rows_of_an_import(data, models)
    settle(models)
    raw_name = "COPY" if connection.vendor == "postgresql" else "executemany INSERT (no COPY)"
    print(
        f"\nraw {raw_name} of the rows the import writes, into the same tables it meets"
        " (no gifts yet), rolled back; median of 3, the tables settled before each:"
    )
    raw: dict[str, float] = {}
    for label, timed in (("donations", {Donation}), ("everything", set(copies))):
        times = []
        for _ in range(3):
            times.append(raw_write(copies, timed=timed))
            settle(models)
        raw[label] = sorted(times)[1]
        total = sum(len(copies[m][1]) for m in timed)
        tables = ", ".join(sorted(m._meta.db_table for m in timed))
        print(f"  {label} ({total:,} rows: {tables}): {raw[label]:.2f} s")
    del copies

    donors_before = Donor.objects.count()
    started = time.perf_counter()
    report = import_donations(path_or_bytes=data, kind="platform", actor="bench")
    seconds = time.perf_counter() - started
    assert report.ok, [str(p) for p in report.rejected[:5]]
    assert Donation.objects.count() == rows
    print(f"\nimport: {seconds:.2f} s = {rows / seconds:,.0f} rows/s (one run, committed)")
    print(f"  report: {report.summary()}")
    print(
        f"  donors: {report.matched_donors:,} matched among {donors_before:,},"
        f" {Donor.objects.count() - donors_before:,} new"
    )
    ratio = seconds / raw["donations"]
    print(
        f"  import / raw donations = {ratio:.1f}x"
        f" (target <= {IMPORT_TARGET:.0f}x: {harness.verdict(ratio, IMPORT_TARGET)});"
        f" import / raw everything = {seconds / raw['everything']:.1f}x"
    )

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

    half = rows // 2
    mixed = make_export(rows, days, note="half", first=half)
    started = time.perf_counter()
    report = import_donations(path_or_bytes=mixed, kind="platform", actor="bench")
    took = time.perf_counter() - started
    assert report.ok, report.summary()
    assert report.new == rows - half, report.summary()
    print(
        f"a file half new, half already recorded ({rows - half:,} new gifts after {half:,}"
        f" recorded): {took:.2f} s; {took / seconds:.2f}x the first import,"
        f" {took / (raw['donations'] * (rows - half) / rows):.1f}x raw donations"
        " scaled to its new half"
    )
    print(f"  report: {report.summary()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.funds_import", description=__doc__)
    parser.add_argument("--rows", type=int, default=ROWS, help=f"gifts (default {ROWS:,})")
    parser.add_argument(
        "--existing-donors",
        type=int,
        default=EXISTING,
        help=f"donors on file before the import (default {EXISTING:,})",
    )
    harness.add_tiny_option(parser)
    args = parser.parse_args(argv)
    if args.tiny:
        args.rows, args.existing_donors = TINY_ROWS, TINY_EXISTING
    with harness.throwaway_site():
        run(args.rows, args.existing_donors)
    return 0


if __name__ == "__main__":
    sys.exit(main())
