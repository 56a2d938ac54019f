"""A check-in's hand-written reads and writes do what the ORM statements they replace did."""

from __future__ import annotations

import pytest

from safepassage.rescue.models import CheckInLink, LegStatus, Mission, MissionEvent, Silence
from safepassage.rescue.services import checkins
from safepassage.testing.rescue import make_mission, make_partner
from safepassage.vault import records

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued():
    mission = make_mission(started=True)
    return checkins.link_issue(actor=None, mission=mission, partner=make_partner())


def _delayed(issued, key, **fields):
    link = issued.link
    return checkins.submit(
        mission=link.mission,
        link=link,
        report=checkins.Report(key=key, kind="delayed", delay_hours=2, **fields),
    )


def _legs(mission):
    return list(mission.legs.order_by("position"))


def test_a_delay_clears_the_silence_of_a_mission_with_one_leg_under_way(issued):
    mission = issued.link.mission
    first = _legs(mission)[0]
    mission.legs.filter(pk=first.pk).update(alert_level=Silence.ESCALATED)
    Mission.objects.filter(pk=mission.pk).update(silence=Silence.ESCALATED)
    result = _delayed(issued, "rows-0001")
    first.refresh_from_db()
    mission.refresh_from_db()
    assert first.alert_level == 0
    assert first.due_at > result.check_in.received_at
    assert mission.silence == Silence.NONE
    assert mission.last_check_in_at == result.check_in.received_at


def test_a_delay_leaves_the_silence_of_another_leg_under_way(issued):
    mission = issued.link.mission
    first, second, *_rest = _legs(mission)
    mission.legs.filter(pk=first.pk).update(alert_level=Silence.SILENT)
    mission.legs.filter(pk=second.pk).update(
        status=LegStatus.UNDER_WAY, alert_level=Silence.OVERDUE
    )
    Mission.objects.filter(pk=mission.pk).update(silence=Silence.SILENT)
    result = _delayed(issued, "rows-0002")
    assert result.check_in.leg_id == first.pk
    mission.refresh_from_db()
    assert mission.silence == Silence.OVERDUE


def test_the_check_in_its_event_and_the_links_last_use_are_written_together(issued):
    result = _delayed(issued, "rows-0003", reason="Road block")
    stored = type(result.check_in).objects.get(pk=result.check_in.pk)
    assert stored.code == result.check_in.code
    assert stored.effect == "recorded"
    assert records.read(stored, "reason") == "Road block"
    assert b"Road block" not in bytes(stored.reason_sealed)
    link = CheckInLink.objects.get(pk=issued.link.pk)
    assert link.last_used_at == stored.received_at
    event = MissionEvent.objects.filter(mission=issued.link.mission, kind="check_in").get()
    assert event.at == stored.received_at
    assert event.actor_label == f"partner:{issued.link.partner.pseudonym}"
    assert event.data == {
        "kind": "delayed",
        "effect": "recorded",
        "leg": 1,
        "point": "",
        "delay_hours": 2,
        "duress": False,
    }


def test_the_link_for_a_token_carries_its_mission_and_partner(issued):
    link = checkins.link_for_token(issued.token)
    assert link.pk == issued.link.pk
    assert link.mission == issued.link.mission
    assert link.mission.code == issued.link.mission.code
    assert link.partner.pseudonym == issued.link.partner.pseudonym
    assert link.expires_at == issued.link.expires_at


def test_a_replay_answers_the_stored_check_in(issued):
    first = _delayed(issued, "rows-0004")
    again = _delayed(issued, "rows-0004")
    assert again.replayed is True
    assert again.check_in.pk == first.check_in.pk
    assert again.check_in.received_at == first.check_in.received_at
