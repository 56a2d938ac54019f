"""Each test changes the stored log the way an attacker with database access might."""

from __future__ import annotations

from datetime import timedelta

import pytest

from safepassage.audit.chain import head, record, verify
from safepassage.audit.hashing import canonical, entry_hash, head_mac
from safepassage.audit.models import GENESIS_HASH, AuditEntry, AuditHead
from safepassage.audit.tests.tampering import (
    build_chain,
    bypass_triggers,
    content,
    keyed_hash,
    plain_sha256,
    rewrite_from,
    set_head,
)

pytestmark = pytest.mark.django_db

SWAPPED = ["created_at", "actor_id", "actor_label", "action", "target_id", "data", "prev_hash"]


def test_it_detects_an_edited_entry(chain):
    with bypass_triggers():
        AuditEntry.objects.filter(seq=5).update(data={"n": 5, "reason": "nothing happened"})

    result = verify()

    assert not result.ok
    assert result.first_broken_seq == 5
    assert result.checked == 4
    assert "entry 5: hash does not match its content" in result.reason


def test_it_detects_an_entry_inserted_in_the_middle(chain):
    forged = AuditEntry(**{**content(chain[3]), "seq": 4, "data": {"reason": "forged"}})
    with bypass_triggers():
        for seq in range(8, 3, -1):  # from the end, so no two rows share a seq on the way
            AuditEntry.objects.filter(seq=seq).update(seq=seq + 1)
        forged.prev_hash = chain[2].hash
        forged.hash = plain_sha256(forged)
        forged.save(force_insert=True)
        AuditHead.objects.filter(id=1).update(seq=9)

    result = verify()

    assert not result.ok
    assert result.first_broken_seq == 4
    assert "entry 4: hash does not match" in result.reason


def test_it_detects_a_deleted_entry(chain):
    with bypass_triggers():
        AuditEntry.objects.filter(seq=4).delete()

    result = verify()

    assert not result.ok
    assert result.first_broken_seq == 4
    assert result.reason == "entry 4 missing after 3 (deleted)"


def test_it_detects_deleted_entries_at_the_start(chain):
    with bypass_triggers():
        AuditEntry.objects.filter(seq__lte=2).delete()

    result = verify()

    assert result.first_broken_seq == 1
    assert result.reason == "entries 1 to 2 missing before 3 (deleted)"


def test_it_detects_two_entries_swapped(chain):
    third = {f: getattr(chain[2], f) for f in SWAPPED}
    sixth = {f: getattr(chain[5], f) for f in SWAPPED}
    with bypass_triggers():
        # The hash goes through a placeholder because the column is unique.
        AuditEntry.objects.filter(seq=3).update(hash="x", **sixth)
        AuditEntry.objects.filter(seq=6).update(hash=chain[2].hash, **third)
        AuditEntry.objects.filter(seq=3).update(hash=chain[5].hash)

    result = verify()

    assert not result.ok
    assert result.first_broken_seq == 3


def test_it_detects_a_link_to_the_wrong_predecessor(chain):
    # Only someone holding the key gets this far: the entry hashes, but does not link.
    entry = AuditEntry.objects.get(seq=6)
    entry.prev_hash = chain[3].hash
    with bypass_triggers():
        AuditEntry.objects.filter(seq=6).update(prev_hash=entry.prev_hash, hash=keyed_hash(entry))

    result = verify()

    assert result.first_broken_seq == 6
    assert "entry 6: prev_hash does not link to entry 5" in result.reason


def test_it_detects_a_cut_tail_by_the_head_row(chain):
    with bypass_triggers():
        AuditEntry.objects.filter(seq__gt=6).delete()

    result = verify()

    assert not result.ok
    assert result.first_broken_seq == 7
    assert result.reason == "entries 7 to 8 missing at the end (tail truncated)"


def test_it_detects_a_cut_tail_with_a_fixed_head_by_the_heads_mac(chain):
    with bypass_triggers():
        AuditEntry.objects.filter(seq__gt=6).delete()
    set_head(6, chain[5].hash, with_key=False)

    result = verify()

    assert not result.ok
    assert result.first_broken_seq == 7
    assert "the audit head (entry 6) failed authentication" in result.reason


def test_it_detects_a_cut_tail_with_a_keyed_head_only_by_the_kept_head(chain):
    _, kept_hash = head()
    with bypass_triggers():
        AuditEntry.objects.filter(seq__gt=6).delete()
    set_head(6, chain[5].hash, with_key=True)

    assert verify().ok  # nothing inside the database betrays it...
    result = verify(expected_head=kept_hash)  # ...but the copy kept off-site does

    assert not result.ok
    assert result.reason.startswith(f"kept head {kept_hash[:12]}… not found")


def test_it_accepts_an_older_kept_head(chain):
    result = verify(expected_head=chain[2].hash)

    assert result.ok


def test_it_detects_an_altered_head_row(chain):
    with bypass_triggers():
        AuditHead.objects.filter(id=1).update(hash=chain[2].hash)

    result = verify()

    assert result.first_broken_seq == 8
    assert "head altered" in result.reason


def test_it_detects_an_entry_appended_behind_the_heads_back(chain):
    extra = AuditEntry(**{**content(chain[-1]), "seq": 9, "prev_hash": chain[-1].hash})
    extra.hash = keyed_hash(extra)
    extra.save(force_insert=True)

    result = verify()

    assert result.first_broken_seq == 9
    assert "beyond the audit head" in result.reason


def test_a_rewrite_with_plain_sha256_cannot_pass_without_the_key(chain):
    with bypass_triggers():
        AuditEntry.objects.filter(seq=3).update(data={"n": 3, "reason": "rewritten"})
    rewrite_from(3, hasher=plain_sha256)

    result = verify()

    assert not result.ok
    assert result.first_broken_seq == 3


def test_a_rewrite_with_the_key_is_caught_by_the_kept_head(chain):
    _, kept_hash = head()
    with bypass_triggers():
        AuditEntry.objects.filter(seq=3).update(data={"n": 3, "reason": "rewritten"})
    rewrite_from(3, hasher=keyed_hash)

    assert verify().ok
    assert not verify(expected_head=kept_hash).ok


def test_it_names_only_the_first_of_several_breaks(chain):
    with bypass_triggers():
        AuditEntry.objects.filter(seq=7).delete()
        AuditEntry.objects.filter(seq=2).update(action="cases.case_deleted")

    assert verify().first_broken_seq == 2


def test_it_verifies_in_chunks_with_a_handful_of_queries(django_assert_max_num_queries):
    build_chain(4500)
    seen = []

    with django_assert_max_num_queries(8):
        result = verify(progress=seen.append)

    assert result.ok, result.reason
    assert result.checked == 4500
    assert seen == [2000, 4000, 4500]
    entry = record(actor="worker", action="reports.rendered")
    assert entry.seq == 4501
    assert verify().checked == 4501


def test_the_hash_covers_every_column(chain):
    fields = content(chain[0])
    original = entry_hash(canonical(**fields))
    changes = {
        "seq": 2,
        "created_at": fields["created_at"] + timedelta(microseconds=1),
        "actor_id": None,
        "actor_label": "someone@example.org",
        "action": "cases.case_deleted",
        "target_type": "cases.person",
        "target_id": "7",
        "request_id": "abc",
        "data": {"n": 1, "reason": "step 1 "},
        "prev_hash": "1" * 64,
    }
    for name, value in changes.items():
        assert entry_hash(canonical(**{**fields, name: value})) != original, name


def test_it_detects_a_wiped_log_with_its_head_row_deleted(chain):
    with bypass_triggers():
        AuditEntry.objects.all().delete()
        AuditHead.objects.all().delete()

    result = verify()

    assert not result.ok
    assert "head row is missing" in result.reason


def test_it_detects_a_wiped_log_with_its_head_reset_by_the_heads_mac(chain):
    with bypass_triggers():
        AuditEntry.objects.all().delete()
    set_head(0, GENESIS_HASH, with_key=False)

    result = verify()

    assert not result.ok
    assert result.first_broken_seq == 1
    assert "the audit head (entry 0) failed authentication" in result.reason


def test_a_wipe_that_replays_the_empty_logs_head_is_caught_only_by_an_anchor(chain):
    # The empty log's MAC is the same every time: a copy of the database from the day of
    # installation holds it. Only a copy of the head kept outside the database helps then.
    anchored = head()
    with bypass_triggers():
        AuditEntry.objects.all().delete()
    set_head(0, GENESIS_HASH, with_key=True)

    assert verify().ok
    result = verify(anchors=[anchored])

    assert not result.ok
    assert result.first_broken_seq == 1
    assert "ends at entry 0 but entry 8 was anchored" in result.reason


def test_a_rewrite_with_the_key_is_caught_by_an_anchor(chain):
    anchored = (5, chain[4].hash)
    with bypass_triggers():
        AuditEntry.objects.filter(seq=3).update(data={"n": 3, "reason": "rewritten"})
    rewrite_from(3, hasher=keyed_hash)

    assert verify().ok
    result = verify(anchors=[(2, chain[1].hash), anchored])

    assert not result.ok
    assert result.first_broken_seq == 5
    assert "not the entry anchored outside the database" in result.reason


def test_it_accepts_the_anchors_of_a_sound_chain(chain):
    assert verify(anchors=[(0, GENESIS_HASH), (3, chain[2].hash), head()]).ok


@pytest.mark.parametrize("mac", ["", "0" * 64])
def test_it_refuses_to_append_after_a_head_whose_mac_is_wrong(chain, staff, mac):
    # Appending would give the forged head a valid MAC and so launder it.
    with bypass_triggers():
        AuditEntry.objects.filter(seq__gt=6).delete()
        AuditHead.objects.filter(id=1).update(seq=6, hash=chain[5].hash, mac=mac)

    with pytest.raises(RuntimeError, match="head failed authentication"):
        record(actor=staff, action="cases.case_opened")
    assert AuditEntry.objects.count() == 6


def test_a_fresh_install_starts_with_an_authenticated_head(db):
    row = AuditHead.objects.get()

    assert (row.seq, row.hash) == (0, GENESIS_HASH)
    assert row.mac == head_mac(0, GENESIS_HASH)
