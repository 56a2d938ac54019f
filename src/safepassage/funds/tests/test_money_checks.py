"""Where money is at stake: ceilings that need a confirmation, a draft beyond its fund, the
director's override, receipts checked by content, a bad payer IBAN recorded unverified,
the gift form's donor search and duplicate warning, imported donors' language, and relief's
deliverer picked from the field partners."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from safepassage.accounts.models import Role
from safepassage.base import ceilings, uploads
from safepassage.funds.importing import import_donations
from safepassage.funds.models import (
    ColumnMapping,
    Donation,
    Donor,
    DonorKind,
    Expense,
    ExpenseReceipt,
    ExpenseStatus,
)
from safepassage.funds.services import donations, donors, expenses, rates
from safepassage.funds.services.errors import FundsError
from safepassage.rescue.models import MissionCost
from safepassage.testing.members import make_member, signed_in_client
from safepassage.testing.rescue import make_mission, make_partner

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = TODAY - dt.timedelta(days=3)


def english(member):
    client = signed_in_client(member)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def finance_client(finance):
    return english(finance)


@pytest.fixture
def usd():
    rates.rate_set(actor=None, currency="USD", on=DAY, rate="1380.50", source="test bank")


@pytest.fixture
def low_ceilings(settings):
    """Ceilings low enough for small test amounts: KRW 1,000,000 and nothing for USD, so a
    dollar amount is compared, converted, with the won's."""
    settings.AMOUNT_CONFIRM_ABOVE = {"KRW": 1_000_000}


def _gift_form(**fields):
    values = {
        "new_donor": "on",
        "name": "Choi Seo-yeon",
        "email": "seo-yeon@example.org",
        "amount": "2000000",
        "currency": "KRW",
        "fee": "0",
        "received_on": DAY.isoformat(),
        "channel": "bank",
        "restriction": "rescue",
    }
    values.update(fields)
    return values


def _expense_form(**fields):
    values = {
        "category": "rescue_operations",
        "description": "Bus tickets, second leg",
        "amount": "150000",
        "currency": "KRW",
        "spent_on": DAY.isoformat(),
        "restriction": "unrestricted",
    }
    values.update(fields)
    return values


def _fund(restriction: str, amount: int) -> None:
    giver = donors.donor_create(actor=None, name="Fund Giver", email="fund@example.org")
    donations.donation_record(
        actor=None,
        donor=giver,
        gross_minor=amount,
        currency="KRW",
        received_on=DAY,
        channel="bank",
        restriction=restriction,
    )


# --- Ceilings ---------------------------------------------------------------------------------


def test_the_default_ceilings_cover_the_base_currency_and_convert_the_others():
    assert ceilings.ceiling_minor("KRW") == 10_000_000
    assert ceilings.ceiling_minor("USD") == 1_000_000  # 10,000.00 USD in cents
    assert ceilings.above_ceiling(10_000_001, "KRW")
    assert not ceilings.above_ceiling(10_000_000, "KRW")
    assert ceilings.above_ceiling(5, "XAU", base_minor=10_000_001)
    assert not ceilings.above_ceiling(5, "XAU", base_minor=None)


def test_a_gift_above_the_ceiling_is_saved_only_once_confirmed(finance_client, low_ceilings):
    response = finance_client.post("/funds/donations/new/", _gift_form())
    assert response.status_code == 400
    page = response.content.decode()
    assert "Confirm this amount" in page
    assert 'name="confirm_amount"' in page
    assert "₩2,000,000 is more than ₩1,000,000" in page
    assert not Donation.objects.exists()
    assert not Donor.objects.exclude(kind=DonorKind.ANONYMOUS).exists()

    confirmed = finance_client.post("/funds/donations/new/", _gift_form(confirm_amount="on"))
    assert confirmed.status_code == 302
    assert Donation.objects.get().gross_minor == 2_000_000


def test_a_gift_below_the_ceiling_shows_no_confirmation(finance_client, low_ceilings):
    response = finance_client.post("/funds/donations/new/", _gift_form(amount="999999"))
    assert response.status_code == 302


def test_a_foreign_gift_is_held_to_the_base_ceiling_after_conversion(
    finance_client, low_ceilings, usd
):
    # 1,000 USD at 1,380.50 is 1,380,500 KRW: above the won's ceiling.
    response = finance_client.post(
        "/funds/donations/new/", _gift_form(amount="1000.00", currency="USD")
    )
    assert response.status_code == 400
    assert "Confirm this amount" in response.content.decode()
    assert not Donation.objects.exists()


def test_an_expense_above_the_ceiling_needs_a_confirmation(finance_client, low_ceilings):
    response = finance_client.post("/funds/expenses/new/", _expense_form(amount="1500000"))
    assert response.status_code == 400
    assert 'name="confirm_amount"' in response.content.decode()
    assert not Expense.objects.exists()
    confirmed = finance_client.post(
        "/funds/expenses/new/", _expense_form(amount="1500000", confirm_amount="on")
    )
    assert confirmed.status_code == 302
    assert Expense.objects.get().amount_minor == 1_500_000


def test_a_mission_cost_above_the_ceiling_needs_a_confirmation(low_ceilings):
    lead = make_member(Role.Code.RESCUE_COORDINATOR)
    mission = make_mission(lead=lead.user)
    client = english(lead)
    url = reverse("rescue:mission_cost", args=[mission.code])
    cost = {
        "description": "Boat crossing",
        "amount": "2500000",
        "currency": "KRW",
        "spent_on": TODAY.isoformat(),
    }
    page = client.get(mission.get_absolute_url()).content.decode()
    assert 'name="confirm_amount"' in page
    refused = client.post(url, cost, follow=True)
    assert "₩2,500,000 is more than ₩1,000,000" in refused.content.decode()
    assert not MissionCost.objects.exists()
    client.post(url, {**cost, "confirm_amount": "on"})
    assert MissionCost.objects.get().amount_minor == 2_500_000


# --- Funds: a warning for a draft, the director for an override --------------------------------


def test_an_expense_draft_beyond_its_fund_is_saved_with_a_warning(finance_client):
    _fund("rescue", 100_000)
    response = finance_client.post(
        "/funds/expenses/new/", _expense_form(restriction="rescue"), follow=True
    )
    expense = Expense.objects.get()
    assert expense.status == ExpenseStatus.DRAFT
    page = response.content.decode()
    assert "The Rescue fund does not hold enough for this expense" in page
    assert "₩50,000 short" in page


def test_an_expense_draft_within_its_fund_has_no_warning(finance_client):
    _fund("rescue", 500_000)
    response = finance_client.post(
        "/funds/expenses/new/", _expense_form(restriction="rescue"), follow=True
    )
    assert "does not hold enough" not in response.content.decode()


def _submitted(restriction: str = "rescue") -> Expense:
    expense = expenses.expense_create(
        actor=None,
        category="rescue_operations",
        description="Guesthouse",
        amount_minor=150_000,
        currency="KRW",
        spent_on=DAY,
        restriction=restriction,
    )
    return expenses.expense_submit(actor=None, expense=expense)


def test_only_the_director_may_overdraw_a_restricted_fund():
    _fund("rescue", 100_000)
    expense = _submitted()
    approver = make_member(Role.Code.FINANCE)
    with pytest.raises(FundsError, match=r"Only the director may overdraw a restricted fund\."):
        expenses.expense_approve(actor=approver.user, expense=expense, override_reason="Urgent")
    expense.refresh_from_db()
    assert expense.status == ExpenseStatus.SUBMITTED

    director = make_member(Role.Code.DIRECTOR)
    approved = expenses.expense_approve(
        actor=director.user, expense=expense, override_reason="Border closing tonight"
    )
    assert (approved.status, approved.override_reason) == (
        ExpenseStatus.APPROVED,
        "Border closing tonight",
    )


def test_a_finance_approver_is_told_that_overdrawing_takes_the_director():
    _fund("rescue", 100_000)
    expense = _submitted()
    approver = english(make_member(Role.Code.FINANCE))
    response = approver.post(
        f"/funds/expenses/{expense.code}/status/",
        {"action": "approve", "override_reason": "I say so"},
        follow=True,
    )
    assert "Only the director may overdraw a restricted fund." in response.content.decode()
    expense.refresh_from_db()
    assert expense.status == ExpenseStatus.SUBMITTED


def test_a_reason_given_when_none_is_needed_does_not_let_the_payment_overdraw():
    _fund("rescue", 200_000)
    expense = _submitted()
    approver = make_member(Role.Code.FINANCE)
    approved = expenses.expense_approve(
        actor=approver.user, expense=expense, override_reason="Just in case"
    )
    assert approved.override_reason == ""
    # The fund is drawn on before payment: the payment is checked again, with no override.
    other = _submitted()
    director = make_member(Role.Code.DIRECTOR)
    expenses.expense_approve(actor=director.user, expense=other, override_reason="Urgent")
    with pytest.raises(FundsError):
        expenses.expense_pay(actor=director.user, expense=approved)


# --- Receipts by content ---------------------------------------------------------------------


def _pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (_pdf(), "application/pdf"),
        (_png(), "image/png"),
        (b"%PDF-1.7 Hotel room 12, not a PDF at all", ""),
        (b"\x89PNG\r\n\x1a\n<script>alert(1)</script>", ""),
        (b"\xff\xd8\xff\xe0 this is no JPEG", ""),
        (b"<html>a page</html>", ""),
        (b"", ""),
    ],
)
def test_a_document_is_typed_by_opening_it(content, kind):
    assert uploads.document_type(content) == kind


def _upload(client, expense, name: str, content: bytes):
    upload = io.BytesIO(content)
    upload.name = name
    return client.post(f"/funds/expenses/{expense.code}/receipts/", {"file": upload}, follow=True)


def test_a_file_that_only_starts_like_a_pdf_is_refused_as_a_receipt(finance_client):
    draft = expenses.expense_create(
        actor=None,
        category="administration",
        description="Stamps",
        amount_minor=3_000,
        currency="KRW",
        spent_on=DAY,
    )
    refused = _upload(finance_client, draft, "receipt.pdf", b"%PDF-1.4 <script>x</script>")
    assert "A receipt is a PDF, JPEG or PNG file." in refused.content.decode()
    assert not ExpenseReceipt.objects.exists()
    _upload(finance_client, draft, "receipt.pdf", _png())
    assert ExpenseReceipt.objects.get().content_type == "image/png"


# --- A bad payer IBAN is money received -------------------------------------------------------


def _camt(iban: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>M1</MsgId><CreDtTm>{DAY.isoformat()}T10:00:00</CreDtTm></GrpHdr>
<Stmt><Id>S1</Id><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>KRW</Ccy></Acct>
<Ntry><NtryRef>R1</NtryRef><Amt Ccy="KRW">50000</Amt><CdtDbtInd>CRDT</CdtDbtInd>
<Sts>BOOK</Sts><BookgDt><Dt>{DAY.isoformat()}</Dt></BookgDt><AcctSvcrRef>A1</AcctSvcrRef>
<NtryDtls><TxDtls><RltdPties><Dbtr><Nm>Lee Min-ji</Nm></Dbtr>
<DbtrAcct><Id><IBAN>{iban}</IBAN></Id></DbtrAcct></RltdPties>
<RmtInf><Ustrd>Gift</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
</Stmt></BkToCstmrStmt></Document>""".encode()


def test_a_statement_line_with_a_bad_iban_is_a_gift_marked_unverified(finance_client):
    report = import_donations(
        path_or_bytes=_camt("DE00370400440532013001"), kind="camt053", actor=None
    )
    assert report.ok, [str(p) for p in report.rejected]
    gift = Donation.objects.get()
    assert gift.payer_iban_unverified
    assert gift.gross_minor == 50_000
    page = finance_client.get(gift.get_absolute_url()).content.decode()
    assert "Unverified" in page
    assert "fails its checksum" in page


def test_a_statement_line_with_a_good_iban_is_not_marked(finance_client):
    import_donations(path_or_bytes=_camt("GB82WEST12345698765432"), kind="camt053", actor=None)
    gift = Donation.objects.get()
    assert not gift.payer_iban_unverified
    assert "Unverified" not in finance_client.get(gift.get_absolute_url()).content.decode()


# --- The gift form's donor ---------------------------------------------------------------------


@pytest.fixture
def known():
    return donors.donor_create(actor=None, name="Park Ji-woo", email="ji-woo.park@example.org")


@pytest.mark.parametrize("query", ["Park Ji-woo", "JI-WOO.PARK@example.org", "Park OO", "code"])
def test_a_donor_is_found_by_blind_index_pseudonym_or_code(finance_client, known, query):
    other = donors.donor_create(actor=None, name="Someone Else", email="else@example.org")
    query = known.code.lower() if query == "code" else query
    response = finance_client.post("/funds/donations/new/", {"search": "1", "find": query})
    assert response.status_code == 200
    page = response.content.decode()
    assert f'name="pick" value="{known.code}"' in page
    assert other.code not in page
    # The query may be a full name or an e-mail: it is not written back into the page.
    assert "Park Ji-woo" not in page
    assert "ji-woo.park" not in page.lower()
    assert not Donation.objects.exists()


def test_picking_a_found_donor_fills_in_their_code(finance_client, known):
    response = finance_client.post("/funds/donations/new/", {"pick": known.code})
    assert response.status_code == 200
    assert f'value="{known.code}"' in response.content.decode()


def test_a_search_that_finds_no_one_says_so(finance_client, known):
    response = finance_client.post("/funds/donations/new/", {"search": "1", "find": "Nobody"})
    assert "No donor matches" in response.content.decode()


def test_a_name_without_new_donor_ticked_creates_no_one(finance_client):
    response = finance_client.post(
        "/funds/donations/new/", _gift_form(new_donor="", amount="50000")
    )
    assert response.status_code == 400
    assert "Give one of" in response.content.decode()
    assert not Donor.objects.exclude(kind=DonorKind.ANONYMOUS).exists()


def test_a_new_donor_with_a_known_name_is_a_likely_duplicate(finance_client, known):
    form = _gift_form(name="Park Ji-woo", email="other@example.org", amount="50000")
    response = finance_client.post("/funds/donations/new/", form)
    assert response.status_code == 400
    page = response.content.decode()
    assert "A donor with this name or e-mail is already recorded" in page
    assert known.code in page
    assert 'name="new_anyway"' in page
    assert not Donation.objects.exists()

    anyway = finance_client.post("/funds/donations/new/", {**form, "new_anyway": "on"})
    assert anyway.status_code == 302
    assert Donation.objects.get().donor != known
    assert Donor.objects.exclude(kind=DonorKind.ANONYMOUS).count() == 2


def test_the_channel_has_no_default(finance_client):
    page = finance_client.get("/funds/donations/new/").content.decode()
    select = page[page.index('name="channel"') :]
    first_option = select[select.index("<option") : select.index("</option>")]
    assert 'value=""' in first_option
    assert "selected" not in select[: select.index("</select>")].replace(first_option, "")
    response = finance_client.post("/funds/donations/new/", _gift_form(channel="", amount="50000"))
    assert response.status_code == 400
    assert not Donation.objects.exists()


# --- Imported donors' language ----------------------------------------------------------------


def _book(rows, *, language_column: bool) -> bytes:
    out = io.StringIO(newline="")
    header = ["date", "amount", "currency", "name", "email"] + (
        ["language"] if language_column else []
    )
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def _mapping(*, language_column: bool) -> ColumnMapping:
    columns = {f: f for f in ("date", "amount", "currency", "name", "email")}
    if language_column:
        columns["language"] = "language"
    return ColumnMapping.objects.create(
        name=f"Book {language_column}", columns=columns, defaults={"channel": "cash"}
    )


def test_an_imported_donor_speaks_their_currency_s_language_unless_the_file_says(usd):
    day = DAY.isoformat()
    plain = _book(
        [
            [day, "50000", "KRW", "Kim Won", "won@example.org"],
            [day, "20.00", "USD", "Sam Dollar", "sam@example.org"],
        ],
        language_column=False,
    )
    report = import_donations(
        path_or_bytes=plain, kind="csv", actor=None, mapping=_mapping(language_column=False)
    )
    assert report.ok, [str(p) for p in report.rejected]
    assert donors.match(email="won@example.org").language == "ko"
    assert donors.match(email="sam@example.org").language == "en"

    told = _book(
        [
            [day, "30000", "KRW", "Grace Told", "grace@example.org", "English"],
            [day, "10.00", "USD", "Han Told", "han@example.org", "ko"],
        ],
        language_column=True,
    )
    report = import_donations(
        path_or_bytes=told, kind="csv", actor=None, mapping=_mapping(language_column=True)
    )
    assert report.ok, [str(p) for p in report.rejected]
    assert donors.match(email="grace@example.org").language == "en"
    assert donors.match(email="han@example.org").language == "ko"


def test_an_unknown_language_in_the_file_is_refused():
    book = _book(
        [[DAY.isoformat(), "30000", "KRW", "Grace", "grace@example.org", "Klingon"]],
        language_column=True,
    )
    report = import_donations(
        path_or_bytes=book, kind="csv", actor=None, mapping=_mapping(language_column=True)
    )
    assert not report.ok
    assert "is not a language" in str(report.rejected[0])


# --- Relief's deliverer ------------------------------------------------------------------------


def test_relief_names_its_deliverer_from_the_field_partners(finance_client):
    partner = make_partner("Heron 7")
    page = finance_client.get("/funds/expenses/new/").content.decode()
    assert f'value="{partner.code}"' in page
    assert "Heron 7" in page
    assert "Partner Real Name" not in page

    relief = _expense_form(category="relief_aid", description="Rice and medicine")
    missing = finance_client.post("/funds/expenses/new/", relief)
    assert missing.status_code == 400
    assert "choose the field partner who delivered it" in missing.content.decode()
    assert not Expense.objects.exists()

    saved = finance_client.post("/funds/expenses/new/", {**relief, "delivered_by": partner.code})
    assert saved.status_code == 302
    expense = Expense.objects.get()
    assert expense.delivered_by == partner
    shown = finance_client.get(expense.get_absolute_url()).content.decode()
    assert "Heron 7" in shown
    assert "Partner Real Name" not in shown


def test_only_relief_has_a_deliverer(finance_client):
    partner = make_partner()
    response = finance_client.post("/funds/expenses/new/", _expense_form(delivered_by=partner.code))
    assert response.status_code == 400
    assert "Only relief is delivered by a field partner." in response.content.decode()
    with pytest.raises(FundsError):
        expenses.expense_create(
            actor=None,
            category="administration",
            description="Stamps",
            amount_minor=3_000,
            currency="KRW",
            spent_on=DAY,
            delivered_by=partner,
        )


def test_the_exports_carry_the_deliverer_and_the_unverified_iban(finance_client):
    partner = make_partner("Heron 9")
    expenses.expense_create(
        actor=None,
        category="relief_aid",
        description="Rice",
        amount_minor=30_000,
        currency="KRW",
        spent_on=DAY,
        delivered_by=partner,
    )
    response = finance_client.get("/funds/expenses.csv")
    body = b"".join(response.streaming_content).decode()
    (row,) = csv.DictReader(io.StringIO(body))
    assert row["delivered_by"] == "Heron 9"
    assert "Partner Real Name" not in body

    import_donations(path_or_bytes=_camt("DE00370400440532013001"), kind="camt053", actor=None)
    response = finance_client.get("/funds/donations.csv")
    (row,) = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    assert row["payer_iban_unverified"] == "yes"
