"""Alert e-mails: who receives each alert, and sending it to them.

The task ``rescue.tasks.send_alert`` calls ``send``; ``alerts`` queues that task once an
alert's transaction commits. The message holds the mission's code and what happened,
never a place or a name, nor a field partner's note (only that one is waiting).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from safepassage.rescue.models import Alert, AlertKind

# Who each alert goes to, by role, besides the mission's own coordinator.
RECIPIENT_ROLES = {
    AlertKind.OVERDUE: ("rescue_coordinator",),
    AlertKind.ESCALATED: ("rescue_coordinator", "director"),
    AlertKind.SILENT: ("rescue_coordinator", "director", "advocacy"),
    AlertKind.NEED_HELP: ("rescue_coordinator", "director"),
    AlertKind.COMPROMISED: ("rescue_coordinator", "director"),
    AlertKind.FLAGGED: ("rescue_coordinator",),
    AlertKind.HEAD_COUNT: ("rescue_coordinator", "director"),
}


def recipients(alert: Alert):
    users = get_user_model().objects.filter(is_active=True)
    by_role = users.filter(roles__code__in=RECIPIENT_ROLES[alert.kind])
    return (by_role | users.filter(pk=alert.mission.coordinator_id)).distinct().order_by("email")


def send(*, alert_id: str) -> int:
    """E-mail one alert to each recipient in their language; returns how many were sent.

    Sends nothing for an alert that is gone, already e-mailed, or already acknowledged
    (someone is on it), so running it twice is harmless.
    """
    alert = Alert.objects.select_related("mission", "leg", "check_in").filter(pk=alert_id).first()
    if alert is None or alert.emailed_at is not None or alert.acknowledged_at is not None:
        return 0
    link = settings.BASE_URL + reverse("rescue:mission", args=[alert.mission.code])
    sent = 0
    for user in recipients(alert):
        with translation.override(user.language):
            context = {
                "alert": alert,
                "mission": alert.mission,
                "duress": bool(alert.check_in_id and alert.check_in.duress),
                # That a note waits, never the note: it is sealed and read on the mission
                # page after an audited reveal (``rescue.note_views``).
                "note_waiting": bool(alert.check_in_id and alert.check_in.reason.is_set),
                "link": link,
                "organisation": settings.ORGANISATION_NAME,
            }
            subject = render_to_string("rescue/email/alert_subject.txt", context).strip()
            body = render_to_string("rescue/email/alert.txt", context)
        EmailMultiAlternatives(subject=subject, body=body, to=[user.email]).send()
        sent += 1
    Alert.objects.filter(pk=alert.pk).update(emailed_at=timezone.now())
    return sent
