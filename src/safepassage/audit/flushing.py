"""When the database may empty the audit log: during ``flush``, and never otherwise.

On SQLite the append-only triggers (migration 0005) allow a DELETE on the log only while
``audit_flush_allowed()`` returns 1. That SQL function exists only on connections this
process opened (``register``), and answers 1 only inside ``allow_flush()``, which only the
``flush`` command enters. A DELETE from any other code, or from another program opening the
file (the ``sqlite3`` shell, say), is refused: there the function does not even exist.

This stops mistakes and SQL that reaches the database through the application; it does not
stop someone who can write the file itself, who may drop the triggers. That is why the head
carries a MAC and why its copies are anchored outside the database.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

SQL_FUNCTION = "audit_flush_allowed"

_flushing: ContextVar[bool] = ContextVar("safepassage_audit_flushing", default=False)


@contextmanager
def allow_flush() -> Iterator[None]:
    token = _flushing.set(True)
    try:
        yield
    finally:
        _flushing.reset(token)


def _allowed() -> int:
    return 1 if _flushing.get() else 0


def register(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: give each SQLite connection the triggers' function."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQL_FUNCTION, 0, _allowed)
