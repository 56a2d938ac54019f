"""The reports' reads. Pages reach them after the view checked the user's capability
(``reports.view``); reports have no per-object rule (whoever may see reports sees them
all), so the lists filter through the registry all the same."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from safepassage.accounts import permissions
from safepassage.reports.models import Cadence, Release, ReleaseKind, Report, ReportState


def reports(user) -> QuerySet[Report]:
    return permissions.visible(user, "reports.view", Report.objects.all()).select_related(
        "author", "approved_by"
    )


def report_for(user, slug: str, action: str = "reports.view") -> Report:
    """The report with this address, or 404 if it does not exist or ``user`` may not."""
    return permissions.get_or_404(
        user, action, Report.objects.select_related("author", "approved_by"), slug=slug
    )


def history(*, excluding_label: str = "") -> list[dict]:
    """Every ledger figure released so far, retracted reports' included, in release order:
    what the disclosure control must keep consistent. ``excluding_label``: the release
    being composed (its own figures, once published, are not its history)."""
    figures: list[dict] = []
    rows = Release.objects.exclude(kind=ReleaseKind.RETRACTION).order_by("created_at", "id")
    prefix = f"{excluding_label}:" if excluding_label else None
    for release in rows.only("id", "figures"):
        for figure in release.figures:
            if prefix and str(figure.get("id", "")).startswith(prefix):
                continue
            figures.append(figure)
    return figures


def latest_release(report: Report) -> Release | None:
    """The version the public sees: the latest published or corrected one."""
    return (
        report.releases.exclude(kind=ReleaseKind.RETRACTION).order_by("-created_at", "-id").first()
    )


def releases(report: Report) -> QuerySet[Release]:
    return report.releases.select_related("actor").order_by("created_at", "id")


# --- the schedule ----------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    """The period a report is due for, and when it is due (``due_on``) or overdue."""

    period_start: dt.date
    period_end: dt.date
    due_on: dt.date
    overdue: bool


def _add_months(day: dt.date, months: int) -> dt.date:
    total = day.year * 12 + day.month - 1 + months
    return dt.date(total // 12, total % 12 + 1, 1)


def due(*, today: dt.date | None = None) -> Due | None:
    """The first period of the cadence that has ended and has no published report covering
    its last month, if any: due from its end, overdue ``grace_days`` after."""
    cadence = Cadence.objects.filter(pk=1).first()
    if cadence is None:
        return None
    today = today or timezone.localdate()
    published_to = {
        end
        for end in Report.objects.filter(
            state__in=[ReportState.PUBLISHED, ReportState.RETRACTED]
        ).values_list("period_end", flat=True)
    }
    latest_covered = max(published_to, default=None)
    start = cadence.starts_on.replace(day=1)
    while True:
        following = _add_months(start, cadence.months)
        end = following - dt.timedelta(days=1)
        if end >= today:
            return None
        if latest_covered is None or latest_covered < end:
            due_on = end + dt.timedelta(days=cadence.grace_days)
            return Due(period_start=start, period_end=end, due_on=due_on, overdue=today > due_on)
        start = following


def today_items(user) -> list:
    """The dashboard's "needs you today" for a holder of ``reports.view``: a report that is
    due or overdue, and reports waiting for a director's review."""
    from django.utils.translation import gettext, ngettext

    from safepassage.base.shell import TodayItem

    items = []
    owed = due()
    if owed is not None:
        text = (
            gettext("The report for %(start)s to %(end)s is overdue")
            if owed.overdue
            else gettext("The report for %(start)s to %(end)s is due")
        ) % {"start": f"{owed.period_start:%Y-%m}", "end": f"{owed.period_end:%Y-%m}"}
        items.append(TodayItem(count=1, text=text, url_name="reports:list"))
    if permissions.has_capability(user, "reports.approve"):
        waiting = reports(user).filter(state=ReportState.SUBMITTED).exclude(author=user).count()
        items.append(
            TodayItem(
                count=waiting,
                text=ngettext(
                    "%(count)s report waits for your review",
                    "%(count)s reports wait for your review",
                    waiting,
                )
                % {"count": waiting},
                url_name="reports:list",
            )
        )
    return items
