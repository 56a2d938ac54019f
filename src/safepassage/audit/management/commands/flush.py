"""Django's ``flush``, able to empty the audit log and leaving an authenticated empty head.

Emptying every table is the one legitimate way the log goes back to nothing (the test
runner does it between transactional tests). The SQLite triggers let the DELETE through
only here (``flushing.allow_flush``), and the empty log is given a head with a valid MAC, as
a fresh install's migration gives it; a head deleted any other way stays a break.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush

from safepassage.audit.chain import start_empty_log
from safepassage.audit.flushing import allow_flush


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        with allow_flush():
            super().handle(**options)
        start_empty_log(using=options["database"])
