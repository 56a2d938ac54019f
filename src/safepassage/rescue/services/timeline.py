"""The mission's timeline, written by every service in the transaction of its change."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from safepassage.rescue.models import Mission, MissionEvent


def actor_label(actor) -> str:
    if actor is None:
        return ""
    if isinstance(actor, str):
        return actor[:80]
    return (getattr(actor, "display_name", "") or getattr(actor, "email", ""))[:80]


def event(
    mission: Mission, kind: str, /, *, actor=None, at: dt.datetime | None = None, **data
) -> MissionEvent:
    return MissionEvent.objects.create(
        mission=mission,
        kind=kind,
        data=data,
        actor_label=actor_label(actor),
        at=at or timezone.now(),
    )
