"""Expense pages: the list with filters and totals, a new expense, its approval trail and
actions (submit, approve, reject, pay), and its receipts.

A linked mission or case shows its code and nothing else: finance never sees who was
helped. A receipt can name a place or a person, so an upload is held in memory only and
sealed before it is stored, and every download is an audited reveal.
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from safepassage.accounts import permissions
from safepassage.accounts.decorators import recent_auth_required, staff_required
from safepassage.audit.chain import record
from safepassage.base import money
from safepassage.base.csv_out import Echo, csv_cell, csv_response
from safepassage.base.submitting import attach_errors, show_errors
from safepassage.base.uploads import MemoryOnlyUpload, document_type, keep_in_memory
from safepassage.cases import selectors as case_selectors
from safepassage.funds import forms, selectors
from safepassage.funds.models import Expense, ExpenseReceipt, ExpenseStatus
from safepassage.funds.services import expenses as expense_services
from safepassage.funds.services.errors import RestrictionOverdrawn
from safepassage.rescue import selectors as rescue_selectors
from safepassage.vault import services as vault_services
from safepassage.vault.errors import Shredded

PAGE_SIZE = 50
S = ExpenseStatus
# Which capability each action needs, and from which statuses the page offers it.
ACTIONS = {
    "submit": ("funds.edit", {S.DRAFT, S.REJECTED}),
    "approve": ("funds.approve", {S.SUBMITTED}),
    "reject": ("funds.approve", {S.SUBMITTED, S.APPROVED}),
    "pay": ("funds.edit", {S.APPROVED}),
}
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
CSV_COLUMNS = [
    "code",
    "spent_on",
    "category",
    "description",
    "currency",
    "amount",
    "rate",
    "base_currency",
    "base_amount",
    "fund",
    "status",
    "mission",
    "case",
    "submitted_at",
    "decided_at",
    "paid_at",
    "decision_note",
    "override_reason",
    "delivered_by",
]


def _expense(request, code: str, action: str = "funds.view") -> Expense:
    return selectors.expense_detail(request.user, code, action=action)


def _filtered(request):
    form = forms.ExpenseFilterForm(request.GET)
    found = selectors.expenses_list(request.user)
    if not form.is_valid():
        return form, found.none()
    return form, selectors.expenses_list(request.user, selectors.ExpenseFilter(**form.cleaned_data))


@staff_required("funds.view")
@require_safe
def expenses(request):
    form, found = _filtered(request)
    page = Paginator(found.order_by("-spent_on", "-created_at"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for expense in page:
        selectors.with_amounts(expense)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "funds/expenses.html",
        {
            "form": form,
            "page": page,
            "totals": selectors.expense_totals(found),
            "query": params.urlencode(),
            "may_edit": permissions.has_capability(request.user, "funds.edit"),
            "may_export": permissions.has_capability(request.user, "funds.export"),
        },
    )


def _iso(value) -> str:
    return value.isoformat() if value else ""


@staff_required("funds.export")
@recent_auth_required
@require_safe
def expenses_csv(request):
    form, found = _filtered(request)
    # Relief's deliverer by pseudonym only: a partner's identity stays sealed in rescue.
    found = (
        found.order_by("spent_on", "created_at")
        .select_related("delivered_by")
        .only(
            *(field.name for field in Expense._meta.concrete_fields),
            "mission__code",
            "case__code",
            "delivered_by__pseudonym",
        )
    )
    record(
        actor=request.user,
        action="funds.expenses_exported",
        data={
            "rows": found.count(),
            "filters": {k: str(v) for k, v in form.cleaned_data.items() if v},
        },
    )
    writer = csv.writer(Echo())

    def rows():
        yield writer.writerow(CSV_COLUMNS)
        for expense in found.iterator(chunk_size=2000):
            yield writer.writerow(
                csv_cell(value)
                for value in (
                    expense.code,
                    expense.spent_on.isoformat(),
                    expense.category,
                    expense.description,
                    expense.currency,
                    money.to_major(expense.amount_minor, expense.currency),
                    expense.rate,
                    expense.base_currency,
                    money.to_major(expense.base_amount_minor, expense.base_currency),
                    expense.restriction,
                    expense.status,
                    expense.mission.code if expense.mission_id else "",
                    expense.case.code if expense.case_id else "",
                    _iso(expense.submitted_at),
                    _iso(expense.decided_at),
                    _iso(expense.paid_at),
                    expense.decision_note,
                    expense.override_reason,
                    expense.delivered_by.pseudonym if expense.delivered_by_id else "",
                )
            )

    return csv_response(rows(), "expenses")


@staff_required("funds.edit")
@require_http_methods(["GET", "HEAD", "POST"])
def expense_new(request):
    form = forms.ExpenseForm(
        request.POST or None,
        cases=case_selectors.cases_for(request.user, action="funds.link"),
        missions=rescue_selectors.missions_for(request.user, action="funds.link"),
        partners=rescue_selectors.partners_for(request.user, action="funds.link"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            expense = expense_services.expense_create(actor=request.user, **form.expense_fields())
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request, _("Expense %(code)s saved as a draft.") % {"code": expense.code}
            )
            warning = expense_services.overdraw_warning(expense)
            if warning:
                messages.warning(request, warning)
            return redirect(expense)
    return render(
        request, "funds/expense_new.html", {"form": form}, status=400 if form.errors else 200
    )


def _offered(user, expense: Expense) -> set[str]:
    """The actions the page offers this user now. The services decide in the end."""
    offered = {
        action
        for action, (capability, statuses) in ACTIONS.items()
        if expense.status in statuses and permissions.can(user, capability, expense)
    }
    if expense.submitted_by_id == user.pk:
        offered.discard("approve")
    return offered


def _expense_page(request, expense: Expense, *, approve_form=None, status: int = 200):
    user = request.user
    offered = _offered(user, expense)
    return render(
        request,
        "funds/expense.html",
        {
            "expense": selectors.with_amounts(expense),
            "trail": _trail(expense),
            "receipts": expense.receipts.only(
                "code", "expense_id", "content_type", "size", "created_at"
            ),
            "offered": offered,
            "approve_form": approve_form or forms.ExpenseStatusForm(initial={"action": "approve"}),
            "may_overdraw": expense_services.may_overdraw(user),
            "awaits_other_approver": expense.status == S.SUBMITTED
            and expense.submitted_by_id == user.pk,
            "upload_form": (
                forms.ReceiptUploadForm()
                if permissions.can(user, "funds.edit", expense) and expense.status != S.REJECTED
                else None
            ),
        },
        status=status,
    )


def _trail(expense: Expense) -> list[tuple[str, object, object]]:
    """Who did what when, in order: (what, who, when)."""
    steps = [(_("Recorded"), expense.created_by, expense.created_at)]
    if expense.submitted_at:
        steps.append((_("Submitted"), expense.submitted_by, expense.submitted_at))
    if expense.decided_at:
        # Only the last decision is kept; an expense back in draft or submitted after a
        # decision was rejected, then submitted again.
        approved = expense.status in {S.APPROVED, S.PAID}
        decided = _("Approved") if approved else _("Rejected")
        steps.append((decided, expense.decided_by, expense.decided_at))
    if expense.paid_at:
        steps.append((_("Paid"), expense.paid_by, expense.paid_at))
    return sorted(steps, key=lambda step: step[2])


@staff_required("funds.view")
@require_safe
def expense(request, code: str):
    return _expense_page(request, _expense(request, code))


@staff_required("funds.edit")
@require_POST
def expense_status(request, code: str):
    found = _expense(request, code, "funds.edit")
    form = forms.ExpenseStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That is not a step an expense can take."))
        return redirect(found)
    action = form.cleaned_data["action"]
    if not permissions.can(request.user, ACTIONS[action][0], found):
        raise Http404
    calls = {
        "submit": lambda: expense_services.expense_submit(actor=request.user, expense=found),
        "approve": lambda: expense_services.expense_approve(
            actor=request.user,
            expense=found,
            override_reason=form.cleaned_data["override_reason"],
        ),
        "reject": lambda: expense_services.expense_reject(
            actor=request.user, expense=found, note=form.cleaned_data["note"]
        ),
        "pay": lambda: expense_services.expense_pay(actor=request.user, expense=found),
    }
    done = {
        "submit": _("Submitted for approval."),
        "approve": _("Approved."),
        "reject": _("Rejected."),
        "pay": _("Paid and booked."),
    }
    try:
        calls[action]()
    except RestrictionOverdrawn as exc:
        if action != "approve":
            show_errors(request, exc)
            return redirect(found)
        # Show the fund's balance next to the field that lets the approver overdraw it.
        attach_errors(form, ValidationError({"override_reason": exc.messages}))
        return _expense_page(request, found, approve_form=form, status=400)
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(request, done[action])
    return redirect(found)


@csrf_exempt  # checked by _receipt_add, once the upload handlers are in place
@staff_required("funds.edit")
@require_POST
def expense_receipt_add(request, code: str):
    handler = keep_in_memory(request, limit=expense_services.MAX_RECEIPT_BYTES)
    return _receipt_add(request, code, handler)


@csrf_protect
def _receipt_add(request, code: str, handler: MemoryOnlyUpload):
    found = _expense(request, code, "funds.edit")
    form = forms.ReceiptUploadForm(request.POST, request.FILES)
    if handler.too_large:
        messages.error(request, _("A receipt must be between 1 byte and 10 MB."))
        return redirect(found)
    if not form.is_valid():
        messages.error(request, _("Choose a receipt file to upload."))
        return redirect(found)
    upload = form.cleaned_data["file"]
    content = upload.read()
    try:
        expense_services.receipt_attach(
            actor=request.user,
            expense=found,
            filename=upload.name or "",
            content=content,
            # What the bytes are, opened, not what the name or the browser claims: the
            # download is served with it, and anything else is refused by receipt_attach.
            content_type=document_type(content),
        )
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(request, _("Receipt attached and sealed."))
    return redirect(found)


@staff_required("funds.view")
@require_safe
def expense_receipt(request, code: str, receipt: str):
    """The receipt's file, after an audited reveal; never cached, always a download."""
    found = _expense(request, code)
    scan = (
        ExpenseReceipt.objects.select_related("data_key")
        .filter(expense=found, code=receipt.upper())
        .first()
    )
    if scan is None:
        raise Http404
    try:
        content = vault_services.reveal(
            record_obj=scan, field_name="content", actor=request.user, reason="receipt download"
        )
    except Shredded:
        raise Http404 from None
    response = HttpResponse(content or b"", content_type=scan.content_type)
    extension = EXTENSIONS.get(scan.content_type, "bin")
    # Named by its code: the original file name is sealed too and may name a place.
    response["Content-Disposition"] = f'attachment; filename="receipt-{scan.code}.{extension}"'
    response["Cache-Control"] = "no-store"
    return response
