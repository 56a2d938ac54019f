"""The JSON check-in API: same rules as the page, described in the OpenAPI schema."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from safepassage.rescue.models import CheckIn, CheckInFlag, LegStatus
from safepassage.rescue.services import checkins, missions
from safepassage.testing.rescue import make_mission, make_partner, on_the_way

pytestmark = pytest.mark.django_db
URL = "/api/v1/check-ins"


@pytest.fixture
def issued():
    return checkins.link_issue(
        actor=None, mission=make_mission(started=True), partner=make_partner()
    )


def post(issued, body, *, token=None, raw=None):
    return Client().post(
        URL,
        raw if raw is not None else json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token or issued.token}"},
    )


def test_a_check_in_is_created_once_and_a_retry_gets_the_same_answer(issued):
    on_the_way(issued.link.mission)
    body = {"idempotency_key": "phone-0001-abcd", "kind": "arrived", "pin": issued.pin}
    first = post(issued, body)
    assert first.status_code == 201, first.content
    again = post(issued, body)
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["replayed"] is True
    assert CheckIn.objects.count() == 1
    assert issued.link.mission.legs.get(position=1).status == LegStatus.ARRIVED
    assert first.json()["mission"]["next_point"] == (
        issued.link.mission.legs.get(position=2).to_point.code_name
    )


def test_a_reused_key_with_other_content_is_refused(issued):
    post(
        issued,
        {
            "idempotency_key": "phone-0002-abcd",
            "kind": "delayed",
            "pin": issued.pin,
            "delay_hours": 3,
        },
    )
    response = post(
        issued, {"idempotency_key": "phone-0002-abcd", "kind": "need_help", "pin": issued.pin}
    )
    assert response.status_code == 409
    assert "different report" in json.dumps(response.json())
    assert list(CheckIn.objects.values_list("kind", flat=True)) == ["delayed"]


@pytest.mark.parametrize(
    "raw",
    [
        "{not json",
        json.dumps({"kind": "arrived"}),
        json.dumps({"idempotency_key": "short", "kind": "arrived", "pin": "1"}),
        json.dumps({"idempotency_key": "phone-0003-abcd", "kind": "teleported", "pin": "1"}),
        json.dumps(
            {
                "idempotency_key": "phone-0003-abcd",
                "kind": "delayed",
                "pin": "1",
                "delay_hours": 500,
            }
        ),
        json.dumps([1, 2, 3]),
    ],
)
def test_malformed_bodies_get_a_clear_error_and_record_nothing(issued, raw):
    response = post(issued, None, raw=raw)
    assert response.status_code in (400, 422)
    assert "detail" in response.json()
    assert CheckIn.objects.count() == 0


def test_an_arrival_at_a_point_off_the_route_is_refused(issued):
    response = post(
        issued,
        {
            "idempotency_key": "phone-0004-abcd",
            "kind": "arrived",
            "pin": issued.pin,
            "point": "NOWHERE",
        },
    )
    assert response.status_code == 400
    assert "not on this mission" in json.dumps(response.json())
    assert CheckIn.objects.count() == 0


def test_an_arrival_further_along_moves_the_group_one_leg_only_and_is_flagged(issued):
    mission = issued.link.mission
    on_the_way(mission)
    third = mission.legs.get(position=2).to_point.code_name
    response = post(
        issued,
        {
            "idempotency_key": "phone-0005-abcd",
            "kind": "arrived",
            "pin": issued.pin,
            "point": third,
        },
    )
    assert response.status_code == 201
    assert response.json()["effect"] == "arrived"
    assert CheckIn.objects.get().flag == CheckInFlag.AHEAD
    statuses = list(mission.legs.order_by("position").values_list("status", flat=True))
    assert statuses == [LegStatus.ARRIVED, LegStatus.UNDER_WAY, LegStatus.PENDING]


def test_check_ins_after_the_end_are_refused_clearly(issued):
    missions.mission_end(actor=None, mission=issued.link.mission, status="failed")
    response = post(
        issued, {"idempotency_key": "phone-0006-abcd", "kind": "arrived", "pin": issued.pin}
    )
    assert response.status_code == 409
    assert "ended" in json.dumps(response.json())


def test_a_token_for_another_mission_reports_on_its_own_mission_only(issued):
    other = checkins.link_issue(
        actor=None, mission=make_mission(started=True), partner=make_partner()
    )
    response = post(
        other, {"idempotency_key": "phone-0007-abcd", "kind": "arrived", "pin": other.pin}
    )
    assert response.status_code == 201
    assert response.json()["mission"]["mission"] == other.link.mission.code
    assert not CheckIn.objects.filter(mission=issued.link.mission).exists()
    # A report naming the first mission on the second mission's link is refused.
    crossed = post(
        other,
        {
            "idempotency_key": "phone-0012-abcd",
            "kind": "arrived",
            "pin": other.pin,
            "mission": issued.link.mission.code,
        },
    )
    assert crossed.status_code == 400
    assert "another mission" in json.dumps(crossed.json())
    # The first link's PIN does not work with the second link's token.
    wrong = post(
        other, {"idempotency_key": "phone-0008-abcd", "kind": "arrived", "pin": issued.pin}
    )
    assert wrong.status_code == 400


def test_unknown_and_revoked_tokens_and_no_token_are_404(issued):
    checkins.link_revoke(actor=None, link=issued.link)
    body = {"idempotency_key": "phone-0009-abcd", "kind": "arrived", "pin": issued.pin}
    assert post(issued, body).status_code == 404
    assert post(issued, body, token="x" * 43).status_code == 404
    assert Client().post(URL, json.dumps(body), content_type="application/json").status_code == 404
    assert CheckIn.objects.count() == 0


def test_the_duress_pin_gets_the_same_answer(issued):
    normal = post(
        issued,
        {
            "idempotency_key": "phone-0010-abcd",
            "kind": "delayed",
            "pin": issued.pin,
            "delay_hours": 2,
        },
    )
    duress = post(
        issued,
        {
            "idempotency_key": "phone-0011-abcd",
            "kind": "delayed",
            "pin": issued.duress_pin,
            "delay_hours": 3,
        },
    )
    assert normal.status_code == duress.status_code == 201
    assert set(normal.json()) == set(duress.json())
    assert normal.json()["mission"] == duress.json()["mission"]
    issued.link.mission.refresh_from_db()
    assert issued.link.mission.compromised_at is not None


def test_the_status_endpoint_tells_the_link_what_it_may_know(issued):
    response = Client().get("/api/v1/check-in", headers={"Authorization": f"Bearer {issued.token}"})
    assert response.status_code == 200
    assert set(response.json()) == {"mission", "status", "next_point", "head_count", "open"}
    assert response.json()["head_count"] == 2


def test_the_openapi_schema_describes_the_check_in():
    schema = Client().get("/api/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    operation = schema["paths"]["/api/v1/check-ins"]["post"]
    assert {"201", "200", "409", "404"} <= set(operation["responses"])
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    ref = body["$ref"].rsplit("/", 1)[1]
    fields = schema["components"]["schemas"][ref]["properties"]
    assert {"idempotency_key", "kind", "pin", "point", "delay_hours", "reason"} <= set(fields)
    assert "BearerAuth" in json.dumps(schema["components"]) or "bearer" in json.dumps(schema)


def test_guessing_tokens_on_the_api_is_slowed_down_too(settings):
    settings.CHECKIN_GUESS_RATE = "2/h"
    client = Client(REMOTE_ADDR="198.51.100.9")
    answers = [
        client.get(
            "/api/v1/check-in", headers={"Authorization": f"Bearer guess{n:02d}{'x' * 40}"}
        ).status_code
        for n in range(4)
    ]
    assert answers == [404, 404, 404, 429]
