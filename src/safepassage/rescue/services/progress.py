"""What a field report does to its mission: the legs, the deadlines, where people are.

``apply`` is called by ``checkins`` inside the check-in's transaction, with the mission row
locked; it checks that the report makes sense for the route (an arrival at a safe point
the route does not pass is refused) and moves the mission along. The mission row itself is
written once by the caller, with what ``apply`` says it needs (``Progress.silence``), and
so is the current leg's new deadline after a report on the way (``Progress.leg_due``).

A report moves the group one leg at most. A partner's arrival far earlier than the leg's
planned hours allow (``settings.RESCUE_EARLY_PERCENT``) is recorded but flagged and moves
nothing, so a wrong tap, a test or a report made under pressure cannot finish a journey;
the coordinator checks with the group and records the arrival themselves (``trusted``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from safepassage.rescue.models import (
    CheckIn,
    CheckInFlag,
    CheckInKind,
    Leg,
    LegStatus,
    Mission,
    MissionStatus,
    Silence,
)
from safepassage.rescue.services import journeys
from safepassage.rescue.services.errors import RescueError
from safepassage.rescue.services.missions import rebase, start_leg, travelling

DEFAULT_DELAY_HOURS = 6


@dataclass(frozen=True)
class Progress:
    """What the report did: ``effect`` for the timeline; ``silence``, the mission's new
    silence level or None to leave it; ``leg_due``, the new deadline of the current leg
    for the caller to write with its alert level back to 0 (the mission's silence then
    becomes the highest alert level of its legs under way), or None; and ``next_leg``,
    the leg under way afterwards (None when there is none, ``planned`` when the mission
    has not started and its first leg is still to be read). ``flag`` is set on the
    check-in too (``CheckInFlag``) when the report was held for the coordinator."""

    effect: str
    silence: int | None = None
    next_leg: Leg | None = None
    planned: bool = False
    leg_due: dt.datetime | None = None
    flag: str = ""


def apply(
    *, mission: Mission, leg: Leg | None, report, check_in: CheckIn, at, trusted: bool = False
) -> Progress:
    """Change the mission as the report says. ``leg`` is its first leg under
    way, with ``next_point`` (``checkin_rows.read_after_lock``), or None. ``trusted``: a
    staff member recorded the report after speaking to the group, so an early arrival is
    theirs to judge and is not flagged."""
    if mission.status == MissionStatus.PLANNED:
        return Progress("not_started", planned=True)
    if report.kind != CheckInKind.ARRIVED:
        due = None
        if leg is not None:
            until = at
            if report.kind == CheckInKind.DELAYED:
                # "N hours late": later than the window by N hours, or N hours from now
                # when the window has already passed.
                hours = report.delay_hours or DEFAULT_DELAY_HOURS
                until = max(leg.due_at or at, at) + dt.timedelta(hours=hours)
            due = _heard_from(leg=leg, until=until)
        return Progress("recorded", next_leg=leg, leg_due=due)
    return _arrive(
        mission=mission, leg=leg, report=report, check_in=check_in, at=at, trusted=trusted
    )


def compromised(*, mission: Mission, at: dt.datetime) -> None:
    if mission.compromised_at is None:
        mission.compromised_at = at
        mission.save(update_fields=["compromised_at", "updated_at"])


def _heard_from(*, leg: Leg, until: dt.datetime) -> dt.datetime | None:
    """Contact: silence counts again from ``until`` at the earliest. Returns the leg's new
    deadline for the caller to write (``Progress.leg_due``), or None to leave it."""
    if leg.due_at is not None and leg.due_at >= until:
        return None
    leg.due_at = until
    leg.alert_level = 0
    return until


def too_early(leg: Leg, at: dt.datetime) -> bool:
    """True when ``at`` is before ``RESCUE_EARLY_PERCENT`` of the leg's planned hours have
    passed since it began (the previous arrival, the departure or the resumption)."""
    percent = settings.RESCUE_EARLY_PERCENT
    if not percent or not leg.hours or leg.started_at is None:
        return False
    return at - leg.started_at < dt.timedelta(hours=leg.hours) * percent / 100


def _arrive(*, mission, leg, report, check_in: CheckIn, at, trusted: bool) -> Progress:
    legs = list(mission.legs.select_related("to_point").order_by("position"))
    code = report.point.strip().upper()
    if leg is None:
        check_in.safe_point = legs[-1].to_point
        return Progress("already_arrived")
    if code:
        target = next((g for g in legs if g.to_point.code_name == code), None)
        if target is None and legs[0].from_point.code_name == code:
            return Progress("already_arrived", next_leg=leg)
        if target is None:
            raise RescueError({"point": _("That safe point is not on this mission's route.")})
    else:
        target = leg
    check_in.safe_point = target.to_point
    if target.position < leg.position:
        return Progress("already_arrived", next_leg=leg)
    if not trusted and too_early(leg, at):
        # Heard from, so silence counts again from now at the earliest; nothing moves.
        return Progress(
            "flagged",
            next_leg=leg,
            leg_due=_heard_from(leg=leg, until=at),
            flag=CheckInFlag.EARLY,
        )
    # One leg per report: a safe point further along moves the group to the end of the
    # current leg only, and the coordinator is asked to check where the group really is.
    flag = CheckInFlag.AHEAD if target.position > leg.position else ""
    leg = next(g for g in legs if g.pk == leg.pk)  # with its safe points loaded
    leg.status = LegStatus.ARRIVED
    leg.arrived_at = at
    leg.alert_level = 0
    leg.due_at = None
    if leg.started_at is None:
        leg.started_at = at
    leg.save(
        update_fields=["status", "arrived_at", "alert_level", "due_at", "started_at", "updated_at"]
    )
    start_country = legs[0].from_point.country
    for traveller in travelling(mission):
        journeys.crossed_into(
            actor=f"mission:{mission.code}",
            person=traveller.person,
            country=leg.to_point.country,
            start_country=start_country,
        )
    following = [g for g in legs if g.position > leg.position]
    next_leg = None
    if following:
        rebase(following, start=at)
        start_leg(following[0], at=at)
        next_leg = following[0]
        next_leg.next_point = next_leg.to_point.code_name
    return Progress("arrived", silence=Silence.NONE, next_leg=next_leg, flag=flag)
