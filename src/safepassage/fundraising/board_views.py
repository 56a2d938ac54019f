"""The Hope Sharing board: what a rescue costs (asked and actual, side by side), shares
funded and waiting, people waiting, and what the workers still have to send.

People appear by rank, with a code only for those who give shares out (``hope.assign``);
never a name, a birth year or a province. Every write is a POST to its own URL, through a
service; a refused one shows the board again, with the error on its form and status 400.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from safepassage.accounts import permissions
from safepassage.accounts.decorators import staff_required
from safepassage.base import korean
from safepassage.base.submitting import attach_errors, show_errors
from safepassage.fundraising import forms, selectors
from safepassage.fundraising.models import ShareStatus
from safepassage.fundraising.services import costs, share_assignment


def _board(request, *, status: int = 200, cost_form=None, assign_form=None):
    user = request.user
    may_manage = permissions.has_capability(user, "hope.manage")
    may_assign = permissions.has_capability(user, "hope.assign")
    board = selectors.board(user)
    return render(
        request,
        "fundraising/board.html",
        {
            "board": board,
            "statuses": [
                (value, label, board.counts.get(value, 0)) for value, label in ShareStatus.choices
            ],
            "may_assign": may_assign,
            "cost_form": cost_form or (forms.CostForm() if may_manage else None),
            "assign_form": assign_form
            or (forms.AssignForm(people=selectors.assignable_people(user)) if may_assign else None),
        },
        status=status,
    )


@staff_required("hope.view")
@require_safe
def board(request):
    return _board(request)


@staff_required("hope.manage")
@require_POST
def cost_set(request):
    form = forms.CostForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            cost = costs.cost_set(
                actor=request.user,
                starts_on=data["starts_on"],
                amount_minor=data["amount"],
                note=data["note"],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request,
                _("The cost of a rescue from %(date)s is saved.")
                % {"date": formats.date_format(cost.starts_on, "SHORT_DATE_FORMAT")},
            )
            return redirect("fundraising:board")
    return _board(request, status=400, cost_form=form)


@staff_required("hope.assign")
@require_POST
def assign_waiting(request):
    """Give every funded share waiting for a person to the queue, by priority."""
    try:
        given = share_assignment.assign_waiting(actor=request.user)
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        if given:
            messages.success(
                request,
                ngettext(
                    "%(count)s share given to the next person in the queue.",
                    "%(count)s shares given to the next people in the queue.",
                    given,
                )
                % {"count": given},
            )
        else:
            messages.info(
                request,
                _("No share was given: none is waiting, or nobody eligible is waiting."),
            )
    return redirect("fundraising:board")


@staff_required("hope.assign")
@require_POST
def share_assign(request):
    """One funded share to the person a coordinator chooses, under the same rules."""
    form = forms.AssignForm(request.POST, people=selectors.assignable_people(request.user))
    if form.is_valid():
        share, person = form.cleaned_data["share"], form.cleaned_data["person"]
        try:
            share_assignment.assign(share=share, person=person, actor=request.user)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request,
                _("Share %(share_subj)s now supports %(person)s.")
                % {"share_subj": korean.for_reader(share.code, "이"), "person": person.code},
            )
            return redirect("fundraising:board")
    return _board(request, status=400, assign_form=form)
