"""Queueing background work from a service: one rule, after commit.

A service never imports its app's ``tasks`` module (tasks call services, so the import
would run both ways). It names the task by its dotted path instead, and the task is queued
only once the surrounding transaction commits: a rolled-back write queues nothing, and a
worker never picks up a task whose rows it cannot see yet.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.module_loading import import_string


def enqueue_after_commit(path: str, **kwargs) -> None:
    """Queue the task at ``path`` (``"safepassage.funds.tasks.send_receipt"``) with
    ``kwargs`` once the current transaction commits (at once outside a transaction).
    ``kwargs`` must be JSON-serialisable, as every task argument is."""

    def queue() -> None:
        import_string(path).enqueue(**kwargs)

    transaction.on_commit(queue)
