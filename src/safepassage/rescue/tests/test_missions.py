"""Missions move their people's case status along the journey."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from safepassage.cases.models import Status
from safepassage.rescue.models import LegStatus, MissionStatus, Outcome, Traveller
from safepassage.rescue.services import checkins, missions
from safepassage.rescue.services.errors import RescueError
from safepassage.testing.rescue import make_mission, make_route, waiting_family

pytestmark = pytest.mark.django_db


def _arrive(mission, key):
    return checkins.check_in_by_staff(
        actor=mission.coordinator,
        mission=mission,
        report=checkins.Report(key=key, kind="arrived"),
    )


def test_a_planned_mission_has_legs_with_windows_that_follow_the_route():
    start = timezone.now() + dt.timedelta(hours=2)
    mission = make_mission(start=start)
    legs = list(mission.legs.order_by("position"))
    assert [leg.hours for leg in legs] == [9, 20, 30]
    assert legs[0].window_opens == start + dt.timedelta(hours=9)
    assert legs[1].window_opens == legs[0].window_opens + dt.timedelta(hours=20)
    assert all(leg.window_closes > leg.window_opens for leg in legs)
    assert mission.status == MissionStatus.PLANNED


def test_starting_puts_the_family_in_transit_and_the_first_leg_under_way():
    people = waiting_family()
    mission = make_mission(people=people, started=True)
    for person in people:
        person.refresh_from_db()
        assert person.status == Status.IN_TRANSIT
    first = mission.legs.get(position=1)
    assert first.status == LegStatus.UNDER_WAY
    assert first.due_at == first.window_closes


def test_crossing_a_border_is_a_third_country_and_closing_makes_everyone_arrived():
    people = waiting_family()
    mission = make_mission(people=people, started=True)
    _arrive(mission, "arrive-0001")  # PINE, still in China
    people[0].refresh_from_db()
    assert people[0].status == Status.IN_TRANSIT
    _arrive(mission, "arrive-0002")  # LOTUS, Laos
    people[0].refresh_from_db()
    assert (people[0].status, people[0].country) == (Status.THIRD_COUNTRY, "LA")
    with pytest.raises(RescueError):
        missions.mission_end(actor=None, mission=mission, status=MissionStatus.COMPLETED)
    _arrive(mission, "arrive-0003")
    missions.mission_end(actor=None, mission=mission, status=MissionStatus.COMPLETED)
    for person in people:
        person.refresh_from_db()
        assert (person.status, person.country) == (Status.ARRIVED, "TH")
    assert set(Traveller.objects.filter(mission=mission).values_list("outcome", flat=True)) == {
        Outcome.ARRIVED
    }


def test_a_family_travels_together_and_a_person_is_on_one_mission_at_a_time():
    people = waiting_family(3)
    route = make_route()
    with pytest.raises(RescueError, match="Families travel together"):
        make_mission(people=people[:2], route=route)
    make_mission(people=people, route=route)
    with pytest.raises(RescueError, match=r"not awaiting rescue|Already on a mission"):
        make_mission(people=people, route=route)


def test_a_failed_mission_leaves_its_people_detained():
    people = waiting_family()
    mission = make_mission(people=people, started=True)
    missions.mission_end(actor=None, mission=mission, status=MissionStatus.FAILED)
    for person in people:
        person.refresh_from_db()
        assert person.status == Status.DETAINED


def test_an_aborted_mission_sends_its_people_back_to_the_queue():
    people = waiting_family()
    mission = make_mission(people=people, started=True)
    missions.mission_end(actor=None, mission=mission, status=MissionStatus.ABORTED)
    for person in people:
        person.refresh_from_db()
        assert person.status == Status.AWAITING_RESCUE
    make_mission(people=people)  # free to travel again
