"""Donation pages: the list with filters and totals, one gift with its ledger lines, a new
gift, its reversal, and the CSV export.

Every view fetches its object through ``permissions.get_or_404`` (404 for "missing" and
"not allowed" alike), validates a form, calls the services, and redirects. A gift is
never edited: a mistake or a refund is reversed, which posts a new balanced transaction.
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from safepassage.accounts import permissions
from safepassage.accounts.decorators import recent_auth_required, staff_required
from safepassage.audit.chain import record
from safepassage.base import money
from safepassage.base.csv_out import Echo, csv_cell, csv_response
from safepassage.base.submitting import attach_errors, show_errors
from safepassage.funds import forms, selectors
from safepassage.funds.models import Donation, Receipt
from safepassage.funds.services import donations as donation_services
from safepassage.funds.services import donors as donor_services

PAGE_SIZE = 50
# Donors a search on the gift form lists at most.
FOUND_LIMIT = 20
CSV_COLUMNS = [
    "code",
    "received_on",
    "donor",
    "currency",
    "gross",
    "fee",
    "net",
    "rate",
    "base_currency",
    "base_gross",
    "base_fee",
    "base_net",
    "channel",
    "restriction",
    "campaign",
    "reverses",
    "reason",
    "payer_iban_unverified",
]


def _donation(request, code: str, action: str = "funds.view") -> Donation:
    return permissions.get_or_404(
        request.user,
        action,
        Donation.objects.select_related("donor", "campaign", "soft_credit", "reverses"),
        code=code.upper(),
    )


def _filtered(request):
    """The filter form (always bound: no filter is a valid filter) and the donations it
    selects; a filter that does not validate selects nothing rather than everything."""
    form = forms.DonationFilterForm(request.GET)
    found = selectors.donations_list(request.user)
    if not form.is_valid():
        return form, found.none()
    return form, selectors.donations_list(
        request.user, selectors.DonationFilter(**form.cleaned_data)
    )


@staff_required("funds.view")
@require_safe
def donations(request):
    form, found = _filtered(request)
    page = Paginator(found.order_by("-received_on", "-created_at"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for donation in page:
        selectors.with_amounts(donation)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "funds/donations.html",
        {
            "form": form,
            "page": page,
            "totals": selectors.donation_totals(found),
            "query": params.urlencode(),
            "may_edit": permissions.has_capability(request.user, "funds.edit"),
            "may_export": permissions.has_capability(request.user, "funds.export"),
        },
    )


@staff_required("funds.export")
@recent_auth_required
@require_safe
def donations_csv(request):
    form, found = _filtered(request)
    found = found.order_by("received_on", "created_at").select_related("reverses")
    record(
        actor=request.user,
        action="funds.donations_exported",
        data={
            "rows": found.count(),
            "filters": {k: str(v) for k, v in form.cleaned_data.items() if v},
        },
    )
    writer = csv.writer(Echo())

    def rows():
        yield writer.writerow(CSV_COLUMNS)
        for gift in found.iterator(chunk_size=2000):
            yield writer.writerow(
                csv_cell(value)
                for value in (
                    gift.code,
                    gift.received_on.isoformat(),
                    gift.donor.code,
                    gift.currency,
                    money.to_major(gift.gross_minor, gift.currency),
                    money.to_major(gift.fee_minor, gift.currency),
                    money.to_major(gift.net_minor, gift.currency),
                    gift.rate,
                    gift.base_currency,
                    money.to_major(gift.base_gross_minor, gift.base_currency),
                    money.to_major(gift.base_fee_minor, gift.base_currency),
                    money.to_major(gift.base_net_minor, gift.base_currency),
                    gift.channel,
                    gift.restriction,
                    gift.campaign.code if gift.campaign else "",
                    gift.reverses.code if gift.reverses else "",
                    gift.reason,
                    "yes" if gift.payer_iban_unverified else "",
                )
            )

    return csv_response(rows(), "donations")


@staff_required("funds.edit")
@require_http_methods(["GET", "HEAD", "POST"])
def donation_new(request):
    """Record a gift. "Find" lists the donors a search matches (code, pseudonym, or an
    exact name or e-mail through the blind indexes; a POST keeps the query out of URLs and
    logs) and "use" puts one's code in the form; neither saves anything."""
    donors = selectors.donors_for(request.user, action="funds.edit")
    data = request.POST or None
    found = None
    if request.method == "POST" and ("search" in request.POST or "pick" in request.POST):
        data = request.POST.copy()
        if "pick" in request.POST:
            data["donor"], data["new_donor"] = request.POST["pick"], ""
        else:
            # No name, code or address holds a NUL (PostgreSQL refuses one in a query).
            query = request.POST.get("find", "").replace("\x00", "").strip()
            found = (
                selectors.donors_list(
                    request.user,
                    query=query,
                    identifying=permissions.has_capability(request.user, "donors.reveal"),
                ).filter(pk__in=donors.values("pk"))[:FOUND_LIMIT]
                if query
                else []
            )
        # Unbound, so that a search shows no error for a form not yet filled in.
        form = forms.DonationForm(initial=data.dict(), donors=donors)
        return render(
            request, "funds/donation_new.html", {"form": form, "found": found, "searched": True}
        )
    form = forms.DonationForm(data, donors=donors)
    if request.method == "POST" and form.is_valid():
        try:
            donation = _record(request, form)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Gift %(code)s recorded.") % {"code": donation.code})
            return redirect(donation)
    return render(
        request,
        "funds/donation_new.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@transaction.atomic
def _record(request, form) -> Donation:
    """The donor (picked, or new on purpose) and the gift commit together: a gift refused
    for a missing rate or a future date leaves no new donor behind."""
    data = form.cleaned_data
    donor = data["donor"]
    if data["anonymous"]:
        donor = donor_services.anonymous_donor()
    elif donor is None:
        donor = donor_services.donor_create(
            actor=request.user, name=data["name"], email=data["email"]
        )
    return donation_services.donation_record(
        actor=request.user, donor=donor, **form.donation_fields()
    )


@staff_required("funds.view")
@require_safe
def donation(request, code: str):
    found = selectors.with_amounts(_donation(request, code))
    may_edit = permissions.has_capability(request.user, "funds.edit")
    reversal = Donation.objects.filter(reverses=found).only("code", "received_on").first()
    reversible = may_edit and not found.reverses_id and reversal is None
    return render(
        request,
        "funds/donation.html",
        {
            "donation": found,
            "entries": selectors.donation_entries(found),
            "import_posting": selectors.import_posting(found),
            "may_see_import": permissions.has_capability(request.user, "funds.import"),
            "reversal": reversal,
            "receipt": Receipt.objects.filter(donation=found).first(),
            "reverse_form": forms.ReverseForm() if reversible else None,
            "may_receipt": may_edit and not found.reverses_id and reversal is None,
        },
    )


@staff_required("funds.edit")
@require_POST
def donation_reverse(request, code: str):
    found = _donation(request, code, "funds.edit")
    form = forms.ReverseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the gift is reversed."))
        return redirect(found)
    try:
        reversal = donation_services.donation_reverse(
            actor=request.user, donation=found, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(
            request,
            _("Gift reversed: %(code)s cancels it in the books.") % {"code": reversal.code},
        )
    return redirect(found)
