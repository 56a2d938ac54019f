"""Case pages: the list of calls for help, intake, a case with its people and groups."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from safepassage.accounts import permissions
from safepassage.accounts.decorators import staff_required
from safepassage.base.submitting import attach_errors
from safepassage.cases import forms, note_views, priority, selectors, services
from safepassage.cases.models import Case, Team


def _case(request, code: str, action: str = "cases.view") -> Case:
    return permissions.get_or_404(
        request.user, action, Case.objects.select_related("team", "data_key"), code=code.upper()
    )


def _teams_for(user):
    if permissions.has_capability(user, "cases.all"):
        return Team.objects.all()
    return Team.objects.filter(members=user)


@staff_required("cases.view")
@require_safe
def cases(request):
    state = request.GET.get("state", "open")
    found = selectors.cases_for(request.user).select_related("team")
    if state == "open":
        found = found.filter(closed_at__isnull=True)
    elif state == "closed":
        found = found.filter(closed_at__isnull=False)
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    return render(request, "cases/cases.html", {"page": page, "state": state})


@staff_required("cases.edit")
@require_http_methods(["GET", "HEAD", "POST"])
def case_new(request):
    """Take a call for help: the case and its first person in one step."""
    teams = _teams_for(request.user)
    case_form = forms.CaseForm(request.POST or None, teams=teams, prefix="case")
    person_form = forms.PersonForm(request.POST or None, prefix="person")
    if request.method == "POST" and case_form.is_valid() and person_form.is_valid():
        data = case_form.cleaned_data
        try:
            case = services.case_intake(
                actor=request.user,
                team=data["team"],
                country=data["country"],
                region=data["region"],
                urgency=data["urgency"],
                relayed_by=data["relayed_by"],
                exact_place=data["exact_place"],
                situation=data["situation"],
                people=[person_form.person_fields()],
            )
        except ValidationError as exc:
            attach_errors(person_form, exc)
        else:
            messages.success(request, _("Case opened."))
            return redirect(case)
    bad = case_form.errors or person_form.errors
    return render(
        request,
        "cases/case_new.html",
        {"case_form": case_form, "person_form": person_form},
        status=400 if bad else 200,
    )


@staff_required("cases.view")
@require_safe
def case(request, code: str):
    found = _case(request, code)
    people = [
        (person, priority.explain(person.priority_reasons))
        for person in selectors.case_people(found)
    ]
    may_edit = permissions.can(request.user, "cases.edit", found)
    ungrouped = [p for p, _r in people if p.group_id is None]
    return render(
        request,
        "cases/case.html",
        {
            "case": found,
            "people": people,
            "may_edit": may_edit,
            "urgency_form": forms.UrgencyForm(initial={"urgency": found.urgency}),
            "group_form": forms.GroupForm(people=ungrouped)
            if may_edit and len(ungrouped) > 1
            else None,
            **note_views.notes_context(request, found),
        },
    )


@staff_required("cases.edit")
@require_http_methods(["POST"])
def case_urgency(request, code: str):
    found = _case(request, code, "cases.edit")
    form = forms.UrgencyForm(request.POST)
    if form.is_valid():
        services.case_set_urgency(
            actor=request.user, case=found, urgency=form.cleaned_data["urgency"]
        )
        messages.success(request, _("Urgency changed; priorities recalculated."))
    return redirect(found)


@staff_required("cases.edit")
@require_http_methods(["GET", "HEAD", "POST"])
def case_person_new(request, code: str):
    found = _case(request, code, "cases.edit")
    form = forms.PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_add(actor=request.user, case=found, **form.person_fields())
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Person added to the case."))
            return redirect(found)
    return render(
        request,
        "cases/person_new.html",
        {"form": form, "case": found},
        status=400 if form.errors else 200,
    )


@staff_required("cases.edit")
@require_http_methods(["POST"])
def case_group_new(request, code: str):
    found = _case(request, code, "cases.edit")
    people = list(found.people.filter(group__isnull=True))
    form = forms.GroupForm(request.POST, people=people)
    if form.is_valid():
        chosen = [p for p in people if p.code in form.cleaned_data["people"]]
        try:
            services.group_create(
                actor=request.user, case=found, label=form.cleaned_data["label"], people=chosen
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Group formed: they will travel together."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(found)
