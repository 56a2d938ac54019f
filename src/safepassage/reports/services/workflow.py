"""A report's life: draft → submitted for review → approved (by a director who did not
write it) → published; returned to draft with a comment; published → retracted; published
→ reopened as a correction (a new version).

What a director approves is the composition they reviewed, by hash (``approved_hash``:
the snapshot, the ledger figures and the disclosure decisions, which name the records
they came from). Publishing composes again and refuses if anything differs (a record
added since, another report published since, a text edited): the report goes back for
review, and nothing is half-published. Row locks in one order: the report, then the
audit head.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from safepassage.accounts import permissions
from safepassage.audit.chain import record
from safepassage.base.codes import new_code
from safepassage.reports import compose
from safepassage.reports.models import Release, ReleaseKind, Report, ReportState
from safepassage.reports.services import sections, subscriptions
from safepassage.reports.services.errors import ReportError

S = ReportState


def _locked(report: Report) -> Report:
    return Report.objects.select_for_update().get(pk=report.pk)


def _require_state(report: Report, *states: str) -> None:
    if report.state not in states:
        raise ReportError(
            _("This report is %(state)s: that step is not possible now.")
            % {"state": report.get_state_display().lower()},
            code="state",
        )


RESERVED_SLUGS = frozenset({"transparency", "feed", "subscribe", "unsubscribe"})


def _slug_for(title: str, period_start) -> str:
    base = slugify(title)[:50].strip("-") or f"report-{period_start:%Y-%m}"
    slug = base
    # The public pages' own addresses under /reports/ (``public_urls``, the subscriptions).
    while slug in RESERVED_SLUGS or Report.objects.filter(slug=slug).exists():
        slug = f"{base}-{new_code().lower()[:4]}"
    return slug


@transaction.atomic
def report_create(
    *,
    actor,
    title: str,
    period_start,
    period_end,
    audience: str,
    language: str,
    base_currency: str,
    channel: str = "",
) -> Report:
    """A draft over whole months with the default sections. The caller has checked that
    ``actor`` holds ``reports.edit``."""
    start, end = sections.month_bounds(period_start, period_end)
    if end < start:
        raise ReportError(_("The period ends before it starts."), code="period")
    report = Report(
        slug=_slug_for(title, start),
        title=title.strip(),
        period_start=start,
        period_end=end,
        audience=audience,
        channel=channel if audience == "channel" else "",
        language=language,
        base_currency=base_currency,
        # A label ("command line") drafts without an author.
        author=actor if getattr(actor, "pk", None) is not None else None,
    )
    report.full_clean(exclude=["author", "approved_by"])
    report.save()
    sections.sections_create_default(report=report)
    record(
        actor=actor,
        action="reports.report_created",
        target=report,
        data={"period": [str(start), str(end)], "audience": audience, "language": language},
    )
    return report


@transaction.atomic
def submit(*, actor, report: Report) -> Report:
    """Send a draft for review. A correction must say what it changes."""
    locked = _locked(report)
    _require_state(locked, S.DRAFT)
    if locked.releases.exists() and not locked.changes.strip():
        raise ReportError(
            _("Say what this correction changes before sending it for review."),
            code="changes",
        )
    locked.state = S.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.save(update_fields=["state", "submitted_at", "updated_at"])
    record(actor=actor, action="reports.report_submitted", target=locked)
    return locked


@transaction.atomic
def return_for_revision(*, actor, report: Report, comment: str) -> Report:
    """Send a submitted report back to its author with the reviewer's comment."""
    locked = _locked(report)
    _require_state(locked, S.SUBMITTED, S.APPROVED)
    comment = comment.strip()
    if not comment:
        raise ReportError(_("Say what should change."), code="comment")
    locked.state = S.DRAFT
    locked.review_comment = comment
    _clear_approval(locked)
    locked.save()
    record(
        actor=actor,
        action="reports.report_returned",
        target=locked,
        sealed={"comment": comment},
    )
    return locked


@transaction.atomic
def reopen(*, actor, report: Report) -> Report:
    """Take a submitted or approved report back to draft to change it (its approval is
    cleared: what is published is only ever what a director approved)."""
    locked = _locked(report)
    _require_state(locked, S.SUBMITTED, S.APPROVED)
    locked.state = S.DRAFT
    _clear_approval(locked)
    locked.save()
    record(actor=actor, action="reports.report_reopened", target=locked)
    return locked


def _clear_approval(report: Report) -> None:
    report.approved_by = None
    report.approved_at = None
    report.approved_hash = ""


@transaction.atomic
def approve(*, actor, report: Report, reviewed_hash: str) -> Report:
    """Approve what the reviewer saw (``reviewed_hash``, from the review page's
    composition). Only a holder of ``reports.approve`` who did not write the report; two
    directors at once: the second finds it approved already."""
    locked = _locked(report)
    _require_state(locked, S.SUBMITTED)
    if not permissions.can(actor, "reports.approve", locked):
        raise ReportError(_("Only a director can approve a report."), code="approver")
    if locked.author_id is not None and locked.author_id == actor.pk:
        raise ReportError(_("A report is approved by a director who did not write it."), code="own")
    composition = compose.compose(report=locked, user=actor)
    if composition.digest != reviewed_hash:
        raise ReportError(
            _("The figures changed while you were reviewing. Look at them again."),
            code="changed",
        )
    locked.state = S.APPROVED
    locked.approved_by = actor
    locked.approved_at = timezone.now()
    locked.approved_hash = composition.digest
    locked.save()
    record(
        actor=actor,
        action="reports.report_approved",
        target=locked,
        data={"digest": composition.digest, "data_hash": composition.data_hash},
    )
    return locked


def publish(*, actor, report: Report) -> Release:
    """Freeze the approved composition as a release and tell the subscribers.

    Composes again: if anything differs from what was approved, the report goes back to
    submitted (for a fresh review), that is committed, and ``ReportLapsed`` says so;
    nothing is released. Call outside a transaction of the caller's own.
    """
    with transaction.atomic():
        release = _publish_or_lapse(actor=actor, report=report)
    if release is None:
        raise ReportLapsed(
            _(
                "The records or the earlier releases changed since this report was "
                "approved. It waits for a new review."
            ),
            code="lapsed",
        )
    return release


def _publish_or_lapse(*, actor, report: Report) -> Release | None:
    locked = _locked(report)
    _require_state(locked, S.APPROVED)
    if not permissions.can(actor, "reports.approve", locked):
        raise ReportError(_("Only a director can publish a report."), code="publisher")
    now = timezone.now()
    composition = compose.compose(report=locked, user=actor, at=now)
    if composition.digest != locked.approved_hash:
        locked.state = S.SUBMITTED
        _clear_approval(locked)
        locked.save()
        record(actor=actor, action="reports.approval_lapsed", target=locked)
        return None
    kind = ReleaseKind.CORRECTION if locked.releases.exists() else ReleaseKind.PUBLISHED
    release = Release.objects.create(
        report=locked,
        kind=kind,
        version=locked.version,
        snapshot=composition.published_snapshot(now),
        figures=composition.figures,
        decisions=composition.decisions,
        data_hash=composition.data_hash,
        actor=actor,
        created_at=now,
    )
    locked.state = S.PUBLISHED
    locked.published_at = now
    locked.save(update_fields=["state", "published_at", "updated_at"])
    record(
        actor=actor,
        action="reports.report_published",
        target=locked,
        data={"release": str(release.pk), "version": release.version, "kind": kind},
    )
    # The subscribers' e-mails are queued with this commit (none for a lapsed one).
    subscriptions.deliver_release(release=release, actor=actor)
    return release


class ReportLapsed(ReportError):
    """Publishing found the approval out of date; the report was sent back for review."""


@transaction.atomic
def retract(*, actor, report: Report, reason: str) -> Release:
    """Take a published report down. Its releases stay in the ledger and keep
    constraining later ones (what was read cannot be unread)."""
    locked = _locked(report)
    _require_state(locked, S.PUBLISHED)
    reason = reason.strip()
    if not reason:
        raise ReportError(_("Say why the report is retracted."), code="reason")
    now = timezone.now()
    release = Release.objects.create(
        report=locked,
        kind=ReleaseKind.RETRACTION,
        version=locked.version,
        snapshot={"retracted_at": now.isoformat(), "reason": reason},
        figures=[],
        decisions=[],
        data_hash="",
        actor=actor,
        created_at=now,
    )
    locked.state = S.RETRACTED
    locked.save(update_fields=["state", "updated_at"])
    record(actor=actor, action="reports.report_retracted", target=locked, sealed={"reason": reason})
    return release


@transaction.atomic
def start_correction(*, actor, report: Report, changes: str = "") -> Report:
    """Reopen a published report as the draft of its next version; the published version
    stays public until the correction is published."""
    locked = _locked(report)
    _require_state(locked, S.PUBLISHED)
    locked.state = S.DRAFT
    locked.version += 1
    locked.changes = changes.strip()
    locked.review_comment = ""
    _clear_approval(locked)
    locked.save()
    record(
        actor=actor,
        action="reports.correction_started",
        target=locked,
        data={"version": locked.version},
    )
    return locked
