"""What a field report does to its mission: the legs, the deadlines, where people are.

``apply`` is called by ``checkins`` inside the check-in's transaction, with the mission row
locked; it checks that the report makes sense for the route (an arrival at a safe point
the route does not pass is refused) and moves the mission along. The mission row itself is
written once by the caller, with what ``apply`` says it needs (``Progress.silence``), and
so is the current leg's new deadline after a report on the way (``Progress.leg_due``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from safepassage.rescue.models import (
    CheckIn,
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
    has not started and its first leg is still to be read)."""

    effect: str
    silence: int | None = None
    next_leg: Leg | None = None
    planned: bool = False
    leg_due: dt.datetime | None = None


def apply(*, mission: Mission, leg: Leg | None, report, check_in: CheckIn, at) -> Progress:
    """Change the mission as the report says. ``leg`` is its first leg under
    way, with ``next_point`` (``checkin_rows.read_after_lock``), or None."""
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
    return _arrive(mission=mission, leg=leg, report=report, check_in=check_in, at=at)


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


def _arrive(*, mission, leg, report, check_in: CheckIn, at) -> Progress:
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
    start_country = legs[0].from_point.country
    for passed in legs:
        if leg.position <= passed.position <= target.position:
            passed.status = LegStatus.ARRIVED
            passed.arrived_at = at
            passed.alert_level = 0
            passed.due_at = None
            if passed.started_at is None:
                passed.started_at = at
            passed.save(
                update_fields=[
                    "status",
                    "arrived_at",
                    "alert_level",
                    "due_at",
                    "started_at",
                    "updated_at",
                ]
            )
    for traveller in travelling(mission):
        journeys.crossed_into(
            actor=f"mission:{mission.code}",
            person=traveller.person,
            country=target.to_point.country,
            start_country=start_country,
        )
    following = [g for g in legs if g.position > target.position]
    next_leg = None
    if following:
        rebase(following, start=at)
        start_leg(following[0], at=at)
        next_leg = following[0]
        next_leg.next_point = next_leg.to_point.code_name
    effect = "skipped_ahead" if target.position > leg.position else "arrived"
    return Progress(effect, silence=Silence.NONE, next_leg=next_leg)
