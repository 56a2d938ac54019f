"""Background work for the audit log: anchoring its head outside the database."""

from __future__ import annotations

from django.tasks import task


@task
def anchor_head() -> int:
    """Append the head to the anchor file (if one is configured); returns the seq anchored,
    or -1 when anchoring is switched off."""
    from safepassage.audit import anchor
    from safepassage.web import schedule

    seq = anchor.write()[0] if anchor.anchor_path() is not None else -1
    schedule.queue_next("safepassage.audit.tasks.anchor_head")
    return seq
