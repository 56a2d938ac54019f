"""Queueing background work from a service: one rule, with the commit.

A service never imports its app's ``tasks`` module (tasks call services, so the import
would run both ways). It names the task by its dotted path instead, and the task becomes
runnable exactly when the surrounding transaction commits: a rolled-back write queues
nothing, a worker never picks up a task whose rows it cannot see yet, and a committed write
never loses its task.

With the database task backend on the same database (``settings.TASKS``, the default), the
task's row is written inside the transaction, so it commits or rolls back with the write
(an outbox): a process that dies just after the commit has still queued it. With any other
backend the task is queued by ``transaction.on_commit``, the best a queue outside the
database allows.
"""

from __future__ import annotations

from django.db import router, transaction
from django.tasks import task_backends
from django.utils.module_loading import import_string


def enqueue_on_commit(path: str, **kwargs) -> None:
    """Queue the task at ``path`` (``"safepassage.funds.tasks.send_receipt"``) with
    ``kwargs`` as part of the current transaction's commit (at once outside a transaction).
    ``kwargs`` must be JSON-serialisable, as every task argument is."""
    task = import_string(path)
    if _queued_in_the_database(task):
        task.enqueue(**kwargs)
        return
    transaction.on_commit(lambda: task.enqueue(**kwargs))


def _queued_in_the_database(task) -> bool:
    """True if ``task``'s backend stores it in the database the app writes to, so that
    inserting it belongs to the caller's transaction."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(task_backends[task.backend], DatabaseBackend):
        return False
    return router.db_for_write(DBTaskResult) == "default"
