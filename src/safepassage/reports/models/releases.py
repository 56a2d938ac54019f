"""The release ledger: every publication, figure by figure, kept for good.

A row is written once (``reports.services``) and never changed; the database refuses
UPDATE and DELETE on PostgreSQL (migration trigger). Every earlier row, a retracted
report's included, constrains what a later release may show (``reports.disclosure``).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safepassage.reports.models.reports import Report


class ReleaseKind(models.TextChoices):
    PUBLISHED = "published", _("Published")
    CORRECTION = "correction", _("Correction")
    RETRACTION = "retraction", _("Retraction")


class Release(models.Model):
    """One published version of a report: a frozen snapshot.

    ``snapshot`` is everything the page, the PDF, the feed and the e-mail show (figures,
    the list, testimonies by code, texts) in the published form; ``figures`` every
    published figure and every hidden cell as the disclosure control's ledger entries
    (their definitions over the records, and the published value or none);
    ``decisions`` what the control did and why; ``data_hash`` the records they came from.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="releases")
    kind = models.CharField(max_length=10, choices=ReleaseKind.choices)
    version = models.PositiveIntegerField()
    snapshot = models.JSONField(default=dict)
    figures = models.JSONField(default=list)
    decisions = models.JSONField(default=list)
    data_hash = models.CharField(max_length=64)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("release")
        verbose_name_plural = _("releases")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "version", "kind"], name="reports_release_once_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.report_id} v{self.version} {self.kind}"
