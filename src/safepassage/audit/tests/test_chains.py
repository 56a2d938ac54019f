"""Several chains: concurrent writers spill into chains of their own, and verify() still
finds every deletion, truncation and insertion it found with one chain."""

from __future__ import annotations

import json
import threading
import time

import pytest
from django.db import connection, transaction

from safepassage.audit import anchor, chains
from safepassage.audit.chain import cross_anchor, head, record, verify
from safepassage.audit.hashing import head_mac
from safepassage.audit.models import GENESIS_HASH, AuditEntry, AuditHead
from safepassage.audit.tests.tampering import bypass_triggers

SECOND = chains.base(2)


def open_second_chain() -> None:
    """What ``chains.lock_head`` does when every head is busy: make chain 2's head and name
    it in chain 1. (PostgreSQL tests below reach it through real concurrent writers.)"""
    with transaction.atomic():
        assert chains._open(2) is not None
        record(actor="system", action=chains.OPENED, data={"chain": 2}, chain=1)


@pytest.fixture
def two_chains(chain, staff) -> list[AuditEntry]:
    """Chain 1 as the ``chain`` fixture left it plus the opening; chain 2 with 4 entries."""
    open_second_chain()
    return [
        record(actor=staff, action="rescue.checkin_recorded", data={"n": n}, chain=2)
        for n in range(1, 5)
    ]


def test_entries_number_from_their_chain_base(two_chains):
    assert [e.seq for e in two_chains] == [SECOND + n for n in range(1, 5)]
    assert {chains.chain_of(e.seq) for e in two_chains} == {2}
    assert chains.chain_of(0) == chains.chain_of(1) == chains.chain_of(SECOND) == 1
    assert two_chains[0].prev_hash == GENESIS_HASH


def test_a_sound_log_of_two_chains_verifies(two_chains):
    result = verify()

    assert result.ok, result.reason
    assert result.checked == 8 + 1 + 4
    assert result.chains == 2
    assert (result.head_seq, result.head_hash) == head() == (9, result.head_hash)


def test_a_writer_alone_always_writes_to_chain_one(two_chains, staff):
    entry = record(actor=staff, action="cases.case_updated")

    assert entry.seq == 10


def test_an_edit_in_the_second_chain_is_found(two_chains):
    with bypass_triggers():
        AuditEntry.objects.filter(seq=SECOND + 2).update(data={"n": 99})

    result = verify()
    assert not result.ok
    assert result.first_broken_seq == SECOND + 2
    assert "hash does not match" in result.reason


def test_a_chain_deleted_whole_with_its_head_is_found(two_chains):
    with bypass_triggers():
        AuditEntry.objects.filter(seq__gt=SECOND).delete()
        AuditHead.objects.filter(id=2).delete()

    result = verify()
    assert not result.ok
    assert "head of audit chain 2 is missing" in result.reason


def test_a_chain_not_opened_through_record_is_found(chain):
    with bypass_triggers():
        chains._open(3)

    result = verify()
    assert not result.ok
    assert result.first_broken_seq == chains.base(3) + 1
    assert "not opened through record()" in result.reason


def test_an_entry_beyond_a_second_chains_head_is_found(two_chains):
    last = two_chains[-1]
    with bypass_triggers():
        AuditEntry.objects.create(
            **{f: getattr(last, f) for f in ("created_at", "actor_label", "action", "data")},
            seq=last.seq + 1,
            prev_hash=last.hash,
            hash="f" * 64,
        )

    result = verify()
    assert not result.ok
    assert result.first_broken_seq == last.seq + 1
    assert "beyond the audit head" in result.reason


def test_a_second_chain_cut_short_is_found_once_cross_anchored(two_chains):
    assert cross_anchor() is not None
    assert cross_anchor() is None  # nothing moved since
    # The attacker cuts chain 2 after its second entry and replays that older head, MAC and
    # all (a value the head row once held).
    older = AuditEntry.objects.get(seq=SECOND + 2)
    with bypass_triggers():
        AuditEntry.objects.filter(seq__gt=SECOND + 2).delete()
        AuditHead.objects.filter(id=2).update(
            seq=older.seq, hash=older.hash, mac=head_mac(older.seq, older.hash)
        )

    result = verify()
    assert not result.ok
    assert "anchored in chain 1" in result.reason
    assert result.first_broken_seq == SECOND + 3


def test_cross_anchor_records_nothing_while_only_chain_one_is_used(chain):
    assert cross_anchor() is None
    assert AuditEntry.objects.count() == 8


def test_the_anchor_file_holds_every_chains_head(two_chains, tmp_path, settings):
    settings.AUDIT_ANCHOR_FILE = str(tmp_path / "anchor.jsonl")

    anchor.write()

    lines = [json.loads(line) for line in (tmp_path / "anchor.jsonl").read_text().splitlines()]
    assert [(line["seq"], line["hash"]) for line in lines] == [
        head(),
        (SECOND + 4, two_chains[-1].hash),
    ]
    assert anchor.read() == [head(), (SECOND + 4, two_chains[-1].hash)]
    assert verify(anchors=anchor.read()).ok


def test_an_anchored_second_chain_head_must_still_be_there(two_chains):
    kept = (SECOND + 4, two_chains[-1].hash)
    with bypass_triggers():
        AuditEntry.objects.filter(seq=SECOND + 4).delete()
        AuditHead.objects.filter(id=2).update(seq=SECOND + 3, hash=two_chains[2].hash)

    result = verify(anchors=[kept])
    assert not result.ok


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_writer_that_finds_chain_one_busy_opens_chain_two():
    held, go = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def hold_chain_one() -> None:
        try:
            with transaction.atomic():
                record(actor="worker-a", action="reports.rendered")
                held.set()
                go.wait(10)
        except BaseException as error:  # reported below, in the test's own thread
            errors.append(error)
        finally:
            connection.close()

    def second_writer() -> None:
        try:
            record(actor="worker-b", action="reports.rendered")
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    first = threading.Thread(target=hold_chain_one)
    first.start()
    assert held.wait(10)
    second = threading.Thread(target=second_writer)
    second.start()
    time.sleep(0.5)  # the second writer has opened chain 2 and waits to name it in chain 1
    go.set()
    first.join(10)
    second.join(10)

    assert errors == []
    rows = list(AuditEntry.objects.order_by("seq").values_list("seq", "actor_label", "action"))
    assert rows == [
        (1, "worker-a", "reports.rendered"),
        (2, "system", chains.OPENED),
        (SECOND + 1, "worker-b", "reports.rendered"),
    ]
    result = verify()
    assert result.ok, result.reason
    assert result.chains == 2
