"""How often the organisation publishes a report: the director sets it; the dashboard
warns when one is due and when it is overdue (``reports.selectors.due``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Cadence(models.Model):
    """One row: every ``months`` months a report covering them is due, ``grace_days``
    after the period's end; a report not published by then is overdue."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    months = models.PositiveSmallIntegerField(_("a report every (months)"), default=3)
    grace_days = models.PositiveSmallIntegerField(
        _("days after the period to publish it"), default=30
    )
    starts_on = models.DateField(
        _("first period starts on"),
        help_text=_("The first day of the first period the schedule counts from."),
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("report schedule")
        verbose_name_plural = _("report schedules")
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="reports_cadence_one_row"),
            models.CheckConstraint(
                condition=models.Q(months__gte=1, months__lte=12),
                name="reports_cadence_months_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"every {self.months} months"
