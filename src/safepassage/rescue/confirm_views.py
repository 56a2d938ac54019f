"""One confirmation step for the mission actions that cannot be undone.

Setting a group off, ending a mission (completed, failed: arrested, aborted) and revoking a
partner's link each pass through a page that says concretely what will happen ("4
travellers will be marked detained", whose link stops working). Its form posts the same
action again with ``confirmed=yes``; a POST without it changes nothing and leads to that
page. One ``Confirmation`` record and one template serve every action; each action only
says what it will do.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from safepassage.accounts import permissions
from safepassage.accounts.decorators import staff_required
from safepassage.rescue import mission_forms
from safepassage.rescue.models import CheckInLink, LegStatus, Mission, Outcome
from safepassage.rescue.services.missions import LINK_GRACE_AFTER_END

CONFIRMED_FIELD = "confirmed"
CONFIRMED_VALUE = "yes"

# The status actions that need the confirmation step; pause and resume are undone by
# each other and need none.
IRREVERSIBLE = ("start", "complete", "fail", "abort")


@dataclass(frozen=True)
class Confirmation:
    """What the confirmation page shows and what its form posts."""

    title: str
    consequences: list[str]
    button: str
    post_to: str
    back: str
    fields: dict[str, str] = field(default_factory=dict)  # posted with the confirmation
    danger: bool = False
    blocked: str = ""  # why it cannot be done now: the page then offers no button


def is_confirmed(request) -> bool:
    return request.POST.get(CONFIRMED_FIELD) == CONFIRMED_VALUE


def render_confirmation(request, confirmation: Confirmation):
    return render(
        request,
        "rescue/confirm.html",
        {
            "confirmation": confirmation,
            "confirmed_field": CONFIRMED_FIELD,
            "confirmed_value": CONFIRMED_VALUE,
        },
    )


def _when(at: dt.datetime) -> str:
    return date_format(timezone.localtime(at), "Y-m-d H:i")


def _codes(travellers) -> str:
    return ", ".join(t.person.code for t in travellers)


def _ending_consequences(mission: Mission, now: dt.datetime) -> list[str]:
    lines = [_("The mission ends and cannot be reopened.")]
    open_alerts = mission.alerts.filter(acknowledged_at__isnull=True).count()
    if open_alerts:
        lines.append(
            ngettext(
                "%(count)s open alert will be settled with the ending.",
                "%(count)s open alerts will be settled with the ending.",
                open_alerts,
            )
            % {"count": open_alerts}
        )
    live_links = mission.links.filter(revoked_at__isnull=True, expires_at__gt=now).count()
    if live_links:
        hours = int(LINK_GRACE_AFTER_END.total_seconds() // 3600)
        lines.append(
            ngettext(
                "%(count)s field partner's check-in link stops working %(hours)s hours from now.",
                "%(count)s field partners' check-in links stop working %(hours)s hours from now.",
                live_links,
            )
            % {"count": live_links, "hours": hours}
        )
    return lines


def mission_confirmation(mission: Mission, action: str) -> Confirmation:
    """What ``action`` (one of ``IRREVERSIBLE``) will do to ``mission``, said concretely."""
    now = timezone.now()
    travelling = list(
        mission.travellers.filter(outcome=Outcome.TRAVELLING)
        .select_related("person")
        .only("id", "mission_id", "person__code")
        .order_by("id")
    )
    count = len(travelling)
    values = {"count": count, "codes": _codes(travelling), "code": mission.code}
    post_to = reverse("rescue:mission_status", args=[mission.code])
    back = mission.get_absolute_url()
    blocked = ""
    danger = False
    if action == "start":
        title = _("Set off mission %(code)s?") % values
        first = mission.legs.select_related("from_point", "to_point").order_by("position").first()
        lines = [
            ngettext(
                "%(count)s traveller will be recorded as in transit: %(codes)s.",
                "%(count)s travellers will be recorded as in transit: %(codes)s.",
                count,
            )
            % values
        ]
        if first is not None:
            hours = first.hours + first.slack_hours
            lines.append(
                ngettext(
                    "Leg 1, %(from)s → %(to)s, starts now: silence is counted from %(hours)s "
                    "hour from now.",
                    "Leg 1, %(from)s → %(to)s, starts now: silence is counted from %(hours)s "
                    "hours from now.",
                    hours,
                )
                % {
                    "from": first.from_point.code_name,
                    "to": first.to_point.code_name,
                    "hours": hours,
                }
            )
        lines.append(_("A mission that has set off can be paused or ended, not made unstarted."))
        button = _("Yes, the group sets off now")
    elif action == "complete":
        title = _("Complete mission %(code)s?") % values
        if mission.legs.exclude(status=LegStatus.ARRIVED).exists():
            blocked = _("The group has not reached the last safe point yet.")
        lines = [
            ngettext(
                "%(count)s traveller will be recorded as arrived: %(codes)s.",
                "%(count)s travellers will be recorded as arrived: %(codes)s.",
                count,
            )
            % values,
            *_ending_consequences(mission, now),
        ]
        button = _("Yes, everyone arrived: complete the mission")
    elif action == "fail":
        title = _("Record mission %(code)s as failed: arrested?") % values
        lines = [
            ngettext(
                "%(count)s traveller will be marked detained: %(codes)s.",
                "%(count)s travellers will be marked detained: %(codes)s.",
                count,
            )
            % values,
            _("Their cases will show them as detained."),
            *_ending_consequences(mission, now),
        ]
        button = _("Yes, they were arrested: record the failure")
        danger = True
    elif action == "abort":
        title = _("Abort mission %(code)s?") % values
        lines = [
            ngettext(
                "%(count)s traveller goes back to the priority queue, awaiting rescue: %(codes)s.",
                "%(count)s travellers go back to the priority queue, awaiting rescue: %(codes)s.",
                count,
            )
            % values,
            *_ending_consequences(mission, now),
        ]
        button = _("Yes, abort the mission")
        danger = True
    else:
        raise ValueError(f"no confirmation for {action!r}")
    return Confirmation(
        title=title,
        consequences=lines,
        button=button,
        post_to=post_to,
        back=back,
        fields={"action": action},
        danger=danger,
        blocked=blocked,
    )


def link_confirmation(link: CheckInLink) -> Confirmation:
    """What revoking ``link`` will do; the caller selected its mission and partner."""
    values = {
        "partner": link.partner.pseudonym,
        "code": link.mission.code,
        "created": _when(link.created_at),
    }
    blocked = ""
    if link.revoked_at is not None:
        blocked = _("This link is already revoked.")
    elif link.expires_at <= timezone.now():
        blocked = _("This link has already expired.")
    return Confirmation(
        title=_("Revoke the check-in link of %(partner)s?") % values,
        consequences=[
            _(
                "The link issued to %(partner)s on %(created)s for mission %(code)s stops "
                "working at once: it will answer like a made-up link."
            )
            % values,
            _("%(partner)s cannot report on this mission again until you issue a new link.")
            % values,
            _("A revoked link cannot be turned back on."),
        ],
        button=_("Yes, revoke the link"),
        post_to=reverse("rescue:link_revoke", args=[link.pk]),
        back=link.mission.get_absolute_url(),
        danger=True,
        blocked=blocked,
    )


@staff_required("missions.manage")
@require_safe
def mission_confirm(request, code: str, action: str):
    """The confirmation page of one irreversible status action; its form posts to
    ``mission_status``."""
    if action not in IRREVERSIBLE:
        raise Http404
    mission = permissions.get_or_404(
        request.user, "missions.manage", Mission.objects.all(), code=code.upper()
    )
    if action not in mission_forms.ACTIONS_BY_STATUS.get(mission.status, ()):
        messages.error(
            request,
            _("This mission is now “%(status)s”: that action no longer applies.")
            % {"status": mission.get_status_display()},
        )
        return redirect(mission)
    return render_confirmation(request, mission_confirmation(mission, action))
