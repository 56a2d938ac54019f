"""The reports' background work (rendering, e-mail to subscribers): tasks call services.

Confirmation e-mails go on a queue of their own (``CONFIRMATION_QUEUE``) with a high
priority, report e-mails on ``REPORT_QUEUE`` with a low one: a worker that takes every
queue (``safepassage worker``, the default) always picks a waiting confirmation before the
next report e-mail, and a deployment may run a worker for confirmations alone
(``safepassage worker --queue-name mail-urgent``), so a release to many subscribers
never keeps someone waiting for the link they just asked for. Both queues are named in
``settings.TASKS``.
"""

from __future__ import annotations

import smtplib

from django.tasks import task
from django.utils import timezone

from safepassage import faults
from safepassage.audit.context import request_id_scope
from safepassage.reports import email
from safepassage.reports.models import Subscriber
from safepassage.reports.services import subscriptions
from safepassage.vault import services as vault
from safepassage.vault.errors import VaultError

CONFIRMATION_QUEUE = "mail-urgent"
REPORT_QUEUE = "mail-bulk"


def _address(subscriber: Subscriber, reason: str) -> str | None:
    if not subscriber.email.is_set:
        return None
    try:
        return vault.reveal(
            record_obj=subscriber, field_name="email", actor="worker", reason=reason
        )
    except VaultError:
        return None


@task(queue_name=CONFIRMATION_QUEUE, priority=50)
def send_confirmation(*, subscriber_id: str) -> dict:
    """E-mail a confirmation link to someone who asked for the reports. Fresh tokens are
    made here, in the worker, so no link ever sits in a task's stored arguments."""
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:
        return {"sent": False, "reason": "gone"}
    with request_id_scope():
        links = subscriptions.confirmation_links(subscriber=subscriber)
        if links is None:
            return {"sent": False, "reason": "not needed"}
        address = _address(subscriber, "subscription confirmation e-mail")
        if address is None:
            return {"sent": False, "reason": "no e-mail"}
        confirm_token, unsubscribe_token = links
        email.confirmation_message(
            address=address,
            language=subscriber.language,
            confirm_token=confirm_token,
            unsubscribe_token=unsubscribe_token,
        ).send()
    return {"sent": True}


# Refusals that prove the message was not taken, so it may be tried again (or, for 5xx
# about the address itself, that the address bounced). Anything else (a connection that
# breaks after the message was handed over, a timeout) leaves it unknown: not retried.
_NOT_TAKEN = (
    smtplib.SMTPConnectError,
    smtplib.SMTPHeloError,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPAuthenticationError,
    smtplib.SMTPNotSupportedError,
    ConnectionRefusedError,
)


@task(queue_name=REPORT_QUEUE, priority=-20)
def send_report(*, delivery_id: str) -> dict:
    """E-mail one release to one subscriber, at most once.

    The delivery is claimed (queued → sending, committed) before anything else, so a task
    run again finds nothing to do; the subscriber is checked again now, so an address that
    unsubscribed or bounced since the release was queued gets nothing. A refusal that
    proves the message was not taken queues it again later; a permanent refusal of the
    address marks it bounced.
    """
    delivery = subscriptions.claim_delivery(delivery_id=delivery_id)
    if delivery is None:
        return {"sent": False, "reason": "not queued"}
    with request_id_scope():
        subscriber = delivery.subscriber
        if subscriber.unsubscribed_at is not None or not subscriber.email.is_set:
            subscriptions.delivery_skipped(delivery=delivery, outcome="unsubscribed")
            return {"sent": False, "reason": "unsubscribed"}
        if subscriber.bounced_at is not None or subscriber.confirmed_at is None:
            subscriptions.delivery_skipped(delivery=delivery, outcome="bounced")
            return {"sent": False, "reason": "bounced"}
        address = _address(subscriber, "report e-mail")
        if address is None:
            subscriptions.delivery_skipped(delivery=delivery, outcome="unreadable")
            return {"sent": False, "reason": "unreadable"}
        message = email.report_message(
            snapshot=delivery.release.snapshot,
            address=address,
            language=subscriber.language,
            unsubscribe_token=subscriptions.delivery_link(delivery=delivery),
            key=str(delivery.pk),
        )
        try:
            message.send()
        except smtplib.SMTPRecipientsRefused as exc:
            code = next(iter(exc.recipients.values()), (0, b""))[0]
            permanent = 500 <= code < 600
            return _refused(
                delivery, retry=not permanent, bounced=permanent, outcome=f"refused {code}"
            )
        except smtplib.SMTPDataError as exc:
            temporary = 400 <= exc.smtp_code < 500
            return _refused(
                delivery, retry=temporary, bounced=False, outcome=f"data {exc.smtp_code}"
            )
        except _NOT_TAKEN as exc:
            return _refused(delivery, retry=True, bounced=False, outcome=type(exc).__name__)
        except (smtplib.SMTPException, OSError):
            subscriptions.delivery_unknown(delivery=delivery)
            raise
        faults.point("reports.report.sent")
        subscriptions.delivery_sent(delivery=delivery)
    return {"sent": True}


def _refused(delivery, *, retry: bool, bounced: bool, outcome: str) -> dict:
    again = subscriptions.delivery_refused(
        delivery=delivery, retry=retry, bounced=bounced, outcome=outcome
    )
    if again:
        send_report.using(
            run_after=timezone.now() + subscriptions.retry_after(delivery.attempts)
        ).enqueue(delivery_id=str(delivery.pk))
    return {"sent": False, "reason": "bounced" if bounced else "refused", "again": again}


@task
def purge_unconfirmed() -> int:
    """Erase the addresses of subscriptions left unconfirmed past their link's life
    (``services.subscriptions.purge_unconfirmed``), then queue the next run."""
    from safepassage.base import schedule

    with request_id_scope("subscriptions"):
        erased = subscriptions.purge_unconfirmed()
    schedule.queue_next("safepassage.reports.tasks.purge_unconfirmed")
    return erased
