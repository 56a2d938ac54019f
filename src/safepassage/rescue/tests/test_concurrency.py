"""Retries and scanners racing each other on PostgreSQL (real row locks, real threads)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from safepassage.rescue.models import Alert, CheckIn, LegStatus
from safepassage.rescue.services import alerts, checkins
from safepassage.testing.concurrency import run_together
from safepassage.testing.markers import postgres_only
from safepassage.testing.rescue import make_mission, make_partner, on_the_way

pytestmark = [*postgres_only, pytest.mark.django_db(transaction=True)]


def test_the_same_check_in_sent_eight_times_at_once_is_recorded_once():
    issued = checkins.link_issue(
        actor=None, mission=make_mission(started=True), partner=make_partner()
    )
    on_the_way(issued.link.mission)  # an arrival the leg's planned hours after it began
    body = json.dumps({"idempotency_key": "race-0001-abcd", "kind": "arrived", "pin": issued.pin})

    def send(_n):
        response = Client().post(
            "/api/v1/check-ins",
            body,
            content_type="application/json",
            headers={"Authorization": f"Bearer {issued.token}"},
        )
        return response.status_code, response.json()["id"]

    results = run_together(8, send)
    assert sorted(code for code, _id in results) == [200] * 7 + [201]
    assert len({check_in_id for _code, check_in_id in results}) == 1
    assert CheckIn.objects.count() == 1
    mission = issued.link.mission
    assert list(mission.legs.order_by("position").values_list("status", flat=True)) == [
        LegStatus.ARRIVED,
        LegStatus.UNDER_WAY,
        LegStatus.PENDING,
    ]


def test_the_same_report_under_eight_new_keys_at_once_is_recorded_once():
    issued = checkins.link_issue(
        actor=None, mission=make_mission(started=True), partner=make_partner()
    )
    on_the_way(issued.link.mission)

    def send(n):
        body = {"idempotency_key": f"tap-{n:04d}-abcd", "kind": "arrived", "pin": issued.pin}
        response = Client().post(
            "/api/v1/check-ins",
            json.dumps(body),
            content_type="application/json",
            headers={"Authorization": f"Bearer {issued.token}"},
        )
        return response.status_code, response.json()["id"]

    results = run_together(8, send)
    assert sorted(code for code, _id in results) == [200] * 7 + [201]
    assert len({check_in_id for _code, check_in_id in results}) == 1
    assert CheckIn.objects.count() == 1
    statuses = issued.link.mission.legs.order_by("position").values_list("status", flat=True)
    assert list(statuses) == [LegStatus.ARRIVED, LegStatus.UNDER_WAY, LegStatus.PENDING]


def test_different_check_ins_at_once_are_all_kept():
    issued = checkins.link_issue(
        actor=None, mission=make_mission(started=True), partner=make_partner()
    )

    def send(n):
        return (
            Client()
            .post(
                "/api/v1/check-ins",
                json.dumps(
                    {
                        "idempotency_key": f"race-{n:04d}-abcd",
                        "kind": "delayed",
                        "delay_hours": n + 1,
                        "pin": issued.pin,
                    }
                ),
                content_type="application/json",
                headers={"Authorization": f"Bearer {issued.token}"},
            )
            .status_code
        )

    assert run_together(6, send) == [201] * 6
    assert CheckIn.objects.count() == 6


def test_scanners_running_at_once_raise_each_alert_once():
    mission = make_mission(started=True)
    due = mission.legs.get(position=1).due_at
    later = due + dt.timedelta(days=2)

    results = run_together(6, lambda _n: len(alerts.scan(now=later)))
    assert sum(results) == 3
    assert sorted(Alert.objects.filter(mission=mission).values_list("level", flat=True)) == [
        1,
        2,
        3,
    ]
