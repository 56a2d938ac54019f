"""Reads of what is published, for the pages without a login: the page, the PDF, the feed.

Published means a report for the public whose state is published or retracted and that
has at least one published or correction release. Everything else (a draft, a report
submitted or approved but not yet out, a report for donors) is answered as if it did not
exist. The page shows the latest published or correction release; a retraction keeps the
address alive with a notice (``reports.render.Retraction``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch

from safepassage.reports.models import (
    Audience,
    Release,
    ReleaseKind,
    Report,
    ReportState,
)

SHOWN_KINDS = (ReleaseKind.PUBLISHED, ReleaseKind.CORRECTION)


@dataclass(frozen=True)
class Published:
    report: Report
    release: Release
    first_release: Release
    retraction: Release | None

    @property
    def snapshot(self) -> dict:
        return self.release.snapshot

    @property
    def languages(self) -> list[str]:
        return list(self.snapshot.get("report", {}).get("languages") or self.report.languages())

    @property
    def updated_at(self):
        return (self.retraction or self.release).created_at


def _public(slug: str | None = None) -> list[Published]:
    reports = (
        Report.objects.filter(
            state__in=[ReportState.PUBLISHED, ReportState.RETRACTED],
            audience=Audience.PUBLIC,
            releases__kind__in=SHOWN_KINDS,
        )
        .distinct()
        .prefetch_related(
            Prefetch("releases", queryset=Release.objects.order_by("created_at", "version")),
        )
        .order_by("-period_end", "-published_at")
    )
    if slug is not None:
        reports = reports.filter(slug=slug)
    found = []
    for report in reports:
        releases = list(report.releases.all())
        shown = [release for release in releases if release.kind in SHOWN_KINDS]
        if not shown:
            continue
        retraction = next((r for r in reversed(releases) if r.kind == ReleaseKind.RETRACTION), None)
        if report.state == ReportState.RETRACTED and retraction is None:
            retraction = shown[-1]  # retracted without a ledger row: the notice still shows
        found.append(
            Published(
                report=report,
                release=shown[-1],
                first_release=shown[0],
                retraction=retraction if report.state == ReportState.RETRACTED else None,
            )
        )
    return found


def public_reports() -> list[Published]:
    """Every published report, the latest period first."""
    return _public()


def public_report(slug: str) -> Published | None:
    """The published report at ``slug``, or None (unknown, unpublished or not public)."""
    if not slug:
        return None
    found = _public(slug)
    return found[0] if found else None


def photo(report: Report, section_id: int) -> tuple[str, bytes] | None:
    """A photo section's image of ``report``, as (type, bytes), or None."""
    from safepassage.reports.models import Section

    row = (
        Section.objects.filter(report=report, pk=section_id, photo__isnull=False)
        .values_list("photo_type", "photo")
        .first()
    )
    return (row[0], bytes(row[1])) if row else None
