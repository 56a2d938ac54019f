"""What only PostgreSQL adds: triggers that refuse changes, and row locks between writers."""

from __future__ import annotations

import threading

import pytest
from django.db import IntegrityError, connection, transaction

from safepassage.audit import chains
from safepassage.audit.chain import record, verify
from safepassage.audit.models import AuditEntry, AuditHead
from safepassage.testing.markers import postgres_only

pytestmark = postgres_only


@pytest.mark.django_db
def test_the_database_refuses_to_update_an_entry(chain):
    with pytest.raises(IntegrityError, match="audit log is append-only"), transaction.atomic():
        AuditEntry.objects.filter(seq=2).update(data={})

    assert AuditEntry.objects.get(seq=2).data == chain[1].data


@pytest.mark.django_db
def test_the_database_refuses_to_delete_an_entry(chain):
    with pytest.raises(IntegrityError, match="audit log is append-only"), transaction.atomic():
        AuditEntry.objects.filter(seq=8).delete()

    assert AuditEntry.objects.count() == 8


@pytest.mark.django_db
def test_the_database_refuses_raw_sql_too(chain):
    with (
        pytest.raises(IntegrityError, match="audit log is append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditentry")


@pytest.mark.django_db
def test_the_head_only_moves_forward(chain):
    with pytest.raises(IntegrityError, match="only moves forward"), transaction.atomic():
        AuditHead.objects.filter(id=1).update(seq=6, hash=chain[5].hash)
    with pytest.raises(IntegrityError, match="only moves forward"), transaction.atomic():
        AuditHead.objects.all().delete()

    assert verify().ok


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_make_chains_that_verify():
    # Issue 13 replaced the one chain (every audited write queued behind one head) with up
    # to audit.chains.CHAINS chains: writers at the same time take different ones.
    writers, each = 8, 15
    start = threading.Barrier(writers)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            start.wait()
            for i in range(each):
                with transaction.atomic():
                    record(actor=f"worker-{n}", action="reports.rendered", data={"i": i})
        except BaseException as error:  # reported below, in the test's own thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    result = verify()
    assert result.ok, result.reason
    written = AuditEntry.objects.exclude(action=chains.OPENED)
    assert written.count() == writers * each
    assert result.checked == AuditEntry.objects.count()
    # Each chain numbers its entries without a gap from its base.
    seqs = list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))
    for chain in {chains.chain_of(seq) for seq in seqs}:
        own = [seq for seq in seqs if chains.chain_of(seq) == chain]
        assert own == list(range(chains.base(chain) + 1, chains.base(chain) + len(own) + 1))
