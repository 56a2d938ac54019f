"""The demo's rescue side: a mission in every state, played through the rescue services."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from safepassage.cases import lifecycle
from safepassage.cases.models import Person, Status
from safepassage.rescue.models import (
    Alert,
    AlertKind,
    CheckInLink,
    LegStatus,
    Mission,
    MissionEvent,
    MissionStatus,
    SafePoint,
    Silence,
)
from safepassage.rescue.services import checkins
from safepassage.vault import records

pytestmark = pytest.mark.django_db

S = MissionStatus


def missions(status: str) -> list[Mission]:
    return list(Mission.objects.filter(status=status).prefetch_related("travellers__person"))


def test_the_demo_prints_its_missions_and_a_working_check_in_link(demo):
    assert "Missions in the demo: 7 (2 under way)" in demo
    token = re.search(r"http://127\.0\.0\.1:8000/c/([A-Za-z0-9_-]{40,64})/\n", demo).group(1)
    pin = re.search(r"PIN (\d{6});", demo).group(1)
    duress = re.search(r"duress PIN (\d{6})", demo).group(1)
    link = checkins.link_for_token(token)
    assert link is not None
    assert link.mission.status == S.UNDER_WAY
    assert checkins.check_pin(link=link, pin=pin) is False
    assert checkins.check_pin(link=link, pin=duress) is True


def test_there_is_a_mission_in_every_state_the_demo_shows(demo):
    assert len(missions(S.COMPLETED)) == 3
    assert len(missions(S.FAILED)) == 1
    assert len(missions(S.PLANNED)) == 1
    under_way = missions(S.UNDER_WAY)
    assert sorted(m.silence for m in under_way) == [Silence.NONE, Silence.ESCALATED]


def test_completed_missions_checked_in_at_every_safe_point_and_their_people_arrived(demo):
    for mission in missions(S.COMPLETED):
        legs = list(mission.legs.select_related("to_point"))
        assert {leg.status for leg in legs} == {LegStatus.ARRIVED}
        reached = set(mission.check_ins.filter(kind="arrived").values_list("safe_point", flat=True))
        assert reached == {leg.to_point_id for leg in legs}
        for traveller in mission.travellers.all():
            assert traveller.person.status == Status.ARRIVED
            assert traveller.person.country == legs[-1].to_point.country
        assert mission.costs.exists()


def test_the_failed_mission_left_its_people_detained(demo):
    (failed,) = missions(S.FAILED)
    assert {t.person.status for t in failed.travellers.all()} == {Status.DETAINED}
    assert failed.compromised_at is not None
    assert failed.alerts.get().kind == AlertKind.COMPROMISED


def test_the_overdue_mission_alerted_once_per_threshold_and_the_other_is_on_time(demo):
    overdue = Mission.objects.get(status=S.UNDER_WAY, silence=Silence.ESCALATED)
    kinds = sorted(overdue.alerts.values_list("kind", flat=True))
    assert kinds == sorted([AlertKind.OVERDUE, AlertKind.ESCALATED])
    on_time = Mission.objects.get(status=S.UNDER_WAY, silence=Silence.NONE)
    assert not on_time.alerts.exists()
    leg = on_time.legs.get(status=LegStatus.UNDER_WAY)
    assert leg.due_at > timezone.now()
    assert on_time.check_ins.filter(received_at__gt=timezone.now() - dt.timedelta(hours=12))
    # Every alert queued its e-mail for the worker; none was sent while building.
    queued = DBTaskResult.objects.filter(task_path="safepassage.rescue.tasks.send_alert")
    assert queued.count() == Alert.objects.count()


def test_the_planned_mission_takes_a_whole_family_and_the_top_family_is_left_to_plan(demo):
    (planned,) = missions(S.PLANNED)
    people = [t.person for t in planned.travellers.all()]
    assert len(people) > 1
    assert {p.status for p in people} == {Status.AWAITING_RESCUE}
    assert {p.group_id for p in people} == {people[0].group_id}
    assert len(people) == Person.objects.filter(group=people[0].group).count()
    links = CheckInLink.objects.filter(mission=planned, revoked_at=None)
    assert {link.partner_id for link in links} == set(planned.partners.values_list("pk", flat=True))
    queue = Person.objects.filter(status__in=lifecycle.WAITING).order_by(
        "-priority", "status_changed_at", "created_at"
    )
    top_family = next(p for p in queue if p.group_id and p.group.people.count() > 1)
    assert not top_family.journeys.filter(active=True).exists()


def test_safe_points_are_sealed_and_named_to_some_people_only(demo):
    points = list(SafePoint.objects.all())
    assert 8 <= len(points) <= 10
    assert {p.country for p in points} == {"CN", "LA", "TH", "VN", "KH"}
    for point in points:
        for name in ("real_place", "directions", "contact"):
            plain = records.read(point, name)
            assert plain
            assert plain.encode() not in bytes(getattr(point, f"{name}_sealed"))
    named = [p for p in points if p.named_people.exists()]
    assert 0 < len(named) < len(points)


def test_every_mission_has_a_timeline_without_places(demo):
    sealed = [
        records.read(point, name)
        for point in SafePoint.objects.all()
        for name in ("real_place", "directions", "contact")
    ]
    for mission in Mission.objects.all():
        events = list(mission.events.all())
        assert events
        assert events[0].kind == "planned"
    timeline = json.dumps(list(MissionEvent.objects.values_list("data", flat=True)))
    assert not [value for value in sealed if value in timeline]
