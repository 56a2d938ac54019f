"""The status answered with a new check-in is the one the link shows afterwards."""

from __future__ import annotations

import pytest

from safepassage.rescue.models import CheckInLink
from safepassage.rescue.services import checkins
from safepassage.testing.rescue import make_mission, make_partner, on_the_way

pytestmark = pytest.mark.django_db


def _issued(*, started=True):
    mission = make_mission(started=started)
    return checkins.link_issue(actor=None, mission=mission, partner=make_partner())


def _send(issued, key, kind, **fields):
    link = issued.link
    result = checkins.submit(
        mission=link.mission,
        link=link,
        report=checkins.Report(key=key, kind=kind, **fields),
    )
    fresh = CheckInLink.objects.select_related("mission").get(pk=link.pk)
    return result, checkins.link_status(fresh)


@pytest.mark.parametrize(
    ("kind", "fields"),
    [("delayed", {"delay_hours": 3}), ("need_help", {}), ("compromised", {})],
)
def test_a_report_on_the_way_answers_the_status_the_link_shows_after(kind, fields):
    result, after = _send(_issued(), "status-0001", kind, **fields)
    assert result.status == after
    assert after["next_point"]


def test_arrivals_step_by_step_and_ahead_answer_the_status_the_link_shows_after():
    issued = _issued()
    legs = list(issued.link.mission.legs.select_related("to_point").order_by("position"))
    on_the_way(issued.link.mission)
    result, after = _send(issued, "status-0002", "arrived")
    assert result.status == after
    assert after["next_point"] == legs[1].to_point.code_name
    # Naming the last safe point moves the group one leg only (issue 14).
    on_the_way(issued.link.mission)
    result, after = _send(issued, "status-0003", "arrived", point=legs[-1].to_point.code_name)
    assert result.status == after
    assert after["next_point"] == legs[2].to_point.code_name
    result, after = _send(issued, "status-0004", "arrived", point=legs[0].to_point.code_name)
    assert result.check_in.effect == "already_arrived"
    assert result.status == after


def test_a_report_before_the_start_answers_the_status_the_link_shows_after():
    result, after = _send(_issued(started=False), "status-0005", "delayed", delay_hours=2)
    assert result.check_in.effect == "not_started"
    assert result.status == after
    assert after["next_point"]


def test_a_replay_and_a_staff_check_in_carry_no_status_of_their_own():
    issued = _issued()
    _send(issued, "status-0006", "delayed", delay_hours=1)
    replay, after = _send(issued, "status-0006", "delayed", delay_hours=1)
    assert replay.replayed is True
    assert replay.status is None
    assert checkins.status_after(issued.link, replay) == after
    staff = checkins.check_in_by_staff(
        actor=None,
        mission=issued.link.mission,
        report=checkins.Report(key="status-0007", kind="delayed", delay_hours=1),
    )
    assert staff.status is None
