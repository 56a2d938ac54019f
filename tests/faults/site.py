"""The test's own database and keys, shared with a ``safepassage`` child process.

A fault test sets up data in-process (the usual services and builders), runs the real
command in a child process that is killed at a named fault point (``safepassage.faults``),
runs it again, and checks the outcome in-process. The child gets the test process's keys
through the environment, so both read the same records, and the same database:

- on PostgreSQL, the test database itself (the tests are transactional, so it is committed);
- on SQLite, whose test database lives in memory, a file: the in-memory database is copied
  to it before the child runs and back after (SQLite's online backup), so what the child
  left on disk after a kill -9 (its WAL included) is exactly what the test then reads.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.db import connection

from safepassage import faults
from tests.cli import clean_env

# The settings that must agree between the test and the child to read each other's rows.
SHARED_SECRETS = ("SECRET_KEY", "BLIND_INDEX_KEY", "AUDIT_KEY")


class Site:
    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.sqlite_file = tmp_path / "site.sqlite3"

    def env(self, **extra: str) -> dict[str, str]:
        values = {f"SAFEPASSAGE_{name}": getattr(settings, name) for name in SHARED_SECRETS}
        values["SAFEPASSAGE_MODE"] = "test"
        values["SAFEPASSAGE_VAULT_KEYRING_FILE"] = str(settings.VAULT_KEYRING_FILE)
        values["SAFEPASSAGE_DATABASE_URL"] = self._database_url()
        values["SAFEPASSAGE_LOG_LEVEL"] = "WARNING"
        values["SAFEPASSAGE_LANGUAGE"] = "en"  # assertions read English, as in-process
        values.update({f"SAFEPASSAGE_{name}": value for name, value in extra.items()})
        return clean_env(**values)

    def _database_url(self) -> str:
        if connection.vendor == "postgresql":
            # The run's own URL (the throwaway cluster's socket), naming the test database.
            url = urlsplit(os.environ["SAFEPASSAGE_DATABASE_URL"])
            return urlunsplit(url._replace(path="/" + connection.settings_dict["NAME"]))
        return f"sqlite:///{self.sqlite_file}"

    def run(self, *args: str, fault: str = "", timeout: int = 120, **extra: str):
        """Run ``safepassage ARGS`` on this site; with ``fault``, it dies there (SIGKILL).
        ``extra`` are more settings for the child, named without the SAFEPASSAGE_ prefix."""
        env = self.env(**extra)
        if fault:
            env[faults.VARIABLE] = fault
        self._to_file()
        try:
            return subprocess.run(
                [sys.executable, "-m", "safepassage", *args],
                env=env,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        finally:
            self._from_file()

    def _to_file(self) -> None:
        if connection.vendor != "sqlite":
            return
        for leftover in self.tmp_path.glob(self.sqlite_file.name + "*"):
            leftover.unlink()
        connection.ensure_connection()
        target = sqlite3.connect(self.sqlite_file)
        try:
            connection.connection.backup(target)
        finally:
            target.close()

    def _from_file(self) -> None:
        if connection.vendor != "sqlite":
            return
        # Opening the file recovers what the child committed, from its WAL too.
        source = sqlite3.connect(self.sqlite_file)
        try:
            connection.ensure_connection()
            source.backup(connection.connection)
        finally:
            source.close()


def killed(result) -> bool:
    """The child died of SIGKILL at its fault point (and not of an error of its own)."""
    return result.returncode == -signal.SIGKILL
