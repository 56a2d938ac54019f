"""Keeping the periodic work going: a worker, when it starts, queues what is missing.

The apps register their periodic tasks in ``safepassage.base.schedule`` (each task queues
its own next run); this module only reads that registry.
"""

from __future__ import annotations

from django.utils.module_loading import import_string

from safepassage.base import schedule


def ensure() -> list[str]:
    """Queue a run of every registered periodic task that has none waiting, in their
    registered order; returns those queued."""
    from django_tasks_db.models import DBTaskResult

    queued = []
    for path in schedule.paths():
        waiting = DBTaskResult.objects.filter(task_path=path, status="READY").exists()
        if not waiting:
            import_string(path).enqueue()
            queued.append(path)
    return queued
