"""Pledges (a total in instalments) and matching pledges (a pool that matches others'
gifts): lists with where each stands, one pledge's schedule, and their forms."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from safepassage.accounts import permissions
from safepassage.accounts.decorators import staff_required
from safepassage.base import korean
from safepassage.base.submitting import attach_errors
from safepassage.fundraising import forms, selectors
from safepassage.fundraising.models import Pledge
from safepassage.fundraising.services import matching, pledges
from safepassage.funds.models import Donor


def _pledge(request, code: str, action: str = "hope.view") -> Pledge:
    return permissions.get_or_404(
        request.user,
        action,
        Pledge.objects.select_related("donor", "campaign"),
        code=code.upper(),
    )


def _donors(request):
    return permissions.visible(request.user, "hope.manage", Donor.objects.all())


@staff_required("hope.view")
@require_safe
def pledge_list(request):
    status = request.GET.get("status", "")
    if status not in Pledge.Status.values:
        status = ""
    return render(
        request,
        "fundraising/pledges.html",
        {
            "rows": selectors.pledge_rows(status=status),
            "status": status,
            "statuses": Pledge.Status.choices,
            "may_manage": permissions.has_capability(request.user, "hope.manage"),
        },
    )


def _pledge_page(request, found: Pledge, *, cancel_form=None, status: int = 200):
    may_cancel = (
        permissions.can(request.user, "hope.manage", found) and found.status == Pledge.Status.ACTIVE
    )
    return render(
        request,
        "fundraising/pledge.html",
        {
            "row": selectors.PledgeRow(found, pledges.next_due(found)),
            "pledge": found,
            "schedule": pledges.schedule(found),
            "cancel_form": cancel_form or (forms.CancelPledgeForm() if may_cancel else None),
        },
        status=status,
    )


@staff_required("hope.view")
@require_safe
def pledge(request, code: str):
    return _pledge_page(request, _pledge(request, code))


@staff_required("hope.manage")
@require_http_methods(["GET", "HEAD", "POST"])
def pledge_new(request):
    form = forms.PledgeForm(request.POST or None, donors=_donors(request))
    if request.method == "POST" and form.is_valid():
        try:
            created = pledges.pledge_create(actor=request.user, **form.pledge_fields())
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request,
                _("Pledge %(code_obj)s recorded.")
                % {"code_obj": korean.for_reader(created.code, "을")},
            )
            return redirect("fundraising:pledge", code=created.code)
    return render(
        request, "fundraising/pledge_new.html", {"form": form}, status=400 if form.errors else 200
    )


@staff_required("hope.manage")
@require_POST
def pledge_cancel(request, code: str):
    found = _pledge(request, code, "hope.manage")
    form = forms.CancelPledgeForm(request.POST)
    if form.is_valid():
        try:
            pledges.pledge_cancel(
                actor=request.user, pledge=found, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request,
                _("Pledge %(code_obj)s cancelled.")
                % {"code_obj": korean.for_reader(found.code, "을")},
            )
            return redirect("fundraising:pledge", code=found.code)
    return _pledge_page(request, found, cancel_form=form, status=400)


@staff_required("hope.view")
@require_safe
def matching_list(request):
    return render(
        request,
        "fundraising/matching.html",
        {
            "pools": selectors.pools(),
            "may_manage": permissions.has_capability(request.user, "hope.manage"),
        },
    )


@staff_required("hope.manage")
@require_http_methods(["GET", "HEAD", "POST"])
def matching_new(request):
    form = forms.MatchingForm(request.POST or None, donors=_donors(request))
    if request.method == "POST" and form.is_valid():
        try:
            created = matching.matching_create(actor=request.user, **form.matching_fields())
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request,
                _("Matching pledge %(code_obj)s recorded.")
                % {"code_obj": korean.for_reader(created.code, "을")},
            )
            return redirect("fundraising:matching")
    return render(
        request,
        "fundraising/matching_new.html",
        {"form": form},
        status=400 if form.errors else 200,
    )
