"""On SQLite too the database refuses to change or remove entries, except in ``flush``."""

from __future__ import annotations

import sqlite3

import pytest
from django.core.management import call_command
from django.db import IntegrityError, OperationalError, connection, transaction

from safepassage.audit.chain import record, verify
from safepassage.audit.models import AuditEntry, AuditHead
from safepassage.audit.tests.tampering import sqlite_triggers
from safepassage.testing.markers import sqlite_only

pytestmark = [sqlite_only, pytest.mark.django_db]

# Django maps SQLite's "constraint failed" from RAISE(ABORT) to IntegrityError.
REFUSED = (IntegrityError, OperationalError)


def test_the_database_refuses_to_update_an_entry(chain):
    with pytest.raises(REFUSED, match="audit log is append-only"), transaction.atomic():
        AuditEntry.objects.filter(seq=2).update(data={})

    assert AuditEntry.objects.get(seq=2).data == chain[1].data


def test_the_database_refuses_to_delete_an_entry(chain):
    with pytest.raises(REFUSED, match="audit log is append-only"), transaction.atomic():
        AuditEntry.objects.filter(seq=8).delete()

    assert AuditEntry.objects.count() == 8


def test_the_database_refuses_raw_sql_too(chain):
    with (
        pytest.raises(REFUSED, match="audit log is append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditentry")

    assert verify().ok


def test_the_head_only_moves_forward_and_stays(chain):
    with pytest.raises(REFUSED, match="only moves forward"), transaction.atomic():
        AuditHead.objects.filter(id=1).update(seq=6, hash=chain[5].hash)
    with pytest.raises(REFUSED, match="only moves forward"), transaction.atomic():
        AuditHead.objects.all().delete()

    assert verify().ok
    assert record(actor="worker", action="reports.rendered").seq == 9


def test_another_program_opening_the_file_cannot_delete_either():
    # Plain sqlite3, as the sqlite3 shell would open the file: the function the triggers
    # ask does not exist there, so the DELETE fails as well.
    other = sqlite3.connect(":memory:")
    try:
        other.execute('CREATE TABLE "audit_auditentry" (seq integer PRIMARY KEY)')
        other.execute('CREATE TABLE "audit_audithead" (id integer PRIMARY KEY, seq integer)')
        for sql in sqlite_triggers(forward=True):
            other.execute(sql)
        other.execute("INSERT INTO audit_auditentry VALUES (1)")
        other.execute("INSERT INTO audit_audithead VALUES (1, 1)")
        with pytest.raises(sqlite3.OperationalError, match="audit_flush_allowed"):
            other.execute("DELETE FROM audit_auditentry")
        with pytest.raises(sqlite3.OperationalError, match="audit_flush_allowed"):
            other.execute("DELETE FROM audit_audithead")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            other.execute("UPDATE audit_auditentry SET seq = 2")
        assert other.execute("SELECT count(*) FROM audit_auditentry").fetchone() == (1,)
    finally:
        other.close()


def test_flush_may_empty_the_log_and_leaves_an_authenticated_head(chain):
    call_command("flush", interactive=False, verbosity=0)

    assert AuditEntry.objects.count() == 0
    assert verify().ok
    assert record(actor="worker", action="reports.rendered").seq == 1
