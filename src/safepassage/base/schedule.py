"""Periodic background work, kept going by the workers themselves (no cron, no broker).

An app registers each of its periodic tasks from its ``AppConfig.ready`` with
``periodic(path, interval, order=...)``; the task, when it runs, calls ``queue_next(path)``
to queue its next run. The shell's ``web.schedule.ensure()`` (called when a worker starts)
queues a first run, in order, of any registered task that has none waiting. Running a sweep
twice is harmless: every periodic task must be idempotent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone
from django.utils.module_loading import import_string

Interval = dt.timedelta | Callable[[], dt.timedelta]

# Task path -> interval (a callable one is read at each run, e.g. from settings).
PERIODIC: dict[str, Interval] = {}
_ORDER: dict[str, int] = {}


def periodic(path: str, interval: Interval, *, order: int) -> None:
    """Register the task at ``path`` (``"safepassage.cases.tasks.retention_sweep"``) to run
    every ``interval``; at worker start, lower ``order`` is queued first. Registering the
    same path again replaces it."""
    PERIODIC[path] = interval
    _ORDER[path] = order


def paths() -> list[str]:
    """Every registered periodic task, in order (ties in the order they were registered)."""
    return sorted(PERIODIC, key=lambda path: _ORDER[path])


def queue_next(path: str) -> None:
    """Queue the next run of the registered periodic task at ``path``, one interval from
    now. Raises KeyError for a path that was never registered."""
    interval = PERIODIC[path]
    if callable(interval):
        interval = interval()
    import_string(path).using(run_after=timezone.now() + interval).enqueue()
