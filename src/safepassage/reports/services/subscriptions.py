"""Subscriptions to the published reports, and sending each release to the subscribers.

Double opt-in: ``subscribe`` only asks for a confirmation e-mail; the address receives
reports once the person behind it presses the button on the page its link opens
(``confirm``, a POST: a mail scanner that follows links changes nothing). ``subscribe``
answers the same whatever the address (new, waiting, confirmed): the page cannot tell
anyone who subscribed, and one address gets at most one confirmation every
``CONFIRM_RESEND_MINUTES``.

Every e-mail carries its own unsubscribe link (RFC 8058 one-click, ``unsubscribe``), whose
token is stored only as a keyed hash (``reports.tokens``). Unsubscribing erases the
address. ``deliver_release`` makes one ``Delivery`` per release and subscriber (once: the
pair is unique) and queues its e-mail (``reports.tasks.send_report``), which is sent at
most once (see ``claim_delivery``).

Audit entries name the subscriber by its row, never by its address. The public's own
actions are audited as ``PUBLIC``; the worker's as "worker".
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from safepassage.audit.chain import record
from safepassage.base.tasks import enqueue_on_commit
from safepassage.reports import tokens
from safepassage.reports.models import (
    Audience,
    Delivery,
    DeliveryState,
    Release,
    ReleaseKind,
    Subscriber,
)
from safepassage.vault import records

PUBLIC = "public"
CONFIRM_RESEND_MINUTES = 10
CONFIRM_VALID_DAYS = 7
# Attempts at one report e-mail when the mail server answers "try later" (4xx) or cannot
# be reached; each waits longer (``retry_after``).
MAX_ATTEMPTS = 4
LANGUAGES = ("ko", "en")
# The kinds of release that go to subscribers. A retraction is a ledger entry; telling
# subscribers of one is a message of its own, not yet written.
MAILED_KINDS = (ReleaseKind.PUBLISHED, ReleaseKind.CORRECTION)

SEND_CONFIRMATION = "safepassage.reports.tasks.send_confirmation"
SEND_REPORT = "safepassage.reports.tasks.send_report"


# ---------------------------------------------------------------------------------------
# Subscribing


def subscribe(*, email: str, language: str) -> None:
    """Ask for the reports at ``email``; a confirmation e-mail is queued if one is due.

    Returns nothing, and raises only for an address that is not one (``ValidationError``),
    so no caller can learn whether ``email`` was already subscribed.
    """
    email = email.strip()
    validate_email(email)
    if language not in LANGUAGES:
        raise ValidationError("unknown language", code="language")
    with transaction.atomic():
        subscriber = _find(email)
        if subscriber is None:
            try:
                with transaction.atomic():
                    subscriber = Subscriber(language=language, confirm_requested_at=timezone.now())
                    subscriber.email = email
                    subscriber.save()
            except IntegrityError:
                # The same address subscribed at the same moment: that request won.
                subscriber = _find(email)
                if subscriber is None:
                    raise
            else:
                record(
                    actor=PUBLIC,
                    action="reports.subscriber_added",
                    target=subscriber,
                    data={"language": language},
                )
                enqueue_on_commit(SEND_CONFIRMATION, subscriber_id=str(subscriber.pk))
                return
        _ask_again(subscriber, language)


def _find(email: str) -> Subscriber | None:
    return records.filter_by(Subscriber.objects.select_for_update(), "email", email).first()


def _ask_again(subscriber: Subscriber, language: str) -> None:
    """A known address asked again: a new confirmation unless it already receives the
    reports or one went out a moment ago. Its language changes only while unconfirmed
    (anyone may type anyone's address)."""
    if subscriber.receives_reports:
        return
    now = timezone.now()
    last = subscriber.confirm_requested_at
    if last is not None and now - last < dt.timedelta(minutes=CONFIRM_RESEND_MINUTES):
        return
    subscriber.confirm_requested_at = now
    fields = ["confirm_requested_at", "updated_at"]
    if subscriber.confirmed_at is None:
        subscriber.language = language
        fields.append("language")
    subscriber.save(update_fields=fields)
    record(
        actor=PUBLIC,
        action="reports.confirmation_requested",
        target=subscriber,
        data={"language": subscriber.language},
    )
    enqueue_on_commit(SEND_CONFIRMATION, subscriber_id=str(subscriber.pk))


def confirmation_links(*, subscriber: Subscriber) -> tuple[str, str] | None:
    """Fresh tokens for a confirmation e-mail: (confirm, unsubscribe), or None if the
    subscriber needs none (already receiving reports, or the address erased). Earlier
    confirmation links stop working; only the tokens' keyed hashes are kept."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(pk=subscriber.pk).first()
        if subscriber is None or subscriber.receives_reports or not subscriber.email.is_set:
            return None
        confirm, unsubscribe = tokens.new_token(), tokens.new_token()
        subscriber.confirm_digest = tokens.confirm_digest(confirm)
        subscriber.unsubscribe_digest = tokens.unsubscribe_digest(unsubscribe)
        subscriber.confirm_sent_at = timezone.now()
        subscriber.save(
            update_fields=["confirm_digest", "unsubscribe_digest", "confirm_sent_at", "updated_at"]
        )
    return confirm, unsubscribe


def by_confirm_token(token: str) -> Subscriber | None:
    """The subscriber a confirmation link is for, while it is valid; else None."""
    if not tokens.looks_like_token(token):
        return None
    wanted = tokens.confirm_digest(token)
    subscriber = Subscriber.objects.filter(confirm_digest=wanted).first()
    if subscriber is None or not tokens.same(subscriber.confirm_digest, wanted):
        return None
    sent = subscriber.confirm_sent_at
    if sent is None or timezone.now() - sent > dt.timedelta(days=CONFIRM_VALID_DAYS):
        return None
    if subscriber.unsubscribed_at is not None or not subscriber.email.is_set:
        return None
    return subscriber


def confirm(*, token: str) -> Subscriber | None:
    """Confirm the subscription a valid confirmation link is for (pressing its button).

    Idempotent: confirming twice keeps the first time. A confirmation also ends an earlier
    bounce: the address has just shown it receives mail. None for a link that is not (or
    no longer) valid."""
    with transaction.atomic():
        found = by_confirm_token(token)
        if found is None:
            return None
        subscriber = Subscriber.objects.select_for_update().get(pk=found.pk)
        if subscriber.confirmed_at is not None and subscriber.bounced_at is None:
            return subscriber
        subscriber.confirmed_at = subscriber.confirmed_at or timezone.now()
        subscriber.bounced_at = None
        subscriber.save(update_fields=["confirmed_at", "bounced_at", "updated_at"])
        record(actor=PUBLIC, action="reports.subscription_confirmed", target=subscriber)
    return subscriber


# ---------------------------------------------------------------------------------------
# Unsubscribing, bounces


def purge_unconfirmed(*, now: dt.datetime | None = None) -> int:
    """Erase the addresses of subscriptions nobody confirmed while the link was valid.

    Anyone may type anyone's address, so an unconfirmed one is kept only as long as its
    confirmation link lives (``CONFIRM_VALID_DAYS`` after it was last asked for); then
    it is erased as an unsubscribe erases it, and a later subscription of the same
    address starts afresh. Confirmed, unsubscribed and already erased rows are left as
    they are. Returns how many were erased; one audit entry each, naming the row.
    """
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=CONFIRM_VALID_DAYS)
    expired = Subscriber.objects.filter(
        confirmed_at__isnull=True,
        unsubscribed_at__isnull=True,
        email_bidx__isnull=False,
        confirm_requested_at__lt=cutoff,
    ).values_list("pk", flat=True)
    erased = 0
    for pk in list(expired):
        with transaction.atomic():
            subscriber = (
                Subscriber.objects.select_for_update()
                .filter(pk=pk, confirmed_at__isnull=True, confirm_requested_at__lt=cutoff)
                .first()
            )
            if subscriber is None or not subscriber.email.is_set:
                continue  # confirmed or asked again meanwhile
            subscriber.email = None
            subscriber.confirm_digest = None
            subscriber.unsubscribe_digest = None
            subscriber.save(
                update_fields=["email", "confirm_digest", "unsubscribe_digest", "updated_at"]
            )
            record(
                actor="worker",
                action="reports.subscription_expired",
                target=subscriber,
                data={"after_days": CONFIRM_VALID_DAYS},
            )
            erased += 1
    return erased


def by_unsubscribe_token(token: str) -> Subscriber | None:
    """The subscriber an unsubscribe link is for (any e-mail's), or None."""
    if not tokens.looks_like_token(token):
        return None
    wanted = tokens.unsubscribe_digest(token)
    delivery = Delivery.objects.select_related("subscriber").filter(unsubscribe_digest=wanted)
    found = delivery.first()
    if found is not None and tokens.same(found.unsubscribe_digest, wanted):
        return found.subscriber
    subscriber = Subscriber.objects.filter(unsubscribe_digest=wanted).first()
    if subscriber is not None and tokens.same(subscriber.unsubscribe_digest, wanted):
        return subscriber
    return None


def unsubscribe(*, token: str) -> Subscriber | None:
    """Stop the reports to the subscriber of an unsubscribe link, and erase the address.

    No session needed: the token is the proof (RFC 8058 one-click). Idempotent; the link
    keeps answering, so a second press says "unsubscribed" again. None for a made-up link.
    """
    with transaction.atomic():
        found = by_unsubscribe_token(token)
        if found is None:
            return None
        subscriber = Subscriber.objects.select_for_update().get(pk=found.pk)
        if subscriber.unsubscribed_at is not None:
            return subscriber
        subscriber.unsubscribed_at = timezone.now()
        subscriber.confirm_digest = None
        # Erased, not just flagged: nothing is ever sent to it again, and a later
        # subscription of the same address starts afresh with its own confirmation.
        subscriber.email = None
        subscriber.save(update_fields=["unsubscribed_at", "confirm_digest", "email", "updated_at"])
        skipped = Delivery.objects.filter(subscriber=subscriber, state=DeliveryState.QUEUED).update(
            state=DeliveryState.SKIPPED, outcome="unsubscribed", updated_at=timezone.now()
        )
        record(
            actor=PUBLIC,
            action="reports.unsubscribed",
            target=subscriber,
            data={"queued_skipped": skipped},
        )
    return subscriber


@transaction.atomic
def mark_bounced(*, subscriber: Subscriber, actor, reason: str) -> Subscriber:
    """The address bounced (refused by its mail server, or a bounce message came back):
    no more reports until it confirms again. ``reason`` is a short code ("refused",
    "bounce")."""
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    if subscriber.bounced_at is not None:
        return subscriber
    subscriber.bounced_at = timezone.now()
    subscriber.save(update_fields=["bounced_at", "updated_at"])
    record(
        actor=actor, action="reports.subscriber_bounced", target=subscriber, data={"reason": reason}
    )
    return subscriber


def mark_bounced_address(*, email: str, actor, reason: str) -> bool:
    """``mark_bounced`` for an address (a bounce message names one), found by its blind
    index; False if no subscriber has it."""
    subscriber = records.filter_by(Subscriber.objects.all(), "email", email).first()
    if subscriber is None:
        return False
    mark_bounced(subscriber=subscriber, actor=actor, reason=reason)
    return True


# ---------------------------------------------------------------------------------------
# Sending a release


@transaction.atomic
def deliver_release(*, release: Release, actor) -> int:
    """Queue ``release``'s e-mail to every subscriber who receives reports now; returns
    how many were queued.

    Call in the transaction that publishes it: the e-mails are queued when it commits.
    Idempotent: a subscriber who already has a delivery of this release gets no second
    one. Only public reports, and only published releases and corrections, are mailed.
    """
    report = release.report
    snapshot_report = (release.snapshot or {}).get("report", {})
    if release.kind not in MAILED_KINDS or report.audience != Audience.PUBLIC:
        return 0
    if snapshot_report.get("draft"):
        raise ValueError("a draft's snapshot is never mailed")
    receiving = (
        Subscriber.objects.filter(
            audience=Audience.PUBLIC,
            confirmed_at__isnull=False,
            unsubscribed_at__isnull=True,
            bounced_at__isnull=True,
            email_bidx__isnull=False,
        )
        .exclude(deliveries__release=release)
        .values_list("pk", flat=True)
    )
    made = [Delivery(subscriber_id=pk, release=release) for pk in receiving]
    Delivery.objects.bulk_create(made, ignore_conflicts=True, batch_size=500)
    # With ignore_conflicts a row that lost a race keeps its unsaved id: read back.
    queued = list(Delivery.objects.filter(pk__in=[d.pk for d in made]).values_list("pk", flat=True))
    for pk in queued:
        enqueue_on_commit(SEND_REPORT, delivery_id=str(pk))
    record(
        actor=actor,
        action="reports.release_mailed",
        target=release,
        data={"deliveries": len(queued)},
    )
    return len(queued)


def claim_delivery(*, delivery_id: str) -> Delivery | None:
    """Take a queued delivery for sending, or None if it is not queued (sent, being sent,
    skipped, failed, gone).

    At most once: the claim commits before the message goes (autocommit, one UPDATE that
    only a queued row matches), so a task run twice, by two workers or after a restart,
    finds it taken. A worker that dies between sending and ``delivery_sent`` leaves it
    "sending": the subscriber may have had it, so it is never sent again by itself (an
    e-mail missed beats one sent twice; its Message-ID is the delivery's, so a copy that
    did go out twice would be recognisable as one message).
    """
    claimed = Delivery.objects.filter(pk=delivery_id, state=DeliveryState.QUEUED).update(
        state=DeliveryState.SENDING, attempts=F("attempts") + 1, updated_at=timezone.now()
    )
    if not claimed:
        return None
    return (
        Delivery.objects.select_related("subscriber", "release__report")
        .filter(pk=delivery_id)
        .first()
    )


def delivery_link(*, delivery: Delivery) -> str:
    """A fresh unsubscribe token for this e-mail; only its keyed hash is kept."""
    token = tokens.new_token()
    Delivery.objects.filter(pk=delivery.pk).update(
        unsubscribe_digest=tokens.unsubscribe_digest(token), updated_at=timezone.now()
    )
    return token


def delivery_sent(*, delivery: Delivery) -> None:
    now = timezone.now()
    Delivery.objects.filter(pk=delivery.pk, state=DeliveryState.SENDING).update(
        state=DeliveryState.SENT, sent_at=now, outcome="", updated_at=now
    )


def delivery_skipped(*, delivery: Delivery, outcome: str) -> None:
    """Not sent, and never will be: the subscriber stopped receiving reports since."""
    Delivery.objects.filter(pk=delivery.pk, state=DeliveryState.SENDING).update(
        state=DeliveryState.SKIPPED, outcome=outcome, updated_at=timezone.now()
    )


def delivery_refused(*, delivery: Delivery, retry: bool, bounced: bool, outcome: str) -> bool:
    """The mail server did not take the message. ``bounced``: it refused the address for
    good, so the subscriber is marked bounced. ``retry``: it may take it later, so the
    delivery is queued again while attempts remain. Returns True if it was queued again
    (the caller queues its task, later)."""
    again = retry and not bounced and delivery.attempts < MAX_ATTEMPTS
    Delivery.objects.filter(pk=delivery.pk, state=DeliveryState.SENDING).update(
        state=DeliveryState.QUEUED if again else DeliveryState.FAILED,
        outcome=outcome[:20],
        updated_at=timezone.now(),
    )
    if bounced:
        mark_bounced(subscriber=delivery.subscriber, actor="worker", reason="refused")
    return again


def delivery_unknown(*, delivery: Delivery) -> None:
    """The connection broke while the message was on its way: it may have arrived, so it
    is not tried again (at most once)."""
    Delivery.objects.filter(pk=delivery.pk, state=DeliveryState.SENDING).update(
        state=DeliveryState.FAILED, outcome="unknown", updated_at=timezone.now()
    )


def retry_after(attempts: int) -> dt.timedelta:
    """How long a refused delivery waits before its next attempt: 5, 20, 45 minutes."""
    return dt.timedelta(minutes=5 * attempts * attempts)
