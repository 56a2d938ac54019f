"""Periodic background work, kept going by the workers themselves (no cron, no broker).

Each periodic task, when it runs, queues its next run; ``ensure()`` (called when a worker
starts) queues a first run for any periodic task that has none waiting. Running a sweep
twice is harmless: every periodic task is idempotent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone
from django.utils.module_loading import import_string


def _watch_interval() -> dt.timedelta:
    from django.conf import settings

    return dt.timedelta(minutes=settings.RESCUE_WATCH_MINUTES)


PERIODIC: dict[str, dt.timedelta | Callable[[], dt.timedelta]] = {
    "safepassage.rescue.tasks.watch_missions": _watch_interval,
    "safepassage.cases.tasks.retention_sweep": dt.timedelta(days=1),
    "safepassage.cases.tasks.priority_refresh": dt.timedelta(days=1),
    "safepassage.fundraising.tasks.remind_pledges": dt.timedelta(days=1),
    "safepassage.fundraising.tasks.assign_shares": dt.timedelta(hours=1),
    "safepassage.accounts.tasks.prune_sign_in_records": dt.timedelta(hours=1),
    "safepassage.audit.tasks.anchor_head": dt.timedelta(hours=1),
}


def ensure() -> list[str]:
    """Queue a run of every periodic task that has none waiting; returns those queued."""
    from django_tasks_db.models import DBTaskResult

    queued = []
    for path in PERIODIC:
        waiting = DBTaskResult.objects.filter(task_path=path, status="READY").exists()
        if not waiting:
            import_string(path).enqueue()
            queued.append(path)
    return queued


def queue_next(path: str) -> None:
    task = import_string(path)
    interval = PERIODIC[path]
    if callable(interval):
        interval = interval()
    task.using(run_after=timezone.now() + interval).enqueue()
