"""An intruder with write access to the database rewrites the audit log: `safepassage
audit verify`, run as an operator runs it, says BROKEN for each attack.

The audit app's own tests (``audit/tests/test_tampering.py``) prove each rule on a chain
built in bulk; this probe attacks the chain a running site wrote (``site.py``), with the
database's own tools: triggers that refuse UPDATE and DELETE are dropped (SQLite, where the
intruder owns the file) or bypassed (``session_replication_role``, PostgreSQL).
"""

from __future__ import annotations

import pytest

from tests.attack.figures import report
from tests.cli import safepassage

ENTRIES = "audit_auditentry"
HEAD = "audit_audithead"


def _untriggered(db, vendor_sqlite: bool):
    if vendor_sqlite:
        for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name LIKE 'audit%'"
        ).fetchall():
            db.execute(f'DROP TRIGGER "{name}"')
    else:
        db.execute("SET session_replication_role = replica")


def _last(db) -> int:
    return db.execute(f"SELECT max(seq) FROM {ENTRIES}").fetchone()[0]


def edit(db):
    db.execute(f"UPDATE {ENTRIES} SET action = 'cases.nothing_happened' WHERE seq = 5")


def delete(db):
    db.execute(f"DELETE FROM {ENTRIES} WHERE seq = 5")


def reorder(db):
    """Two entries' contents swapped (the hashes stay where they were)."""
    last = _last(db)
    db.execute(f"UPDATE {ENTRIES} SET seq = 1000000 WHERE seq = 4")
    db.execute(f"UPDATE {ENTRIES} SET seq = 4 WHERE seq = 6")
    db.execute(f"UPDATE {ENTRIES} SET seq = 6 WHERE seq = 1000000")
    assert _last(db) == last, "the swap left the chain as long as it was"


def truncate(db):
    """The last entries gone (the reveals, the check-ins); the head row left as it was."""
    db.execute(f"DELETE FROM {ENTRIES} WHERE seq > {_last(db) - 10}")


def truncate_and_rewrite_head(db):
    """The tail cut and the head row rewritten to the new last entry: all that a head row
    without its own authentication can say is then consistent."""
    truncate(db)
    seq, digest = db.execute(
        f"SELECT seq, hash FROM {ENTRIES} ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    db.execute(f"UPDATE {HEAD} SET seq = {seq}, hash = '{digest}'")


def wipe(db):
    db.execute(f"DELETE FROM {ENTRIES}")
    db.execute(f"DELETE FROM {HEAD}")


ATTACKS = [edit, delete, reorder, truncate, truncate_and_rewrite_head, wipe]


def test_the_untouched_log_verifies(site):
    result = safepassage(site.env, "audit", "verify")
    assert result.returncode == 0, result.stderr
    assert "audit chain OK" in result.stdout
    report("audit", **{"entries in the site's chain": int(result.stdout.split()[3])})


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda a: a.__name__)
def test_every_rewrite_of_the_log_is_reported_broken(site, attack):
    copy = site.copy(attack.__name__)
    try:
        db = copy.connect()
        try:
            _untriggered(db, vendor_sqlite=not copy.database)
            attack(db)
        finally:
            db.close()
        result = safepassage(copy.env, "audit", "verify")
    finally:
        copy.drop()
    caught = result.returncode == 1 and "audit chain BROKEN" in result.stderr
    report("audit", **{"rewrites tried": 1, "reported broken": int(caught)})
    assert caught, result.stdout + result.stderr
