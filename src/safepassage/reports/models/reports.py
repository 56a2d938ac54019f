"""A report and its sections: what the author chooses and writes; every figure in it is
computed from the records when it is composed (``reports.compose``), never typed."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from safepassage.base.money_fields import CurrencyField


class Audience(models.TextChoices):
    PUBLIC = "public", _("The public")
    DONORS = "donors", _("Donors")
    CHANNEL = "channel", _("Donors of one channel")


class Language(models.TextChoices):
    KOREAN = "ko", _("Korean")
    ENGLISH = "en", _("English")
    BOTH = "both", _("Korean and English")


class ReportState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
    RETRACTED = "retracted", _("Retracted")


class SectionKind(models.TextChoices):
    HEADLINE = "headline", _("Headline figures")
    PER_MONTH = "per_month", _("Rescued per month")
    WHO = "who", _("Who was rescued")
    WHERE = "where", _("Where they came from")
    MONEY = "money", _("Money raised and spent")
    HOPE = "hope", _("Matching and Hope Sharing")
    LIST = "list", _("The list of people rescued")
    TESTIMONIES = "testimonies", _("Messages from rescued people")
    TEXT = "text", _("Text")
    PHOTO = "photo", _("Photo")


class Report(models.Model):
    """One report to donors or the public over a period of whole months.

    ``state`` moves only through ``reports.services`` (draft → submitted → approved →
    published; returned to draft with a comment). A correction reopens a published report
    as a draft that says what ``changes``; publishing it adds a new version to the release
    ledger, and the earlier versions stay there (the public page shows the latest).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    audience = models.CharField(
        _("audience"), max_length=10, choices=Audience.choices, default=Audience.PUBLIC
    )
    channel = models.CharField(_("channel"), max_length=20, blank=True)
    language = models.CharField(
        _("language"), max_length=4, choices=Language.choices, default=Language.BOTH
    )
    base_currency = CurrencyField(_("currency of the money figures"))
    state = models.CharField(
        _("state"), max_length=10, choices=ReportState.choices, default=ReportState.DRAFT
    )
    # None: drafted on the command line (``safepassage reports draft``).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # What was approved, by hash: an edit after approval no longer matches, and publishing
    # refuses (the report goes back for review).
    approved_hash = models.CharField(max_length=64, blank=True)
    changes = models.TextField(_("what this correction changes"), blank=True)
    # The version the next release will be (1, then 2 after a correction is started).
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period_end", "-created_at"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="reports_report_period_in_order",
            ),
            models.CheckConstraint(
                condition=~models.Q(audience="channel") | models.Q(channel__gt=""),
                name="reports_report_channel_audience_names_a_channel",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reports:report", args=[self.slug])

    def languages(self) -> list[str]:
        return ["ko", "en"] if self.language == Language.BOTH else [self.language]


class Section(models.Model):
    """One section of a report, in the author's order, with the author's words around it."""

    id = models.BigAutoField(primary_key=True)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=12, choices=SectionKind.choices)
    heading_ko = models.CharField(_("heading (Korean)"), max_length=200, blank=True)
    heading_en = models.CharField(_("heading (English)"), max_length=200, blank=True)
    text_ko = models.TextField(_("text (Korean)"), blank=True)
    text_en = models.TextField(_("text (English)"), blank=True)
    # A photo for a photo section, as uploaded after its metadata was stripped.
    photo = models.BinaryField(null=True, blank=True, editable=False)
    photo_type = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["report", "position", "id"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "position"], name="reports_section_position_per_report"
            )
        ]

    def __str__(self) -> str:
        return f"{self.report_id} {self.position} {self.kind}"
