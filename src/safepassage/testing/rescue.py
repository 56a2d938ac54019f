"""Builders for rescue tests: a route of safe points, a family awaiting rescue, a mission."""

from __future__ import annotations

import datetime as dt
import secrets

from django.utils import timezone

from safepassage.accounts.models import Role
from safepassage.cases import services as cases
from safepassage.cases.models import Status
from safepassage.rescue.services import missions, places
from safepassage.testing.members import make_member
from safepassage.testing.people import make_case, make_person

# Code name, country, hours from the previous stop, means.
ROUTE = [
    ("MAGNOLIA", "CN", 0, ""),
    ("PINE", "CN", 9, "bus"),
    ("LOTUS", "LA", 20, "river"),
    ("ORCHID", "TH", 30, "car"),
]


def make_route(stops=ROUTE, *, name: str | None = None):
    points = []
    for code, country, hours, means in stops:
        code = f"{code}-{secrets.token_hex(2).upper()}"
        point = places.safe_point_create(
            actor=None,
            code_name=code,
            country=country,
            real_place=f"Real place of {code}",
            directions=f"Directions to {code}",
            contact=f"Contact at {code}",
        )
        points.append(places.Stop(safe_point=point, hours=hours, means=means))
    return places.route_create(
        actor=None, name=name or f"Route {secrets.token_hex(3)}", stops=points
    )


def waiting_family(size: int = 2, *, case=None):
    """A mother and children in one group, all awaiting rescue."""
    case = case or make_case()
    people = []
    for index in range(size):
        person = make_person(
            case=case,
            real_name=f"Han Member-{secrets.token_hex(2)}",
            sex="female" if index == 0 else "male",
            birth_year=1995 if index == 0 else 2020,
        )
        cases.person_set_status(actor=None, person=person, to_status=Status.AWAITING_RESCUE)
        people.append(person)
    cases.group_create(actor=None, case=case, label=f"Family {secrets.token_hex(2)}", people=people)
    for person in people:
        person.refresh_from_db()
    return people


def coordinator():
    return make_member(Role.Code.RESCUE_COORDINATOR)


def make_mission(
    *,
    people=None,
    route=None,
    lead=None,
    start: dt.datetime | None = None,
    started: bool = False,
    partners=(),
):
    route = route or make_route()
    people = people if people is not None else waiting_family()
    lead = lead or coordinator().user
    mission = missions.mission_plan(
        actor=lead,
        route=route,
        people=people,
        coordinator=lead,
        planned_start=start or timezone.now() + dt.timedelta(hours=1),
        partners=partners,
    )
    if started:
        mission = missions.mission_start(actor=lead, mission=mission)
    return mission


def on_the_way(mission, *, hours: float | None = None) -> None:
    """The leg under way began ``hours`` ago (by default its planned hours), so that an
    arrival reported now is plausible (``rescue.services.progress.too_early``)."""
    for leg in mission.legs.filter(status="under_way"):
        back = dt.timedelta(hours=leg.hours if hours is None else hours)
        leg.started_at = timezone.now() - back
        leg.save(update_fields=["started_at", "updated_at"])


def make_partner(pseudonym: str | None = None, language: str = "en"):
    return places.partner_create(
        actor=None,
        pseudonym=pseudonym or f"Heron {secrets.token_hex(2)}",
        real_name="Partner Real Name",
        phone="+86 138 0000 0000",
        language=language,
    )
