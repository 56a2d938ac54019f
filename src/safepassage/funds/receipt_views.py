"""Receipt pages: the list, issuing a gift's receipt or a donor's statement, the PDF, the
e-mail.

Reading needs ``funds.view``; issuing and sending ``funds.edit``. The PDF shows the donor's
plain name and address, so it needs ``donors.reveal`` too, and each download is audited
as a reveal (see ``services.receipts.render_pdf``).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from safepassage.accounts import permissions
from safepassage.accounts.decorators import staff_required
from safepassage.base import money
from safepassage.base.submitting import show_errors
from safepassage.funds.models import Donation, Donor, Receipt
from safepassage.funds.services import receipts as service
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
            "recent": RECENT,
        },
    )


def _issue_statements(request):
    permissions.require(request.user, "funds.edit")
    form = YearForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(_list_url())
    year = form.cleaned_data["year"]
    try:
        run = service.statements_issue(actor=request.user, year=year)
    except ValidationError as exc:
        show_errors(request, exc)
        return redirect(_list_url())
    messages.success(
        request,
        ngettext(
            "%(count)s statement for %(year)s issued.",
            "%(count)s statements for %(year)s issued.",
            len(run.issued),
        )
        % {"count": len(run.issued), "year": year},
    )
    if run.already:
        messages.info(
            request,
            ngettext(
                "%(count)s donor already had one; issue it again from the donor to update it.",
                "%(count)s donors already had one; issue them again from each donor to "
                "update them.",
                run.already,
            )
            % {"count": run.already},
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
