"""No silence goes unnoticed: thresholds, escalation, exactly-once alerts, with a set clock."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from safepassage.accounts.models import Role
from safepassage.rescue.models import Alert, AlertKind, MissionEvent, Silence, UrgentCaseDraft
from safepassage.rescue.services import alerts, checkins, missions
from safepassage.testing.members import make_member
from safepassage.testing.rescue import make_mission

pytestmark = pytest.mark.django_db


@pytest.fixture
def thresholds(settings):
    settings.RESCUE_OVERDUE_MINUTES = 60
    settings.RESCUE_ESCALATE_MINUTES = 360
    settings.RESCUE_SILENT_MINUTES = 1440


def _due(mission):
    return mission.legs.get(position=1).due_at


def _kinds(mission):
    return sorted(Alert.objects.filter(mission=mission).values_list("kind", flat=True))


def test_each_threshold_alerts_once_however_often_the_scan_runs(thresholds):
    mission = make_mission(started=True)
    due = _due(mission)
    assert alerts.scan(now=due + dt.timedelta(minutes=59)) == []
    raised = alerts.scan(now=due + dt.timedelta(minutes=61))
    assert [a.kind for a in raised] == [AlertKind.OVERDUE]
    assert alerts.scan(now=due + dt.timedelta(minutes=62)) == []
    mission.refresh_from_db()
    assert mission.silence == Silence.OVERDUE

    assert [a.kind for a in alerts.scan(now=due + dt.timedelta(hours=6, minutes=1))] == [
        AlertKind.ESCALATED
    ]
    assert [a.kind for a in alerts.scan(now=due + dt.timedelta(hours=24, minutes=1))] == [
        AlertKind.SILENT
    ]
    for _ in range(3):
        alerts.scan(now=due + dt.timedelta(days=3))
    assert _kinds(mission) == sorted([AlertKind.OVERDUE, AlertKind.ESCALATED, AlertKind.SILENT])
    mission.refresh_from_db()
    assert mission.silence == Silence.SILENT


def test_a_scan_after_a_long_outage_raises_every_passed_threshold_in_order(thresholds):
    mission = make_mission(started=True)
    raised = alerts.scan(now=_due(mission) + dt.timedelta(days=2))
    assert [a.level for a in raised] == [1, 2, 3]


def test_silence_prepares_an_urgent_case_draft_with_the_people_still_travelling(thresholds):
    mission = make_mission(started=True)
    alerts.scan(now=_due(mission) + dt.timedelta(days=2))
    draft = UrgentCaseDraft.objects.get(mission=mission)
    assert set(draft.people.all()) == {t.person for t in mission.travellers.all()}
    assert MissionEvent.objects.filter(mission=mission, kind="urgent_case_drafted").count() == 1


def test_a_check_in_ends_the_silence_and_a_new_silence_alerts_again(thresholds):
    mission = make_mission(started=True)
    due = _due(mission)
    alerts.scan(now=due + dt.timedelta(minutes=90))
    checkins.submit(
        actor=None,
        mission=mission,
        report=checkins.Report(key="phone-call-0001", kind="delayed", delay_hours=4),
        at=due + dt.timedelta(minutes=95),
    )
    mission.refresh_from_db()
    assert mission.silence == Silence.NONE
    new_due = _due(mission)
    assert new_due > due
    assert alerts.scan(now=new_due + dt.timedelta(minutes=30)) == []
    assert [a.kind for a in alerts.scan(now=new_due + dt.timedelta(minutes=61))] == [
        AlertKind.OVERDUE
    ]
    assert _kinds(mission).count(AlertKind.OVERDUE) == 2


def test_paused_and_ended_missions_are_not_watched(thresholds):
    paused = make_mission(started=True)
    missions.mission_pause(actor=None, mission=paused)
    ended = make_mission(started=True)
    missions.mission_end(actor=None, mission=ended, status="aborted")
    planned = make_mission()
    later = timezone.now() + dt.timedelta(days=30)
    assert alerts.scan(now=later) == []
    for mission in (paused, ended, planned):
        assert _kinds(mission) == []


def test_resuming_starts_the_window_again(thresholds):
    mission = make_mission(started=True)
    missions.mission_pause(actor=None, mission=mission)
    resumed_at = timezone.now() + dt.timedelta(days=5)
    missions.mission_resume(actor=None, mission=mission, at=resumed_at)
    leg = mission.legs.get(position=1)
    assert leg.due_at == resumed_at + dt.timedelta(hours=leg.hours + leg.slack_hours)
    assert alerts.scan(now=resumed_at + dt.timedelta(hours=1)) == []


@pytest.mark.django_db(transaction=True)
def test_alerts_are_emailed_once_to_the_right_people_in_their_language(
    thresholds, smtp_server, run_tasks
):
    lead = make_member(Role.Code.RESCUE_COORDINATOR, language="en")
    director = make_member(Role.Code.DIRECTOR, language="ko")
    advocacy = make_member(Role.Code.ADVOCACY)
    make_member(Role.Code.FINANCE)
    mission = make_mission(started=True, lead=lead.user)
    due = _due(mission)

    alerts.scan(now=due + dt.timedelta(minutes=61))
    alerts.scan(now=due + dt.timedelta(minutes=65))
    run_tasks()
    run_tasks()
    overdue = [m for m in smtp_server.messages if mission.code in m["message"]["Subject"]]
    assert [m["to"] for m in overdue] == [[lead.user.email]]
    assert "overdue" in overdue[0]["message"]["Subject"]

    alerts.scan(now=due + dt.timedelta(hours=7))
    run_tasks()
    escalated = smtp_server.messages[len(overdue) :]
    assert sorted(r for m in escalated for r in m["to"]) == sorted(
        [lead.user.email, director.user.email]
    )
    korean = next(m for m in escalated if m["to"] == [director.user.email])
    assert mission.code in korean["message"]["Subject"]
    assert any("\uac00" <= ch <= "\ud7a3" for ch in korean["message"]["Subject"])

    alerts.scan(now=due + dt.timedelta(days=2))
    run_tasks()
    silent = smtp_server.messages[len(overdue) + len(escalated) :]
    assert advocacy.user.email in {r for m in silent for r in m["to"]}
    for message in smtp_server.messages:
        body = message["message"].get_body().get_content()
        for leg in mission.legs.all():
            assert "Real place" not in body
            assert leg.to_point.code_name not in body


def test_a_delay_announced_early_moves_the_window_by_that_much(thresholds):
    mission = make_mission(started=True)
    due = _due(mission)
    checkins.submit(
        actor=None,
        mission=mission,
        report=checkins.Report(key="early-delay-01", kind="delayed", delay_hours=2),
    )
    assert _due(mission) == due + dt.timedelta(hours=2)


def test_an_ended_mission_has_no_leg_under_way(thresholds):
    mission = make_mission(started=True)
    missions.mission_end(actor=None, mission=mission, status="failed")
    assert not mission.legs.filter(status="under_way").exists()


@pytest.mark.django_db(transaction=True)
def test_an_alert_acknowledged_before_the_worker_ran_is_not_emailed(
    thresholds, smtp_server, run_tasks
):
    lead = make_member(Role.Code.RESCUE_COORDINATOR)
    mission = make_mission(started=True, lead=lead.user)
    (alert,) = alerts.scan(now=_due(mission) + dt.timedelta(minutes=61))
    alerts.acknowledge(actor=lead.user, alert=alert)
    run_tasks()
    assert smtp_server.messages == []


def test_a_drill_scan_stamps_its_alerts_with_the_real_time(thresholds):
    mission = make_mission(started=True)
    before = timezone.now()
    (alert,) = alerts.scan(now=_due(mission) + dt.timedelta(minutes=61))
    assert before <= alert.created_at <= timezone.now()
    event = MissionEvent.objects.get(mission=mission, kind="alert")
    assert event.at <= timezone.now()
    assert event.data["minutes_past_due"] == 61


def test_ending_a_mission_settles_its_open_alerts(thresholds):
    mission = make_mission(started=True)
    alerts.scan(now=_due(mission) + dt.timedelta(days=2))
    missions.mission_end(actor=None, mission=mission, status="aborted")
    assert not Alert.objects.filter(mission=mission, acknowledged_at__isnull=True).exists()


def test_an_alert_queues_its_email_only_when_its_transaction_commits(
    django_capture_on_commit_callbacks,
):
    # The e-mail's task row is written in the alert's transaction (base.tasks): it commits
    # with the alert, or is rolled back with it.
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    mission = make_mission(started=True)
    queued = DBTaskResult.objects.filter(task_path="safepassage.rescue.tasks.send_alert")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        alerts.raise_now(mission=mission, kind=AlertKind.NEED_HELP, actor="test")
    assert queued.count() == 1

    class Undo(Exception):
        pass

    def raise_and_undo():
        with transaction.atomic():
            alerts.raise_now(mission=mission, kind=AlertKind.NEED_HELP, actor="test")
            raise Undo

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Undo):
        raise_and_undo()
    assert queued.count() == 1
