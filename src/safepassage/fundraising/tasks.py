"""Background work for fundraising: news to sponsors, pledge reminders, giving out shares."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from safepassage import faults
from safepassage.audit.context import request_id_scope

# NewsDelivery.outcome while a worker holds the delivery (see send_news).
SENDING = "sending"


def _address(donor, reason: str) -> str | None:
    """The donor's e-mail (revealed with an audit entry), or None."""
    from safepassage.vault import services as vault
    from safepassage.vault.errors import VaultError

    if not donor.email.is_set:
        return None
    try:
        return vault.reveal(record_obj=donor, field_name="email", actor="worker", reason=reason)
    except VaultError:
        return None


def _testimony_texts(codes: list[str]) -> list[str]:
    """The edited texts of the testimonies whose consent covers donors *today*: a consent
    withdrawn since the news was made stops the text here too."""
    from safepassage.cases.selectors import publishable
    from safepassage.vault import services as vault
    from safepassage.vault.errors import VaultError

    texts = []
    for testimony in publishable("donors").filter(code__in=codes).order_by("created_at"):
        try:
            text = vault.reveal(
                record_obj=testimony,
                field_name="publishable_text",
                actor="worker",
                reason="testimony for sponsors",
            )
        except VaultError:
            continue
        if text:
            texts.append(text)
    return texts


@task
def send_news(*, delivery_id: int) -> dict:
    """E-mail one piece of news to one sponsor, in their language: the generalised profile,
    what happened, and a fresh link to their page. Never a name, a code, a place or a date
    of the journey."""
    from safepassage.fundraising import profiles
    from safepassage.fundraising.models import NewsDelivery, NewsKind, Sponsor
    from safepassage.fundraising.services import sponsors
    from safepassage.funds.services import receipts

    # The claim commits before the message goes: a task run again (a second worker, a
    # re-queued task after a worker died) finds it taken and sends nothing. A worker killed
    # between the claim and the send leaves "sending": the sponsor may have had it, so it is
    # not sent again by itself.
    claimed = (
        NewsDelivery.objects.filter(pk=delivery_id, sent_at__isnull=True)
        .exclude(outcome=SENDING)
        .update(outcome=SENDING)
    )
    delivery = (
        NewsDelivery.objects.select_related("news__share", "donor").filter(pk=delivery_id).first()
    )
    if not claimed or delivery is None:
        return {"sent": False, "reason": "gone or sent"}
    with request_id_scope():
        donor = receipts.addressee(delivery.donor)
        address = _address(donor, "news for a sponsor")
        if address is None:
            NewsDelivery.objects.filter(pk=delivery.pk).update(outcome="no e-mail")
            return {"sent": False, "reason": "no e-mail"}
        news = delivery.news
        sponsor = Sponsor.objects.filter(donor=donor).first()
        link = ""
        if sponsor is not None:
            token = sponsors.page_link(sponsor=sponsor)
            link = settings.BASE_URL + reverse("sponsor-page", args=[token])
        language = donor.language
        with translation.override(language):
            context = {
                "news": news,
                "kind": news.kind,
                "kinds": NewsKind,
                "who": profiles.describe(news.profile),
                "has_profile": bool(news.profile),
                "testimonies": _testimony_texts(news.testimonies),
                "link": link,
                "organisation": settings.ORGANISATION_NAME,
            }
            subject = render_to_string("fundraising/email/news_subject.txt", context).strip()
            body = render_to_string("fundraising/email/news.txt", context)
        try:
            EmailMultiAlternatives(
                subject=subject, body=body, to=[address], headers={"Content-Language": language}
            ).send()
        except Exception:
            # Refused by the mail server: not sent, so a later run may try again.
            NewsDelivery.objects.filter(pk=delivery.pk).update(outcome="")
            raise
        faults.point("fundraising.news.sent")
        NewsDelivery.objects.filter(pk=delivery.pk).update(sent_at=timezone.now(), outcome="sent")
    return {"sent": True, "kind": news.kind}


@task
def send_pledge_reminder(*, reminder_id: int) -> dict:
    """Remind a donor of an instalment coming due (or overdue), in their language."""
    from safepassage.base import money
    from safepassage.fundraising.models import PledgeReminder
    from safepassage.fundraising.services import pledges
    from safepassage.funds.services import receipts

    reminder = PledgeReminder.objects.select_related("pledge__donor").filter(pk=reminder_id).first()
    if reminder is None or reminder.sent_at is not None:
        return {"sent": False, "reason": "gone or sent"}
    pledge = reminder.pledge
    due = next((i for i in pledges.schedule(pledge) if i.number == reminder.instalment), None)
    if due is None or due.paid or pledge.status != pledge.Status.ACTIVE:
        PledgeReminder.objects.filter(pk=reminder.pk).update(outcome="paid")
        return {"sent": False, "reason": "paid"}
    with request_id_scope():
        donor = receipts.addressee(pledge.donor)
        if not donor.consent_to_contact:
            PledgeReminder.objects.filter(pk=reminder.pk).update(outcome="no consent")
            return {"sent": False, "reason": "no consent"}
        address = _address(donor, "pledge reminder")
        if address is None:
            PledgeReminder.objects.filter(pk=reminder.pk).update(outcome="no e-mail")
            return {"sent": False, "reason": "no e-mail"}
        with translation.override(donor.language):
            context = {
                "number": due.number,
                "count": pledge.instalments,
                "due_on": due.due_on,
                "amount": money.display(due.owed_minor, pledge.currency, donor.language),
                "total": money.display(pledge.total_minor, pledge.currency, donor.language),
                "paid": money.display(pledge.paid_minor, pledge.currency, donor.language),
                "overdue": due.due_on < timezone.localdate(),
                "organisation": settings.ORGANISATION_NAME,
            }
            subject = render_to_string("fundraising/email/reminder_subject.txt", context).strip()
            body = render_to_string("fundraising/email/reminder.txt", context)
        EmailMultiAlternatives(
            subject=subject, body=body, to=[address], headers={"Content-Language": donor.language}
        ).send()
        PledgeReminder.objects.filter(pk=reminder.pk).update(sent_at=timezone.now(), outcome="sent")
    return {"sent": True, "instalment": due.number}


@task
def assign_shares() -> int:
    """Give funded shares to people who became eligible; returns how many were given."""
    from safepassage.fundraising.services import share_assignment

    with request_id_scope("hope"):
        return share_assignment.assign_waiting(actor="worker")


@task
def remind_pledges() -> int:
    """Daily: queue reminders for instalments due within three days or overdue."""
    from safepassage.base import schedule
    from safepassage.fundraising.services import pledges

    with request_id_scope("pledges"):
        made = pledges.reminders_due()
    schedule.queue_next("safepassage.fundraising.tasks.remind_pledges")
    return len(made)
