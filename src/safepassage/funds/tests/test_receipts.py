"""Receipts: numbered without gaps, re-issuable, rendered to PDF and read back, e-mailed.

Numbering races are tested on PostgreSQL with real threads (``TestRaces``); the e-mails
go through the worker to a real SMTP server on localhost.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import transaction
from django.utils import timezone
from pypdf import PdfReader

from safepassage.accounts.models import Role
from safepassage.audit.models import AuditEntry
from safepassage.audit.sealing import opened
from safepassage.funds.models import Donation, Receipt, ReceiptCounter
from safepassage.funds.services import donations, donors, rates, receipts
from safepassage.funds.services.errors import FundsError
from safepassage.funds.tasks import send_receipt
from safepassage.testing.concurrency import run_together
from safepassage.testing.markers import postgres_only
from safepassage.testing.members import make_member, signed_in_client
from safepassage.vault import services as vault

THIS_YEAR = timezone.localdate().year
LAST_YEAR = THIS_YEAR - 1
# A day this year that is never in the future (gifts cannot be received in the future).
EARLY = dt.date(THIS_YEAR, 1, 5)


# ---------------------------------------------------------------------------------------
# Generated data


def make_donor(n: int = 1, *, korean: bool = False, **fields):
    values = {
        "name": f"기부자 김 {n:04d}" if korean else f"Donor Kim {n:04d}",
        "email": f"donor{n:04d}@example.org",
        "address": "서울특별시 종로구 예시로 1" if korean else f"{n} Example Street\nSpringfield",
        "language": "ko" if korean else "en",
    } | fields
    return donors.donor_create(actor=None, **values)


def give(donor, *, on: dt.date = EARLY, minor: int = 50_000, currency: str = "KRW", **fields):
    return donations.donation_record(
        actor=None,
        donor=donor,
        gross_minor=minor,
        currency=currency,
        received_on=on,
        channel=fields.pop("channel", "bank"),
        **fields,
    )


def usd_rate(on: dt.date):
    return rates.rate_set(actor=None, currency="USD", on=on, rate="1380.50", source="test bank")


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def pdf_fonts(pdf: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def actions(target) -> list[str]:
    return list(
        AuditEntry.objects.filter(target_id=str(target.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


# ---------------------------------------------------------------------------------------
# Numbers


@pytest.mark.django_db
class TestNumbers:
    def test_numbers_follow_each_other_within_the_year_of_issue(self):
        donor = make_donor()
        issued = [receipts.receipt_issue(actor=None, donation=give(donor)) for _ in range(3)]
        assert [r.number for r in issued] == [f"{THIS_YEAR}-{n:06d}" for n in (1, 2, 3)]
        assert [(r.year, r.seq) for r in issued] == [(THIS_YEAR, n) for n in (1, 2, 3)]
        assert ReceiptCounter.objects.get(year=THIS_YEAR).last == 3

    def test_a_new_year_starts_again_at_one(self, monkeypatch):
        donor = make_donor()
        first = receipts.receipt_issue(actor=None, donation=give(donor))
        gift = give(donor)
        new_year = dt.datetime(THIS_YEAR + 1, 1, 2, 9, 0, tzinfo=dt.UTC)
        monkeypatch.setattr(timezone, "now", lambda: new_year)
        second = receipts.receipt_issue(actor=None, donation=gift)
        assert first.number == f"{THIS_YEAR}-000001"
        assert second.number == f"{THIS_YEAR + 1}-000001"

    def test_a_rolled_back_issue_gives_its_number_back(self, monkeypatch):
        donor = make_donor()
        gift, other = give(donor), give(donor)

        def audit_fails(**kwargs):
            raise RuntimeError("the audit log is unavailable")

        monkeypatch.setattr(receipts, "record", audit_fails)
        with pytest.raises(RuntimeError):
            receipts.receipt_issue(actor=None, donation=gift)
        monkeypatch.undo()
        assert not Receipt.objects.exists()
        assert ReceiptCounter.objects.filter(year=THIS_YEAR, last__gt=0).count() == 0

        def issue_then_fail():
            with transaction.atomic():
                receipts.receipt_issue(actor=None, donation=gift)
                raise RuntimeError("the caller changed its mind")

        with pytest.raises(RuntimeError, match="changed its mind"):
            issue_then_fail()
        assert not Receipt.objects.exists()

        assert receipts.receipt_issue(actor=None, donation=other).number == f"{THIS_YEAR}-000001"
        assert receipts.receipt_issue(actor=None, donation=gift).number == f"{THIS_YEAR}-000002"

    def test_issuing_again_keeps_the_number_and_counts_the_issue(self, director):
        donor = make_donor()
        gift = give(donor)
        first = receipts.receipt_issue(actor=director.user, donation=gift)
        again = receipts.receipt_issue(actor=director.user, donation=gift)
        assert again.pk == first.pk
        assert again.number == f"{THIS_YEAR}-000001"
        assert again.times_issued == 2
        assert again.issued_by == director.user
        assert ReceiptCounter.objects.get(year=THIS_YEAR).last == 1
        assert actions(first) == ["funds.receipt_issued", "funds.receipt_reissued"]


# ---------------------------------------------------------------------------------------
# Who gets a receipt


@pytest.mark.django_db
class TestWhatGetsAReceipt:
    def test_a_reversed_gift_gets_no_receipt_and_uses_no_number(self):
        gift = give(make_donor())
        reversal = donations.donation_reverse(actor=None, donation=gift, reason="refunded")
        with pytest.raises(FundsError, match="reversed"):
            receipts.receipt_issue(actor=None, donation=gift)
        with pytest.raises(FundsError, match="A reversal gets no receipt"):
            receipts.receipt_issue(actor=None, donation=reversal)
        assert not Receipt.objects.exists()
        assert not ReceiptCounter.objects.filter(last__gt=0).exists()

    def test_a_gift_reversed_after_its_receipt_makes_the_receipt_void(self):
        gift = give(make_donor())
        receipt = receipts.receipt_issue(actor=None, donation=gift)
        donations.donation_reverse(actor=None, donation=gift, reason="cheque bounced")
        assert receipts.is_void(receipt)
        assert "Void" in pdf_text(receipts.render_pdf(receipt=receipt, actor=None))
        with pytest.raises(FundsError, match="void"):
            receipts.receipt_send(actor=None, receipt=receipt)
        with pytest.raises(FundsError, match="reversed"):
            receipts.receipt_issue(actor=None, donation=gift)

    def test_anonymous_gifts_get_no_receipt(self):
        gift = give(donors.anonymous_donor())
        with pytest.raises(FundsError, match="Anonymous"):
            receipts.receipt_issue(actor=None, donation=gift)


# ---------------------------------------------------------------------------------------
# Year-end statements


@pytest.mark.django_db
class TestStatements:
    @pytest.fixture
    def year(self):
        usd_rate(dt.date(LAST_YEAR, 3, 4))
        return LAST_YEAR

    def test_a_statement_totals_the_years_gifts_less_reversals(self, year):
        donor = make_donor()
        give(donor, on=dt.date(year, 2, 1), minor=50_000)
        give(donor, on=dt.date(year, 3, 4), minor=10_000, currency="USD")  # ₩138,050
        refunded = give(donor, on=dt.date(year, 6, 1), minor=30_000)
        donations.donation_reverse(actor=None, donation=refunded, reason="refunded")
        give(donor, on=dt.date(year - 1, 12, 31), minor=70_000)  # the year before
        give(make_donor(2), on=dt.date(year, 2, 1), minor=90_000)  # someone else

        statement = receipts.statement_issue(actor=None, donor=donor, year=year)

        assert statement.kind == Receipt.Kind.ANNUAL
        assert statement.period == year
        assert statement.year == THIS_YEAR  # numbered in the year of issue
        assert statement.total_minor == 188_050
        assert statement.currency == "KRW"
        assert [(line["currency"], line["minor"]) for line in statement.lines] == [
            ("KRW", 50_000),
            ("USD", 10_000),
        ]

    def test_issuing_a_statement_again_keeps_its_number_and_recomputes_it(self, year):
        donor = make_donor()
        give(donor, on=dt.date(year, 2, 1), minor=50_000)
        late = give(donor, on=dt.date(year, 11, 1), minor=20_000)
        first = receipts.statement_issue(actor=None, donor=donor, year=year)
        donations.donation_reverse(actor=None, donation=late, reason="mistake")
        again = receipts.statement_issue(actor=None, donor=donor, year=year)
        assert (again.pk, again.number, again.times_issued) == (first.pk, first.number, 2)
        assert (first.total_minor, again.total_minor) == (70_000, 50_000)
        assert Receipt.objects.filter(kind=Receipt.Kind.ANNUAL, donor=donor).count() == 1
        text = pdf_text(receipts.render_pdf(receipt=again, actor=None))
        assert "Re-issued" in text
        assert "₩50,000" in text
        assert "₩20,000" not in text

    def test_a_year_must_be_over_and_have_gifts(self, year):
        donor = make_donor()
        give(donor, on=EARLY)
        with pytest.raises(FundsError, match="once the year is over"):
            receipts.statement_issue(actor=None, donor=donor, year=THIS_YEAR)
        with pytest.raises(FundsError, match="gave nothing"):
            receipts.statement_issue(actor=None, donor=donor, year=year)
        assert not Receipt.objects.exists()

    def test_statements_for_a_year_go_to_every_donor_who_gave_once(self, year):
        kim, lee, refunded = make_donor(1), make_donor(2), make_donor(3)
        give(kim, on=dt.date(year, 1, 10))
        give(lee, on=dt.date(year, 3, 4), minor=10_000, currency="USD")
        gone = give(refunded, on=dt.date(year, 5, 10))
        donations.donation_reverse(actor=None, donation=gone, reason="refunded")
        give(donors.anonymous_donor(), on=dt.date(year, 5, 10))

        run = receipts.statements_issue(actor=None, year=year)
        assert run.issued == [f"{THIS_YEAR}-000001", f"{THIS_YEAR}-000002"]
        assert set(Receipt.objects.values_list("donor", flat=True)) == {kim.pk, lee.pk}
        rerun = receipts.statements_issue(actor=None, year=year)
        assert (rerun.issued, rerun.already) == ([], 2)


# ---------------------------------------------------------------------------------------
# The PDF


@pytest.mark.django_db
class TestPdf:
    def test_an_english_receipt_reads_back_with_number_amounts_and_plain_name(self, finance):
        usd_rate(EARLY)
        donor = make_donor(7)
        gift = give(donor, minor=10_000, currency="USD")
        receipt = receipts.receipt_issue(actor=finance.user, donation=gift)
        pdf = receipts.render_pdf(receipt=receipt, actor=finance.user)

        assert pdf.startswith(b"%PDF-")
        page = PdfReader(io.BytesIO(pdf)).pages[0]
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (
            595,
            842,
        )  # A4 in points
        text = pdf_text(pdf)
        for expected in (
            "Safe Passage",
            "Receipt for a gift",
            receipt.number,
            "Donor Kim 0007",
            "7 Example Street",
            "$100.00",
            "₩138,050",
            gift.code,
            f"5 Jan {THIS_YEAR}",
        ):
            assert expected in text, expected
        assert "Re-issued" not in text
        assert "Kim OO" not in text  # the plain name, not the pseudonym
        reveals = AuditEntry.objects.filter(action="vault.revealed", target_id=str(donor.pk))
        assert sorted(entry.data["field"] for entry in reveals) == ["address", "name"]
        assert {opened(entry)["reason"] for entry in reveals} == {f"receipt {receipt.number}"}
        assert all(entry.actor_id == finance.user.pk for entry in reveals)

    def test_a_korean_receipt_is_in_korean_with_a_korean_font(self):
        donor = make_donor(8, korean=True)
        receipt = receipts.receipt_issue(actor=None, donation=give(donor, minor=150_000))
        pdf = receipts.render_pdf(receipt=receipt, actor=None)
        text = pdf_text(pdf)
        for expected in (
            receipt.number,
            "기부자 김 0008",
            "서울특별시 종로구 예시로 1",
            "₩150,000",
            "금액",  # "Amount" in the Korean catalogue
            f"{THIS_YEAR}년 1월 5일",  # the date, in Korean
        ):
            assert expected in text, expected
        assert any("NanumGothic" in name for name in pdf_fonts(pdf))

    def test_a_statement_lists_every_gift_and_the_original_currencies(self):
        usd_rate(dt.date(LAST_YEAR, 3, 4))
        donor = make_donor(9)
        give(donor, on=dt.date(LAST_YEAR, 2, 1), minor=50_000)
        usd = give(donor, on=dt.date(LAST_YEAR, 3, 4), minor=10_000, currency="USD")
        own = receipts.receipt_issue(actor=None, donation=usd)
        statement = receipts.statement_issue(actor=None, donor=donor, year=LAST_YEAR)
        text = pdf_text(receipts.render_pdf(receipt=statement, actor=None))
        for expected in (
            f"Statement of gifts for {LAST_YEAR}",
            statement.number,
            f"has its own receipt {own.number}",
            "₩50,000",
            "$100.00",
            "₩138,050",
            "₩188,050",
            "original currencies",
        ):
            assert expected in text, expected

    def test_nothing_is_fetched_from_outside(self):
        from weasyprint.urls import FatalURLFetchingError

        for url in ("http://127.0.0.1:9/logo.png", "file:///etc/hostname", "data:,x"):
            with pytest.raises(FatalURLFetchingError):
                receipts.html_to_pdf(f'<p>x</p><img src="{url}">')

    def test_a_shredded_donor_gets_no_pdf(self):
        donor = make_donor()
        receipt = receipts.receipt_issue(actor=None, donation=give(donor))
        vault.shred(record_obj=donor, actor=None, reason="asked to be forgotten")
        receipt.refresh_from_db()
        from safepassage.vault.errors import Shredded

        with pytest.raises(Shredded):
            receipts.render_pdf(receipt=receipt, actor=None)


# ---------------------------------------------------------------------------------------
# E-mail


def _attachments(message) -> list:
    return [part for part in message.iter_attachments()]


@pytest.mark.django_db(transaction=True)
class TestEmail:
    def test_the_receipt_arrives_as_a_pdf_in_the_donors_language(
        self, smtp_server, run_tasks, finance
    ):
        donor = make_donor(11, korean=True, consent_to_contact=False)
        receipt = receipts.receipt_issue(actor=finance.user, donation=give(donor, minor=30_000))
        receipts.receipt_send(actor=finance.user, receipt=receipt)
        assert smtp_server.messages == []  # queued, not sent by the request
        run_tasks()

        [sent] = smtp_server.messages
        assert sent["to"] == ["donor0011@example.org"]
        message = sent["message"]
        assert receipt.number in message["Subject"]
        assert message["Content-Language"] == "ko"
        body = message.get_body(preferencelist=("plain",)).get_content()
        assert "금액: ₩30,000" in body
        [attachment] = _attachments(message)
        assert attachment.get_content_type() == "application/pdf"
        assert attachment.get_filename() == f"receipt-{receipt.number}.pdf"
        text = pdf_text(attachment.get_content())
        assert receipt.number in text
        assert "기부자 김 0011" in text
        receipt.refresh_from_db()
        assert receipt.emailed_at is not None
        assert actions(receipt) == [
            "funds.receipt_issued",
            "funds.receipt_send_queued",
            "funds.receipt_emailed",
        ]

    def test_an_english_donor_gets_it_in_english(self, smtp_server, run_tasks):
        donor = make_donor(12)
        receipt = receipts.receipt_issue(actor=None, donation=give(donor))
        receipts.receipt_send(actor=None, receipt=receipt)
        run_tasks()
        [sent] = smtp_server.messages
        body = sent["message"].get_body(preferencelist=("plain",)).get_content()
        assert "Amount: ₩50,000" in body
        assert sent["message"]["Content-Language"] == "en"

    def test_a_merged_donors_receipt_goes_to_the_donor_kept(self, smtp_server, run_tasks):
        keep, duplicate = make_donor(13), make_donor(14)
        receipt = receipts.receipt_issue(actor=None, donation=give(duplicate))
        donors.donor_merge(actor=None, keep=keep, duplicate=duplicate)
        receipt.refresh_from_db()
        receipts.receipt_send(actor=None, receipt=receipt)
        run_tasks()
        assert [m["to"] for m in smtp_server.messages] == [["donor0013@example.org"]]

    def test_a_donor_without_e_mail_is_skipped_and_reported(self, smtp_server):
        donor = make_donor(15, email="")
        receipt = receipts.receipt_issue(actor=None, donation=give(donor))
        with pytest.raises(FundsError, match="no e-mail"):
            receipts.receipt_send(actor=None, receipt=receipt)
        result = send_receipt.call(receipt_id=str(receipt.pk))
        assert result == {"sent": False, "reason": "no e-mail", "number": receipt.number}
        assert smtp_server.messages == []
        receipt.refresh_from_db()
        assert receipt.emailed_at is None


# ---------------------------------------------------------------------------------------
# Pages


@pytest.mark.django_db
class TestPages:
    @pytest.fixture
    def client(self, finance):
        return signed_in_client(finance)

    def test_finance_issues_a_receipt_from_the_gift(self, client):
        gift = give(make_donor())
        response = client.post(f"/funds/receipts/issue/{gift.code}/")
        assert response.status_code == 302
        assert response["Location"] == f"/funds/donations/{gift.code}/"
        assert Receipt.objects.get(donation=gift).number == f"{THIS_YEAR}-000001"
        client.post(f"/funds/receipts/issue/{gift.code}/")
        assert Receipt.objects.get(donation=gift).times_issued == 2

    def test_a_reversed_gift_is_refused_with_a_message(self, client):
        gift = give(make_donor())
        donations.donation_reverse(actor=None, donation=gift, reason="refunded")
        response = client.post(f"/funds/receipts/issue/{gift.code}/", follow=False)
        assert response.status_code == 302
        assert not Receipt.objects.exists()

    def test_the_pdf_is_a_download_never_cached(self, client):
        receipt = receipts.receipt_issue(actor=None, donation=give(make_donor()))
        response = client.get(f"/funds/receipts/{receipt.number}.pdf")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert (
            response["Content-Disposition"]
            == f'attachment; filename="receipt-{receipt.number}.pdf"'
        )
        assert "no-store" in response["Cache-Control"]
        assert receipt.number in pdf_text(response.content)

    def test_statements_from_the_list_and_from_a_donor(self, client):
        from django_tasks_db.models import DBTaskResult

        from safepassage.funds import tasks

        donor = make_donor()
        give(donor, on=dt.date(LAST_YEAR, 4, 1))
        response = client.post("/funds/receipts/", {"year": LAST_YEAR})
        assert response.status_code == 302
        # The list queues every donor's statement for the worker; run it as the worker does.
        queued = DBTaskResult.objects.get(task_path="safepassage.funds.tasks.issue_statements")
        tasks.issue_statements.func(**queued.args_kwargs["kwargs"])
        statement = Receipt.objects.get(kind=Receipt.Kind.ANNUAL, donor=donor)
        response = client.post(f"/funds/receipts/statement/{donor.code}/", {"year": LAST_YEAR})
        assert response.status_code == 302
        statement.refresh_from_db()
        assert statement.times_issued == 2

        page = client.get("/funds/receipts/", {"year": THIS_YEAR})
        assert page.status_code == 200
        assert statement.number in page.content.decode()
        assert "Donor Kim" not in page.content.decode()  # the list shows pseudonyms
        empty = client.get("/funds/receipts/", {"year": THIS_YEAR - 5})
        assert statement.number not in empty.content.decode()

    def test_sending_from_the_list_queues_the_e_mail(self, client):
        receipt = receipts.receipt_issue(actor=None, donation=give(make_donor()))
        response = client.post(f"/funds/receipts/{receipt.number}/send/")
        assert response.status_code == 302
        assert actions(receipt)[-1] == "funds.receipt_send_queued"

    @pytest.mark.parametrize(
        "role", [Role.Code.CASE_WORKER, Role.Code.RESCUE_COORDINATOR, Role.Code.COMMUNICATIONS]
    )
    def test_roles_without_funds_get_404(self, role):
        receipt = receipts.receipt_issue(actor=None, donation=give(make_donor()))
        client = signed_in_client(make_member(role))
        assert client.get("/funds/receipts/").status_code == 404
        assert client.get(f"/funds/receipts/{receipt.number}.pdf").status_code == 404
        assert client.post(f"/funds/receipts/{receipt.number}/send/").status_code == 404
        assert client.post("/funds/receipts/", {"year": LAST_YEAR}).status_code == 404


# ---------------------------------------------------------------------------------------
# Races (PostgreSQL: real row locks, real threads)


@pytest.mark.django_db(transaction=True)
@postgres_only[0]
@postgres_only[1]
class TestRaces:
    def test_eight_first_issues_of_a_year_at_once_take_numbers_one_to_eight(self):
        donor = make_donor()
        gifts = [give(donor) for _ in range(8)]
        assert not ReceiptCounter.objects.exists()  # the year's row is made in the race

        numbers = run_together(
            8, lambda n: receipts.receipt_issue(actor=None, donation=gifts[n]).seq
        )

        assert sorted(numbers) == list(range(1, 9))
        assert ReceiptCounter.objects.get(year=THIS_YEAR).last == 8

    def test_the_same_gift_issued_eight_times_at_once_has_one_number(self):
        gift = give(make_donor())
        numbers = run_together(
            8, lambda n: receipts.receipt_issue(actor=None, donation=gift).number
        )
        assert set(numbers) == {f"{THIS_YEAR}-000001"}
        receipt = Receipt.objects.get(donation=gift)
        assert receipt.times_issued == 8
        assert Donation.objects.count() == 1
