"""No silence goes unnoticed: the overdue scan, alerts raised at once, acknowledgements.

A leg under way is overdue when the clock passes its ``due_at`` by the first threshold,
escalated at the second, silent at the third. Each threshold alerts exactly once per
deadline: the scan raises a leg's level with a conditional UPDATE (``alert_level < n``),
which only one of several concurrent scanners can win, and only the winner writes the
alert and queues its e-mail, once that transaction commits. Who receives an alert, and the
e-mail itself, live in ``alert_emails``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from safepassage.audit.chain import record
from safepassage.base.tasks import enqueue_on_commit
from safepassage.rescue.models import (
    SILENCE_ALERTS,
    Alert,
    CheckIn,
    Leg,
    LegStatus,
    Mission,
    MissionStatus,
    Outcome,
    Silence,
    UrgentCaseDraft,
)
from safepassage.rescue.services.timeline import event

# The task that e-mails an alert (``alert_emails.send`` does the work).
SEND_TASK = "safepassage.rescue.tasks.send_alert"


def thresholds() -> dict[int, dt.timedelta]:
    return {
        Silence.OVERDUE: dt.timedelta(minutes=settings.RESCUE_OVERDUE_MINUTES),
        Silence.ESCALATED: dt.timedelta(minutes=settings.RESCUE_ESCALATE_MINUTES),
        Silence.SILENT: dt.timedelta(minutes=settings.RESCUE_SILENT_MINUTES),
    }


def _queue_email(alert: Alert) -> None:
    # Queued once the alert's transaction commits: no e-mail for an alert that rolled back,
    # and the worker always finds the alert it is asked to send.
    enqueue_on_commit(SEND_TASK, alert_id=str(alert.pk))


def raise_now(
    *,
    mission: Mission,
    kind: str,
    actor,
    check_in: CheckIn | None = None,
    reason: str = "",
    **data,
) -> Alert:
    """An alert that does not wait for the scan: help requested, compromised, duress, a
    flagged check-in, a head-count short. ``data`` (codes and numbers only) goes on the
    timeline event."""
    now = timezone.now()
    alert = Alert.objects.create(mission=mission, kind=kind, check_in=check_in, created_at=now)
    event(mission, "alert", actor=actor, at=now, alert=kind, reason=reason, **data)
    _queue_email(alert)
    return alert


def scan(*, now: dt.datetime | None = None) -> list[Alert]:
    """Raise every threshold passed by a leg under way on a mission under way."""
    now = now or timezone.now()
    raised = []
    for level, after in sorted(thresholds().items()):
        due = (
            Leg.objects.filter(
                status=LegStatus.UNDER_WAY,
                mission__status=MissionStatus.UNDER_WAY,
                alert_level__lt=level,
                due_at__lt=now - after,
            )
            .order_by("due_at")
            .values_list("pk", "due_at")
        )
        for leg_id, due_at in due:
            alert = _raise_silence(leg_id=leg_id, due_at=due_at, level=level, now=now)
            if alert is not None:
                raised.append(alert)
    return raised


@transaction.atomic
def _raise_silence(*, leg_id: int, due_at: dt.datetime, level: int, now: dt.datetime):
    won = Leg.objects.filter(
        pk=leg_id, status=LegStatus.UNDER_WAY, alert_level__lt=level, due_at=due_at
    ).update(alert_level=level)
    if not won:
        return None  # another scanner, or a check-in, got there first
    leg = Leg.objects.select_related("mission").get(pk=leg_id)
    mission = leg.mission
    Mission.objects.filter(pk=mission.pk, silence__lt=level).update(
        silence=level, updated_at=timezone.now()
    )
    kind = SILENCE_ALERTS[level]
    # ``now`` decides which thresholds have passed (a drill may scan as of a later time);
    # the alert and its timeline entry are stamped with the real time they were raised.
    alert = Alert.objects.create(
        mission=mission,
        leg=leg,
        kind=kind,
        level=level,
        deadline=due_at,
        created_at=timezone.now(),
    )
    silent_for = int((now - due_at).total_seconds() // 60)
    event(
        mission,
        "alert",
        actor="watch",
        alert=kind,
        leg=leg.position,
        minutes_past_due=silent_for,
    )
    if level == Silence.SILENT:
        _prepare_urgent_case(mission=mission, now=timezone.now())
    record(
        actor="watch",
        action="rescue.alert_raised",
        target=mission,
        data={"kind": kind, "leg": leg.position, "minutes_past_due": silent_for},
    )
    _queue_email(alert)
    return alert


def _prepare_urgent_case(*, mission: Mission, now: dt.datetime) -> UrgentCaseDraft:
    draft, created = UrgentCaseDraft.objects.get_or_create(
        mission=mission, defaults={"created_at": now}
    )
    people = [t.person_id for t in mission.travellers.filter(outcome=Outcome.TRAVELLING)]
    draft.people.add(*people)
    if created:
        event(mission, "urgent_case_drafted", actor="watch", at=now, people=len(people))
    return draft


@transaction.atomic
def acknowledge(*, actor, alert: Alert) -> Alert:
    """Someone has seen the alert and is on it; it leaves the top of the board."""
    if alert.acknowledged_at is None:
        alert.acknowledged_at = timezone.now()
        alert.acknowledged_by = actor
        alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
        event(alert.mission, "alert_acknowledged", actor=actor, alert=alert.kind)
        record(
            actor=actor,
            action="rescue.alert_acknowledged",
            target=alert.mission,
            data={"kind": alert.kind},
        )
    return alert
