"""Restarting the throwaway PostgreSQL cluster while a request waits on a row lock.

``scripts/pg_throwaway.py`` exports the cluster's data folder (SAFEPASSAGE_PG_DATA) and its
binaries (SAFEPASSAGE_PG_BIN). A test holds the audit chain's head row from a connection of
its own, so that a request in another thread stops in the middle of its transaction (every
audited write takes that lock last); once the request is seen waiting, the server restarts
with ``-m fast``: every session is cut, every open transaction rolled back.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import psycopg
from django.db import close_old_connections, connection


def _conninfo() -> dict:
    db = connection.settings_dict
    return {
        "dbname": db["NAME"],
        "user": db["USER"],
        "host": db["HOST"] or db["OPTIONS"].get("host", ""),
        "port": db["PORT"] or db["OPTIONS"].get("port", ""),
    }


def _waiting_on_a_lock(watcher) -> int:
    return watcher.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
        "AND datname = current_database()"
    ).fetchone()[0]


def restart_server() -> None:
    data = Path(os.environ["SAFEPASSAGE_PG_DATA"])
    pg_ctl = Path(os.environ["SAFEPASSAGE_PG_BIN"]) / "pg_ctl"
    argv = [str(pg_ctl), "-D", str(data), "-l", str(data.parent / "server.log")]
    argv += ["-m", "fast", "-w", "restart"]
    if os.geteuid() == 0:  # the server runs as the postgres user (see pg_throwaway.py)
        argv = ["runuser", "-u", "postgres", "--", *argv]
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, timeout=60)


@contextmanager
def restarted_during(work):
    """Run ``work()`` in a thread, hold it at the audit head's lock, restart the server,
    and yield what ``work`` returned or raised (``{"result": ..., "error": ...}``)."""
    from safepassage.audit.chain import record

    record(actor="system", action="faults.restart_planned")  # the head row exists to hold
    outcome: dict = {}
    info = _conninfo()
    holder = psycopg.connect(**info)
    watcher = psycopg.connect(**info, autocommit=True)
    holder.execute("SELECT seq FROM audit_audithead WHERE id = 1 FOR UPDATE")

    def run() -> None:
        try:
            outcome["result"] = work()
        except Exception as error:  # handed to the test
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not _waiting_on_a_lock(watcher):
            assert time.monotonic() < deadline, "the request never reached the audit lock"
            assert thread.is_alive(), f"the request finished without waiting: {outcome}"
            time.sleep(0.02)
        restart_server()
    finally:
        holder.close()
        watcher.close()
        thread.join(timeout=60)
    # This thread's connection was cut too: the next use reconnects, as after a request.
    connection.close()
    close_old_connections()
    yield outcome
