"""Expenses and their approval: draft → submitted → approved → paid (or rejected).

An expense is booked when it is paid. A draft beyond its fund's balance is saved with a
warning (``fund_shortfall``); restricted money is not approved or paid beyond its fund's
balance unless the director (capability ``funds.overdraw``) approves it with a reason,
which is audited. Relief records the field partner who delivered it.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.accounts import permissions
from safepassage.audit.chain import record, user_of
from safepassage.base import money, uploads
from safepassage.funds.models import (
    Expense,
    ExpenseCategory,
    ExpenseReceipt,
    ExpenseStatus,
    Restriction,
)
from safepassage.funds.services import ledger, rates
from safepassage.funds.services.errors import FundsError, RestrictionOverdrawn

S = ExpenseStatus
MAX_RECEIPT_BYTES = 10 * 1024 * 1024
RECEIPT_TYPES = {"application/pdf", "image/jpeg", "image/png"}


@transaction.atomic
def expense_create(
    *,
    actor,
    category: str,
    description: str,
    amount_minor: int,
    currency: str,
    spent_on: dt.date,
    restriction: str = Restriction.UNRESTRICTED,
    mission=None,
    case=None,
    campaign=None,
    rate=None,
    delivered_by=None,
) -> Expense:
    """A draft. ``delivered_by``: for relief only, the field partner who delivered it (a
    ``rescue`` partner the caller has checked the actor may name)."""
    if category not in ExpenseCategory.values:
        raise FundsError({"category": _("Unknown category.")})
    if restriction not in Restriction.values:
        raise FundsError({"restriction": _("Unknown fund.")})
    description = " ".join(description.split())
    if not description:
        raise FundsError({"description": _("Say what the money was for.")})
    try:
        currency = money.currency_code(currency)
    except money.MoneyError as exc:
        raise FundsError({"currency": str(exc)}) from None
    if not isinstance(amount_minor, int) or not 0 < amount_minor < money.LIMIT:
        raise FundsError({"amount": _("An amount must be more than zero and plausible.")})
    if spent_on > timezone.localdate():
        raise FundsError({"spent_on": _("An expense cannot be dated in the future.")})
    if delivered_by is not None and category != ExpenseCategory.RELIEF:
        raise FundsError({"delivered_by": _("Only relief is delivered by a field partner.")})
    rate = rates.rate_for(currency, spent_on) if rate is None else rate
    expense = Expense.objects.create(
        category=category,
        description=description,
        currency=currency,
        amount_minor=amount_minor,
        rate=rate,
        base_currency=settings.BASE_CURRENCY,
        base_amount_minor=money.convert(amount_minor, currency, rate, settings.BASE_CURRENCY),
        spent_on=spent_on,
        restriction=restriction,
        mission=mission,
        case=case,
        campaign=campaign,
        delivered_by=delivered_by,
        created_by=user_of(actor),
    )
    data = {"amount_minor": amount_minor, "currency": currency, "category": category}
    if delivered_by is not None:
        data["delivered_by"] = delivered_by.code
    record(actor=actor, action="funds.expense_created", target=expense, data=data)
    return expense


def _lock(expense: Expense) -> Expense:
    return Expense.objects.select_for_update().get(pk=expense.pk)


def _move(expense: Expense, *, allowed: set[str], to: str) -> None:
    if expense.status not in allowed:
        raise FundsError(
            {
                "status": _("An expense cannot go from “%(from)s” to “%(to)s”.")
                % {"from": ExpenseStatus(expense.status).label, "to": ExpenseStatus(to).label}
            }
        )
    expense.status = to


@transaction.atomic
def expense_submit(*, actor, expense: Expense) -> Expense:
    expense = _lock(expense)
    _move(expense, allowed={S.DRAFT, S.REJECTED}, to=S.SUBMITTED)
    expense.submitted_at, expense.submitted_by = timezone.now(), user_of(actor)
    expense.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
    record(actor=actor, action="funds.expense_submitted", target=expense)
    return expense


def _committed(expense: Expense) -> int:
    """Approved but not yet paid from the same fund: already promised."""
    from django.db.models import Sum

    return (
        Expense.objects.filter(restriction=expense.restriction, status=S.APPROVED)
        .exclude(pk=expense.pk)
        .aggregate(total=Sum("base_amount_minor"))["total"]
        or 0
    )


def fund_shortfall(expense: Expense) -> int:
    """How much more than its fund holds (less what is approved and not yet paid from it)
    the expense needs, in base minor units; 0 when the fund covers it."""
    available = ledger.fund_balance(expense.restriction) - _committed(expense)
    return max(0, expense.base_amount_minor - available)


def overdraw_warning(expense: Expense) -> str:
    """The warning a draft beyond its fund's balance is saved with ("" if none)."""
    short = fund_shortfall(expense)
    if not short:
        return ""
    values = {
        "fund": Restriction(expense.restriction).label,
        "short": money.display(short, settings.BASE_CURRENCY),
    }
    if expense.restriction == Restriction.UNRESTRICTED:
        return (
            _(
                "The %(fund)s fund does not hold enough for this expense: it is %(short)s short. "
                "The draft is saved; pay it only once the fund holds enough."
            )
            % values
        )
    return (
        _(
            "The %(fund)s fund does not hold enough for this expense: it is %(short)s short. "
            "The draft is saved; it can be approved once the fund holds enough, or by the "
            "director with a reason."
        )
        % values
    )


def may_overdraw(actor) -> bool:
    """Only the director may spend a restricted fund beyond its balance."""
    return permissions.has_capability(actor, "funds.overdraw")


def _check_fund(expense: Expense, *, overridden: bool) -> None:
    if expense.restriction == Restriction.UNRESTRICTED or overridden:
        return
    short = fund_shortfall(expense)
    if short:
        available = expense.base_amount_minor - short
        raise RestrictionOverdrawn(
            {
                "restriction": _(
                    "The %(fund)s fund holds %(available)s; this expense needs %(needed)s. "
                    "Only the director may overdraw it, with a reason; or pay it from "
                    "another fund."
                )
                % {
                    "fund": Restriction(expense.restriction).label,
                    "available": money.display(available, settings.BASE_CURRENCY),
                    "needed": money.display(expense.base_amount_minor, settings.BASE_CURRENCY),
                }
            }
        )


@transaction.atomic
def expense_approve(*, actor, expense: Expense, override_reason: str = "") -> Expense:
    expense = _lock(expense)
    if expense.submitted_by_id and getattr(actor, "pk", None) == expense.submitted_by_id:
        raise FundsError({"status": _("Someone other than the submitter must approve.")})
    _move(expense, allowed={S.SUBMITTED}, to=S.APPROVED)
    override_reason = " ".join(override_reason.split())
    needs_override = expense.restriction != Restriction.UNRESTRICTED and bool(
        fund_shortfall(expense)
    )
    if not needs_override:
        # A reason is kept only when it overdraws: stored, it lets the payment overdraw too.
        override_reason = ""
    elif override_reason and not may_overdraw(actor):
        raise FundsError(
            {"override_reason": _("Only the director may overdraw a restricted fund.")}
        )
    _check_fund(expense, overridden=bool(override_reason))
    expense.decided_at, expense.decided_by = timezone.now(), user_of(actor)
    expense.override_reason = override_reason[:200]
    expense.save(
        update_fields=["status", "decided_at", "decided_by", "override_reason", "updated_at"]
    )
    record(
        actor=actor,
        action="funds.expense_approved",
        target=expense,
        sealed={"override": override_reason[:200]} if override_reason else None,
    )
    return expense


@transaction.atomic
def expense_reject(*, actor, expense: Expense, note: str) -> Expense:
    expense = _lock(expense)
    _move(expense, allowed={S.SUBMITTED, S.APPROVED}, to=S.REJECTED)
    expense.decided_at, expense.decided_by = timezone.now(), user_of(actor)
    expense.decision_note = " ".join(note.split())[:200]
    expense.save(
        update_fields=["status", "decided_at", "decided_by", "decision_note", "updated_at"]
    )
    record(actor=actor, action="funds.expense_rejected", target=expense)
    return expense


@transaction.atomic
def expense_pay(*, actor, expense: Expense) -> Expense:
    """Paid: booked to its category under its fund. The fund is checked again now (another
    expense may have drawn on it since approval) unless approval gave an override."""
    expense = _lock(expense)
    _move(expense, allowed={S.APPROVED}, to=S.PAID)
    _check_fund(expense, overridden=bool(expense.override_reason))
    expense.paid_at, expense.paid_by = timezone.now(), user_of(actor)
    expense.save(update_fields=["status", "paid_at", "paid_by", "updated_at"])
    ledger.post(
        kind="expense",
        on=expense.spent_on,
        restriction=expense.restriction,
        category=expense.category,
        campaign=expense.campaign,
        expense=expense,
        lines=[
            ledger.Line(
                ledger.EXPENSE_ACCOUNTS[expense.category],
                expense.base_amount_minor,
                expense.currency,
                expense.amount_minor,
            ),
            ledger.Line(
                ledger.BANK, -expense.base_amount_minor, expense.currency, -expense.amount_minor
            ),
        ],
    )
    record(actor=actor, action="funds.expense_paid", target=expense)
    return expense


@transaction.atomic
def receipt_attach(
    *, actor, expense: Expense, filename: str, content: bytes, content_type: str
) -> ExpenseReceipt:
    """Attach a scan or photo, sealed; image metadata (EXIF, GPS) is stripped first.
    ``content_type`` is what the bytes are (``base.uploads.document_type``, which opens
    them), never the name's or the browser's claim."""
    if content_type not in RECEIPT_TYPES:
        raise FundsError({"file": _("A receipt is a PDF, JPEG or PNG file.")})
    if not content or len(content) > MAX_RECEIPT_BYTES:
        raise FundsError({"file": _("A receipt must be between 1 byte and 10 MB.")})
    if content_type.startswith("image/"):
        content = strip_metadata(content, content_type)
    receipt = ExpenseReceipt(expense=expense, content_type=content_type, size=len(content))
    receipt.content = content
    receipt.filename = filename[:200] or "receipt"
    receipt.save()
    record(
        actor=actor, action="funds.receipt_attached", target=expense, data={"size": len(content)}
    )
    return receipt


def strip_metadata(content: bytes, content_type: str) -> bytes:
    """Re-encode the pixels only: EXIF, GPS and comments do not survive."""
    try:
        return uploads.strip_image_metadata(content, content_type)
    except ValueError:
        raise FundsError({"file": _("This file is not a readable image.")}) from None
