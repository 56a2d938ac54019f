"""A mission's life: planned for a family from the queue, started, paused, ended.

Every function is atomic and leaves an audit entry and a timeline event. Callers have
checked that ``actor`` may manage missions. Row locks are taken mission first, then legs,
then people (through ``cases.services``), then the audit head.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.audit.chain import record, user_of
from safepassage.cases import lifecycle
from safepassage.cases.models import Person, Status
from safepassage.rescue.models import (
    ACTIVE,
    ENDED,
    CheckInLink,
    FieldPartner,
    Leg,
    LegStatus,
    Mission,
    MissionCost,
    MissionStatus,
    Outcome,
    Route,
    Silence,
    Traveller,
)
from safepassage.rescue.services import journeys
from safepassage.rescue.services.errors import RescueError
from safepassage.rescue.services.timeline import event

# A link keeps answering (with "this mission has ended") for a day after the end, then 404.
LINK_GRACE_AFTER_END = dt.timedelta(hours=24)

# Where each outcome leaves the person's case status.
OUTCOME_STATUS = {
    Outcome.ARRIVED: Status.ARRIVED,
    Outcome.DETAINED: Status.DETAINED,
    Outcome.LOST_CONTACT: Status.LOST_CONTACT,
    Outcome.LEFT: Status.AWAITING_RESCUE,
}


def lock(mission: Mission) -> Mission:
    return Mission.objects.select_for_update().select_related("route").get(pk=mission.pk)


def _people_codes(people: Iterable[Person]) -> list[str]:
    return sorted(p.code for p in people)


def _check_people(people: Sequence[Person]) -> None:
    if not people:
        raise RescueError({"people": _("Choose at least one person for the mission.")})
    for person in people:
        if person.status not in lifecycle.WAITING:
            # The planner may not see people's case status: say only that it cannot be.
            raise RescueError(
                {"people": _("%(code)s is not awaiting rescue.") % {"code": person.code}}
            )
    travelling = Traveller.objects.filter(person__in=people, active=True)
    if travelling.exists():
        codes = ", ".join(_people_codes(t.person for t in travelling.select_related("person")))
        raise RescueError({"people": _("Already on a mission: %(codes)s.") % {"codes": codes}})
    chosen = {p.pk for p in people}
    group_ids = {p.group_id for p in people if p.group_id}
    left_behind = Person.objects.filter(
        group_id__in=group_ids, status__in=lifecycle.WAITING
    ).exclude(pk__in=chosen)
    if left_behind.exists():
        codes = ", ".join(_people_codes(left_behind))
        raise RescueError(
            {"people": _("Families travel together: add %(codes)s too.") % {"codes": codes}}
        )


def plan_legs(mission: Mission, *, start: dt.datetime) -> list[Leg]:
    """Legs from the route's stops, each window following the previous one's opening."""
    stops = list(mission.route.stops.select_related("safe_point").order_by("position"))
    legs = []
    departure = start
    for position, (before, stop) in enumerate(itertools.pairwise(stops), start=1):
        opens = departure + dt.timedelta(hours=stop.hours)
        legs.append(
            Leg(
                mission=mission,
                position=position,
                from_point=before.safe_point,
                to_point=stop.safe_point,
                means=stop.means,
                hours=stop.hours,
                slack_hours=stop.slack_hours,
                window_opens=opens,
                window_closes=opens + dt.timedelta(hours=stop.slack_hours),
            )
        )
        departure = opens
    return legs


@transaction.atomic
def mission_plan(
    *,
    actor,
    route: Route,
    people: Sequence[Person],
    coordinator,
    planned_start: dt.datetime,
    partners: Iterable[FieldPartner] = (),
) -> Mission:
    """A mission for a group awaiting rescue: whole families, each person on one mission."""
    people = list(
        Person.objects.select_for_update().filter(pk__in=[p.pk for p in people]).order_by("pk")
    )
    _check_people(people)
    if route.stops.count() < 2:
        raise RescueError({"route": _("This route has no legs.")})
    mission = Mission.objects.create(
        route=route, coordinator=coordinator, planned_start=planned_start
    )
    mission.partners.set(list(partners))
    Traveller.objects.bulk_create(Traveller(mission=mission, person=p) for p in people)
    Leg.objects.bulk_create(plan_legs(mission, start=planned_start))
    codes = _people_codes(people)
    event(mission, "planned", actor=actor, people=codes, route=route.name)
    record(
        actor=actor,
        action="rescue.mission_planned",
        target=mission,
        data={"route": route.name, "people": codes, "start": planned_start.isoformat()},
    )
    return mission


def rebase(legs: Sequence[Leg], *, start: dt.datetime) -> None:
    """Move the remaining legs' windows so the first one starts at ``start``."""
    departure = start
    for leg in legs:
        leg.window_opens = departure + dt.timedelta(hours=leg.hours)
        leg.window_closes = leg.window_opens + dt.timedelta(hours=leg.slack_hours)
        departure = leg.window_opens
    Leg.objects.bulk_update(legs, ["window_opens", "window_closes", "updated_at"])


def start_leg(leg: Leg, *, at: dt.datetime) -> None:
    leg.status = LegStatus.UNDER_WAY
    leg.started_at = at
    leg.due_at = leg.window_closes
    leg.alert_level = 0
    leg.save(update_fields=["status", "started_at", "due_at", "alert_level", "updated_at"])


def current_leg(mission: Mission) -> Leg | None:
    return mission.legs.filter(status=LegStatus.UNDER_WAY).order_by("position").first()


def travelling(mission: Mission) -> list[Traveller]:
    return list(mission.travellers.filter(outcome=Outcome.TRAVELLING).select_related("person"))


@transaction.atomic
def mission_start(*, actor, mission: Mission, at: dt.datetime | None = None) -> Mission:
    """The group sets off: the first leg is under way and its people are in transit."""
    mission = lock(mission)
    if mission.status != MissionStatus.PLANNED:
        raise RescueError({"status": _("Only a planned mission can start.")})
    at = at or timezone.now()
    for traveller in travelling(mission):
        if traveller.person.status not in lifecycle.WAITING:
            raise RescueError(
                {
                    "people": _("%(code)s is no longer awaiting rescue: take them off first.")
                    % {"code": traveller.person.code}
                }
            )
    legs = list(mission.legs.order_by("position"))
    rebase(legs, start=at)
    start_leg(legs[0], at=at)
    for traveller in travelling(mission):
        journeys.move(actor=actor, person=traveller.person, to_status=Status.IN_TRANSIT)
    mission.status = MissionStatus.UNDER_WAY
    mission.started_at = at
    mission.save(update_fields=["status", "started_at", "updated_at"])
    event(mission, "started", actor=actor, at=at, leg=1, to=legs[0].to_point.code_name)
    record(actor=actor, action="rescue.mission_started", target=mission)
    return mission


@transaction.atomic
def mission_pause(*, actor, mission: Mission, reason: str = "") -> Mission:
    """The group waits where it is; silence is not counted while paused."""
    mission = lock(mission)
    if mission.status != MissionStatus.UNDER_WAY:
        raise RescueError({"status": _("Only a mission under way can be paused.")})
    mission.status = MissionStatus.PAUSED
    mission.silence = Silence.NONE
    mission.save(update_fields=["status", "silence", "updated_at"])
    event(mission, "paused", actor=actor)
    record(actor=actor, action="rescue.mission_paused", target=mission)
    return mission


@transaction.atomic
def mission_resume(*, actor, mission: Mission, at: dt.datetime | None = None) -> Mission:
    """The group sets off again: the current leg's window starts now."""
    mission = lock(mission)
    if mission.status != MissionStatus.PAUSED:
        raise RescueError({"status": _("Only a paused mission can resume.")})
    at = at or timezone.now()
    remaining = list(mission.legs.exclude(status=LegStatus.ARRIVED).order_by("position"))
    if remaining:
        rebase(remaining, start=at)
        start_leg(remaining[0], at=at)
    mission.status = MissionStatus.UNDER_WAY
    mission.save(update_fields=["status", "updated_at"])
    event(mission, "resumed", actor=actor, at=at)
    record(actor=actor, action="rescue.mission_resumed", target=mission)
    return mission


ENDINGS = {
    MissionStatus.COMPLETED: Outcome.ARRIVED,
    MissionStatus.FAILED: Outcome.DETAINED,
    MissionStatus.ABORTED: Outcome.LEFT,
}


@transaction.atomic
def mission_end(*, actor, mission: Mission, status: str) -> Mission:
    """Completed (everyone still travelling arrived), failed (arrested: they are detained)
    or aborted (they go back to waiting). The links stop taking check-ins."""
    mission = lock(mission)
    if status not in ENDINGS:
        raise RescueError({"status": _("Unknown ending.")})
    if mission.status not in ACTIVE:
        raise RescueError({"status": _("This mission has already ended.")})
    unfinished = mission.legs.exclude(status=LegStatus.ARRIVED).exists()
    if status == MissionStatus.COMPLETED and unfinished:
        raise RescueError({"status": _("The group has not reached the last safe point yet.")})
    now = timezone.now()
    for traveller in travelling(mission):
        _set_outcome(actor=actor, mission=mission, traveller=traveller, outcome=ENDINGS[status])
    Traveller.objects.filter(mission=mission).update(active=False)
    # The journey stopped where it was: no leg is under way any more.
    mission.legs.filter(status=LegStatus.UNDER_WAY).update(status=LegStatus.PENDING, due_at=None)
    mission.status = status
    mission.ended_at = now
    mission.silence = Silence.NONE
    mission.save(update_fields=["status", "ended_at", "silence", "updated_at"])
    # The alerts of an ended mission are settled by its ending.
    mission.alerts.filter(acknowledged_at__isnull=True).update(
        acknowledged_at=now, acknowledged_by=user_of(actor)
    )
    cap = now + LINK_GRACE_AFTER_END
    CheckInLink.objects.filter(mission=mission, expires_at__gt=cap).update(expires_at=cap)
    event(mission, "ended", actor=actor, status=status)
    record(actor=actor, action="rescue.mission_ended", target=mission, data={"status": status})
    return mission


def _set_outcome(*, actor, mission: Mission, traveller: Traveller, outcome: str) -> None:
    moved = journeys.move(actor=actor, person=traveller.person, to_status=OUTCOME_STATUS[outcome])
    traveller.outcome = outcome
    traveller.outcome_at = timezone.now()
    traveller.active = False
    traveller.save(update_fields=["outcome", "outcome_at", "active", "updated_at"])
    event(
        mission,
        "outcome",
        actor=actor,
        person=traveller.person.code,
        outcome=outcome,
        status_moved=moved,
    )


@transaction.atomic
def traveller_set_outcome(*, actor, mission: Mission, person: Person, outcome: str) -> Traveller:
    """One person's journey ends (arrived, detained, lost, left) while the mission goes on."""
    mission = lock(mission)
    if mission.status not in ACTIVE:
        raise RescueError({"status": _("This mission has already ended.")})
    if outcome not in OUTCOME_STATUS:
        raise RescueError({"outcome": _("Unknown outcome.")})
    traveller = (
        Traveller.objects.select_related("person").filter(mission=mission, person=person).first()
    )
    if traveller is None:
        raise RescueError({"person": _("This person is not on the mission.")})
    if traveller.outcome != Outcome.TRAVELLING:
        raise RescueError({"outcome": _("This person's journey has already ended.")})
    if outcome == Outcome.ARRIVED and mission.legs.exclude(status=LegStatus.ARRIVED).exists():
        raise RescueError({"outcome": _("The group has not reached the last safe point yet.")})
    _set_outcome(actor=actor, mission=mission, traveller=traveller, outcome=outcome)
    record(
        actor=actor,
        action="rescue.outcome_set",
        target=mission,
        data={"person": person.code, "outcome": outcome},
    )
    return traveller


@transaction.atomic
def cost_add(
    *,
    actor,
    mission: Mission,
    description: str,
    amount_minor: int,
    currency: str,
    spent_on: dt.date,
) -> MissionCost:
    description = " ".join(description.split())
    if not description:
        raise RescueError({"description": _("Say what the money was for.")})
    if not isinstance(amount_minor, int) or amount_minor <= 0:
        raise RescueError({"amount": _("An amount must be more than zero.")})
    if spent_on > timezone.localdate():
        raise RescueError({"spent_on": _("A cost cannot be dated in the future.")})
    cost = MissionCost.objects.create(
        mission=mission,
        description=description,
        amount_minor=amount_minor,
        currency=currency.upper(),
        spent_on=spent_on,
        recorded_by=user_of(actor),
    )
    event(mission, "cost", actor=actor, amount_minor=amount_minor, currency=cost.currency)
    record(
        actor=actor,
        action="rescue.cost_added",
        target=mission,
        data={"amount_minor": amount_minor, "currency": cost.currency},
    )
    return cost


def is_ended(mission: Mission) -> bool:
    return mission.status in ENDED
