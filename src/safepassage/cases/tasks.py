"""Background work for cases."""

from __future__ import annotations

from django.tasks import task

from safepassage.audit.context import request_id_scope


@task
def retention_sweep() -> int:
    """Crypto-shred closed cases past the retention period; returns how many."""
    from safepassage.cases import services

    shredded = 0
    with request_id_scope("retention"):
        for case in services.retention_due():
            services.retention_shred(actor="retention", case=case)
            shredded += 1
    from safepassage.web import schedule

    schedule.queue_next("safepassage.cases.tasks.retention_sweep")
    return shredded
