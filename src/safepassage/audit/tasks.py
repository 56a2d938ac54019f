"""Background work for the audit log: anchoring its head outside the database."""

from __future__ import annotations

from django.tasks import task

MAILED_KEY = "safepassage.audit.anchor_mailed"


@task
def anchor_head() -> int:
    """Record the other chains' heads in chain 1 (``chain.cross_anchor``), append the heads
    to the anchor file (if one is configured) and, once in
    ``AUDIT_ANCHOR_MAIL_HOURS``, e-mail it to the directors; returns the seq anchored, -1
    when neither was done."""
    from django.conf import settings
    from django.core.cache import cache

    from safepassage.audit import anchor
    from safepassage.audit.chain import cross_anchor
    from safepassage.base import schedule

    cross_anchor()
    seq = -1
    if anchor.anchor_path() is not None:
        seq = anchor.write()[0]
    hours = settings.AUDIT_ANCHOR_MAIL_HOURS
    # The cache only spaces the messages out: losing it costs one message too many.
    if hours and cache.add(MAILED_KEY, True, timeout=hours * 3600 - 60):
        seq = anchor.mail()[0]
    schedule.queue_next("safepassage.audit.tasks.anchor_head")
    return seq
