"""Receipts: one per gift and one statement per donor and year, as PDF in the donor's
language, numbered ``YYYY-NNNNNN`` per calendar year of issue without gaps.

A number is taken from ``ReceiptCounter`` in the transaction that saves the receipt, so a
rolled-back issue gives its number back. Issuing again keeps the number and counts the
issue (``times_issued``). What a receipt lists is kept on it (``lines``), so its PDF made
again later shows what was issued, whatever was reversed or merged since.

Locks are taken in one order: the gift or the donor, then the year's counter, then the
audit head (``audit.chain.record``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from safepassage.audit.chain import record
from safepassage.base import money
from safepassage.base.tasks import enqueue_on_commit
from safepassage.funds.models import (
    Donation,
    Donor,
    DonorKind,
    GiftInKind,
    Receipt,
    ReceiptCounter,
)
from safepassage.funds.services import tax_receipts
from safepassage.funds.services.errors import FundsError
from safepassage.vault import services as vault

# ---------------------------------------------------------------------------------------
# Numbers


def _take_number(year: int) -> tuple[int, str]:
    """The next number of ``year``. Call inside the transaction that saves the receipt:
    the counter row stays locked until it commits or rolls back.

    The year's row is made with INSERT ... ON CONFLICT DO NOTHING before it is locked: two
    first issues of a year at once would otherwise both find no row to lock and race to
    insert one. The loser's insert waits for the winner's commit and then does nothing.
    """
    ReceiptCounter.objects.bulk_create([ReceiptCounter(year=year, last=0)], ignore_conflicts=True)
    counter = ReceiptCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last, f"{year}-{counter.last:06d}"


# ---------------------------------------------------------------------------------------
# What a receipt lists


def _line(gift: Donation, *, in_kind: GiftInKind | None = None, receipted_as: str = "") -> dict:
    """What a receipt lists of one gift; a gift in kind (현물) adds its item, quantity and
    unit value (in the gift's currency), as the Korean form's 내용 column asks."""
    line = {
        "code": gift.code,
        "received_on": gift.received_on.isoformat(),
        "currency": gift.currency,
        "minor": gift.gross_minor,
        "base_minor": gift.base_gross_minor,
        "kind": "in_kind" if in_kind else "cash",
    }
    if in_kind:
        line |= {
            "item": in_kind.item,
            "quantity": in_kind.quantity,
            "unit_minor": in_kind.unit_minor,
        }
    if receipted_as:
        line["receipt"] = receipted_as
    return line


def _in_kind(gifts: list[Donation]) -> dict:
    return {d.donation_id: d for d in GiftInKind.objects.filter(donation__in=gifts)}


def statement_gifts(*, donor: Donor, year: int) -> list[Donation]:
    """The donor's gifts received in ``year`` less the reversed ones.

    A gift and its reversal cancel out whenever the reversal was booked, so a refund in
    January takes the gift off the statement of the year it was given in, not the next.
    """
    reversed_ = Donation.objects.filter(reverses=OuterRef("pk"))
    return list(
        Donation.objects.filter(donor=donor, reverses__isnull=True, received_on__year=year)
        .exclude(Exists(reversed_))
        .order_by("received_on", "created_at")
    )


def donors_with_gifts(*, year: int):
    """Donors who may get a statement for ``year``: not merged, not anonymous, with at
    least one gift received that year that was not reversed."""
    reversed_ = Donation.objects.filter(reverses=OuterRef("pk"))
    gifts = Donation.objects.filter(
        donor=OuterRef("pk"), reverses__isnull=True, received_on__year=year
    ).exclude(Exists(reversed_))
    return (
        Donor.objects.filter(merged_into__isnull=True)
        .exclude(kind=DonorKind.ANONYMOUS)
        .filter(Exists(gifts))
        .order_by("created_at")
    )


def _check_addressee(donor: Donor) -> None:
    if donor.kind == DonorKind.ANONYMOUS:
        raise FundsError({"donor": _("Anonymous gifts get no receipt.")})
    if donor.merged_into_id:
        raise FundsError(
            {"donor": _("This donor was merged into another; issue the receipt there.")}
        )
    if donor.language == "ko":
        # A Korean receipt is the official 기부금영수증: it names the organisation.
        tax_receipts.check_organisation()


def _user_or_none(actor):
    """``issued_by`` for a person; None for the system, the worker or a script."""
    return actor if isinstance(actor, get_user_model()) else None


def _save_issue(
    *,
    actor,
    existing: Receipt | None,
    kind: str,
    donor: Donor,
    lines: list[dict],
    donation: Donation | None = None,
    period: int | None = None,
) -> Receipt:
    """Issue a new receipt, or issue ``existing`` again under its number."""
    now = timezone.now()
    total = sum(line["base_minor"] for line in lines)
    if existing is not None:
        existing.times_issued += 1
        existing.language = donor.language
        existing.total_minor = total
        existing.currency = settings.BASE_CURRENCY
        existing.lines = lines
        existing.issued_at = now
        existing.issued_by = _user_or_none(actor)
        existing.tax_code = settings.RECEIPT_DONATION_CODE
        existing.tax_type = settings.RECEIPT_DONATION_TYPE
        existing.save(
            update_fields=[
                "times_issued",
                "language",
                "total_minor",
                "currency",
                "lines",
                "tax_code",
                "tax_type",
                "issued_at",
                "issued_by",
                "updated_at",
            ]
        )
        record(
            actor=actor,
            action="funds.receipt_reissued",
            target=existing,
            data={
                "number": existing.number,
                "kind": kind,
                "times_issued": existing.times_issued,
                "total_minor": total,
                "currency": existing.currency,
            },
        )
        return existing
    year = timezone.localdate(now).year
    seq, number = _take_number(year)
    receipt = Receipt.objects.create(
        number=number,
        year=year,
        seq=seq,
        kind=kind,
        donor=donor,
        donation=donation,
        period=period,
        language=donor.language,
        total_minor=total,
        currency=settings.BASE_CURRENCY,
        lines=lines,
        tax_code=settings.RECEIPT_DONATION_CODE,
        tax_type=settings.RECEIPT_DONATION_TYPE,
        issued_at=now,
        issued_by=_user_or_none(actor),
    )
    record(
        actor=actor,
        action="funds.receipt_issued",
        target=receipt,
        data={
            "number": number,
            "kind": kind,
            "donation": donation.code if donation else None,
            "period": period,
            "total_minor": total,
            "currency": receipt.currency,
        },
    )
    return receipt


# ---------------------------------------------------------------------------------------
# Issuing


@transaction.atomic
def receipt_issue(*, actor, donation: Donation) -> Receipt:
    """The receipt for one gift: a new number the first time, the same number after."""
    # Locking the gift serialises this with a second issue and with its reversal.
    gift = Donation.objects.select_for_update().get(pk=donation.pk)
    if gift.reverses_id:
        raise FundsError({"donation": _("A reversal gets no receipt.")})
    if Donation.objects.filter(reverses=gift).exists():
        raise FundsError({"donation": _("This gift was reversed: it gets no receipt.")})
    donor = Donor.objects.get(pk=gift.donor_id)
    _check_addressee(donor)
    return _save_issue(
        actor=actor,
        existing=Receipt.objects.filter(donation=gift).first(),
        kind=Receipt.Kind.GIFT,
        donor=donor,
        lines=[_line(gift, in_kind=GiftInKind.objects.filter(donation=gift).first())],
        donation=gift,
    )


def check_statement_year(year: int) -> int:
    if not isinstance(year, int) or year < 1900:
        raise FundsError({"year": _("Not a year.")})
    if year >= timezone.localdate().year:
        raise FundsError({"year": _("A year's statement can be issued once the year is over.")})
    return year


@transaction.atomic
def statement_issue(*, actor, donor: Donor, year: int) -> Receipt:
    """The donor's statement for ``year``: every gift received that year less reversals,
    totalled in the base currency. Issued again, it keeps its number and is recomputed."""
    check_statement_year(year)
    # Locking the donor serialises two issues of the same statement.
    donor = Donor.objects.select_for_update().get(pk=donor.pk)
    _check_addressee(donor)
    gifts = statement_gifts(donor=donor, year=year)
    if not gifts:
        raise FundsError({"year": _("This donor gave nothing in %(year)s.") % {"year": year}})
    # A gift with a receipt of its own is marked on the statement, so it is claimed once.
    receipted = dict(
        Receipt.objects.filter(donation__in=gifts).values_list("donation_id", "number")
    )
    in_kind = _in_kind(gifts)
    return _save_issue(
        actor=actor,
        existing=Receipt.objects.filter(kind=Receipt.Kind.ANNUAL, donor=donor, period=year).first(),
        kind=Receipt.Kind.ANNUAL,
        donor=donor,
        lines=[
            _line(gift, in_kind=in_kind.get(gift.pk), receipted_as=receipted.get(gift.pk, ""))
            for gift in gifts
        ],
        period=year,
    )


@dataclass
class StatementRun:
    year: int
    issued: list[str] = field(default_factory=list)
    already: int = 0


@transaction.atomic
def statements_issue(*, actor, year: int) -> StatementRun:
    """Statements for ``year`` for every donor who gave that year and has none yet.

    All or nothing: the numbers of one run are consecutive. Statements already issued are
    left as they are (issue one again from its donor to recompute it).
    """
    check_statement_year(year)
    run = StatementRun(year=year)
    have = set(
        Receipt.objects.filter(kind=Receipt.Kind.ANNUAL, period=year).values_list(
            "donor_id", flat=True
        )
    )
    for donor in donors_with_gifts(year=year):
        if donor.pk in have:
            run.already += 1
            continue
        run.issued.append(statement_issue(actor=actor, donor=donor, year=year).number)
    return run


@transaction.atomic
def statements_queue(*, actor, year: int) -> None:
    """Queue the issue of ``year``'s statements for every donor who gave that year: one
    action, however many donors.

    The task (``funds.tasks.issue_statements``) calls ``statements_issue``, which skips
    donors who already have the year's statement: queued twice, or run again after a
    failure, it issues no statement twice."""
    check_statement_year(year)
    record(actor=actor, action="funds.statements_queued", data={"year": year})
    enqueue_on_commit(
        "safepassage.funds.tasks.issue_statements",
        year=year,
        actor_id=str(actor.pk) if getattr(actor, "pk", None) else None,
    )


# ---------------------------------------------------------------------------------------
# Sending


def addressee(donor: Donor) -> Donor:
    """The donor a receipt goes to: a merged duplicate's receipts go to the donor kept."""
    seen = set()
    while donor.merged_into_id and donor.pk not in seen:
        seen.add(donor.pk)
        donor = Donor.objects.get(pk=donor.merged_into_id)
    return donor


def is_void(receipt: Receipt) -> bool:
    """A gift's receipt is void once the gift is reversed."""
    return bool(
        receipt.donation_id and Donation.objects.filter(reverses_id=receipt.donation_id).exists()
    )


@transaction.atomic
def receipt_send(*, actor, receipt: Receipt) -> None:
    """Queue the receipt's e-mail to the donor. A receipt is a legal document: it is sent
    whether or not the donor agreed to other contact. The task is queued once the
    surrounding transaction commits."""
    if is_void(receipt):
        raise FundsError({"receipt": _("This gift was reversed: its receipt is void.")})
    donor = addressee(receipt.donor)
    if not donor.email.is_set:
        raise FundsError({"receipt": _("This donor has no e-mail address.")})
    record(
        actor=actor,
        action="funds.receipt_send_queued",
        target=receipt,
        data={"number": receipt.number},
    )
    enqueue_on_commit("safepassage.funds.tasks.send_receipt", receipt_id=str(receipt.pk))


def mark_emailed(*, receipt: Receipt) -> None:
    now = timezone.now()
    Receipt.objects.filter(pk=receipt.pk).update(emailed_at=now, updated_at=now)
    receipt.emailed_at = now
    record(
        actor="worker",
        action="funds.receipt_emailed",
        target=receipt,
        data={"number": receipt.number},
    )


# ---------------------------------------------------------------------------------------
# The PDF


def _fetch_nothing():
    """A WeasyPrint fetcher that refuses every URL (images, fonts, stylesheets alike):
    a receipt is made from the template alone and never reaches the network or the disk.
    Fonts come from the system's fontconfig, which is not a fetch."""
    from weasyprint.urls import URLFetcher

    class FetchNothing(URLFetcher):
        def fetch(self, url, headers=None):
            raise ValueError(f"receipts load nothing from outside: {url[:80]}")

    return FetchNothing(fail_on_errors=True)


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=_fetch_nothing()).write_pdf()


def _reveal(donor: Donor, field_name: str, *, actor, number: str) -> str:
    if not getattr(donor, field_name).is_set:
        return ""
    value = vault.reveal(
        record_obj=donor, field_name=field_name, actor=actor, reason=f"receipt {number}"
    )
    return str(value or "")


def receipt_context(*, receipt: Receipt, actor) -> dict:
    """What the template shows; call inside ``translation.override(receipt.language)``.

    Reads the donor's name and address through the vault, one audited reveal per field.
    """
    locale = receipt.language
    donor = addressee(receipt.donor)
    lines = []
    by_currency: dict[str, int] = defaultdict(int)
    for line in receipt.lines:
        by_currency[line["currency"]] += line["minor"]
        in_kind = line.get("kind") == "in_kind"
        lines.append(
            {
                "code": line["code"],
                "receipt": line.get("receipt", ""),
                "received_on": dt.date.fromisoformat(line["received_on"]),
                "amount": money.display(line["minor"], line["currency"], locale),
                "base_amount": money.display(line["base_minor"], receipt.currency, locale),
                "foreign": line["currency"] != receipt.currency,
                "in_kind": in_kind,
                "item": line.get("item", ""),
                "quantity": line.get("quantity"),
                "unit": money.display(line["unit_minor"], line["currency"], locale)
                if in_kind
                else "",
            }
        )
    korean = locale == "ko"
    return {
        "korean": korean,
        "form": tax_receipts.organisation()
        | {
            "donation_code": receipt.tax_code or settings.RECEIPT_DONATION_CODE,
            "donation_type": receipt.tax_type or settings.RECEIPT_DONATION_TYPE,
        },
        # The form's 주민등록번호: only on a Korean receipt, only for a donor who asked
        # for a tax receipt, read through an audited reveal as the name is.
        "donor_rrn": _reveal(donor, "rrn", actor=actor, number=receipt.number)
        if korean and donor.wants_tax_receipt
        else "",
        "receipt": receipt,
        "organisation": settings.ORGANISATION_NAME,
        "is_statement": receipt.kind == Receipt.Kind.ANNUAL,
        "reissued": receipt.times_issued > 1,
        "void": is_void(receipt),
        "issued_on": timezone.localdate(receipt.issued_at),
        "donor_code": donor.code,
        "donor_name": _reveal(donor, "name", actor=actor, number=receipt.number),
        "donor_address": _reveal(donor, "address", actor=actor, number=receipt.number),
        "lines": lines,
        "total": money.display(receipt.total_minor, receipt.currency, locale),
        "base_currency": receipt.currency,
        # Listed when any gift came in another currency than the base one.
        "original_currencies": [
            money.display(minor, currency, locale)
            for currency, minor in sorted(by_currency.items())
        ]
        if set(by_currency) - {receipt.currency}
        else [],
    }


def render_pdf(*, receipt: Receipt, actor) -> bytes:
    """The receipt as an A4 PDF in the donor's language: in Korean, the official donation
    receipt (기부금영수증, 소득세법 시행규칙 별지 제45호의2서식) with every section of the form.

    Raises ``vault.errors.Shredded`` (or another ``VaultError``) when the donor's name or
    address cannot be read; a receipt without its addressee is not made.
    """
    template = "funds/receipt_ko.html" if receipt.language == "ko" else "funds/receipt.html"
    with translation.override(receipt.language):
        html = render_to_string(template, receipt_context(receipt=receipt, actor=actor))
    return html_to_pdf(html)
