"""Campaigns, volunteer team pages and events, with the Hope Sharing fields."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safepassage.base.money_fields import CurrencyField, MinorUnitsField
from safepassage.funds.models.donors import Donor


class CampaignKind(models.TextChoices):
    CAMPAIGN = "campaign", _("Campaign")
    TEAM = "team", _("Volunteer team page")
    EVENT = "event", pgettext_lazy("kind of campaign", "Event")


class Campaign(models.Model):
    """A fundraising campaign, a volunteer team's page under one, or an event's takings.

    Campaigns nest (``parent``): what a team page or an event raises also counts for the
    campaign above it. A campaign marked ``hope_sharing`` (or under one) turns its gifts
    into rescue shares (see ``fundraising``). Goals are in any currency; progress is read
    from the gifts' base amounts (see ``fundraising.selectors.progress``).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(
        _("kind"), max_length=10, choices=CampaignKind.choices, default=CampaignKind.CAMPAIGN
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    description = models.TextField(
        _("public description"),
        blank=True,
        help_text=_("Shown on the public page: never a name, a place or a date of a journey."),
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    goal_currency = CurrencyField(_("goal currency"), blank=True)
    goal_minor = MinorUnitsField(_("goal"), null=True, blank=True)
    rescues_target = models.PositiveIntegerField(_("rescues to fund"), null=True, blank=True)
    hope_sharing = models.BooleanField(
        _("Hope Sharing"),
        default=False,
        help_text=_("Gifts to this campaign, and to those under it, fund rescue shares."),
    )
    fundraiser = models.ForeignKey(
        Donor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("soft credit to"),
        help_text=_("The volunteer or team credited with what this page raises."),
    )
    public = models.BooleanField(_("public page"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(goal_minor__isnull=True)
                | models.Q(goal_minor__gt=0, goal_currency__gt=""),
                name="funds_campaign_goal_has_currency",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="funds_campaign_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name
