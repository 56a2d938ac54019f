"""The reports' staff pages, under ``/reporting/``: the list and the schedule, a report's
page (its sections, what the records give for it now, what the disclosure control did),
and its workflow. Views stay thin: access, form, service, response."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from safepassage.accounts import permissions
from safepassage.accounts.decorators import staff_required
from safepassage.base.submitting import attach_errors, show_errors
from safepassage.reports import compose, forms, selectors
from safepassage.reports.models import Cadence, ReportState, Section
from safepassage.reports.services import schedule, sections, workflow

S = ReportState


def _may(request, capability: str) -> bool:
    return permissions.has_capability(request.user, capability)


@staff_required("reports.view")
@require_safe
def report_list(request):
    cadence = Cadence.objects.filter(pk=1).first()
    cadence_form = None
    if _may(request, "reports.approve"):
        cadence_form = forms.CadenceForm(
            initial=(
                {
                    "months": cadence.months,
                    "grace_days": cadence.grace_days,
                    "starts_on": cadence.starts_on,
                }
                if cadence
                else {"months": 3, "grace_days": 30}
            )
        )
    return render(
        request,
        "reports/list.html",
        {
            "rows": selectors.reports(request.user),
            "may_edit": _may(request, "reports.edit"),
            "cadence": cadence,
            "cadence_form": cadence_form,
            "due": selectors.due(),
        },
    )


@staff_required("reports.approve")
@require_POST
def cadence_set(request):
    form = forms.CadenceForm(request.POST)
    if form.is_valid():
        schedule.cadence_set(actor=request.user, **form.cleaned_data)
        messages.success(request, _("The report schedule is saved."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("reports:list")


@staff_required("reports.edit")
@require_http_methods(["GET", "HEAD", "POST"])
def report_new(request):
    form = forms.ReportForm(request.POST or None, initial={"language": "both"})
    if request.method == "POST" and form.is_valid():
        try:
            created = workflow.report_create(actor=request.user, **form.report_fields())
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Draft created: its figures come from the records."))
            return redirect(created)
    return render(
        request,
        "reports/report_form.html",
        {"form": form, "report": None},
        status=400 if form.errors else 200,
    )


@staff_required("reports.view")
@require_safe
def report(request, slug: str):
    found = selectors.report_for(request.user, slug)
    try:
        composition = compose.compose(report=found, user=request.user)
    except compose.ComposeError as exc:
        composition = None
        show_errors(request, exc)
    may_edit = _may(request, "reports.edit") and found.state == S.DRAFT
    may_approve = (
        _may(request, "reports.approve")
        and found.state == S.SUBMITTED
        and found.author_id != request.user.pk
    )
    return render(
        request,
        "reports/staff_report.html",
        {
            "report": found,
            "composition": composition,
            "sections": list(found.sections.all()),
            "releases": selectors.releases(found),
            "may_edit": may_edit,
            "may_submit": _may(request, "reports.edit") and found.state == S.DRAFT,
            "may_reopen": _may(request, "reports.edit")
            and found.state in (S.SUBMITTED, S.APPROVED),
            "may_approve": may_approve and composition is not None,
            "may_return": _may(request, "reports.approve")
            and found.state in (S.SUBMITTED, S.APPROVED),
            "may_publish": _may(request, "reports.approve") and found.state == S.APPROVED,
            "may_correct": _may(request, "reports.edit") and found.state == S.PUBLISHED,
            "may_retract": _may(request, "reports.approve") and found.state == S.PUBLISHED,
            "section_form": forms.SectionAddForm() if may_edit else None,
            "approve_form": forms.ApproveForm(
                initial={"reviewed": composition.digest if composition else ""}
            ),
            "comment_form": forms.CommentForm(),
            "changes_form": forms.ChangesForm(),
            "reason_form": forms.ReasonForm(),
        },
    )


@staff_required("reports.edit")
@require_http_methods(["GET", "HEAD", "POST"])
def report_edit(request, slug: str):
    found = selectors.report_for(request.user, slug, "reports.edit")
    form = forms.ReportForm(request.POST or None, initial=forms.ReportForm.initial_for(found))
    if request.method == "POST" and form.is_valid():
        try:
            sections.report_update(actor=request.user, report=found, **form.report_fields())
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(found)
    return render(
        request,
        "reports/report_form.html",
        {"form": form, "report": found},
        status=400 if form.errors else 200,
    )


def _section(request, slug: str, number: int) -> Section:
    found = selectors.report_for(request.user, slug, "reports.edit")
    return get_object_or_404(Section.objects.select_related("report"), report=found, pk=number)


def _act(request, found, call, success: str):
    """Run a service ``call``; its refusal becomes a message. Back to the report."""
    try:
        call()
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(request, success)
    return redirect(found)


@staff_required("reports.edit")
@require_POST
def section_add(request, slug: str):
    found = selectors.report_for(request.user, slug, "reports.edit")
    form = forms.SectionAddForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a kind of section."))
        return redirect(found)
    return _act(
        request,
        found,
        lambda: sections.section_add(
            actor=request.user,
            report=found,
            kind=form.cleaned_data["kind"],
            photo=form.cleaned_data.get("photo"),
        ),
        _("Section added."),
    )


@staff_required("reports.edit")
@require_POST
def section_write(request, slug: str, number: int):
    section = _section(request, slug, number)
    form = forms.SectionTextForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A heading is at most 200 characters."))
        return redirect(section.report)
    return _act(
        request,
        section.report,
        lambda: sections.section_write(actor=request.user, section=section, **form.cleaned_data),
        _("Section saved."),
    )


@staff_required("reports.edit")
@require_POST
def section_move(request, slug: str, number: int):
    section = _section(request, slug, number)
    by = -1 if request.POST.get("to") == "up" else 1
    return _act(
        request,
        section.report,
        lambda: sections.section_move(actor=request.user, section=section, by=by),
        _("Section moved."),
    )


@staff_required("reports.edit")
@require_POST
def section_remove(request, slug: str, number: int):
    section = _section(request, slug, number)
    return _act(
        request,
        section.report,
        lambda: sections.section_remove(actor=request.user, section=section),
        _("Section removed."),
    )


@dataclass(frozen=True)
class Step:
    """One step of a report's workflow from its page: who may take it, the service, the
    form field the service needs (if any) and what is said when it is done."""

    capability: str
    service: Callable
    success: str
    form: type[forms.forms.Form] | None = None
    field: str = ""
    argument: str = ""


STEPS = {
    "submit": Step("reports.edit", workflow.submit, gettext_lazy("Sent for review.")),
    "reopen": Step(
        "reports.edit",
        workflow.reopen,
        gettext_lazy("The report is a draft again; its approval is cleared."),
    ),
    "return": Step(
        "reports.approve",
        workflow.return_for_revision,
        gettext_lazy("Returned to the author with your comment."),
        forms.CommentForm,
        "comment",
        "comment",
    ),
    "approve": Step(
        "reports.approve",
        workflow.approve,
        gettext_lazy("Approved. Publish it when you are ready."),
        forms.ApproveForm,
        "reviewed",
        "reviewed_hash",
    ),
    "retract": Step(
        "reports.approve",
        workflow.retract,
        gettext_lazy("Retracted. Its figures stay in the release ledger."),
        forms.ReasonForm,
        "reason",
        "reason",
    ),
    "correct": Step(
        "reports.edit",
        workflow.start_correction,
        gettext_lazy(
            "A correction is open as a draft; the published version stays public "
            "until the correction is published."
        ),
        forms.ChangesForm,
        "changes",
        "changes",
    ),
}


def step(request, slug: str, name: str):
    """Take the workflow step ``name`` (``STEPS``) by POST; a refusal becomes a message.
    Whoever lacks the step's capability gets 404 before anything else, as for any page."""
    chosen = STEPS[name]
    return staff_required(chosen.capability)(require_POST(_step))(request, slug, chosen)


def _step(request, slug: str, chosen: Step):
    found = selectors.report_for(request.user, slug, chosen.capability)
    extra = {}
    if chosen.form is not None:
        form = chosen.form(request.POST)
        extra[chosen.argument] = form.cleaned_data[chosen.field] if form.is_valid() else ""
    return _act(
        request,
        found,
        lambda: chosen.service(actor=request.user, report=found, **extra),
        chosen.success,
    )


@staff_required("reports.approve")
@require_http_methods(["GET", "HEAD", "POST"])
def publish(request, slug: str):
    """A confirmation page (what publishing does), then the publication."""
    found = selectors.report_for(request.user, slug, "reports.approve")
    if request.method == "POST" and request.POST.get("confirmed") == "yes":
        return _act(
            request,
            found,
            lambda: workflow.publish(actor=request.user, report=found),
            _("Published."),
        )
    return render(request, "reports/publish.html", {"report": found})


@staff_required("reports.view")
@require_safe
def preview(request, slug: str, fmt: str):
    """The report as it would be published now (marked as a draft), as HTML or PDF."""
    from safepassage.reports import render as rendering

    found = selectors.report_for(request.user, slug)
    language = request.GET.get("lang") or found.languages()[0]
    if language not in found.languages():
        language = found.languages()[0]
    try:
        composition = compose.compose(report=found, user=request.user)
    except compose.ComposeError as exc:
        show_errors(request, exc)
        return redirect(found)
    if fmt == "pdf":
        content = rendering.render_pdf(composition.snapshot, language=language)
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{found.slug}-draft-{language}.pdf"'
        return response
    return HttpResponse(rendering.render_html(composition.snapshot, language=language))
