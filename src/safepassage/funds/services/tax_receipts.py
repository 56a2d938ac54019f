"""What the Korean donation receipt (기부금영수증, 소득세법 시행규칙 별지 제45호의2서식)
needs beyond a receipt: the donor's registration number and address, gifts in kind, the
organisation's details, and the yearly statement of issued receipts (기부금영수증 발급명세)
the organisation files.

The registration number (주민등록번호, or a foreigner's 외국인등록번호) is asked for only
when the donor wants a tax receipt, sealed by the vault, and dropped when the donor no
longer wants one. It is read only through audited reveals: for the PDF, and for the
statement of issued receipts.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.audit.chain import record
from safepassage.base import money
from safepassage.funds.models import Donation, Donor, GiftInKind, Receipt
from safepassage.funds.services.errors import FundsError
from safepassage.vault import services as vault

# ---------------------------------------------------------------------------------------
# The registration number

RRN_SHAPE = re.compile(r"(\d{6})-?(\d{7})")
# The seventh digit: century of birth, and whether the number is a foreigner's.
CENTURY = {"1": 1900, "2": 1900, "3": 2000, "4": 2000}
FOREIGN_CENTURY = {"5": 1900, "6": 1900, "7": 2000, "8": 2000}
WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
# Numbers given from this day on (to the newborn, and to anyone whose number changed) end
# in random digits: they have no check digit.
RANDOM_SINCE = dt.date(2020, 10, 5)


@dataclass(frozen=True)
class RegistrationNumber:
    value: str  # YYMMDD-NNNNNNN
    born: dt.date
    foreign: bool

    @property
    def masked(self) -> str:
        """As the law asks it shown where the full number is not needed: 800101-1******."""
        return mask_rrn(self.value)


def mask_rrn(value: str) -> str:
    """``800101-1234567`` → ``800101-1******``; anything else → all hidden."""
    match = RRN_SHAPE.fullmatch(value or "")
    if not match:
        return "******-*******" if value else ""
    return f"{match[1]}-{match[2][0]}******"


def _check_digit(digits: str) -> int:
    return (11 - sum(int(d) * w for d, w in zip(digits, WEIGHTS, strict=False)) % 11) % 10


def check_rrn(value: str, *, confirmed: bool = False) -> RegistrationNumber:
    """A resident or foreigner's registration number, normalised to ``YYMMDD-NNNNNNN``.

    Refused: another shape, a birth date that does not exist or lies ahead, a seventh
    digit that is no century. A Korean resident's number born before October 2020 must
    match its check digit unless ``confirmed`` (a number changed since then ends in random
    digits, as every newborn's does); a foreigner's number is not held to a check digit,
    whose rule has changed more than once."""
    cleaned = "".join((value or "").split())
    match = RRN_SHAPE.fullmatch(cleaned)
    if not match:
        raise FundsError({"rrn": _("A registration number has 13 digits, as 800101-1234567.")})
    front, back = match[1], match[2]
    kind = back[0]
    foreign = kind in FOREIGN_CENTURY
    century = FOREIGN_CENTURY.get(kind) or CENTURY.get(kind)
    if century is None:
        raise FundsError({"rrn": _("The seventh digit of a registration number is 1 to 8.")})
    try:
        born = dt.date(century + int(front[:2]), int(front[2:4]), int(front[4:6]))
    except ValueError:
        raise FundsError(
            {"rrn": _("The first six digits of a registration number are a birth date.")}
        ) from None
    if born > timezone.localdate():
        raise FundsError({"rrn": _("This registration number's birth date lies ahead.")})
    digits = front + back
    if (
        not foreign
        and born < RANDOM_SINCE
        and not confirmed
        and _check_digit(digits) != int(digits[-1])
    ):
        raise FundsError(
            {
                "rrn": _(
                    "The last digit does not match the others: check the number. A number "
                    "changed since October 2020 has no check digit; if this one is right, "
                    "tick the box to keep it."
                )
            }
        )
    return RegistrationNumber(value=f"{front}-{back}", born=born, foreign=foreign)


def tax_fields(*, wants_tax_receipt: bool, rrn: str, rrn_confirmed: bool = False) -> str:
    """The registration number to seal for a donor, checked; "" when none is kept.

    Asked for only when the donor wants a tax receipt: one typed without that wish is
    refused rather than kept for nothing."""
    rrn = (rrn or "").strip()
    if not rrn:
        return ""
    if not wants_tax_receipt:
        raise FundsError(
            {"rrn": _("A registration number is kept only for a donor who wants a tax receipt.")}
        )
    return check_rrn(rrn, confirmed=rrn_confirmed).value


@transaction.atomic
def donor_tax_details_set(
    *,
    actor,
    donor: Donor,
    wants_tax_receipt: bool,
    rrn: str = "",
    rrn_confirmed: bool = False,
    address: str = "",
) -> Donor:
    """Whether the donor wants a tax receipt, with the number and address it needs.

    Sealed values are never shown back, so an empty ``rrn`` or ``address`` keeps what is
    stored. A donor who no longer wants a tax receipt has the number dropped for good (it
    is kept for nothing else)."""
    donor = Donor.objects.select_for_update().get(pk=donor.pk)
    if donor.merged_into_id:
        raise FundsError({"donor": _("This donor was merged into another; change it there.")})
    number = tax_fields(wants_tax_receipt=wants_tax_receipt, rrn=rrn, rrn_confirmed=rrn_confirmed)
    changed = []
    if donor.wants_tax_receipt != wants_tax_receipt:
        donor.wants_tax_receipt = wants_tax_receipt
        changed.append("wants_tax_receipt")
    if number:
        donor.rrn = number
        changed.append("rrn")
    elif not wants_tax_receipt and donor.rrn.is_set:
        donor.rrn = None
        changed.append("rrn_dropped")
    if address.strip():
        donor.address = address.strip()
        changed.append("address")
    donor.save()
    record(
        actor=actor,
        action="funds.donor_tax_details_set",
        target=donor,
        data={"wants_tax_receipt": wants_tax_receipt, "changed": changed},
    )
    return donor


# ---------------------------------------------------------------------------------------
# Gifts in kind


@transaction.atomic
def gift_in_kind_set(
    *, actor, donation: Donation, item: str, quantity: int, unit_minor: int
) -> GiftInKind:
    """Record that a gift was given in kind (현물): the item, how many, at what unit value.
    The quantity times the unit value must be the gift's amount, in its currency. Receipts
    already issued keep what they listed until issued again."""
    gift = Donation.objects.select_for_update().get(pk=donation.pk)
    if gift.reverses_id:
        raise FundsError({"donation": _("A reversal is not a gift in kind.")})
    item = " ".join((item or "").split())
    if not item:
        raise FundsError({"item": _("Name the item given.")})
    if quantity < 1 or unit_minor < 1:
        raise FundsError({"quantity": _("The quantity and the unit value must be above zero.")})
    if quantity * unit_minor != gift.gross_minor:
        raise FundsError(
            {
                "unit_value": _(
                    "Quantity times unit value (%(value)s) must be the gift's amount (%(amount)s)."
                )
                % {
                    "value": money.display(quantity * unit_minor, gift.currency),
                    "amount": money.display(gift.gross_minor, gift.currency),
                }
            }
        )
    detail, created = GiftInKind.objects.update_or_create(
        donation=gift, defaults={"item": item, "quantity": quantity, "unit_minor": unit_minor}
    )
    record(
        actor=actor,
        action="funds.gift_in_kind_set",
        target=gift,
        data={"item": item, "quantity": quantity, "unit_minor": unit_minor, "new": created},
    )
    return detail


@transaction.atomic
def gift_in_kind_clear(*, actor, donation: Donation) -> None:
    """The gift was given in money after all."""
    deleted, _rows = GiftInKind.objects.filter(donation=donation).delete()
    if deleted:
        record(actor=actor, action="funds.gift_in_kind_cleared", target=donation, data={})


# ---------------------------------------------------------------------------------------
# The organisation on the form

REQUIRED_ORGANISATION = {
    "RECEIPT_ORGANISATION_NAME": "단체명",
    "RECEIPT_REGISTRATION_NUMBER": "사업자등록번호(고유번호)",
    "RECEIPT_ADDRESS": "소재지",
    "RECEIPT_LEGAL_BASIS": "기부금공제대상 기부금단체 근거법령",
}


def organisation() -> dict:
    """② 기부금 단체 and ③ 기부금 모집처 as configured (README, "Receipts" settings)."""
    return {
        "name": settings.RECEIPT_ORGANISATION_NAME,
        "registration_number": settings.RECEIPT_REGISTRATION_NUMBER,
        "address": settings.RECEIPT_ADDRESS,
        "representative": settings.RECEIPT_REPRESENTATIVE,
        "legal_basis": settings.RECEIPT_LEGAL_BASIS,
        "donation_code": settings.RECEIPT_DONATION_CODE,
        "donation_type": settings.RECEIPT_DONATION_TYPE,
        "agent_name": settings.RECEIPT_AGENT_NAME,
        "agent_registration_number": settings.RECEIPT_AGENT_REGISTRATION_NUMBER,
        "agent_address": settings.RECEIPT_AGENT_ADDRESS,
    }


def check_organisation() -> None:
    """A Korean receipt names the organisation as the form asks, or is not issued."""
    missing = [
        label for name, label in REQUIRED_ORGANISATION.items() if not getattr(settings, name)
    ]
    if missing:
        raise FundsError(
            {
                "receipt": _(
                    "A Korean tax receipt needs the organisation's %(missing)s: set "
                    "SAFEPASSAGE_RECEIPT_* (see the README)."
                )
                % {"missing": ", ".join(missing)}
            }
        )


# ---------------------------------------------------------------------------------------
# The statement of issued receipts (기부금영수증 발급명세)

STATEMENT_COLUMNS = (
    "일련번호 (receipt number)",
    "발급일 (issued on)",
    "종류 (kind)",
    "기부자 코드 (donor code)",
    "성명 (name)",
    "주민등록번호 (registration number)",
    "유형 (type)",
    "코드 (code)",
    "구분 (money / in kind)",
    "기부일 (first gift)",
    "기부일 (last gift)",
    "금액 (amount)",
    "통화 (currency)",
    "발급 횟수 (times issued)",
    "무효 (void)",
)


def issued_receipts(*, year: int):
    """The receipts issued in ``year``, in number order."""
    return Receipt.objects.filter(year=year).select_related("donor").order_by("seq")


def _kind_of_lines(lines: list[dict]) -> str:
    kinds = {line.get("kind", "cash") for line in lines}
    if kinds == {"in_kind"}:
        return "현물"
    if kinds == {"cash"}:
        return "금전"
    return "금전, 현물"


def statement_rows(*, actor, year: int, unmasked: bool, reason: str = "") -> Iterator[tuple]:
    """One row per receipt issued in ``year`` for the statement the organisation files.

    The donor's name and registration number are read through audited reveals, one per
    donor and field (the reason names the statement and whether the number is shown in
    full). Masked, the number shows its birth date and sex digit only (800101-1******).
    The caller has checked that ``actor`` may reveal donors, and recorded the export."""
    # Imported here: ``receipts`` imports this module to check a Korean receipt.
    from safepassage.funds.services.receipts import addressee, is_void

    reason = " ".join(
        part
        for part in (f"기부금영수증 발급명세 {year}", "full" if unmasked else "masked", reason)
        if part
    )
    seen: dict = {}
    for receipt in issued_receipts(year=year).iterator(chunk_size=500):
        donor = addressee(receipt.donor)
        if donor.pk not in seen:
            name = _read(donor, "name", actor=actor, reason=reason)
            number = _read(donor, "rrn", actor=actor, reason=reason)
            seen[donor.pk] = (name, number if unmasked else mask_rrn(number))
        name, number = seen[donor.pk]
        days = sorted(line["received_on"] for line in receipt.lines)
        yield (
            receipt.number,
            timezone.localdate(receipt.issued_at).isoformat(),
            receipt.get_kind_display(),
            donor.code,
            name,
            number,
            receipt.tax_type or settings.RECEIPT_DONATION_TYPE,
            receipt.tax_code or settings.RECEIPT_DONATION_CODE,
            _kind_of_lines(receipt.lines),
            days[0] if days else "",
            days[-1] if days else "",
            money.to_major(receipt.total_minor, receipt.currency),
            receipt.currency,
            receipt.times_issued,
            "void" if is_void(receipt) else "",
        )


def _read(donor: Donor, field_name: str, *, actor, reason: str) -> str:
    if not getattr(donor, field_name).is_set:
        return ""
    return str(
        vault.reveal(record_obj=donor, field_name=field_name, actor=actor, reason=reason) or ""
    )
