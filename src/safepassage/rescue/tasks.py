"""Background work for missions: the overdue scan and alert e-mails."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

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
    """E-mail one alert to each recipient in their language; returns how many were sent.

    The message holds the mission's code and what happened, never a place or a name.
    """
    from safepassage.rescue.models import Alert
    from safepassage.rescue.services import alerts

    alert = Alert.objects.select_related("mission", "leg", "check_in").filter(pk=alert_id).first()
    if alert is None or alert.emailed_at is not None or alert.acknowledged_at is not None:
        return 0  # gone, already sent, or someone is already on it
    link = settings.BASE_URL + reverse("rescue:mission", args=[alert.mission.code])
    sent = 0
    for user in alerts.recipients(alert):
        with translation.override(user.language):
            context = {
                "alert": alert,
                "mission": alert.mission,
                "duress": bool(alert.check_in_id and alert.check_in.duress),
                "link": link,
                "organisation": settings.ORGANISATION_NAME,
            }
            subject = render_to_string("rescue/email/alert_subject.txt", context).strip()
            body = render_to_string("rescue/email/alert.txt", context)
        EmailMultiAlternatives(subject=subject, body=body, to=[user.email]).send()
        sent += 1
    Alert.objects.filter(pk=alert.pk).update(emailed_at=timezone.now())
    return sent
