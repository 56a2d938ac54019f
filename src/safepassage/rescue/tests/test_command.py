"""``safepassage missions scan --at``: a simulated clock for drills and the demo."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from safepassage.rescue.models import Alert
from safepassage.testing.rescue import make_mission

pytestmark = pytest.mark.django_db


def test_a_scan_at_a_later_time_raises_the_alerts_due_then(capsys):
    mission = make_mission(started=True)
    due = mission.legs.get(position=1).due_at
    at = timezone.localtime(due + dt.timedelta(hours=7)).strftime("%Y-%m-%dT%H:%M")
    call_command("missions", "scan", "--at", at)
    out = capsys.readouterr().out
    assert f"{mission.code}: Overdue" in out
    assert "2 alert(s) raised." in out
    assert Alert.objects.filter(mission=mission).count() == 2
    call_command("missions", "scan", "--at", at)
    assert "0 alert(s) raised." in capsys.readouterr().out


def test_status_lists_active_missions(capsys):
    mission = make_mission(started=True)
    call_command("missions", "status")
    out = capsys.readouterr().out
    assert mission.code in out
    assert "1 active mission(s)." in out


def test_a_bad_time_is_a_clear_error():
    with pytest.raises(CommandError, match="not a date-time"):
        call_command("missions", "scan", "--at", "tomorrow-ish")
