"""Receipt pages: the list, issuing a gift's receipt or a donor's statement, the PDF, the
e-mail, a donor's tax-receipt details, a gift in kind, and the statement of issued
receipts (기부금영수증 발급명세) the organisation files.

Reading needs ``funds.view``; issuing and sending ``funds.edit``. The PDF shows the donor's
plain name and address, so it needs ``donors.reveal`` too, and each download is audited
as a reveal (see ``services.receipts.render_pdf``). The statement of issued receipts lists
names and registration numbers: it needs ``funds.export`` and ``donors.reveal`` (the
director and finance), a recent sign-in, and, with the numbers in full, a reason.
"""

from __future__ import annotations

import csv

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from safepassage.accounts import permissions
from safepassage.accounts.decorators import recent_auth_required, staff_required
from safepassage.audit.chain import record
from safepassage.base import money
from safepassage.base.csv_out import Echo, csv_cell, csv_response
from safepassage.base.submitting import attach_errors, show_errors
from safepassage.funds.forms.donors import TaxDetailsForm
from safepassage.funds.forms.receipts import FullStatementForm, InKindForm
from safepassage.funds.models import Donation, Donor, GiftInKind, Receipt
from safepassage.funds.services import receipts as service
from safepassage.funds.services import tax_receipts
from safepassage.vault.errors import VaultError

RECENT = 200


class YearForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=1900, max_value=9999)


def _receipt(request, number: str, action: str) -> Receipt:
    return permissions.get_or_404(
        request.user,
        action,
        Receipt.objects.select_related("donor", "donation"),
        number=number,
    )


def _list_url(year: int | None = None) -> str:
    url = reverse("funds:receipts")
    return f"{url}?year={year}" if year else url


def _form_errors(request, form: forms.Form) -> None:
    show_errors(request, ValidationError([e for errors in form.errors.values() for e in errors]))


@staff_required("funds.view")
@require_http_methods(["GET", "HEAD", "POST"])
def receipts(request):
    """Recent receipts, by year of issue; a POST issues the missing statements of a year."""
    if request.method == "POST":
        return _issue_statements(request)
    user = request.user
    chosen = YearForm(request.GET) if "year" in request.GET else None
    found = permissions.visible(
        user, "funds.view", Receipt.objects.select_related("donor", "donation")
    )
    if chosen is not None and chosen.is_valid():
        found = found.filter(year=chosen.cleaned_data["year"])
    locale = get_language()
    rows = [
        (receipt, money.display(receipt.total_minor, receipt.currency, locale))
        for receipt in found[:RECENT]
    ]
    years = (
        permissions.visible(user, "funds.view", Receipt.objects.all())
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )
    last_year = timezone.localdate().year - 1
    return render(
        request,
        "funds/receipts.html",
        {
            "rows": rows,
            "years": list(years),
            "year": chosen.cleaned_data["year"] if chosen and chosen.is_valid() else None,
            "may_edit": permissions.can(user, "funds.edit"),
            "may_download": permissions.can(user, "donors.reveal"),
            "statements_form": YearForm(initial={"year": last_year}),
            "may_file": permissions.can(user, "funds.export")
            and permissions.can(user, "donors.reveal"),
            "filing_year": chosen.cleaned_data["year"]
            if chosen and chosen.is_valid()
            else timezone.localdate().year,
            "full_form": FullStatementForm(),
            "recent": RECENT,
        },
    )


def _issue_statements(request):
    """Queue the statements of a year for every donor who gave: one action, however many
    donors; the worker issues them, skipping donors who already have one."""
    permissions.require(request.user, "funds.edit")
    form = YearForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(_list_url())
    year = form.cleaned_data["year"]
    try:
        service.statements_queue(actor=request.user, year=year)
    except ValidationError as exc:
        show_errors(request, exc)
        return redirect(_list_url())
    messages.success(
        request,
        _(
            "The statements for %(year)s are being issued in the background; donors who "
            "already have one keep it. They appear here when done."
        )
        % {"year": year},
    )
    return redirect(_list_url(timezone.localdate().year))


def _issued(request, receipt: Receipt) -> None:
    if receipt.times_issued > 1:
        messages.success(
            request,
            _("Receipt %(number)s issued again (issue %(times)s).")
            % {"number": receipt.number, "times": receipt.times_issued},
        )
    else:
        messages.success(request, _("Receipt %(number)s issued.") % {"number": receipt.number})


@staff_required("funds.edit")
@require_POST
def receipt_issue(request, code: str):
    donation = permissions.get_or_404(
        request.user, "funds.edit", Donation.objects.all(), code=code.upper()
    )
    try:
        receipt = service.receipt_issue(actor=request.user, donation=donation)
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        _issued(request, receipt)
    return redirect(donation)


@staff_required("funds.edit")
@require_POST
def statement_issue(request, code: str):
    donor = permissions.get_or_404(
        request.user, "funds.edit", Donor.objects.all(), code=code.upper()
    )
    form = YearForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(donor)
    try:
        receipt = service.statement_issue(
            actor=request.user, donor=donor, year=form.cleaned_data["year"]
        )
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        _issued(request, receipt)
    return redirect(donor)


@staff_required("funds.view")
@require_safe
@never_cache
def receipt_pdf(request, number: str):
    receipt = _receipt(request, number, "funds.view")
    permissions.require(request.user, "donors.reveal")
    try:
        pdf = service.render_pdf(receipt=receipt, actor=request.user)
    except VaultError:
        messages.error(
            request, _("The donor's name or address can no longer be read: no PDF can be made.")
        )
        return redirect(_list_url())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="receipt-{receipt.number}.pdf"'
    return response


@staff_required("funds.edit")
@require_POST
def receipt_send(request, number: str):
    receipt = _receipt(request, number, "funds.edit")
    try:
        service.receipt_send(actor=request.user, receipt=receipt)
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(
            request,
            _("Receipt %(number)s will be e-mailed to the donor.") % {"number": receipt.number},
        )
    return redirect(_list_url(receipt.year))


# ---------------------------------------------------------------------------------------
# What the Korean tax receipt needs


@staff_required("funds.edit")
@require_http_methods(["GET", "HEAD", "POST"])
def donor_tax(request, code: str):
    """Whether a donor wants a tax receipt, with the registration number and address it
    needs. Nothing sealed is shown back: whether a number is stored, not the number."""
    donor = permissions.get_or_404(
        request.user, "funds.edit", Donor.objects.select_related("data_key"), code=code.upper()
    )
    # An empty POST is a submission too: unticking the only ticked box sends nothing.
    posted = request.POST if request.method == "POST" else None
    form = TaxDetailsForm(posted, initial={"wants_tax_receipt": donor.wants_tax_receipt})
    if request.method == "POST" and form.is_valid():
        try:
            tax_receipts.donor_tax_details_set(
                actor=request.user,
                donor=donor,
                wants_tax_receipt=form.cleaned_data["wants_tax_receipt"],
                rrn=form.cleaned_data["rrn"],
                rrn_confirmed=form.cleaned_data["rrn_confirmed"],
                address=form.cleaned_data["address"],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Tax receipt details saved."))
            return redirect(donor)
    return render(
        request,
        "funds/donor_tax.html",
        {"donor": donor, "form": form},
        status=400 if form.errors else 200,
    )


@staff_required("funds.edit")
@require_http_methods(["GET", "HEAD", "POST"])
def gift_in_kind(request, code: str):
    """Record a gift as given in kind (현물), or as money again (``clear``)."""
    donation = permissions.get_or_404(
        request.user, "funds.edit", Donation.objects.all(), code=code.upper()
    )
    current = GiftInKind.objects.filter(donation=donation).first()
    if request.method == "POST" and "clear" in request.POST:
        tax_receipts.gift_in_kind_clear(actor=request.user, donation=donation)
        messages.success(
            request, _("Gift %(code)s is recorded as money.") % {"code": donation.code}
        )
        return redirect(donation)
    initial = (
        {
            "item": current.item,
            "quantity": current.quantity,
            "unit_value": money.to_major(current.unit_minor, donation.currency),
        }
        if current
        else {"quantity": 1, "unit_value": money.to_major(donation.gross_minor, donation.currency)}
    )
    posted = request.POST if request.method == "POST" else None
    form = InKindForm(posted, currency=donation.currency, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            tax_receipts.gift_in_kind_set(
                actor=request.user,
                donation=donation,
                item=form.cleaned_data["item"],
                quantity=form.cleaned_data["quantity"],
                unit_minor=form.cleaned_data["unit_value"],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request, _("Gift %(code)s is recorded as in kind.") % {"code": donation.code}
            )
            return redirect(donation)
    return render(
        request,
        "funds/gift_in_kind.html",
        {
            "donation": donation,
            "amount": money.display(donation.gross_minor, donation.currency, get_language()),
            "current": current,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


def _statement_csv(request, year: int, *, unmasked: bool, reason: str = ""):
    rows_found = tax_receipts.issued_receipts(year=year).count()
    record(
        actor=request.user,
        action="funds.receipt_statement_exported",
        data={"year": year, "rows": rows_found, "unmasked": unmasked},
    )
    writer = csv.writer(Echo())

    def rows():
        yield writer.writerow(tax_receipts.STATEMENT_COLUMNS)
        for row in tax_receipts.statement_rows(
            actor=request.user, year=year, unmasked=unmasked, reason=reason
        ):
            yield writer.writerow(csv_cell(value) for value in row)

    return csv_response(rows(), f"issued-receipts-{year}{'-full' if unmasked else ''}")


@staff_required("funds.export")
@recent_auth_required
@require_http_methods(["GET", "HEAD", "POST"])
def issued_statement(request, year: int):
    """The statement of issued receipts of ``year`` as CSV: one row per receipt.

    GET: registration numbers masked (800101-1******). POST with a reason: in full, as the
    filing with the tax office needs; each number is an audited reveal."""
    permissions.require(request.user, "donors.reveal")
    if request.method != "POST":
        return _statement_csv(request, year, unmasked=False)
    form = FullStatementForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the registration numbers are needed in full."))
        return redirect(_list_url(year))
    return _statement_csv(request, year, unmasked=True, reason=form.cleaned_data["reason"])
