"""Subscriptions to published reports, and each report's e-mail to each subscriber.

A subscriber is an e-mail address, sealed by the vault with a blind index (as a donor's),
so a database dump holds no address and a second subscription of one address still finds
the first. The secrets in the confirmation and unsubscribe links are kept only as keyed
hashes (``reports.tokens``): a dump opens no link.

An address that unsubscribes is erased at once (its sealed value and its index emptied);
the row stays, without the address, so its deliveries and audit entries keep their target.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safepassage.reports.models.releases import Release
from safepassage.reports.models.reports import Audience
from safepassage.vault.fields import ProtectedField
from safepassage.vault.models import VaultRecord


def normalise_email(value: str) -> str:
    """As a donor's e-mail is normalised, so one address is one index whatever its case."""
    return value.strip().casefold()


class Subscriber(VaultRecord):
    """Someone who asked for the reports by e-mail: double opt-in, one-click unsubscribe.

    Receives reports while ``confirmed_at`` is set and neither ``unsubscribed_at`` nor
    ``bounced_at`` is. ``confirm_requested_at`` is when a confirmation was last asked for,
    so repeated requests for one address send at most one e-mail every few minutes.
    """

    email = ProtectedField(_("e-mail"), blind_index=True, normalise=normalise_email)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="ko"
    )
    # Only public reports for now: a donors' report goes to donors, never to an address
    # that anyone may type.
    audience = models.CharField(
        _("audience"), max_length=10, choices=Audience.choices, default=Audience.PUBLIC
    )
    confirm_digest = models.CharField(max_length=64, null=True, blank=True, unique=True)
    confirm_requested_at = models.DateTimeField(null=True, blank=True)
    confirm_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The unsubscribe link of the confirmation e-mail; each report e-mail has its own
    # (``Delivery.unsubscribe_digest``), so every message ever sent keeps a working link.
    unsubscribe_digest = models.CharField(max_length=64, null=True, blank=True, unique=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    bounced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        constraints = [
            # One row per address (an erased address has no index, and NULLs never clash):
            # two subscriptions of one address at once cannot make two subscribers.
            models.UniqueConstraint(fields=["email_bidx"], name="reports_subscriber_one_per_email")
        ]

    def __str__(self) -> str:
        return f"subscriber {self.code}"

    @property
    def receives_reports(self) -> bool:
        return (
            self.confirmed_at is not None
            and self.unsubscribed_at is None
            and self.bounced_at is None
            and self.email.is_set
        )


class DeliveryState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Not sent (unsubscribed or bounced since)")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """One release's e-mail to one subscriber: made once (the pair is unique), sent at most
    once (``reports.tasks.send_report`` claims it before sending)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subscriber = models.ForeignKey(Subscriber, on_delete=models.PROTECT, related_name="deliveries")
    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="deliveries")
    state = models.CharField(
        max_length=10, choices=DeliveryState.choices, default=DeliveryState.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    # Why it was skipped or failed, as a code ("unsubscribed", "bounced", "refused").
    outcome = models.CharField(max_length=20, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    unsubscribe_digest = models.CharField(max_length=64, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("report e-mail")
        verbose_name_plural = _("report e-mails")
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "release"], name="reports_delivery_once_per_release"
            ),
            models.CheckConstraint(
                condition=~models.Q(state="sent") | models.Q(sent_at__isnull=False),
                name="reports_delivery_sent_has_a_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.release_id} → {self.subscriber_id} {self.state}"
