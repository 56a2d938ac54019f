"""The check-in API: the same check-in as the partner's page, for an app or a bridge.

Authentication is the link's token as a bearer token; the PIN travels in the body. Answers:
201 recorded, 200 a retry of a recorded check-in (same body as the first time; also the same
report again from the link on the same leg within minutes, under a new key), 400 a
report the mission cannot take, 409 a reused key with other content or an ended mission,
404 an unknown token (made-up, revoked, expired alike), 422 a malformed body, 429 too
many misses from one address. A duress PIN gets exactly the answer a normal PIN gets.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import HttpBearer

from safepassage.rescue import throttle
from safepassage.rescue.services import checkins
from safepassage.rescue.services.errors import KeyReused, MissionClosed, RescueError, WrongPin


class LinkToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        if throttle.blocked(request):
            raise HttpError(429, "Too many attempts.")
        link = checkins.link_for_token(token)
        if link is None:
            throttle.count_miss(request)
        return link


router = Router(tags=["check-ins"], auth=LinkToken())


class MissionStatusOut(Schema):
    mission: str = Field(description="The mission's code")
    status: str
    next_point: str = Field(description="Code name of the next safe point")
    head_count: int = Field(description="People still travelling")
    open: bool = Field(description="Whether check-ins are still taken")


class CheckInIn(Schema):
    idempotency_key: str = Field(
        min_length=8, max_length=64, description="Made by the client; a retry sends it again"
    )
    mission: str = Field(
        "",
        max_length=12,
        description="The mission's code, to catch a report sent on the wrong link",
    )
    kind: Literal["arrived", "delayed", "need_help", "compromised"]
    pin: str = Field(min_length=1, max_length=12)
    point: str = Field(
        "", max_length=30, description="Code name of the safe point reached (for arrived)"
    )
    delay_hours: int | None = Field(None, ge=1, le=checkins.MAX_DELAY_HOURS)
    reason: str = Field("", max_length=checkins.MAX_REASON)
    head_count: int | None = Field(
        None,
        ge=0,
        le=checkins.MAX_HEAD_COUNT,
        description="People with the partner now; fewer than are travelling alerts",
    )


class CheckInOut(Schema):
    id: str
    kind: str
    effect: str
    flag: str = Field(
        description='"early" or "ahead" when the report was held for the coordinator, else ""'
    )
    received_at: dt.datetime
    replayed: bool
    mission: MissionStatusOut


class Problem(Schema):
    detail: str | dict


@router.get("/check-in", response={200: MissionStatusOut, 404: Problem}, url_name="check_in_status")
def check_in_status(request):
    """What the link may know: mission code, next safe point code, head-count."""
    return checkins.link_status(request.auth)


@router.post(
    "/check-ins",
    response={200: CheckInOut, 201: CheckInOut, 400: Problem, 404: Problem, 409: Problem},
    url_name="check_in",
)
def check_in(request, body: CheckInIn):
    """Send a check-in. Sending the same idempotency key again records nothing new."""
    link = request.auth
    if body.mission and body.mission.strip().upper() != link.mission.code:
        return Status(400, {"detail": {"mission": ["This link reports on another mission."]}})
    try:
        duress = checkins.check_pin(link=link, pin=body.pin)
        result = checkins.submit(
            mission=link.mission,
            link=link,
            duress=duress,
            report=checkins.Report(
                key=body.idempotency_key,
                kind=body.kind,
                point=body.point,
                delay_hours=body.delay_hours,
                reason=body.reason,
                head_count=body.head_count,
            ),
        )
    except WrongPin as exc:
        throttle.count_miss(request)
        return Status(400, {"detail": exc.message_dict})
    except (KeyReused, MissionClosed) as exc:
        return Status(409, {"detail": exc.message_dict})
    except RescueError as exc:
        return Status(400, {"detail": exc.message_dict})
    check_in = result.check_in
    body = {
        "id": check_in.code,
        "kind": check_in.kind,
        "effect": check_in.effect,
        "flag": check_in.flag,
        "received_at": check_in.received_at,
        "replayed": result.replayed,
        "mission": checkins.status_after(link, result),
    }
    return Status(200 if result.replayed else 201, body)
