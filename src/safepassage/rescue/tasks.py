"""Background work for missions: the overdue scan and alert e-mails. Each task calls a
service; the services queue these tasks by their dotted path, never by importing them."""

from __future__ import annotations

from django.tasks import task

from safepassage.audit.context import request_id_scope


@task
def watch_missions() -> int:
    """Scan every leg under way for silence; returns how many alerts were raised."""
    from safepassage.base import schedule
    from safepassage.rescue.services import alerts

    with request_id_scope("watch"):
        raised = alerts.scan()
    schedule.queue_next("safepassage.rescue.tasks.watch_missions")
    return len(raised)


@task
def send_alert(*, alert_id: str) -> int:
    """E-mail one alert to each recipient in their language; returns how many were sent."""
    from safepassage.rescue.services import alert_emails

    return alert_emails.send(alert_id=alert_id)
