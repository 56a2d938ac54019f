"""What a report's author writes: its fields and its sections, in their order.

Only a draft changes. A report submitted or approved goes back to draft first
(``workflow.reopen``), which clears its approval: what a director approved is exactly what
is published (``workflow.publish`` checks it by hash).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from safepassage.audit.chain import record
from safepassage.base import uploads
from safepassage.reports.models import Report, ReportState, Section, SectionKind
from safepassage.reports.services.errors import ReportError

# The sections a new report starts with, in the order the NGO's reports use.
DEFAULT_SECTIONS = (
    SectionKind.HEADLINE,
    SectionKind.PER_MONTH,
    SectionKind.WHO,
    SectionKind.WHERE,
    SectionKind.MONEY,
    SectionKind.HOPE,
    SectionKind.LIST,
    SectionKind.TESTIMONIES,
)
TEXT_FIELDS = ("heading_ko", "heading_en", "text_ko", "text_en")


def _locked_draft(report: Report) -> Report:
    locked = Report.objects.select_for_update().get(pk=report.pk)
    if locked.state != ReportState.DRAFT:
        raise ReportError(
            _("Only a draft can be changed. Take the report back to draft first."),
            code="not_draft",
        )
    return locked


def month_bounds(first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    """Whole months: from the first day of ``first``'s month to the last day of
    ``last``'s."""
    start = first.replace(day=1)
    following = (last.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return start, following - dt.timedelta(days=1)


@transaction.atomic
def report_update(*, actor, report: Report, **fields) -> Report:
    """Change a draft's title, period (whole months), audience, channel, language or base
    currency. The caller has checked that ``actor`` holds ``reports.edit``."""
    locked = _locked_draft(report)
    allowed = {
        "title",
        "period_start",
        "period_end",
        "audience",
        "channel",
        "language",
        "base_currency",
        "changes",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"not a report field: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.period_start, locked.period_end = month_bounds(locked.period_start, locked.period_end)
    if locked.period_end < locked.period_start:
        raise ReportError(_("The period ends before it starts."), code="period")
    if locked.audience != "channel":
        locked.channel = ""
    locked.full_clean(exclude=["author", "approved_by"])
    locked.save()
    record(
        actor=actor, action="reports.report_changed", target=locked, data={"fields": sorted(fields)}
    )
    return locked


@transaction.atomic
def section_add(*, actor, report: Report, kind: str, photo=None) -> Section:
    """Add a section at the end of a draft. A photo section takes an uploaded image,
    whose metadata (EXIF, GPS) is stripped before it is kept."""
    locked = _locked_draft(report)
    if kind not in SectionKind.values:
        raise ReportError(_("That is not a kind of section."), code="kind")
    last = locked.sections.aggregate(last=Max("position"))["last"]
    section = Section(report=locked, kind=kind, position=(last or 0) + 1)
    if kind == SectionKind.PHOTO:
        if photo is None:
            raise ReportError(_("Choose a photo for a photo section."), code="photo")
        section.photo, section.photo_type = _stripped_photo(photo)
    section.save()
    record(actor=actor, action="reports.section_added", target=locked, data={"kind": kind})
    return section


@transaction.atomic
def sections_create_default(*, report: Report) -> None:
    """The default sections of a new report (inside ``workflow.report_create``)."""
    Section.objects.bulk_create(
        Section(report=report, kind=kind, position=number)
        for number, kind in enumerate(DEFAULT_SECTIONS, start=1)
    )


@transaction.atomic
def section_write(*, actor, section: Section, **texts: str) -> Section:
    """The author's headings and words around a section, in Korean and English."""
    _locked_draft(section.report)
    unknown = set(texts) - set(TEXT_FIELDS)
    if unknown:
        raise TypeError(f"not a section text: {sorted(unknown)}")
    for name, value in texts.items():
        setattr(section, name, value.strip())
    section.save(update_fields=[*texts, "updated_at"])
    record(
        actor=actor,
        action="reports.section_written",
        target=section.report,
        data={"section": section.pk, "kind": section.kind},
    )
    return section


@transaction.atomic
def section_move(*, actor, section: Section, by: int) -> None:
    """Move a section up (``by=-1``) or down (``by=1``) one place."""
    report = _locked_draft(section.report)
    ordered = list(report.sections.order_by("position", "id"))
    index = next(i for i, s in enumerate(ordered) if s.pk == section.pk)
    target = index + by
    if not 0 <= target < len(ordered):
        return
    ordered[index], ordered[target] = ordered[target], ordered[index]
    _renumber(ordered)
    record(
        actor=actor,
        action="reports.section_moved",
        target=report,
        data={"section": section.pk, "to": target + 1},
    )


@transaction.atomic
def section_remove(*, actor, section: Section) -> None:
    report = _locked_draft(section.report)
    kind = section.kind
    section.delete()
    _renumber(list(report.sections.order_by("position", "id")))
    record(actor=actor, action="reports.section_removed", target=report, data={"kind": kind})


def _stripped_photo(upload) -> tuple[bytes, str]:
    """The upload's picture without its metadata, and its type: JPEG or PNG only, judged by
    its content (``base.uploads.document_type``), never by its name."""
    content = upload.read() if hasattr(upload, "read") else bytes(upload)
    kind = uploads.document_type(content)
    if kind not in (uploads.JPEG, uploads.PNG):
        raise ReportError(_("A photo must be a JPEG or PNG image."), code="photo")
    try:
        return uploads.strip_image_metadata(content, kind), kind
    except ValueError:
        raise ReportError(_("A photo must be a JPEG or PNG image."), code="photo") from None


def _renumber(ordered: list[Section]) -> None:
    # Two steps past the unique (report, position) constraint: out of the way, then home.
    offset = len(ordered) + 1000
    for number, section in enumerate(ordered, start=1):
        section.position = number + offset
    Section.objects.bulk_update(ordered, ["position"])
    for number, section in enumerate(ordered, start=1):
        section.position = number
    Section.objects.bulk_update(ordered, ["position"])
