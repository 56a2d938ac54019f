"""The Korean donation receipt (기부금영수증, 소득세법 시행규칙 별지 제45호의2서식): the donor's
registration number (checked, sealed, asked for only with a wish for a tax receipt), gifts
in kind, every field of the form read back from the PDF, the statement of issued receipts
(기부금영수증 발급명세) as CSV, and the year's statements for every donor queued at once."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.utils import timezone

from safepassage.accounts.models import Role
from safepassage.audit.models import AuditEntry
from safepassage.audit.sealing import opened
from safepassage.funds.models import Donor, GiftInKind, Receipt
from safepassage.funds.services import receipts, tax_receipts
from safepassage.funds.services.errors import FundsError
from safepassage.funds.tasks import issue_statements
from safepassage.funds.tests.test_receipts import (
    EARLY,
    LAST_YEAR,
    give,
    make_donor,
    pdf_text,
    usd_rate,
)
from safepassage.testing.members import make_member, signed_in_client

# 800101-123456? with its check digit (weights 2..9,2..5; (11 - sum % 11) % 10).
RESIDENT = "800101-1234560"
WRONG_CHECK = "800101-1234561"
FOREIGNER = "900101-5234567"  # no check digit is asked of a foreigner's number


def tax_donor(n: int = 1, *, rrn: str = RESIDENT, **fields) -> Donor:
    return make_donor(n, korean=True, wants_tax_receipt=True, rrn=rrn, **fields)


def reveal_reasons(donor, field: str) -> list[str]:
    return [
        opened(entry)["reason"]
        for entry in AuditEntry.objects.filter(action="vault.revealed", target_id=str(donor.pk))
        if entry.data["field"] == field
    ]


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(body)))


# ---------------------------------------------------------------------------------------
# The registration number


class TestRegistrationNumber:
    def test_a_residents_number_with_its_check_digit_is_kept_in_one_shape(self):
        number = tax_receipts.check_rrn("800101 1234560")
        assert number.value == RESIDENT
        assert number.born == dt.date(1980, 1, 1)
        assert not number.foreign
        assert tax_receipts.check_rrn("8001011234560").value == RESIDENT

    def test_a_wrong_check_digit_is_refused_unless_confirmed(self):
        with pytest.raises(FundsError, match="last digit does not match"):
            tax_receipts.check_rrn(WRONG_CHECK)
        assert tax_receipts.check_rrn(WRONG_CHECK, confirmed=True).value == WRONG_CHECK

    def test_numbers_given_since_october_2020_have_no_check_digit(self):
        assert tax_receipts.check_rrn("210301-3999999").born == dt.date(2021, 3, 1)

    def test_a_foreigners_number_is_accepted(self):
        number = tax_receipts.check_rrn(FOREIGNER)
        assert number.foreign
        assert number.born == dt.date(1990, 1, 1)

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            ("800101-123456", "13 digits"),
            ("80O101-1234560", "13 digits"),
            ("801301-1234560", "birth date"),
            ("800101-9234560", "seventh digit"),
            ("991231-4234560", "lies ahead"),
        ],
    )
    def test_other_shapes_dates_and_digits_are_refused(self, value, message):
        with pytest.raises(FundsError, match=message):
            tax_receipts.check_rrn(value)

    def test_the_masked_form_keeps_the_birth_date_and_the_sex_digit(self):
        assert tax_receipts.mask_rrn(RESIDENT) == "800101-1******"
        assert tax_receipts.mask_rrn("") == ""


@pytest.mark.django_db
class TestSealedOnTheDonor:
    def test_a_number_without_a_wish_for_a_tax_receipt_is_refused(self):
        with pytest.raises(FundsError, match="only for a donor who wants a tax receipt"):
            make_donor(1, korean=True, rrn=RESIDENT)

    def test_the_number_is_sealed_with_no_pseudonym_in_clear(self):
        donor = tax_donor()
        assert donor.rrn.is_set
        assert str(donor.rrn) == "•••"
        columns = [f.column for f in Donor._meta.concrete_fields]
        assert "rrn_masked" not in columns
        assert "rrn_bidx" not in columns
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(columns)} FROM funds_donor")
            [row] = cursor.fetchall()
        dumped = b"".join(
            bytes(value) if isinstance(value, (bytes, memoryview)) else str(value).encode()
            for value in row
        )
        assert b"1234560" not in dumped
        assert b"800101" not in dumped

    def test_no_longer_wanting_a_tax_receipt_drops_the_number(self, finance):
        donor = tax_donor()
        tax_receipts.donor_tax_details_set(actor=finance.user, donor=donor, wants_tax_receipt=False)
        donor.refresh_from_db()
        assert not donor.wants_tax_receipt
        assert not donor.rrn.is_set
        entry = AuditEntry.objects.filter(action="funds.donor_tax_details_set").get()
        assert entry.data == {
            "wants_tax_receipt": False,
            "changed": ["wants_tax_receipt", "rrn_dropped"],
        }

    def test_an_empty_number_keeps_the_stored_one(self):
        donor = tax_donor()
        tax_receipts.donor_tax_details_set(
            actor=None, donor=donor, wants_tax_receipt=True, address="부산광역시 예시구 1"
        )
        donor.refresh_from_db()
        assert donor.rrn.is_set


# ---------------------------------------------------------------------------------------
# Pages for the details


@pytest.mark.django_db
class TestDetailPages:
    @pytest.fixture
    def client(self, finance):
        return signed_in_client(finance)

    def test_a_new_donor_asks_for_the_number_only_with_the_wish(self, client):
        base = {"kind": "person", "name": "김 기부", "language": "ko"}
        refused = client.post("/funds/donors/new/", base | {"rrn": RESIDENT})
        assert refused.status_code == 400
        assert "only for a donor who wants a tax receipt" in refused.content.decode()
        assert RESIDENT not in refused.content.decode()  # never written back
        wrong = client.post(
            "/funds/donors/new/", base | {"rrn": WRONG_CHECK, "wants_tax_receipt": "on"}
        )
        assert wrong.status_code == 400
        made = client.post(
            "/funds/donors/new/", base | {"rrn": RESIDENT, "wants_tax_receipt": "on"}
        )
        assert made.status_code == 302
        donor = Donor.objects.get(wants_tax_receipt=True)
        assert donor.rrn.is_set

    def test_the_donor_page_shows_the_number_masked_and_reveals_it_audited(self, client):
        donor = tax_donor()
        page = client.get(f"/funds/donors/{donor.code}/").content.decode()
        assert "••••••-•••••••" in page
        assert "800101" not in page
        assert f"/funds/receipts/donor/{donor.code}/tax/" in page
        client.post(
            f"/funds/donors/{donor.code}/reveal/", {"field": "rrn", "reason": "donor asked"}
        )
        assert RESIDENT in client.get(f"/funds/donors/{donor.code}/").content.decode()
        assert reveal_reasons(donor, "rrn") == ["donor asked"]

    def test_the_tax_details_page_sets_and_drops_the_number(self, client):
        donor = make_donor(2, korean=True)
        url = f"/funds/receipts/donor/{donor.code}/tax/"
        assert client.get(url).status_code == 200
        response = client.post(url, {"wants_tax_receipt": "on", "rrn": FOREIGNER})
        assert response.status_code == 302
        donor.refresh_from_db()
        assert donor.wants_tax_receipt
        assert donor.rrn.is_set
        client.post(url, {})
        donor.refresh_from_db()
        assert not donor.wants_tax_receipt
        assert not donor.rrn.is_set

    def test_a_gift_in_kind_is_recorded_from_its_page(self, client):
        gift = give(make_donor(3, korean=True), minor=300_000)
        url = f"/funds/receipts/in-kind/{gift.code}/"
        assert client.get(url).status_code == 200
        wrong = client.post(url, {"item": "겨울 외투", "quantity": "5", "unit_value": "50000"})
        assert wrong.status_code == 400
        assert "must be the gift" in wrong.content.decode()
        done = client.post(url, {"item": "겨울 외투", "quantity": "6", "unit_value": "50000"})
        assert done.status_code == 302
        assert gift.in_kind.item == "겨울 외투"
        assert (
            "Given in kind: 겨울 외투 \u00d7 6"
            in client.get(f"/funds/donations/{gift.code}/").content.decode()
        )
        client.post(url, {"clear": "1"})
        assert not GiftInKind.objects.filter(donation=gift).exists()

    @pytest.mark.parametrize(
        "role", [Role.Code.CASE_WORKER, Role.Code.RESCUE_COORDINATOR, Role.Code.COMMUNICATIONS]
    )
    def test_roles_without_funds_get_404(self, role):
        donor = tax_donor()
        gift = give(donor)
        other = signed_in_client(make_member(role))
        assert other.get(f"/funds/receipts/donor/{donor.code}/tax/").status_code == 404
        assert other.post(f"/funds/receipts/donor/{donor.code}/tax/", {}).status_code == 404
        assert other.get(f"/funds/receipts/in-kind/{gift.code}/").status_code == 404
        assert other.get(f"/funds/receipts/issued-{LAST_YEAR}.csv").status_code == 404
        assert (
            other.post(f"/funds/receipts/issued-{LAST_YEAR}.csv", {"reason": "x"}).status_code
            == 404
        )
        donor.refresh_from_db()
        assert donor.wants_tax_receipt


# ---------------------------------------------------------------------------------------
# The PDF, read back


FORM_LABELS = (
    "기부금 영수증",
    "별지 제45호의2서식",
    "일련번호",
    "① 기부자",
    "성명(법인명)",
    "주민등록번호",
    "주소(소재지)",
    "② 기부금 단체",
    "단체명",
    "사업자등록번호",
    "(고유번호)",
    "소재지",
    "기부금공제대상",
    "기부금단체 근거법령",
    "③ 기부금 모집처(언론기관 등)",
    "④ 기부내용",
    "유형",
    "코드",
    "(금전 또는 현물)",
    "연월일",
    "내용",
    "품명",
    "수량",
    "단가",
    "금액",
    "합계",
    "「소득세법」 제34조, 「조세특례제한법」 제76조ㆍ제88조의4 및 「법인세법」 제24조에 따른",
    "기부금을 위와 같이 기부하였음을 증명하여 주시기 바랍니다.",
    "신청인",
    "(서명 또는 인)",
    "위와 같이 기부금을 기부받았음을 증명합니다.",
    "기부금 수령인",
    "대표자",
    "(인)",
)


def squeezed(text: str) -> str:
    """The PDF's text with line breaks and spaces gone: a long cell wraps where it may."""
    return "".join(text.split())


@pytest.mark.django_db
class TestKoreanPdf:
    @pytest.fixture
    def organisation(self, settings):
        settings.RECEIPT_ORGANISATION_NAME = "견본 단체 (데모)"
        settings.RECEIPT_REGISTRATION_NUMBER = "000-00-00000"
        settings.RECEIPT_ADDRESS = "데모시 견본구 예시로 0"
        settings.RECEIPT_REPRESENTATIVE = "데모 대표"
        settings.RECEIPT_LEGAL_BASIS = "법인세법 시행령 제39조 (데모)"
        settings.RECEIPT_DONATION_CODE = "40"
        settings.RECEIPT_DONATION_TYPE = "일반기부금"
        settings.RECEIPT_AGENT_NAME = "견본 신문사 (데모)"
        settings.RECEIPT_AGENT_REGISTRATION_NUMBER = "000-00-00001"
        settings.RECEIPT_AGENT_ADDRESS = "데모시 견본구 신문로 0"
        return settings

    def test_a_statement_carries_every_field_of_the_official_form(self, organisation, finance):
        donor = tax_donor(21)
        usd_rate(dt.date(LAST_YEAR, 3, 4))
        give(donor, on=dt.date(LAST_YEAR, 2, 1), minor=50_000)
        give(donor, on=dt.date(LAST_YEAR, 3, 4), minor=10_000, currency="USD")
        coats = give(donor, on=dt.date(LAST_YEAR, 5, 6), minor=300_000)
        tax_receipts.gift_in_kind_set(
            actor=None, donation=coats, item="겨울 외투", quantity=6, unit_minor=50_000
        )
        statement = receipts.statement_issue(actor=None, donor=donor, year=LAST_YEAR)
        text = pdf_text(receipts.render_pdf(receipt=statement, actor=finance.user))
        flat = squeezed(text)
        for label in FORM_LABELS:
            assert squeezed(label) in flat, label
        issued = timezone.localdate(statement.issued_at)
        for value in (
            statement.number,
            "기부자 김 0021",  # ① 성명
            RESIDENT,  # ① 주민등록번호, in full on the donor's receipt
            "서울특별시 종로구 예시로 1",  # ① 주소
            "견본 단체 (데모)",  # ② 단체명
            "000-00-00000",  # ② 사업자등록번호
            "데모시 견본구 예시로 0",  # ② 소재지
            "법인세법 시행령 제39조 (데모)",  # ② 근거법령
            "견본 신문사 (데모)",  # ③
            "000-00-00001",
            "데모시 견본구 신문로 0",
            "일반기부금",  # ④ 유형
            "금전",
            "현물",
            f"{LAST_YEAR}년 2월 1일",  # ④ 연월일
            f"{LAST_YEAR}년 3월 4일",
            f"{LAST_YEAR}년 5월 6일",
            "겨울 외투",  # ④ 품명
            "₩50,000",  # ④ 단가 and an amount
            "₩138,050",
            "₩300,000",
            "₩488,050",  # 합계
            "데모 대표",  # 대표자
            f"{issued.year}년 {issued.month}월 {issued.day}일",
        ):
            assert squeezed(value) in flat, value
        # 코드 40 in each of the three lines (the 유형 beside it)
        assert flat.count("일반기부금40") == 3
        assert reveal_reasons(donor, "rrn") == [f"receipt {statement.number}"]

    def test_a_donor_who_wants_no_tax_receipt_has_no_number_read(self, organisation):
        donor = make_donor(22, korean=True)
        receipt = receipts.receipt_issue(actor=None, donation=give(donor))
        text = pdf_text(receipts.render_pdf(receipt=receipt, actor=None))
        assert "기부금영수증" in squeezed(text)
        assert reveal_reasons(donor, "rrn") == []

    def test_an_english_receipt_keeps_its_layout_and_no_number(self):
        donor = make_donor(23, wants_tax_receipt=True, rrn=RESIDENT)
        receipt = receipts.receipt_issue(actor=None, donation=give(donor))
        text = pdf_text(receipts.render_pdf(receipt=receipt, actor=None))
        assert "Receipt for a gift" in text
        assert "기부금" not in text
        assert RESIDENT not in text
        assert reveal_reasons(donor, "rrn") == []

    def test_a_korean_receipt_needs_the_organisations_details(self, organisation):
        organisation.RECEIPT_REGISTRATION_NUMBER = ""
        organisation.RECEIPT_LEGAL_BASIS = ""
        gift = give(make_donor(24, korean=True))
        with pytest.raises(FundsError, match=r"사업자등록번호.*근거법령"):
            receipts.receipt_issue(actor=None, donation=gift)
        english = give(make_donor(25))
        assert receipts.receipt_issue(actor=None, donation=english).number

    def test_the_form_keeps_the_code_it_was_issued_under(self, organisation):
        receipt = receipts.receipt_issue(actor=None, donation=give(tax_donor(26)))
        organisation.RECEIPT_DONATION_CODE = "10"
        organisation.RECEIPT_DONATION_TYPE = "특례기부금"
        flat = squeezed(pdf_text(receipts.render_pdf(receipt=receipt, actor=None)))
        assert "일반기부금40" in flat
        assert "특례기부금" not in flat


@pytest.mark.django_db
class TestInKind:
    def test_quantity_times_unit_value_must_be_the_gift(self):
        gift = give(make_donor(), minor=300_000)
        with pytest.raises(FundsError, match="must be the gift's amount"):
            tax_receipts.gift_in_kind_set(
                actor=None, donation=gift, item="쌀", quantity=4, unit_minor=50_000
            )
        with pytest.raises(FundsError, match="Name the item"):
            tax_receipts.gift_in_kind_set(
                actor=None, donation=gift, item="  ", quantity=6, unit_minor=50_000
            )

    def test_the_receipt_lists_the_gift_in_kind_as_issued(self):
        gift = give(make_donor(), minor=300_000)
        tax_receipts.gift_in_kind_set(
            actor=None, donation=gift, item="쌀 10kg", quantity=6, unit_minor=50_000
        )
        receipt = receipts.receipt_issue(actor=None, donation=gift)
        [line] = receipt.lines
        assert (line["kind"], line["item"], line["quantity"], line["unit_minor"]) == (
            "in_kind",
            "쌀 10kg",
            6,
            50_000,
        )
        tax_receipts.gift_in_kind_clear(actor=None, donation=gift)
        receipt.refresh_from_db()
        assert receipt.lines[0]["kind"] == "in_kind"  # what was issued stays
        assert receipts.receipt_issue(actor=None, donation=gift).lines[0]["kind"] == "cash"


# ---------------------------------------------------------------------------------------
# The statement of issued receipts


@pytest.mark.django_db
class TestIssuedStatement:
    def _issue(self):
        resident = tax_donor(31)
        plain = make_donor(32, korean=True)
        year = timezone.localdate().year
        first = receipts.receipt_issue(actor=None, donation=give(resident, on=EARLY))
        coats = give(plain, on=EARLY, minor=100_000)
        tax_receipts.gift_in_kind_set(
            actor=None, donation=coats, item="담요", quantity=4, unit_minor=25_000
        )
        second = receipts.receipt_issue(actor=None, donation=coats)
        return year, resident, plain, first, second

    def test_one_row_per_receipt_with_numbers_masked(self, finance):
        year, resident, _plain, first, second = self._issue()
        client = signed_in_client(finance)
        response = client.get(f"/funds/receipts/issued-{year}.csv")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert "no-store" in response["Cache-Control"]
        header, *rows = read_csv(response)
        assert header == list(tax_receipts.STATEMENT_COLUMNS)
        by_number = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
        assert set(by_number) == {first.number, second.number}
        one = by_number[first.number]
        assert one["성명 (name)"] == "기부자 김 0031"
        assert one["주민등록번호 (registration number)"] == "800101-1******"
        assert (one["유형 (type)"], one["코드 (code)"]) == ("일반기부금", "40")
        assert one["구분 (money / in kind)"] == "금전"
        assert one["금액 (amount)"] == "50000"
        assert one["기부일 (first gift)"] == EARLY.isoformat()
        two = by_number[second.number]
        assert two["주민등록번호 (registration number)"] == ""
        assert two["구분 (money / in kind)"] == "현물"
        assert all(RESIDENT not in row for row in rows)
        assert reveal_reasons(resident, "rrn") == [f"기부금영수증 발급명세 {year} masked"]
        exported = AuditEntry.objects.get(action="funds.receipt_statement_exported")
        assert exported.data == {"year": year, "rows": 2, "unmasked": False}

    def test_numbers_in_full_take_a_reason_and_are_audited_reveals(self, director):
        year, resident, *_ = self._issue()
        client = signed_in_client(director)
        refused = client.post(f"/funds/receipts/issued-{year}.csv", {})
        assert refused.status_code == 302
        response = client.post(f"/funds/receipts/issued-{year}.csv", {"reason": "연말 신고"})
        assert response.status_code == 200
        header, *rows = read_csv(response)
        numbers = {row[header.index("주민등록번호 (registration number)")] for row in rows}
        assert RESIDENT in numbers
        assert reveal_reasons(resident, "rrn") == [f"기부금영수증 발급명세 {year} full 연말 신고"]
        assert AuditEntry.objects.get(action="funds.receipt_statement_exported").data["unmasked"]

    def test_it_asks_for_a_recent_sign_in(self, finance):
        client = signed_in_client(finance, recent=False)
        response = client.get(f"/funds/receipts/issued-{LAST_YEAR}.csv")
        assert response.status_code == 302
        assert "/confirm" in response["Location"]


# ---------------------------------------------------------------------------------------
# Every donor's statement, queued


@pytest.mark.django_db(transaction=True)
class TestQueuedStatements:
    def test_one_button_queues_every_statement_and_twice_issues_none_twice(
        self, finance, run_tasks
    ):
        donors = [make_donor(40 + n) for n in range(3)]
        for donor in donors:
            give(donor, on=dt.date(LAST_YEAR, 6, 1))
        client = signed_in_client(finance)
        response = client.post("/funds/receipts/", {"year": LAST_YEAR})
        assert response.status_code == 302
        assert not Receipt.objects.exists()  # queued, not issued by the request
        client.post("/funds/receipts/", {"year": LAST_YEAR})  # a second click
        run_tasks()
        statements = Receipt.objects.filter(kind=Receipt.Kind.ANNUAL, period=LAST_YEAR)
        assert sorted(s.donor_id for s in statements) == sorted(d.pk for d in donors)
        assert {s.times_issued for s in statements} == {1}
        assert {s.issued_by_id for s in statements} == {finance.user.pk}
        assert AuditEntry.objects.filter(action="funds.statements_queued").count() == 2
        assert issue_statements.call(year=LAST_YEAR) == {
            "year": LAST_YEAR,
            "issued": 0,
            "already": 3,
        }
        assert statements.count() == 3

    def test_a_year_not_over_is_refused_before_anything_is_queued(self, finance):
        client = signed_in_client(finance)
        client.post("/funds/receipts/", {"year": timezone.localdate().year})
        assert not AuditEntry.objects.filter(action="funds.statements_queued").exists()


@pytest.mark.django_db(transaction=True)
class TestStatementsCommand:
    def test_the_command_queues_them_and_the_worker_issues_them_once(self, run_tasks):
        from django.core.management import call_command
        from django.core.management.base import CommandError

        donor = make_donor(50)
        give(donor, on=dt.date(LAST_YEAR, 7, 1))
        out = io.StringIO()
        call_command("issue_statements", str(LAST_YEAR), stdout=out)
        assert "queued" in out.getvalue()
        call_command("issue_statements", str(LAST_YEAR), stdout=io.StringIO())
        assert not Receipt.objects.exists()
        run_tasks()
        [statement] = Receipt.objects.filter(kind=Receipt.Kind.ANNUAL)
        assert statement.donor_id == donor.pk
        assert statement.issued_by_id is None
        with pytest.raises(CommandError, match="once the year is over"):
            call_command("issue_statements", str(timezone.localdate().year))
