"""kill -9 in the middle of a donation import: nothing written; a re-run imports it once."""

from __future__ import annotations

import csv
import io

from django.db.models import Sum
from django.utils import timezone

from safepassage.funds.models import Donation, Donor, DonorKind, Entry, ImportBatch
from safepassage.funds.services import ledger
from safepassage.vault import records
from tests.faults.site import killed

HEADER = (
    "transaction_id date donor_name donor_email amount fee currency campaign designation anonymous"
)
HEADER = HEADER.split()
DONORS = ["김민지", "王美华", "Sunhee", "Park Jiwoo", "Kim Younghee", "李 明"]


def _platform_file() -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(HEADER)
    day = timezone.localdate().isoformat()
    for n, name in enumerate(DONORS, start=1):
        email = f"giver{n}@example.org"
        writer.writerow(
            [f"tx_f{n:03d}", day, name, email, 10_000 * n, 300, "KRW", "", "rescue", "no"]
        )
    return out.getvalue().encode()


def _written() -> tuple[int, int, int, int]:
    return (
        Donation.objects.count(),
        Donor.objects.exclude(kind=DonorKind.ANONYMOUS).count(),
        Entry.objects.count(),
        ImportBatch.objects.count(),
    )


def test_an_import_killed_after_writing_its_rows_leaves_nothing_and_a_re_run_imports_once(
    site, tmp_path, audit_verifies
):
    statement = tmp_path / "platform-export.csv"
    statement.write_bytes(_platform_file())
    args = ("import", "donations", str(statement), "--format", "platform")

    died = site.run(*args, fault="funds.import.written")

    assert killed(died), died.stderr
    assert _written() == (0, 0, 0, 0)
    audit_verifies()

    done = site.run(*args)
    again = site.run(*args)

    assert done.returncode == 0, done.stderr
    assert "gifts: 6 new" in done.stdout
    assert again.returncode == 0, again.stderr
    assert "Already imported" in again.stdout
    gifts, donors, _entries, batches = _written()
    assert (gifts, donors, batches) == (6, 6, 1)
    assert Donation.objects.aggregate(t=Sum("gross_minor"))["t"] == 10_000 * 21
    assert list(ledger.unbalanced_transactions()) == []
    assert Entry.objects.aggregate(t=Sum("amount_minor"))["t"] == 0
    names = sorted(records.read(d, "name") for d in Donor.objects.exclude(kind=DonorKind.ANONYMOUS))
    assert names == sorted(DONORS)
    audit_verifies()
