"""The funds home: money in and out per fund, month, channel and campaign, all read from
the ledger in the base currency; and the exchange rates gifts and expenses are fixed at."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from safepassage.accounts import permissions
from safepassage.accounts.decorators import staff_required
from safepassage.base.submitting import attach_errors
from safepassage.funds import forms, selectors
from safepassage.funds.services import rates as rate_services


@staff_required("funds.view")
@require_safe
def totals(request):
    by_fund = selectors.totals_by_fund()
    return render(
        request,
        "funds/totals.html",
        {
            "base_currency": settings.BASE_CURRENCY,
            "by_fund": by_fund,
            "overall": selectors.FlowRow(
                key="",
                label=_("All funds"),
                raised=selectors.base(sum(row.raised.minor for row in by_fund)),
                fees=selectors.base(sum(row.fees.minor for row in by_fund)),
                spent=selectors.base(sum(row.spent.minor for row in by_fund)),
                balance=selectors.base(sum(row.balance.minor for row in by_fund)),
            ),
            "by_month": selectors.totals_by_month(),
            "by_channel": selectors.totals_by_channel(),
            "by_campaign": selectors.totals_by_campaign(),
            "by_currency": selectors.gifts_by_currency(),
            "may_edit": permissions.has_capability(request.user, "funds.edit"),
        },
    )


@staff_required("funds.view")
@require_http_methods(["GET", "HEAD", "POST"])
def rates(request):
    may_edit = permissions.has_capability(request.user, "funds.edit")
    form = forms.RateForm(request.POST or None) if may_edit else None
    if request.method == "POST":
        permissions.require(request.user, "funds.edit")
        if form.is_valid():
            try:
                found = rate_services.rate_set(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Rate of %(currency)s on %(date)s saved.")
                    % {
                        "currency": found.currency,
                        "date": formats.date_format(found.on, "SHORT_DATE_FORMAT"),
                    },
                )
                return redirect("funds:rates")
    return render(
        request,
        "funds/rates.html",
        {
            "form": form,
            "rates": selectors.recent_rates(),
            "base_currency": settings.BASE_CURRENCY,
        },
        status=400 if form is not None and form.errors else 200,
    )
