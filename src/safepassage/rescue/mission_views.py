"""Mission pages: plan a mission for a family, follow it, record what the field reports.

Every view fetches its mission through ``_mission`` (404 for "missing" and "not yours"
alike), validates a form, calls one service and redirects, except ``link_new``, which
shows the new link and its PINs once and never again. What cannot be undone (setting
off, ending, revoking a link) waits for the answer of its confirmation page
(``confirm_views``).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from safepassage.accounts import permissions
from safepassage.accounts.decorators import staff_required
from safepassage.base.submitting import attach_errors, show_errors, submit
from safepassage.cases import lists
from safepassage.cases.models import Person
from safepassage.rescue import confirm_views, mission_forms, note_views, selectors
from safepassage.rescue.models import Mission, MissionStatus
from safepassage.rescue.services import checkins, missions

# The endings that say something went wrong: apart from the others on the page.
FAILURES = ("fail", "abort")


def _mission(request, code: str, action: str = "missions.view") -> Mission:
    return permissions.get_or_404(
        request.user,
        action,
        Mission.objects.select_related("route", "coordinator"),
        code=code.upper(),
    )


@staff_required("missions.manage")
@require_http_methods(["GET", "HEAD", "POST"])
def mission_new(request):
    """Plan a mission for people from the priority queue, whole families at a time.

    The coordinator sees codes, pseudonyms, sex, birth year and the reasons for the
    priority: never a name, a case or a link to the people pages.
    """
    user = request.user
    preselected = selectors.family_codes(user, request.GET.get("person", ""))
    leads = selectors.mission_leads()
    form = mission_forms.MissionPlanForm(
        request.POST or None,
        routes=selectors.routes_for(user, action="missions.manage"),
        leads=leads,
        partners=selectors.partners_for(user, action="missions.manage"),
        candidates=selectors.planning_people(user),
        initial={
            "people": preselected,
            "coordinator": user.pk if leads.filter(pk=user.pk).exists() else None,
            "planned_start": mission_forms.default_start(),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            mission = missions.mission_plan(actor=user, **form.plan_fields())
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Mission %(code)s planned.") % {"code": mission.code})
            return redirect(mission)
    chosen = {str(code).upper() for code in (form["people"].value() or [])}
    return render(
        request,
        "rescue/mission_new.html",
        {
            "form": form,
            "groups": selectors.queue_for_planning(
                user,
                include=sorted(chosen),
                disclosed=lists.shown_by_code(request, selectors.planning_people(user)),
            ),
            "chosen": chosen,
        },
        status=400 if form.errors else 200,
    )


@staff_required("missions.view")
@require_safe
def mission(request, code: str):
    found = _mission(request, code)
    detail = selectors.mission_detail(found)
    may_manage = permissions.can(request.user, "missions.manage", found)
    note_views.attach_to_alerts(request, detail.open_alerts)
    context = {
        "mission": found,
        "detail": detail,
        "may_manage": may_manage,
        "timeline": note_views.timeline_with_notes(request, found, detail.timeline),
    }
    if may_manage and found.is_active:
        allowed = mission_forms.ACTIONS_BY_STATUS.get(found.status, ())

        def labelled(actions):
            return [(a, mission_forms.ACTIONS[a]) for a in allowed if a in actions]

        context.update(
            # Set off and complete lead to their confirmation page; pause and resume are
            # undone by each other and post at once. The failures sit apart, further down,
            # so that a thumb meant for "complete" cannot land on "failed".
            confirmed_moves=labelled(("start", "complete")),
            moves=labelled(("pause", "resume")),
            failures=labelled(FAILURES),
            outcome_form=mission_forms.OutcomeForm(),
            # A fresh key per page: the same form sent twice is recorded once.
            check_in_form=mission_forms.CheckInForm(initial={"key": uuid.uuid4().hex}),
            cost_form=mission_forms.CostForm(),
            link_form=mission_forms.LinkForm(
                partners=selectors.partners_for(request.user, action="missions.manage")
            ),
        )
    return render(request, "rescue/mission.html", context)


def _change_status(actor, mission: Mission, action: str) -> Mission:
    if action == "start":
        return missions.mission_start(actor=actor, mission=mission)
    if action == "pause":
        return missions.mission_pause(actor=actor, mission=mission)
    if action == "resume":
        return missions.mission_resume(actor=actor, mission=mission)
    endings = {
        "complete": MissionStatus.COMPLETED,
        "fail": MissionStatus.FAILED,
        "abort": MissionStatus.ABORTED,
    }
    return missions.mission_end(actor=actor, mission=mission, status=endings[action])


STATUS_DONE = {
    "start": gettext_lazy("The group has set off."),
    "pause": gettext_lazy("Mission paused: silence is not counted while paused."),
    "resume": gettext_lazy("Mission resumed: the current leg's window starts now."),
    "complete": gettext_lazy("Mission completed."),
    "fail": gettext_lazy("Mission recorded as failed: its people are recorded as detained."),
    "abort": gettext_lazy("Mission aborted: its people are back in the queue."),
}


@staff_required("missions.manage")
@require_POST
def mission_status(request, code: str):
    found = _mission(request, code, "missions.manage")
    form = mission_forms.StatusForm(request.POST)
    action = request.POST.get("action", "")
    if action in confirm_views.IRREVERSIBLE and not confirm_views.is_confirmed(request):
        # Nothing irreversible without the confirmation page's answer: show that page.
        return redirect("rescue:mission_confirm", code=found.code, action=action)
    submit(
        request,
        form,
        lambda: _change_status(request.user, found, action),
        str(STATUS_DONE.get(action, "")),
    )
    return redirect(found)


@staff_required("missions.manage")
@require_POST
def mission_outcome(request, code: str):
    found = _mission(request, code, "missions.manage")
    form = mission_forms.OutcomeForm(request.POST)

    def call():
        person = Person.objects.filter(
            journeys__mission=found, code=form.cleaned_data["person"]
        ).first()
        if person is None:
            raise ValidationError(_("This person is not on the mission."))
        missions.traveller_set_outcome(
            actor=request.user,
            mission=found,
            person=person,
            outcome=form.cleaned_data["outcome"],
        )

    submit(request, form, call, _("Outcome recorded."))
    return redirect(found)


@staff_required("missions.manage")
@require_POST
def mission_check_in(request, code: str):
    found = _mission(request, code, "missions.manage")
    form = mission_forms.CheckInForm(request.POST)
    replayed = []

    def call():
        result = checkins.check_in_by_staff(
            actor=request.user,
            mission=found,
            report=checkins.Report(**form.report_fields()),
        )
        replayed.append(result.replayed)

    if submit(request, form, call, _("Check-in recorded.")) and replayed[0]:
        messages.info(request, _("This check-in had already been recorded; it counts once."))
    return redirect(found)


@staff_required("missions.manage")
@require_POST
def mission_cost(request, code: str):
    found = _mission(request, code, "missions.manage")
    form = mission_forms.CostForm(request.POST)
    submit(
        request,
        form,
        lambda: missions.cost_add(actor=request.user, mission=found, **form.cost_fields()),
        _("Cost recorded."),
    )
    return redirect(found)


@never_cache
@staff_required("missions.manage")
@require_POST
def link_new(request, code: str):
    """Issue a partner's link and show it with its two PINs, once: only their hashes are
    stored. The answer is a page, not a redirect, and is never cached."""
    found = _mission(request, code, "missions.manage")
    form = mission_forms.LinkForm(
        request.POST, partners=selectors.partners_for(request.user, action="missions.manage")
    )
    if not form.is_valid():
        messages.error(request, _("Choose a field partner."))
        return redirect(found)
    try:
        issued = checkins.link_issue(
            actor=request.user, mission=found, partner=form.cleaned_data["partner"]
        )
    except ValidationError as exc:
        show_errors(request, exc)
        return redirect(found)
    response = render(
        request,
        "rescue/link_issued.html",
        {
            "mission": found,
            "partner": form.cleaned_data["partner"],
            "link": issued.link,
            "url": settings.BASE_URL + reverse("checkin:page", args=[issued.token]),
            "pin": issued.pin,
            "duress_pin": issued.duress_pin,
        },
    )
    response["Referrer-Policy"] = "no-referrer"
    return response


@staff_required("missions.manage")
@require_http_methods(["GET", "HEAD", "POST"])
def link_revoke(request, link_id):
    """GET: what revoking will do; POST with the confirmation: revoke."""
    link = permissions.get_or_404(
        request.user,
        "missions.manage",
        selectors.links_for(request.user, action="missions.manage").select_related(
            "mission", "partner"
        ),
        pk=link_id,
    )
    if request.method != "POST":
        return confirm_views.render_confirmation(request, confirm_views.link_confirmation(link))
    if not confirm_views.is_confirmed(request):
        return redirect("rescue:link_revoke", link_id=link.pk)
    checkins.link_revoke(actor=request.user, link=link)
    messages.success(
        request,
        _("The link of %(partner)s is revoked: it now answers like a made-up one.")
        % {"partner": link.partner.pseudonym},
    )
    return redirect(link.mission)
