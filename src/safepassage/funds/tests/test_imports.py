"""Importing gifts: the platform's export, CAMT.053, MT940 and mapped CSVs; all or nothing,
never twice, donors matched by blind index, the ledger balanced.

Every file is generated here: donors are "Donor 0001", e-mail addresses are at example.org,
IBANs are the published test IBANs or made with schwifty from test bank codes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import time
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError
from django.db.models import Sum
from django.utils import timezone
from schwifty import IBAN

from safepassage.audit.models import AuditEntry
from safepassage.funds.importing import import_donations
from safepassage.funds.models import (
    Campaign,
    ColumnMapping,
    Donation,
    Donor,
    DonorKind,
    Entry,
    ImportBatch,
    Transaction,
)
from safepassage.funds.services import donors, ledger, rates
from safepassage.testing.concurrency import run_together
from safepassage.vault import records

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 4)
NEXT_DAY = dt.date(2026, 3, 5)
ORG_IBAN = "DE89370400440532013000"
DONOR_IBAN = "GB82WEST12345698765432"
OTHER_IBAN = str(IBAN.generate("DE", bank_code="37040044", account_code="1234567890"))
USD_RATE = Decimal("1380.50")
EUR_RATE = Decimal("1500.25")


@pytest.fixture(autouse=True)
def day_rates():
    for on in (DAY, NEXT_DAY):
        rates.rate_set(actor=None, currency="USD", on=on, rate=USD_RATE, source="test bank")
        rates.rate_set(actor=None, currency="EUR", on=on, rate=EUR_RATE, source="test bank")


def run(data, kind="platform", **options):
    options.setdefault("actor", "test")
    return import_donations(path_or_bytes=data, kind=kind, **options)


def counts() -> tuple[int, int, int, int]:
    return (
        Donation.objects.count(),
        Donor.objects.exclude(kind=DonorKind.ANONYMOUS).count(),
        Entry.objects.count(),
        ImportBatch.objects.count(),
    )


def assert_ledger_balanced() -> None:
    """Every transaction balances; a gift recorded by hand (or a reversal) has its own, an
    imported gift none: its import has one for each day of its gifts."""
    assert list(ledger.unbalanced_transactions()) == []
    assert (Entry.objects.aggregate(total=Sum("amount_minor"))["total"] or 0) == 0
    own = Donation.objects.filter(batch__isnull=True)
    assert Transaction.objects.filter(donation__isnull=False).count() == own.count()
    assert not Transaction.objects.filter(donation__batch__isnull=False).exists()
    days = Donation.objects.filter(batch__isnull=False).values_list("batch", "received_on")
    summaries = Transaction.objects.filter(kind="import").values_list("batch", "on")
    assert sorted(summaries) == sorted(set(days))


def reasons(report) -> list[str]:
    return [str(problem) for problem in report.rejected]


# --- the platform's export ------------------------------------------------------------------

PLATFORM_HEADER = [
    "transaction_id",
    "date",
    "donor_name",
    "donor_email",
    "amount",
    "fee",
    "currency",
    "campaign",
    "designation",
    "anonymous",
]


def gift(n: int, **cells) -> dict[str, str]:
    values = {
        "transaction_id": f"tx_{n:04d}",
        "date": DAY.isoformat(),
        "donor_name": f"Donor {n:04d}",
        "donor_email": f"donor{n:04d}@example.org",
        "amount": "100.00",
        "fee": "2.90",
        "currency": "USD",
        "campaign": "",
        "designation": "rescue",
        "anonymous": "no",
    }
    values.update(cells)
    return values


def platform_file(gifts, *, header=PLATFORM_HEADER, encoding="utf-8") -> bytes:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(gifts)
    return out.getvalue().encode(encoding)


def test_a_platform_export_makes_gifts_donors_and_balanced_entries():
    data = platform_file(
        [
            gift(1),
            gift(2, amount="25.00", fee="1.03", designation="relief"),
            gift(3, donor_email="DONOR0001@Example.org ", donor_name="Donor 0001"),
        ]
    )

    report = run(data, filename="export-march.csv")

    assert report.ok, reasons(report)
    assert (report.new, report.new_donors, report.matched_donors) == (3, 2, 0)
    assert "gifts: 3 new" in report.summary()
    gifts = Donation.objects.order_by("source_key")
    assert [g.source_key for g in gifts] == [
        "platform:tx_0001",
        "platform:tx_0002",
        "platform:tx_0003",
    ]
    first = gifts[0]
    assert (first.gross_minor, first.fee_minor, first.net_minor) == (10_000, 290, 9_710)
    assert (first.base_gross_minor, first.base_fee_minor) == (138_050, 4_003)
    assert first.channel == "platform"
    assert first.restriction == "rescue"
    assert first.donor_id == gifts[2].donor_id
    batch = ImportBatch.objects.get()
    assert batch.kind == "platform"
    assert batch.filename == "export-march.csv"
    assert batch.counts["new"] == 3
    assert set(first.batch.donations.all()) == set(gifts)
    assert_ledger_balanced()
    assert Entry.objects.filter(account_id=ledger.PLATFORM).aggregate(t=Sum("amount_minor"))[
        "t"
    ] == sum(g.base_net_minor for g in gifts)
    entry = AuditEntry.objects.get(action="funds.donations_imported")
    assert entry.data["new"] == 3
    assert entry.data["file_sha256"] == report.sha256
    assert "Donor 0001" not in str(entry.data)


def test_names_and_emails_are_sealed_and_matchable():
    run(platform_file([gift(1)]))

    donor = Donor.objects.get()
    assert str(donor.name) == "OO"  # "Donor" is no known surname: nothing of the name shows
    assert b"Donor 0001" not in bytes(donor.name_sealed)
    assert records.read(donor, "email") == "donor0001@example.org"
    assert donors.match(email="Donor0001@example.org") == donor


def test_importing_the_same_file_again_adds_nothing():
    data = platform_file([gift(1), gift(2)])
    first = run(data)

    again = run(data)

    assert first.ok
    assert first.new == 2
    assert not again.ok
    assert again.already_imported_on is not None
    assert again.batch_id == first.batch_id
    assert "Already imported on" in again.summary()
    assert counts() == (2, 2, 3, 1)  # one day: one summary of three entries
    assert run(data, dry_run=True).already_imported_on is not None


def test_a_dry_run_reports_the_same_and_writes_nothing():
    data = platform_file([gift(1), gift(2), gift(3, donor_email="donor0001@example.org")])

    preview = run(data, dry_run=True)

    assert preview.ok
    assert preview.dry_run
    assert counts() == (0, 0, 0, 0)
    assert not AuditEntry.objects.filter(action="funds.donations_imported").exists()
    assert [row.position for row in preview.preview] == ["row 2", "row 3", "row 4"]
    assert preview.preview[0].donor == "new donor OO"
    assert preview.preview[0].amount == "$100.00"
    real = run(data)
    assert real.counts() == preview.counts()


def test_anonymous_gifts_go_to_the_anonymous_donor_and_keep_no_name():
    report = run(platform_file([gift(1, anonymous="yes"), gift(2, anonymous="TRUE")]))

    assert report.ok
    assert report.anonymous == 2
    assert report.new_donors == 0
    anonymous = donors.anonymous_donor()
    assert set(Donation.objects.values_list("donor", flat=True)) == {anonymous.pk}
    assert Donor.objects.count() == 1


def test_unfinished_payments_are_skipped_with_their_status():
    header = [*PLATFORM_HEADER, "status"]
    report = run(
        platform_file(
            [gift(1, status="succeeded"), gift(2, status="refunded"), gift(3, status="Failed")],
            header=header,
        )
    )

    assert report.ok
    assert report.new == 1
    assert report.skipped_count == 2
    assert [str(s) for s in report.skipped] == [
        "row 3: status “refunded”, not a completed gift",
        "row 4: status “failed”, not a completed gift",
    ]


def test_a_known_campaign_is_linked_and_an_unknown_one_refused():
    Campaign.objects.create(code="spring-2026", name="Spring appeal")

    refused = run(platform_file([gift(1, campaign="spring-2026"), gift(2, campaign="nope")]))
    assert reasons(refused) == [
        "row 3: no campaign has the code “nope”; add it first or leave the cell empty."
    ]

    report = run(platform_file([gift(1, campaign="spring-2026")]))
    assert report.ok
    assert Donation.objects.get().campaign.code == "spring-2026"
    assert set(Entry.objects.values_list("campaign__code", flat=True)) == {"spring-2026"}


TOMORROW = (timezone.localdate() + dt.timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        ({"amount": "-20.00"}, "A gift must be more than zero."),
        ({"amount": "0"}, "A gift must be more than zero."),
        ({"amount": "10000000000000000"}, "is not a plausible amount"),
        ({"amount": "12.345"}, "12.345 has more decimals than USD allows (2)"),
        ({"amount": "12,50"}, "write amounts with a decimal point"),
        ({"amount": "lots"}, "“lots” is not an amount."),
        ({"amount": "=1+2"}, "is not an amount"),
        ({"currency": "XYZ"}, "unknown currency “XYZ”."),
        ({"currency": "KRW", "amount": "1000.5", "fee": "0"}, "more decimals than KRW allows (0)"),
        ({"fee": "200.00"}, "A fee is between zero and the gift itself."),
        ({"date": TOMORROW}, "A gift cannot be received in the future."),
        ({"date": "03/04/2026"}, "“03/04/2026” is not a date; write it year first"),
        ({"date": "2026-02-30"}, "is not a date"),
        ({"date": "2026-03-06"}, "No exchange rate for USD on 6 Mar 2026: enter it first."),
        ({"designation": "yachts"}, "“yachts” is not a restriction"),
        ({"donor_email": "not-an-address"}, "the e-mail address is not valid."),
        ({"donor_name": "=HYPERLINK(1)"}, "looks like a spreadsheet formula"),
        ({"donor_name": "Donor\x1b 9"}, "control characters"),
        ({"transaction_id": ""}, "transaction_id is missing"),
    ],
)
def test_a_bad_row_is_named_and_nothing_is_written(cells, reason):
    data = platform_file([gift(1), gift(2, **cells), gift(3)])

    report = run(data)

    assert not report.ok
    assert report.rejected_rows == 1
    assert report.rejected[0].position == "row 3"
    assert reason in report.rejected[0].reason
    assert counts() == (0, 0, 0, 0)
    assert "rejected: 1" in report.summary()


def test_every_bad_row_is_listed_and_one_is_enough_to_write_nothing():
    good = [gift(n) for n in range(1, 50)]
    bad = [gift(100, amount="-1"), gift(101, currency="ZZZ"), gift(102, date="yesterday")]

    report = run(platform_file([*good[:20], bad[0], *good[20:], bad[1], bad[2]]))

    assert [p.position for p in report.rejected] == ["row 22", "row 52", "row 53"]
    assert counts() == (0, 0, 0, 0)
    assert not AuditEntry.objects.filter(action="funds.donations_imported").exists()


def test_a_file_in_another_format_is_refused_for_what_it_is():
    camt = camt_file([entry("REF1")])

    report = run(camt, kind="platform")

    assert not report.ok
    assert "not the platform's export: columns missing: transaction_id" in reasons(report)[0]


def test_a_file_not_in_utf8_is_refused_at_its_byte():
    data = platform_file([gift(1, donor_name="Donor Müller")], encoding="latin-1")

    report = run(data)

    offset = data.index(b"\xfc")
    assert reasons(report) == [
        f"row 2: not UTF-8 at byte {offset} (nor CP949/EUC-KR or UTF-16); save the file as "
        "“CSV UTF-8” and try again."
    ]


def test_korean_excel_csv_in_cp949_and_utf8_with_bom_import():
    korean = run(platform_file([gift(1, donor_name="기부자 일")], encoding="cp949"))
    with_bom = run(platform_file([gift(2)], encoding="utf-8-sig"))

    assert korean.ok
    assert with_bom.ok
    assert "The file was read as CP949/EUC-KR (Korean Excel's CSV)." in korean.notes
    assert str(Donor.objects.get(donations__source_key="platform:tx_0001").name) == "기OO"


def test_an_excel_workbook_and_an_empty_file_are_told_apart():
    assert "Excel workbook" in reasons(run(b"PK\x03\x04rest-of-a-zip"))[0]
    assert reasons(run(b"")) == ["The file is empty."]


def test_a_repeated_row_is_counted_once_and_a_conflicting_one_refused():
    repeated = run(platform_file([gift(1), gift(2), gift(1)]))
    assert repeated.ok
    assert repeated.new == 2
    assert [str(s) for s in repeated.skipped] == ["row 4: repeats row 2 (a duplicated entry)"]

    conflicting = run(platform_file([gift(5), gift(5, amount="99.00")]))
    assert reasons(conflicting) == ["row 3: has the same reference as row 2 but a different gift."]


# --- donors ---------------------------------------------------------------------------------


def test_donors_are_matched_by_blind_index_across_imports_and_by_hand():
    by_hand = donors.donor_create(actor=None, name="Donor 0007", email="donor0007@example.org")
    run(platform_file([gift(1), gift(2)]))

    report = run(
        platform_file(
            [
                gift(11, donor_email="  DONOR0001@example.ORG", donor_name="D. 0001"),
                gift(12, donor_email="donor0007@example.org"),
                gift(13, donor_email="donor0013@example.org"),
            ]
        )
    )

    assert (report.new, report.new_donors, report.matched_donors) == (3, 1, 2)
    first = Donation.objects.get(source_key="platform:tx_0001").donor
    assert Donation.objects.get(source_key="platform:tx_0011").donor == first
    assert Donation.objects.get(source_key="platform:tx_0012").donor == by_hand
    assert Donor.objects.count() == 4


def test_rows_of_one_new_donor_make_one_donor_that_keeps_every_detail():
    mapping = ColumnMapping.objects.create(
        name="Event sheet",
        columns={
            "date": "date",
            "amount": "amount",
            "name": "name",
            "email": "email",
            "phone": "phone",
            "iban": "iban",
        },
        defaults={"channel": "event", "currency": "KRW"},
    )
    data = sheet(
        ["date", "amount", "name", "email", "phone", "iban"],
        [
            [DAY, "50000", "Donor 0021", "donor0021@example.org", "", ""],
            [DAY, "20000", "", "donor0021@example.org", "+82 10-0000-0021", ""],
            [DAY, "10000", "Donor 0021", "", "+82 10 0000 0021", DONOR_IBAN],
            [DAY, "30000", "", "", "", DONOR_IBAN],
        ],
    )

    report = run(data, kind="csv", mapping=mapping)

    assert report.ok, reasons(report)
    assert (report.new, report.new_donors) == (4, 1)
    donor = Donor.objects.get()
    assert records.read(donor, "phone") == "+82 10-0000-0021"
    assert records.read(donor, "iban") == DONOR_IBAN
    assert Donation.objects.filter(donor=donor, channel="event").count() == 4


def test_a_merged_donor_is_matched_to_the_donor_it_was_merged_into():
    keep = donors.donor_create(actor=None, name="Donor 0031", email="donor0031@example.org")
    duplicate = donors.donor_create(actor=None, name="Donor 0031", email="d0031@example.org")
    donors.donor_merge(actor=None, keep=keep, duplicate=duplicate)

    run(platform_file([gift(31, donor_email="d0031@example.org")]))

    assert Donation.objects.get().donor == keep


def test_a_sender_known_only_by_iban_must_match_a_donor():
    report = run(camt_file([entry("REF9", name="", iban=OTHER_IBAN)]), kind="camt053")
    assert reasons(report) == [
        "statement 1, entry 1: the sender matches no donor, and a new donor needs a name or "
        "an e-mail address."
    ]
    donors.donor_create(actor=None, name="Donor 0041", iban=OTHER_IBAN)
    assert run(camt_file([entry("REF9", name="", iban=OTHER_IBAN)]), kind="camt053").ok


# --- CAMT.053 -------------------------------------------------------------------------------


def entry(
    ref: str | None,
    *,
    amount: str = "50.00",
    currency: str = "EUR",
    credit: bool = True,
    name: str = "Donor 0101",
    iban: str = DONOR_IBAN,
    booked: str = DAY.isoformat(),
    status: str = "BOOK",
    remittance: str = "Gift for rescue",
    transactions: list[tuple[str, str, str]] | None = None,
) -> dict:
    return {
        "ref": ref,
        "amount": amount,
        "currency": currency,
        "credit": credit,
        "name": name,
        "iban": iban,
        "booked": booked,
        "status": status,
        "remittance": remittance,
        "transactions": transactions,
    }


def _party(version: int, name: str, iban: str) -> str:
    if not (name or iban):
        return ""
    if version >= 8:
        debtor = f"<Dbtr><Pty><Nm>{name}</Nm></Pty></Dbtr>" if name else ""
    else:
        debtor = f"<Dbtr><Nm>{name}</Nm></Dbtr>" if name else ""
    account = f"<DbtrAcct><Id><IBAN>{iban}</IBAN></Id></DbtrAcct>" if iban else ""
    return f"<RltdPties>{debtor}{account}</RltdPties>"


def _entry_xml(e: dict, version: int) -> str:
    status = f"<Sts><Cd>{e['status']}</Cd></Sts>" if version >= 8 else f"<Sts>{e['status']}</Sts>"
    ref = f"<AcctSvcrRef>{e['ref']}</AcctSvcrRef>" if e["ref"] else ""
    if e["transactions"]:
        details = "".join(
            f'<TxDtls><Amt Ccy="{e["currency"]}">{amount}</Amt>{_party(version, name, iban)}'
            f"<RmtInf><Ustrd>part</Ustrd></RmtInf></TxDtls>"
            for amount, name, iban in e["transactions"]
        )
    else:
        details = (
            f"<TxDtls>{_party(version, e['name'], e['iban'])}"
            f"<RmtInf><Ustrd>{e['remittance']}</Ustrd></RmtInf></TxDtls>"
        )
    return (
        f'<Ntry>{ref}<Amt Ccy="{e["currency"]}">{e["amount"]}</Amt>'
        f"<CdtDbtInd>{'CRDT' if e['credit'] else 'DBIT'}</CdtDbtInd>{status}"
        f"<BookgDt><Dt>{e['booked']}</Dt></BookgDt><ValDt><Dt>{e['booked']}</Dt></ValDt>"
        f"<BkTxCd/><NtryDtls>{details}</NtryDtls></Ntry>"
    )


def camt_file(entries, *, version: int = 2, account: str = ORG_IBAN, statements: int = 1) -> bytes:
    body = "".join(
        f"<Stmt><Id>STMT-{n}</Id><CreDtTm>2026-03-05T08:00:00</CreDtTm>"
        f"<Acct><Id><IBAN>{account}</IBAN></Id><Ccy>EUR</Ccy></Acct>"
        + "".join(_entry_xml(e, version) for e in entries)
        + "</Stmt>"
        for n in range(1, statements + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.{version:02d}">'
        f"<BkToCstmrStmt><GrpHdr><MsgId>MSG-1</MsgId></GrpHdr>{body}</BkToCstmrStmt>"
        "</Document>"
    ).encode()


@pytest.mark.parametrize("version", [2, 4, 8])
def test_a_camt053_statement_imports_its_credits(settings, version):
    settings.PLATFORM_PAYOUT_NAMES = ["GivingPlatform Inc"]
    data = camt_file(
        [
            entry("REF1"),
            entry("REF2", credit=False, amount="400.00", name="Landlord"),
            entry("REF3", name="GivingPlatform  inc", amount="900.00", currency="USD"),
            entry("REF4", status="PDNG"),
            entry("REF5", amount="20.00", name="Donor 0102", iban=OTHER_IBAN, booked="2026-03-05"),
        ],
        version=version,
    )

    report = run(data, kind="camt053")

    assert report.ok, reasons(report)
    assert (report.rows, report.new, report.new_donors, report.skipped_count) == (5, 2, 2, 3)
    assert [str(s) for s in report.skipped] == [
        "statement 1, entry 2: not a credit",
        "statement 1, entry 3: platform payout (its gifts come from the platform export)",
        "statement 1, entry 4: not booked (status PDNG)",
    ]
    gift_ = Donation.objects.get(source_key=f"camt:{ORG_IBAN}:REF1")
    assert (gift_.currency, gift_.gross_minor, gift_.base_gross_minor) == ("EUR", 5_000, 75_012)
    assert gift_.channel == "bank"
    assert gift_.restriction == "unrestricted"
    assert records.read(gift_.donor, "iban") == DONOR_IBAN
    assert Donation.objects.get(source_key=f"camt:{ORG_IBAN}:REF5").received_on == NEXT_DAY
    assert_ledger_balanced()


def test_overlapping_statements_record_each_gift_once():
    first = run(camt_file([entry("A1"), entry("A2"), entry("A3")]), kind="camt053")
    second = run(
        camt_file([entry("A3"), entry("A4", name="Donor 0104", iban=""), entry("A5")]),
        kind="camt053",
    )

    assert first.new == 3
    assert (second.new, second.skipped_count, second.matched_donors) == (2, 1, 1)
    assert [str(s) for s in second.skipped] == ["statement 1, entry 1: already recorded"]
    assert Donation.objects.count() == 5
    assert_ledger_balanced()


def test_duplicated_entries_in_one_statement_are_counted_once():
    report = run(camt_file([entry("D1"), entry("D2"), entry("D1"), entry("D2")]), kind="camt053")

    assert report.ok
    assert report.new == 2
    assert report.skipped_count == 2
    assert str(report.skipped[0]) == (
        "statement 1, entry 3: repeats statement 1, entry 1 (a duplicated entry)"
    )


def test_entries_without_references_are_keyed_on_their_content():
    same_day_twice = [entry(None), entry(None), entry(None, amount="70.00")]
    first = run(camt_file(same_day_twice), kind="camt053")
    # Another statement (another file) listing the same entries, and one more.
    second = run(
        camt_file([*same_day_twice, entry(None, amount="80.00")], version=8), kind="camt053"
    )

    assert first.new == 3
    assert (second.new, second.skipped_count) == (1, 3)
    assert all(
        k.startswith(f"camt:{ORG_IBAN}:#")
        for k in Donation.objects.values_list("source_key", flat=True)
    )


def test_an_entry_booking_several_transfers_is_a_gift_per_transfer():
    data = camt_file(
        [
            entry(
                "B1",
                amount="60.00",
                transactions=[("10.00", "Donor 0201", ""), ("50.00", "Donor 0202", OTHER_IBAN)],
            )
        ]
    )

    report = run(data, kind="camt053")

    assert report.ok
    assert report.new == 2
    assert report.new_donors == 2
    assert sorted(Donation.objects.values_list("source_key", "gross_minor")) == [
        (f"camt:{ORG_IBAN}:B1/1", 1_000),
        (f"camt:{ORG_IBAN}:B1/2", 5_000),
    ]
    wrong = camt_file(
        [
            entry(
                "B2",
                amount="61.00",
                transactions=[("10.00", "Donor 0201", ""), ("50.00", "Donor 0202", "")],
            )
        ]
    )
    assert "do not add up" in reasons(run(wrong, kind="camt053"))[0]


def test_a_truncated_statement_is_refused_at_its_line_and_column():
    data = camt_file([entry("T1"), entry("T2")], version=4)
    cut = data[: len(data) - 200]

    report = run(cut, kind="camt053")

    assert not report.ok
    assert report.rejected[0].position.startswith("line 2, column")
    assert "malformed or cut short" in report.rejected[0].reason
    assert counts() == (0, 0, 0, 0)


def test_an_entity_expansion_bomb_is_refused_unread():
    lol = "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))
    bomb = (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE Document [<!ENTITY lol0 "lol">{lol}]>'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
        "<Stmt><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></Acct>"
        '<Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>'
        "<BookgDt><Dt>2026-03-04</Dt></BookgDt><AcctSvcrRef>&lol9;</AcctSvcrRef></Ntry>"
        "</Stmt></BkToCstmrStmt></Document>"
    ).encode()

    started = time.monotonic()
    report = run(bomb, kind="camt053")

    assert time.monotonic() - started < 2
    assert not report.ok
    assert "declares a document type or entities" in reasons(report)[0]
    assert counts() == (0, 0, 0, 0)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"transaction_id,date\n1,2026-03-04\n", "This is not XML"),
        (
            b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"/>',
            "This is not a CAMT.053 statement",
        ),
        (
            b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.01"/>',
            "versions .02 to .08",
        ),
        (b"<Document <unclosed></Document>", "not well-formed XML"),
        (
            b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><Stmt></Document>',
            "malformed or cut short",
        ),
    ],
)
def test_what_is_not_a_camt053_statement_is_refused(data, reason):
    assert reason in reasons(run(data, kind="camt053"))[0]


def test_a_bad_debtor_iban_is_money_received_with_the_iban_unverified():
    bad = "DE00370400440532013001"
    report = run(camt_file([entry("I1", iban=bad), entry("I2", iban=bad)]), kind="camt053")

    assert report.ok, reasons(report)
    assert Donation.objects.count() == 2
    assert set(Donation.objects.values_list("payer_iban_unverified", flat=True)) == {True}
    # The IBAN as written still finds the same payer: one donor for both lines.
    payer = Donor.objects.exclude(kind=DonorKind.ANONYMOUS).get()
    assert records.read(payer, "iban") == bad
    assert not Donation.objects.filter(payer_iban_unverified=False).exists()


# --- MT940 ----------------------------------------------------------------------------------


_MT940_AMOUNT = re.compile(r"\d{6}(?:\d{4})?(R?[CD])[A-Z]?(\d+),(\d*)")


def mt940_balance(amount: Decimal, currency: str = "EUR") -> str:
    """The tail of a :60F: or :62F: tag: mark, date, currency, amount with a comma."""
    mark = "D" if amount < 0 else "C"
    return f"{mark}260305{currency}{abs(amount):.2f}".replace(".", ",")


def mt940_file(
    lines: list[tuple[str, str]],
    *,
    number: str = "00001",
    account=ORG_IBAN,
    closing: str | None = None,
) -> bytes:
    """``lines``: (the :61: text after the tag, the :86: text, or ""). The closing balance
    is the opening balance (EUR 1000.00) plus the lines, unless ``closing`` gives the tail
    of the :62F: tag ("" leaves the tag out, as a statement cut short)."""
    body = "".join(
        f":61:{statement}\n" + (f":86:{details}\n" if details else "")
        for statement, details in lines
    )
    total = Decimal("1000.00")
    for statement, _details in lines:
        found = _MT940_AMOUNT.match(statement)
        if found:
            amount = Decimal(f"{found.group(2)}.{found.group(3) or 0}")
            total += -amount if found.group(1) in ("D", "RC") else amount
    if closing is None:
        closing = mt940_balance(total)
    tail = f":62F:{closing}\n" if closing else ""
    return (
        f":20:STMT{number}\n:25:{account}\n:28C:{number}/001\n:60F:C260301EUR1000,00\n{body}{tail}"
    ).encode()


def test_an_mt940_statement_imports_its_credits(settings):
    settings.PLATFORM_PAYOUT_NAMES = ["GivingPlatform Inc"]
    data = mt940_file(
        [
            (
                "2603040304C100,00NTRFNONREF//BANKREF0001",
                f"166?00GUTSCHRIFT?20Spende?32Donor 0301?31{DONOR_IBAN}",
            ),
            ("2603040304D50,00NTRFNONREF//BANKREF0002", "Rent"),
            (
                "2603050305C25,50NTRFNONREF//BANKREF0003",
                f"/NAME/Donor 0302/IBAN/{OTHER_IBAN}/REMI/gift",
            ),
            ("2603050305C900,00NTRFNONREF//BANKREF0004", "/NAME/GivingPlatform Inc/REMI/payout"),
            ("2603050305C5,00NTRFNONREF", "cash deposit"),
        ]
    )

    report = run(data, kind="mt940")

    assert report.ok, reasons(report)
    assert (report.new, report.new_donors, report.anonymous, report.skipped_count) == (3, 2, 1, 2)
    assert [str(s) for s in report.skipped] == [
        "statement 1, :61: at line 7: not a credit",
        "statement 1, :61: at line 11: platform payout (its gifts come from the platform export)",
    ]
    gift_ = Donation.objects.get(source_key=f"mt940:{ORG_IBAN}:BANKREF0001")
    assert (gift_.gross_minor, gift_.currency, gift_.received_on) == (10_000, "EUR", DAY)
    assert records.read(gift_.donor, "iban") == DONOR_IBAN
    assert "1 credit names no sender; it is recorded as an anonymous gift." in report.notes
    assert_ledger_balanced()


def test_an_overlapping_mt940_statement_adds_only_what_is_new():
    first = mt940_file(
        [
            ("2603040304C100,00NTRFNONREF//R1", "/NAME/Donor 0311/"),
            ("2603040304C10,00NTRFNONREF//R2", f"/NAME/Donor 0312/IBAN/{OTHER_IBAN}/"),
        ]
    )
    second = mt940_file(
        [
            ("2603040304C10,00NTRFNONREF//R2", f"/NAME/Donor 0312/IBAN/{OTHER_IBAN}/"),
            ("2603050305C30,00NTRFNONREF//R3", f"/NAME/Donor 0312/IBAN/{OTHER_IBAN}/"),
        ],
        number="00002",
    )

    assert run(first, kind="mt940").new == 2
    report = run(second, kind="mt940")

    assert (report.new, report.skipped_count, report.matched_donors, report.new_donors) == (
        1,
        1,
        1,
        0,
    )
    assert Donation.objects.count() == 3


def test_a_malformed_mt940_line_is_named():
    data = mt940_file([("2603040304C100,00NTRFNONREF//R1", "x"), ("26XX0304C1,00NTRF", "")])

    report = run(data, kind="mt940")

    assert reasons(report) == [
        "statement 1, line 7: this line cannot be read as MT940; nothing was imported."
    ]


def test_a_balanced_mt940_statement_imports_debits_and_reversals_included():
    data = mt940_file(
        [
            ("2603040304C100,00NTRFNONREF//B1", "/NAME/Donor 0321/"),
            ("2603040304D250,00NTRFNONREF//B2", "Rent"),
            ("2603040304RD5,00NTRFNONREF//B3", "returned fee"),
        ]
    )
    assert b":62F:C260305EUR855,00" in data

    report = run(data, kind="mt940")

    assert report.ok, reasons(report)
    assert report.new == 1


def test_an_mt940_statement_cut_before_its_closing_balance_is_refused():
    whole = mt940_file([("2603040304C100,00NTRFNONREF//C1", "/NAME/Donor 0322/")], number="00001")
    cut = mt940_file(
        [("2603050305C40,00NTRFNONREF//C2", "/NAME/Donor 0323/")], number="00002", closing=""
    )

    report = run(whole + cut, kind="mt940")

    assert reasons(report) == [
        "statement 2, line 8: the statement ends before its closing balance (:62F: or :62M:):"
        " it may be cut short; nothing was imported."
    ]
    assert counts() == (0, 0, 0, 0)


def test_an_mt940_closing_balance_that_does_not_add_up_is_refused():
    lines = [
        ("2603040304C100,00NTRFNONREF//W1", "/NAME/Donor 0324/"),
        ("2603040304C20,00NTRFNONREF//W2", "/NAME/Donor 0325/"),
    ]
    wrong = mt940_file(lines, closing="C260305EUR1100,00")  # a line of 20.00 was dropped
    wrong_sign = mt940_file(lines, closing="D260305EUR1120,00")
    wrong_currency = mt940_file(lines, closing="C260305USD1120,00")

    assert reasons(run(wrong, kind="mt940")) == [
        "statement 1, line 1: the opening balance 1000.00 EUR plus the lines (+120.00 EUR)"
        " makes 1120.00 EUR, but the closing balance says 1100.00 EUR: the statement is"
        " incomplete or was altered; nothing was imported."
    ]
    assert "closing balance says -1120.00 EUR" in reasons(run(wrong_sign, kind="mt940"))[0]
    assert "mixes currencies (USD)" in reasons(run(wrong_currency, kind="mt940"))[0]
    assert counts() == (0, 0, 0, 0)


def test_what_is_not_mt940_is_refused():
    assert "not an MT940 statement" in reasons(run(platform_file([gift(1)]), kind="mt940"))[0]


# --- a CSV through a saved mapping ----------------------------------------------------------


def sheet(header, rows, *, encoding="utf-8", delimiter=",") -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows([str(c) for c in row] for row in rows)
    return out.getvalue().encode(encoding)


@pytest.fixture
def cash_book():
    return ColumnMapping.objects.create(
        name="Cash book",
        columns={"date": "날짜", "amount": "금액", "name": "성함", "restriction": "용도"},
        defaults={"channel": "cash", "restriction": "relief", "currency": "KRW"},
    )


def test_a_cash_book_imports_through_its_mapping(cash_book):
    rows = [
        ["2026. 3. 4.", "￦50,000", "", ""],
        ["2026. 3. 4.", "10,000", "", ""],
        ["2026. 3. 4.", "10,000", "", ""],
        ["2026-03-05", "30000", "기부자 이", "구출"],
    ]
    data = sheet(["날짜", "금액", "성함", "용도"], rows, encoding="cp949", delimiter=";")

    report = run(data, kind="csv", mapping=cash_book)

    assert report.ok, reasons(report)
    assert (report.new, report.anonymous, report.new_donors) == (4, 3, 1)
    assert sorted(Donation.objects.values_list("gross_minor", "channel", "restriction")) == [
        (10_000, "cash", "relief"),
        (10_000, "cash", "relief"),
        (30_000, "cash", "rescue"),
        (50_000, "cash", "relief"),
    ]
    # The book grows; imported again, only its new rows are added.
    grown = sheet(
        ["날짜", "금액", "성함", "용도"], [*rows, ["2026-03-05", "5,000", "", ""]], delimiter=";"
    )
    again = run(grown, kind="csv", mapping=cash_book)
    assert (again.new, again.skipped_count) == (1, 4)
    assert_ledger_balanced()


def test_a_file_without_the_mapped_columns_is_refused(cash_book):
    report = run(sheet(["date", "amount"], [[DAY, "1000"]]), kind="csv", mapping=cash_book)

    assert reasons(report)[0].startswith(
        "row 1: the file does not have the columns the mapping “Cash book” names: date (“날짜”)"
    )


def test_a_generic_csv_needs_a_usable_mapping():
    assert "needs a saved column mapping" in reasons(run(b"a,b\n", kind="csv"))[0]
    broken = ColumnMapping.objects.create(name="Broken", columns={"amount": "x", "colour": "y"})
    assert (
        "unknown fields: colour; fields it must map: date"
        in reasons(run(b"a,b\n", kind="csv", mapping=broken))[0]
    )


# --- damaged files --------------------------------------------------------------------------


def damaged(data: bytes, *, count: int, seed: int):
    """``count`` copies of ``data`` with a few bytes cut, inserted or changed at random."""
    import random

    rng = random.Random(seed)
    for _ in range(count):
        copy = bytearray(data)
        for _ in range(rng.randint(1, 6)):
            at, roll = rng.randrange(len(copy)), rng.random()
            if roll < 0.3:
                del copy[at : at + rng.randint(1, 20)]
            elif roll < 0.6:
                copy[at:at] = bytes(rng.choice(b":/,.<>CDR019\n ?&;") for _ in range(3))
            else:
                copy[at] = rng.randrange(256)
        yield bytes(copy)


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        ("platform", platform_file([gift(1), gift(2)])),
        ("camt053", camt_file([entry("F1"), entry(None, amount="3.00")], version=8)),
        (
            "mt940",
            mt940_file(
                [
                    ("2603040304C100,00NTRFNONREF//R1", f"166?00X?32Donor 0601?31{DONOR_IBAN}"),
                    ("2603040304D1,00NTRF", "/NAME/Donor 0602/"),
                ]
            ),
        ),
    ],
)
def test_a_damaged_file_is_imported_whole_or_refused_never_crashes(kind, data):
    for copy in damaged(data, count=150, seed=len(kind)):
        report = run(copy, kind=kind, dry_run=True)
        assert report.ok or report.rejected


# --- the ledger after many imports ----------------------------------------------------------


def test_the_ledger_balances_after_imports_of_every_kind(cash_book):
    run(platform_file([gift(n) for n in range(1, 30)]))
    run(camt_file([entry(f"L{n}", amount=f"{n}.50") for n in range(1, 20)]), kind="camt053")
    run(
        mt940_file(
            [(f"2603040304C{n},00NTRFNONREF//M{n}", f"/NAME/Donor {n:04d}/") for n in range(1, 10)]
        ),
        kind="mt940",
    )
    run(
        sheet(["날짜", "금액", "성함", "용도"], [[DAY, "1000", "", ""]]),
        kind="csv",
        mapping=cash_book,
    )

    assert Donation.objects.count() == 29 + 19 + 9 + 1
    assert_ledger_balanced()
    income = -Entry.objects.filter(account_id=ledger.DONATIONS).aggregate(t=Sum("amount_minor"))[
        "t"
    ]
    assert income == Donation.objects.aggregate(t=Sum("base_gross_minor"))["t"]


# --- the command ----------------------------------------------------------------------------


def command(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_imports_donations_and_reports(tmp_path):
    path = tmp_path / "platform.csv"
    path.write_bytes(platform_file([gift(1), gift(2)]))

    out, _err = command("donations", str(path), "--format", "platform", "--dry-run")
    assert out.startswith("Dry run: nothing was written.\n")
    assert "gifts: 2 new" in out
    assert Donation.objects.count() == 0

    out, _err = command("donations", str(path), "--format", "platform")
    assert "gifts: 2 new (₩276,100); donors: 2 new" in out
    assert AuditEntry.objects.get(action="funds.donations_imported").actor_label == "command line"

    out, _err = command("donations", str(path), "--format", "platform")
    assert "Already imported on" in out


def test_the_command_lists_rejected_rows_and_fails(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(platform_file([gift(1, amount="-5"), gift(2), gift(3, currency="QQQ")]))

    err = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import", "donations", str(path), "--format", "platform", stderr=err)

    assert caught.value.returncode == 1
    assert err.getvalue().splitlines()[:2] == [
        "row 2: A gift must be more than zero.",
        "row 4: unknown currency “QQQ”.",
    ]
    assert "rejected: 2" in str(caught.value)
    assert Donation.objects.count() == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["donations", "x.csv"], "--format"),
        (["donations", "x.csv", "--format", "csv"], "--mapping"),
        (["donations", "x.csv", "--format", "csv", "--mapping", "Nope"], "No column mapping"),
        (["donations", "/nonexistent/x.csv", "--format", "platform"], "Cannot read"),
        (["cases", "x.csv"], "--team"),
    ],
)
def test_the_command_explains_what_it_cannot_do(args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.csv").write_bytes(platform_file([gift(1)]))

    with pytest.raises(CommandError, match=message):
        command(*args)


def test_the_command_uses_a_saved_mapping(tmp_path, cash_book):
    path = tmp_path / "book.csv"
    path.write_bytes(sheet(["날짜", "금액", "성함", "용도"], [[DAY, "1000", "", ""]]))

    out, _err = command("donations", str(path), "--format", "csv", "--mapping", "Cash book")

    assert "gifts: 1 new (₩1,000)" in out


# --- the upload page ------------------------------------------------------------------------


def upload(client, data: bytes, *, name="export.csv", **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fields.setdefault("file_format", "platform")
    return client.post(
        "/funds/imports/", {"file": SimpleUploadedFile(name, data, "text/csv"), **fields}
    )


def test_finance_staff_preview_then_import_a_file_on_the_page(finance):
    from safepassage.testing.members import signed_in_client

    client = signed_in_client(finance)
    data = platform_file([gift(1), gift(2)])

    preview = upload(client, data, dry_run="on")
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "Dry run: what the import would do" in page
    assert "new donor OO" in page
    assert "donor0001@example.org" not in page
    assert Donation.objects.count() == 0

    done = upload(client, data)
    batch = ImportBatch.objects.get()
    assert done.status_code == 302
    assert done["Location"] == f"/funds/imports/{batch.pk}/"
    assert batch.created_by == finance.user
    shown = client.get(done["Location"]).content.decode()
    assert all(g.code in shown for g in Donation.objects.all())
    assert "export.csv" in client.get("/funds/imports/").content.decode()

    again = upload(client, data)
    assert "This file was imported on" in again.content.decode()
    assert Donation.objects.count() == 2


def test_an_imported_gift_s_page_points_to_its_import_s_posting_of_the_day(finance):
    from safepassage.testing.members import signed_in_client

    client = signed_in_client(finance)
    run(platform_file([gift(1), gift(2, date=NEXT_DAY.isoformat())]), actor=finance.user)
    batch = ImportBatch.objects.get()
    imported = Donation.objects.get(source_key="platform:tx_0001")

    page = client.get(imported.get_absolute_url()).content.decode()
    assert "summary transaction for that day" in page
    assert f"/funds/imports/{batch.pk}/#day-{DAY.isoformat()}" in page
    assert "No entries of its own." in page
    shown = client.get(f"/funds/imports/{batch.pk}/").content.decode()
    assert f'id="day-{DAY.isoformat()}"' in shown
    assert f'id="day-{NEXT_DAY.isoformat()}"' in shown


def test_rejected_rows_are_listed_on_the_page(finance):
    from safepassage.testing.members import signed_in_client

    response = upload(signed_in_client(finance), platform_file([gift(1, amount="-3")]))

    assert response.status_code == 400
    assert "row 2: A gift must be more than zero." in response.content.decode()
    assert Donation.objects.count() == 0


def test_a_csv_upload_needs_a_mapping(finance):
    from safepassage.testing.members import signed_in_client

    response = upload(signed_in_client(finance), b"a,b\n", file_format="csv")

    assert response.status_code == 400
    assert "Choose the column mapping" in response.content.decode()


def test_an_upload_stays_in_memory_and_a_too_large_one_is_refused(finance, monkeypatch):
    from django.core.files import uploadedfile

    from safepassage.funds import import_views
    from safepassage.testing.members import signed_in_client

    def no_disk(*args, **kwargs):
        raise AssertionError("an upload was about to be written to a temporary file")

    monkeypatch.setattr(uploadedfile.TemporaryUploadedFile, "__init__", no_disk)
    client = signed_in_client(finance)
    header = [*PLATFORM_HEADER, "notes"]
    # 3 MB, above Django's 2.5 MB limit for keeping an upload in memory.
    big = platform_file([gift(n, notes="x" * 60_000) for n in range(1, 51)], header=header)
    assert len(big) > 3_000_000

    response = upload(client, big, dry_run="on")
    assert response.status_code == 200
    assert "Columns not imported: notes." in response.content.decode()

    monkeypatch.setattr(import_views, "MAX_UPLOAD_BYTES", 1024 * 1024)
    response = upload(client, big, dry_run="on")
    assert response.status_code == 400
    assert "The file is larger than 1 MB" in response.content.decode()


def test_an_upload_without_the_csrf_token_is_refused(finance):
    from safepassage.testing.members import signed_in_client

    client = signed_in_client(finance)
    client.handler.enforce_csrf_checks = True

    response = upload(client, platform_file([gift(1)]))

    assert response.status_code == 403
    assert Donation.objects.count() == 0


# --- at the same moment, on PostgreSQL ------------------------------------------------------


def on_postgres(test):
    from safepassage.testing.markers import postgres_only

    for mark in [*postgres_only, pytest.mark.django_db(transaction=True)]:
        test = mark(test)
    return test


@on_postgres
def test_the_same_file_imported_four_times_at_once_is_imported_once():
    data = platform_file([gift(n) for n in range(1, 301)])

    reports = run_together(4, lambda _n: run(data))

    assert sorted(report.ok for report in reports) == [False, False, False, True]
    assert sum(report.already_imported_on is not None for report in reports) == 3
    assert len({report.batch_id for report in reports}) == 1
    # One summary transaction for the day: platform, fees and income.
    assert counts() == (300, 300, 3, 1)
    assert_ledger_balanced()
    assert AuditEntry.objects.filter(action="funds.donations_imported").count() == 1


@on_postgres
def test_overlapping_statements_imported_at_once_record_each_gift_once():
    first = camt_file([entry(f"C{n}", name="Donor 0500") for n in range(1, 101)])
    second = camt_file([entry(f"C{n}", name="Donor 0500") for n in range(51, 151)], version=8)

    reports = run_together(2, lambda n: run((first, second)[n], kind="camt053"))

    assert all(report.ok for report in reports)
    assert sorted(report.new for report in reports) == [50, 100]
    assert sorted(report.skipped_count for report in reports) == [0, 50]
    assert Donation.objects.count() == 150
    assert Donor.objects.count() == 1
    assert_ledger_balanced()


@on_postgres
def test_the_balance_check_refuses_an_unbalanced_import_posting(monkeypatch):
    """The check at commit stands behind the importer's own: a summary that does not
    balance (here made so behind ``Summary``'s back) fails the whole import."""
    summed = ledger.Summary.rows

    def off_by_one(self, **fields):
        postings, entries = summed(self, **fields)
        first = list(entries[0])
        first[2] += 1  # amount_minor
        return postings, [tuple(first), *entries[1:]]

    monkeypatch.setattr(ledger.Summary, "rows", off_by_one)

    with pytest.raises(IntegrityError, match="does not balance"):
        run(platform_file([gift(1), gift(2)]))

    assert counts() == (0, 0, 0, 0)
    assert not Transaction.objects.exists()


# --- the ledger: one summary transaction a day ----------------------------------------------


def test_an_import_posts_one_balanced_transaction_a_day_summing_its_gifts():
    report = run(
        platform_file(
            [
                gift(1),
                gift(2, amount="25.00", fee="1.03", designation="relief"),
                gift(3, date=NEXT_DAY.isoformat(), currency="EUR"),
                gift(4, amount="10.00", fee="0.00"),
            ]
        )
    )

    assert report.ok, reasons(report)
    batch = ImportBatch.objects.get()
    summaries = Transaction.objects.filter(kind="import").order_by("on")
    assert [(t.on, t.batch_id, t.donation_id) for t in summaries] == [
        (DAY, batch.pk, None),
        (NEXT_DAY, batch.pk, None),
    ]
    assert Transaction.objects.count() == 2
    assert_ledger_balanced()
    first_day = summaries[0].entries
    # Rescue (gifts 1 and 4) and relief: platform, fees and income each.
    assert first_day.count() == 6
    rescue = dict(first_day.filter(restriction="rescue").values_list("account", "original_minor"))
    assert rescue == {ledger.PLATFORM: 9_710 + 1_000, ledger.FEES: 290, ledger.DONATIONS: -11_000}
    gifts = Donation.objects.filter(received_on=DAY, restriction="rescue")
    assert (
        -first_day.filter(restriction="rescue", account=ledger.DONATIONS).get().amount_minor
        == (gifts.aggregate(t=Sum("base_gross_minor"))["t"])
    )


def test_a_summary_that_does_not_balance_is_refused_before_anything_is_written():
    from safepassage.funds.services.errors import Unbalanced

    summary = ledger.Summary()
    summary.add(
        ledger.entry_rows(
            transaction_id=None,
            kind="donation",
            on=DAY,
            lines=[
                ledger.Line(ledger.BANK, 100, "KRW", 100),
                ledger.Line(ledger.DONATIONS, -100, "KRW", -100),
            ],
            restriction="rescue",
        )
    )
    summary.add([(None, ledger.BANK, 1, DAY, "rescue", None, "", "", "KRW", 1)])

    with pytest.raises(Unbalanced, match="sum to 1"):
        summary.rows(kind="import", batch_id=None, now=timezone.now())


def test_reversing_an_imported_gift_posts_its_own_reversal_and_undoes_it():
    from django.db import transaction

    from safepassage.funds.services import donations
    from safepassage.funds.tests.test_properties import ledger_totals

    today = timezone.localdate()
    kept = [
        gift(n, date=today.isoformat(), currency="KRW", amount="30000", fee="900") for n in (1, 2)
    ]
    refunded = gift(3, date=today.isoformat(), currency="KRW", amount="50000", fee="1500")
    with transaction.atomic():
        assert run(platform_file(kept)).ok
        never_received = ledger_totals()
        transaction.set_rollback(True)

    assert run(platform_file([*kept, refunded])).ok
    original = Donation.objects.get(source_key="platform:tx_0003")
    reversal = donations.donation_reverse(actor=None, donation=original, reason="refunded")

    posted = Transaction.objects.get(donation=reversal)
    assert posted.kind == "reversal"
    assert posted.entries.count() == 3
    assert not Transaction.objects.filter(donation=original).exists()
    assert_ledger_balanced()
    # The totals are those of the two gifts alone, by every dimension (the reversal is
    # booked today, the gift's day).
    totals = {key: value for key, value in ledger_totals().items() if value != (0, 0)}
    assert totals == never_received


def test_the_same_gifts_imported_again_post_nothing_more():
    assert run(platform_file([gift(1), gift(2)])).ok
    posted = list(Transaction.objects.values_list("pk", flat=True))
    entries = Entry.objects.count()

    again = run(platform_file([gift(1), gift(2), gift(2)]))

    assert again.ok
    assert again.new == 0
    assert list(Transaction.objects.values_list("pk", flat=True)) == posted
    assert Entry.objects.count() == entries
    assert_ledger_balanced()


# --- the bulk path writes what one gift writes ----------------------------------------------


def test_the_bulk_rows_name_every_column_of_their_tables():
    from safepassage.funds.services.donations import DONATION_COLUMNS
    from safepassage.vault.models import DataKey

    def columns(model, *, auto=()):
        return {f.attname for f in model._meta.concrete_fields if f.attname not in auto}

    assert set(DONATION_COLUMNS) == columns(Donation)
    assert set(ledger.TRANSACTION_COLUMNS) == columns(Transaction)
    assert set(ledger.ENTRY_COLUMNS) == columns(Entry, auto=("id",))
    assert set(records.DATA_KEY_COLUMNS) == columns(DataKey)
    fresh = donors.NewDonors(now=timezone.now())
    assert set(fresh.columns) == columns(Donor)
    assert len(fresh.columns) == len(set(fresh.columns))


def test_an_imported_gift_is_the_gift_recorded_by_hand():
    from safepassage.funds.services import donations

    run(platform_file([gift(1, amount="123.45", fee="3.59", designation="relief")]))
    imported = Donation.objects.get()
    by_hand = donations.donation_record(
        actor=None,
        donor=imported.donor,
        gross_minor=12_345,
        fee_minor=359,
        currency="USD",
        received_on=DAY,
        channel="platform",
        restriction="relief",
    )

    def gift_fields(donation):
        skip = {"id", "code", "source_key", "batch", "created_at", "updated_at"}
        return {
            f.attname: getattr(donation, f.attname)
            for f in Donation._meta.concrete_fields
            if f.name not in skip
        }

    def booked(entries):
        return sorted(
            entries.values_list(
                "account_id",
                "amount_minor",
                "on",
                "restriction",
                "campaign_id",
                "channel",
                "category",
                "currency",
                "original_minor",
            )
        )

    assert gift_fields(imported) == gift_fields(by_hand)
    # Alone on its day, the imported gift's summary is its own entries.
    summary = Transaction.objects.get(kind="import", batch=imported.batch)
    assert summary.on == imported.received_on
    assert booked(summary.entries.all()) == booked(
        Entry.objects.filter(transaction__donation=by_hand)
    )
    assert len(booked(summary.entries.all())) == 3
    assert_ledger_balanced()


def test_a_donor_sealed_in_bulk_reads_and_matches_as_one_made_by_hand():
    run(platform_file([gift(7, donor_name="  Kim Bulk  ", donor_email="Kim.Bulk@Example.org")]))
    imported = Donor.objects.get()
    by_hand = donors.donor_create(actor=None, name="Kim Bulk 2", email="kim.bulk2@example.org")

    assert records.read(imported, "name") == "Kim Bulk"
    assert records.read(imported, "email") == "Kim.Bulk@Example.org"
    assert records.read(imported, "phone") is None
    assert str(imported.name) == str(by_hand.name) == "Kim OO"
    assert imported.data_key.master_key_id == by_hand.data_key.master_key_id
    assert imported.email_bidx == records.blind_index(Donor, "email", "kim.bulk@example.org")
    assert donors.match(email="KIM.BULK@example.org") == imported
    assert imported.kind == by_hand.kind
    # A gift in dollars: the donor is written to in English, not Korean by default.
    assert imported.language == "en"


@pytest.mark.parametrize("currency", ["USD", "EUR", "JPY", "BHD", "KRW"])
def test_conversion_to_the_base_currency_is_money_convert(currency):
    import random

    from safepassage.base import money
    from safepassage.funds.services import donations

    rng = random.Random(currency)
    for _ in range(2000):
        rate = Decimal(rng.randrange(1, 10**12)).scaleb(-rng.randrange(0, 11))
        minor = rng.choice([rng.randrange(-(10**6), 10**6), rng.randrange(-(10**15) + 1, 10**15)])
        assert donations.to_base(minor, currency, rate) == money.convert(
            minor, currency, rate, "KRW"
        ), (minor, rate)
    # Halves round to even, as money.convert rounds them.
    assert donations.to_base(5, "USD", Decimal("10")) == money.convert(
        5, "USD", Decimal("10"), "KRW"
    )
