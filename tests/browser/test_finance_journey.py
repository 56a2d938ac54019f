"""Money in and money out, through the real pages: issue 6's "Done when".

Finance staff at a 1280 px desk record a gift at an event for the rescue fund, load a bank
statement (ISO 20022 CAMT.053, in KRW) and the giving platform's export (USD, with fees),
dry run first, and see the totals in the base currency come out as this test computes them
from the known amounts and rates. They record an expense from the rescue fund and submit
it; the director approves it from another browser; finance marks it paid and the fund's
balance goes down by it. Finance issues a gift's receipt and e-mails it: the donor gets a
PDF carrying its number. At 360 px the totals and donations pages do not scroll sideways.

Every file is generated here: donors are invented, e-mail addresses are at example.org,
IBANs are made by schwifty from test bank codes. Screenshots of the totals page and of the
paid expense go to ``test-artifacts/`` for a person to look at.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader
from schwifty import IBAN

from safepassage.accounts.models import Role
from safepassage.base import money
from safepassage.funds.models import (
    Donation,
    Donor,
    Entry,
    Expense,
    ExpenseStatus,
    ImportBatch,
    Receipt,
)
from safepassage.funds.services import ledger, rates
from safepassage.testing.members import make_member
from tests.browser.conftest import TIMEOUT_MS
from tests.browser.menus import follow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESK = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}
BASE = "KRW"
TODAY = timezone.localdate()


def days_ago(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


# The organisation's account at a Korean bank (no IBAN: CAMT names it by Othr/Id).
OUR_ACCOUNT = "1002-345-678901"
# Three donors who give by bank transfer, each from an account with a test IBAN.
BANK_GIFTS = [
    # (bank reference, booked on, KRW, debtor, debtor's IBAN)
    (
        "KB-0001",
        days_ago(14),
        50_000,
        "Hana Schmidt",
        str(IBAN.generate("DE", bank_code="37040044", account_code="0532013000")),
    ),
    ("KB-0002", days_ago(13), 120_000, "Oliver Grant", "GB82WEST12345698765432"),
    (
        "KB-0004",
        days_ago(12),
        30_000,
        "Mina Weber",
        str(IBAN.generate("DE", bank_code="37040044", account_code="1234567890")),
    ),
]
RENT = ("KB-0003", days_ago(13), 400_000, "Office landlord")
PAYOUT = ("KB-0005", days_ago(11), 512_300, settings.PLATFORM_PAYOUT_NAMES[0])

# The platform's export: four USD gifts with its fee, on two days with their own rates.
USD_RATES = {days_ago(9): Decimal("1380.50"), days_ago(8): Decimal("1391.25")}
PLATFORM_GIFTS = [
    # (transaction id, day, gross, fee, donor, e-mail, designation)
    ("ch_3PzA001", days_ago(9), "100.00", "3.20", "Grace Park", "grace.park@example.org", "rescue"),
    ("ch_3PzA002", days_ago(9), "25.00", "1.03", "Tom Baker", "tom.baker@example.org", ""),
    ("ch_3PzA003", days_ago(8), "50.00", "1.75", "Lena Cho", "lena.cho@example.org", "rescue"),
    ("ch_3PzA004", days_ago(8), "10.00", "0.59", "Sam Ortiz", "sam.ortiz@example.org", "relief"),
]
# A gift handed over at a fundraising dinner, for rescues; typed in by hand.
EVENT_GIFT = {"name": "Yuna Lee", "email": "yuna.lee@example.org", "krw": 300_000}
EXPENSE_KRW = 250_000


def camt053(account: str, credits, debits, payouts) -> bytes:
    """A CAMT.053.001.08 statement in KRW, as a Korean bank's export would give it."""

    def entry(ref, day, amount, indicator, party_role, name, iban="") -> str:
        account_xml = f"<{party_role}Acct><Id><IBAN>{iban}</IBAN></Id></{party_role}Acct>"
        return (
            f"<Ntry><NtryRef>{ref}</NtryRef><Amt Ccy='KRW'>{amount}</Amt>"
            f"<CdtDbtInd>{indicator}</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>"
            f"<BookgDt><Dt>{day.isoformat()}</Dt></BookgDt>"
            f"<ValDt><Dt>{day.isoformat()}</Dt></ValDt>"
            f"<AcctSvcrRef>{ref}</AcctSvcrRef><BkTxCd><Prtry><Cd>TRF</Cd></Prtry></BkTxCd>"
            f"<NtryDtls><TxDtls><Refs><AcctSvcrRef>{ref}</AcctSvcrRef></Refs>"
            f"<RltdPties><{party_role}><Pty><Nm>{name}</Nm></Pty></{party_role}>"
            f"{account_xml if iban else ''}</RltdPties>"
            f"<RmtInf><Ustrd>{'Donation' if indicator == 'CRDT' else 'Rent'}</Ustrd></RmtInf>"
            f"</TxDtls></NtryDtls></Ntry>"
        )

    entries = (
        [
            (day, ref, entry(ref, day, krw, "CRDT", "Dbtr", name, iban))
            for ref, day, krw, name, iban in credits
        ]
        + [(day, ref, entry(ref, day, krw, "DBIT", "Cdtr", name)) for ref, day, krw, name in debits]
        + [
            (day, ref, entry(ref, day, krw, "CRDT", "Dbtr", name))
            for ref, day, krw, name in payouts
        ]
    )
    entries.sort()  # in booking order, as a bank lists them
    first, last = days_ago(15), days_ago(10)
    return (
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        "<Document xmlns='urn:iso:std:iso:20022:tech:xsd:camt.053.001.08'><BkToCstmrStmt>"
        f"<GrpHdr><MsgId>STMT-{last:%Y%m%d}-001</MsgId>"
        f"<CreDtTm>{last.isoformat()}T23:59:00+09:00</CreDtTm></GrpHdr>"
        f"<Stmt><Id>{account}-{last:%Y%m%d}</Id><ElctrncSeqNb>42</ElctrncSeqNb>"
        f"<CreDtTm>{last.isoformat()}T23:59:00+09:00</CreDtTm>"
        f"<FrToDt><FrDtTm>{first.isoformat()}T00:00:00+09:00</FrDtTm>"
        f"<ToDtTm>{last.isoformat()}T23:59:59+09:00</ToDtTm></FrToDt>"
        f"<Acct><Id><Othr><Id>{account}</Id></Othr></Id><Ccy>KRW</Ccy>"
        "<Svcr><FinInstnId><BICFI>CZNBKRSE</BICFI></FinInstnId></Svcr></Acct>"
        + "".join(xml for _day, _ref, xml in entries)
        + "</Stmt></BkToCstmrStmt></Document>"
    ).encode()


def platform_export(gifts) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(
        [
            *("Transaction ID", "Date", "Donor Name", "Donor Email"),
            *("Amount", "Fee", "Currency", "Designation", "Status"),
        ]
    )
    for tx, day, gross, fee, name, email, designation in gifts:
        paid_at = f"{day.isoformat()}T10:15:00Z"
        writer.writerow([tx, paid_at, name, email, gross, fee, "USD", designation, "succeeded"])
    return out.getvalue().encode()


def usd_in_krw(amount: str, day: dt.date) -> int:
    return money.convert(money.to_minor(amount, "USD"), "USD", USD_RATES[day], BASE)


def krw(minor: int) -> str:
    """A base-currency amount as the pages print it (English locale)."""
    return money.display(minor, BASE)


PAGES = {
    "Funds": "/funds/",
    "Donations": "/funds/donations/",
    "Expenses": "/funds/expenses/",
    "Receipts": "/funds/receipts/",
}


def nav(page, name: str) -> None:
    """Follow the main navigation's link to ``name``."""
    follow(page, name)
    page.wait_for_url(f"**{PAGES[name]}")


def field(page, label: str):
    """The form field labelled exactly ``label`` (Django adds a colon)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


def upload(page, data: bytes, *, name: str, kind: str, dry_run: bool) -> None:
    field(page, "File").set_input_files(
        {"name": name, "mimeType": "application/octet-stream", "buffer": data}
    )
    page.get_by_label("What the file is").select_option(label=kind)
    page.get_by_label("Dry run: check and preview, write nothing").set_checked(dry_run)
    page.get_by_role("button", name="Check and import").click()


def fact(page, term: str):
    """The <dd> after the <dt> saying ``term`` in the page's first matching list."""
    return page.locator(f"dl.facts dt:text-is('{term}') + dd").first


def table_after(page, heading: str):
    return page.locator(f"h2:text-is('{heading}') + table")


def cell(table, row: str, column: str):
    return (
        table.locator("tr")
        .filter(has=table.page.locator(f"th:text-is('{row}')"))
        .locator(f"td[data-label='{column}']")
    )


def state() -> tuple[int, int, int, int]:
    return (
        Donation.objects.count(),
        Donor.objects.count(),
        Entry.objects.count(),
        ImportBatch.objects.count(),
    )


def page_width(page) -> int:
    """How wide the page is drawn: more than the viewport means it scrolls sideways."""
    return page.evaluate("document.documentElement.scrollWidth")


def test_finance_loads_statements_sees_totals_pays_an_approved_expense_and_sends_a_receipt(
    live_server, page, browser, sign_in, console_errors, artifacts, smtp_server, run_tasks
):
    finance = make_member(Role.Code.FINANCE)
    director = make_member(Role.Code.DIRECTOR)
    for day, rate in USD_RATES.items():
        rates.rate_set(actor=None, currency="USD", on=day, rate=rate, source="Bank of Korea")
    page.set_viewport_size(DESK)
    sign_in(page, finance)

    # --- A gift for the rescue fund, handed over at a dinner and typed in by hand ----------
    nav(page, "Donations")
    page.get_by_role("link", name="Record a gift").click()
    page.get_by_role("checkbox", name="New donor").check()
    page.get_by_label("New donor: name").fill(EVENT_GIFT["name"])
    page.get_by_label("New donor: e-mail").fill(EVENT_GIFT["email"])
    page.get_by_label("Amount received (gross)").fill(f"{EVENT_GIFT['krw']:,}")
    expect(page.get_by_label("Currency")).to_have_value(BASE)
    page.get_by_label("Received on").fill(days_ago(5).isoformat())
    page.get_by_label("Channel").select_option(label="Event")
    field(page, "Fund").select_option(label="Rescue")
    page.get_by_role("button", name="Record the gift").click()
    expect(page.locator(".messages")).to_contain_text(re.compile(r"Gift \S+ recorded\."))
    event_gift = Donation.objects.get()
    assert (event_gift.channel, event_gift.restriction) == ("event", "rescue")
    assert (event_gift.gross_minor, event_gift.base_gross_minor) == (EVENT_GIFT["krw"],) * 2
    expect(page.locator("h1")).to_contain_text(event_gift.code)

    # --- The bank statement: a dry run previews and writes nothing ------------------------
    statement = camt053(OUR_ACCOUNT, BANK_GIFTS, [RENT], [PAYOUT])
    statement_name = f"statement-{days_ago(10):%Y%m%d}.xml"
    nav(page, "Donations")
    page.screenshot(path=str(artifacts / "finance-donations-1280.png"))
    page.get_by_role("link", name="Import gifts").click()
    page.wait_for_url("**/funds/imports/")
    before = state()
    upload(
        page, statement, name=statement_name, kind="Bank statement, CAMT.053 (XML)", dry_run=True
    )
    report = page.locator("section[aria-labelledby=report-title]")
    expect(report.locator("h2")).to_have_text("Dry run: what the import would do")
    bank_total = sum(krw_ for _ref, _day, krw_, _name, _iban in BANK_GIFTS)
    expect(fact(report, "New gifts")).to_have_text(f"3 ({krw(bank_total)})")
    expect(fact(report, "New donors")).to_have_text("3")
    expect(fact(report, "Skipped")).to_have_text("2")
    expect(report.locator("table tbody tr")).to_have_count(3)
    report.locator("details summary").click()
    expect(report.locator("details li")).to_have_text(
        [
            "statement 1, entry 3: not a credit",
            "statement 1, entry 5: platform payout (its gifts come from the platform export)",
        ]
    )
    for _ref, _day, _krw, name, iban in BANK_GIFTS:  # the preview shows no name or IBAN
        expect(report).not_to_contain_text(name)
        expect(report).not_to_contain_text(iban)
    assert state() == before, "a dry run wrote something"

    # --- ... then the real import, which lands on the import's page ------------------------
    upload(
        page, statement, name=statement_name, kind="Bank statement, CAMT.053 (XML)", dry_run=False
    )
    page.wait_for_url(re.compile(r".*/funds/imports/[0-9a-f-]{36}/$"))
    expect(page.locator(".messages")).to_contain_text(
        f"Imported: gifts: 3 new ({krw(bank_total)}); donors: 3 new, 0 matched"
    )
    expect(page.locator("table.list").first.locator("tbody tr")).to_have_count(3)
    expect(fact(page, "New gifts")).to_have_text(f"3 ({krw(bank_total)})")
    bank_gifts = Donation.objects.filter(channel="bank")
    assert sorted(g.gross_minor for g in bank_gifts) == sorted(g[2] for g in BANK_GIFTS)
    assert {g.source_key for g in bank_gifts} == {f"camt:{OUR_ACCOUNT}:{g[0]}" for g in BANK_GIFTS}
    assert {g.restriction for g in bank_gifts} == {"unrestricted"}

    # --- The platform's export, straight in (its dry run is the same page) -----------------
    export = platform_export(PLATFORM_GIFTS)
    page.get_by_role("link", name="All imports").click()
    page.wait_for_url("**/funds/imports/")
    upload(
        page,
        export,
        name="platform-export.csv",
        kind="Giving platform's export (CSV)",
        dry_run=True,
    )
    expect(report.locator("h2")).to_have_text("Dry run: what the import would do")
    platform_gross = {tx: usd_in_krw(gross, day) for tx, day, gross, *_rest in PLATFORM_GIFTS}
    platform_fees = {tx: usd_in_krw(fee, day) for tx, day, _g, fee, *_rest in PLATFORM_GIFTS}
    expect(fact(report, "New gifts")).to_have_text(f"4 ({krw(sum(platform_gross.values()))})")
    upload(
        page,
        export,
        name="platform-export.csv",
        kind="Giving platform's export (CSV)",
        dry_run=False,
    )
    page.wait_for_url(re.compile(r".*/funds/imports/[0-9a-f-]{36}/$"))
    expect(page.locator(".messages")).to_contain_text("Imported: gifts: 4 new")
    expect(page.locator("table.list").first.locator("tbody tr")).to_have_count(4)
    for tx, *_rest in PLATFORM_GIFTS:
        gift = Donation.objects.get(source_key=f"platform:{tx}")
        assert gift.channel == "platform"
        assert (gift.base_gross_minor, gift.base_fee_minor) == (
            platform_gross[tx],
            platform_fees[tx],
        )

    # --- The same statement again: already imported, nothing added -------------------------
    page.get_by_role("link", name="All imports").click()
    page.wait_for_url("**/funds/imports/")
    expect(page.locator("table.list").last).to_contain_text(statement_name)
    before = state()
    upload(
        page, statement, name=statement_name, kind="Bank statement, CAMT.053 (XML)", dry_run=False
    )
    expect(report.locator("h2")).to_have_text("Already imported")
    expect(report).to_contain_text("This file was imported on")
    expect(report).to_contain_text("nothing was added")
    assert state() == before
    assert list(ledger.unbalanced_transactions()) == []

    # --- The totals page: raised in KRW, overall, per channel, and the rescue fund ---------
    raised = EVENT_GIFT["krw"] + bank_total + sum(platform_gross.values())
    fees = sum(platform_fees.values())
    rescue_txs = [tx for tx, *_r, designation in PLATFORM_GIFTS if designation == "rescue"]
    rescue_balance = EVENT_GIFT["krw"] + sum(
        platform_gross[tx] - platform_fees[tx] for tx in rescue_txs
    )
    assert rescue_balance == ledger.fund_balance("rescue")
    assert rescue_balance > EXPENSE_KRW

    nav(page, "Funds")
    cards = page.locator(".funds-cards .card")
    expect(cards.filter(has_text="Raised").locator(".value")).to_have_text(krw(raised))
    expect(cards.filter(has_text="Spent").locator(".value")).to_have_text(krw(0))
    expect(cards.filter(has_text="Available").locator(".value")).to_have_text(krw(raised - fees))
    channels = table_after(page, "Per channel")
    expect(channels.locator("tbody tr")).to_have_count(3)
    expect(cell(channels, "Bank transfer", "Gifts")).to_have_text("3")
    expect(cell(channels, "Bank transfer", "Raised")).to_have_text(krw(bank_total))
    expect(cell(channels, "Bank transfer", "Fees")).to_have_text(krw(0))
    expect(cell(channels, "Giving platform", "Gifts")).to_have_text("4")
    expect(cell(channels, "Giving platform", "Raised")).to_have_text(
        krw(sum(platform_gross.values()))
    )
    expect(cell(channels, "Giving platform", "Fees")).to_have_text(krw(fees))
    expect(cell(channels, "Giving platform", "Net")).to_have_text(
        krw(sum(platform_gross.values()) - fees)
    )
    expect(cell(channels, "Event", "Raised")).to_have_text(krw(EVENT_GIFT["krw"]))
    funds = table_after(page, "Per fund")
    expect(cell(funds, "Rescue", "Balance")).to_have_text(krw(rescue_balance))
    expect(funds.locator("tfoot td[data-label='Raised']")).to_have_text(krw(raised))
    currencies = table_after(page, "Gifts per currency received")
    expect(cell(currencies, "USD", "As received")).to_have_text(money.display(185_00, "USD"))
    expect(cell(currencies, "USD", "In base currency")).to_have_text(
        krw(sum(platform_gross.values()))
    )
    expect(cell(currencies, "KRW", "Gifts")).to_have_text("4")
    page.screenshot(path=str(artifacts / "finance-totals-1280.png"), full_page=True)

    # --- An expense from the rescue fund: recorded and submitted by finance ---------------
    nav(page, "Expenses")
    page.get_by_role("link", name="Record an expense").click()
    page.get_by_label("Category").select_option(label="Rescue operations")
    page.get_by_label("What for").fill("Transport and lodging for one mission leg")
    field(page, "Amount").fill(str(EXPENSE_KRW))
    page.get_by_label("Spent on").fill(days_ago(2).isoformat())
    page.get_by_label("Paid from (fund)").select_option(label="Rescue")
    page.get_by_role("button", name="Save the draft").click()
    page.wait_for_url(re.compile(r".*/funds/expenses/(?!new/)[A-Z0-9-]+/$"))
    expense = Expense.objects.get()
    expect(page.locator(".messages")).to_contain_text(f"Expense {expense.code} saved as a draft.")
    status = page.locator("h1 .status")
    expect(status).to_have_text("Draft")
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.locator(".messages")).to_contain_text("Submitted for approval.")
    expect(status).to_have_text("Submitted")
    # Finance may approve, but not what they submitted themselves.
    expect(
        page.get_by_text("You submitted this expense: someone else must approve it.")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)

    # --- The director approves it, in another browser -------------------------------------
    director_context = browser.new_context(locale="en-GB", viewport=DESK)
    director_context.set_default_timeout(TIMEOUT_MS)
    director_errors: list[str] = []
    try:
        desk = director_context.new_page()
        desk.on("console", lambda m: m.type == "error" and director_errors.append(m.text))
        desk.on("pageerror", lambda e: director_errors.append(f"uncaught: {e}"))
        sign_in(desk, director)
        nav(desk, "Expenses")
        field(desk, "Status").select_option(label="Submitted")
        desk.get_by_role("button", name="Filter").click()
        desk.wait_for_url("**/funds/expenses/?*status=submitted*")
        expect(desk.locator("table.list tbody tr")).to_have_count(1)
        desk.get_by_role("link", name=expense.code).click()
        desk.wait_for_url(f"**/funds/expenses/{expense.code}/")
        expect(desk.locator("dl.facts dt:text-is('Amount') + dd")).to_have_text(krw(EXPENSE_KRW))
        desk.get_by_role("button", name="Approve").click()
        expect(desk.locator(".messages")).to_contain_text("Approved.")
        expect(desk.locator("h1 .status")).to_have_text("Approved")
    finally:
        director_context.close()
    assert director_errors == []

    # --- Finance pays it; the rescue fund goes down by its amount -------------------------
    page.reload()
    expect(status).to_have_text("Approved")
    page.get_by_role("button", name="Mark as paid and book it").click()
    expect(page.locator(".messages")).to_contain_text("Paid and booked.")
    expect(status).to_have_text("Paid")
    trail = page.locator("ol.timeline li")
    expect(trail).to_have_count(4)
    for step, who in zip(trail.all(), [finance, finance, director, finance], strict=True):
        expect(step).to_contain_text(str(who.user))
    expect(trail).to_contain_text(["Recorded", "Submitted", "Approved", "Paid"])
    page.screenshot(path=str(artifacts / "finance-expense-paid-1280.png"), full_page=True)
    expense.refresh_from_db()
    assert expense.status == ExpenseStatus.PAID
    assert (expense.submitted_by, expense.decided_by, expense.paid_by) == (
        finance.user,
        director.user,
        finance.user,
    )
    assert expense.base_amount_minor == EXPENSE_KRW

    nav(page, "Funds")
    funds = table_after(page, "Per fund")
    expect(cell(funds, "Rescue", "Spent")).to_have_text(krw(EXPENSE_KRW))
    expect(cell(funds, "Rescue", "Balance")).to_have_text(krw(rescue_balance - EXPENSE_KRW))
    expect(cards.filter(has_text="Spent").locator(".value")).to_have_text(krw(EXPENSE_KRW))
    expect(cards.filter(has_text="Raised").locator(".value")).to_have_text(krw(raised))
    assert ledger.fund_balance("rescue") == rescue_balance - EXPENSE_KRW
    assert list(ledger.unbalanced_transactions()) == []

    # --- A receipt for Grace Park's gift, issued from its page and e-mailed -----------------
    grace = Donation.objects.get(source_key=f"platform:{PLATFORM_GIFTS[0][0]}")
    nav(page, "Donations")
    page.get_by_role("link", name=grace.code).click()
    page.wait_for_url(f"**/funds/donations/{grace.code}/")
    page.get_by_role("button", name="Issue receipt").click()
    receipt = Receipt.objects.get(donation=grace)
    expect(page.locator(".messages")).to_contain_text(f"Receipt {receipt.number} issued.")
    expect(page.get_by_role("link", name=receipt.number)).to_be_visible()
    nav(page, "Receipts")
    row = page.locator("tbody tr").filter(has=page.locator(f"code:text-is('{receipt.number}')"))
    row.get_by_role("button", name="E-mail to donor").click()
    expect(page.locator(".messages")).to_contain_text(
        f"Receipt {receipt.number} will be e-mailed to the donor."
    )
    assert smtp_server.messages == []  # queued, not sent by the request
    run_tasks()
    [sent] = smtp_server.messages
    assert sent["to"] == [PLATFORM_GIFTS[0][5]]
    message = sent["message"]
    assert receipt.number in message["Subject"]
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    pdf = attachment.get_content()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert receipt.number in text
    assert "Grace Park" in text
    assert krw(platform_gross[PLATFORM_GIFTS[0][0]]) in text
    receipt.refresh_from_db()
    assert receipt.emailed_at is not None
    page.reload()
    row = page.locator("tbody tr").filter(has=page.locator(f"code:text-is('{receipt.number}')"))
    expect(row.locator("td").nth(6)).not_to_have_text("—")

    # --- On a phone: the totals and the donations do not scroll sideways ------------------
    page.set_viewport_size(PHONE)
    nav(page, "Funds")
    expect(page.locator(".funds-cards")).to_be_visible()
    totals_width = page_width(page)
    page.screenshot(path=str(artifacts / "finance-totals-360.png"), full_page=True)
    nav(page, "Donations")
    expect(page.locator("table.list").last.locator("tbody tr")).to_have_count(8)
    donations_width = page_width(page)
    page.screenshot(path=str(artifacts / "finance-donations-360.png"), full_page=True)
    assert totals_width <= PHONE["width"], f"totals page is {totals_width} px wide at 360"
    assert donations_width <= PHONE["width"], f"donations page is {donations_width} px wide"
    assert console_errors == []
