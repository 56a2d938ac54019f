"""kill -9 during a key rotation: the keyring file is whole, every record decrypts, and a
re-run resumes."""

from __future__ import annotations

import json
import shutil

from safepassage.cases.models import Person
from safepassage.testing.people import make_person
from safepassage.vault import keyring, records
from safepassage.vault.models import DataKey
from tests.faults.site import killed

NAMES = ["김민지", "최 영수", "Sunhee", "Park Jiwoo", "李明", "Mei Wong", "정다은"]


def _everyone_decrypts() -> list[str]:
    return [records.read(p, "real_name") for p in Person.objects.order_by("created_at")]


def _by_master_key() -> dict[str, int]:
    keys = DataKey.objects.filter(wrapped__isnull=False).values_list("master_key_id", flat=True)
    counts: dict[str, int] = {}
    for kid in keys:
        counts[kid] = counts.get(kid, 0) + 1
    return counts


def test_a_rotation_killed_between_batches_resumes_and_every_record_decrypts(
    site, settings, tmp_path, audit_verifies
):
    # A keyring of this test's own: the rotation adds a key to it.
    ring_file = tmp_path / "vault-keyring.json"
    shutil.copy(keyring.load().path, ring_file)
    settings.VAULT_KEYRING_FILE = str(ring_file)
    for name in NAMES:
        make_person(real_name=name)
    old = keyring.load().current
    total = sum(_by_master_key().values())

    # Dies while replacing the keyring file: the old file is whole, nothing re-wrapped.
    died = site.run("keys", "rotate", "--new", fault="vault.keyring.before_replace")
    assert killed(died), died.stderr
    assert json.loads(ring_file.read_text())["current"] == old
    assert _by_master_key() == {old: total}
    assert _everyone_decrypts() == NAMES

    # Dies after the first batch of three committed.
    died = site.run(
        "keys", "rotate", "--new", "--batch-size", "3", fault="vault.rotate.batch_committed"
    )
    assert killed(died), died.stderr
    ring = keyring.parse(ring_file.read_text(), path=ring_file)
    assert ring.current != old
    assert set(ring.keys) == {old, ring.current}
    assert _by_master_key() == {ring.current: 3, old: total - 3}
    assert _everyone_decrypts() == NAMES
    audit_verifies()

    again = site.run("keys", "rotate", "--batch-size", "3")

    assert again.returncode == 0, again.stderr
    assert f"{total - 3} data keys under {ring.current}; 0 remain" in again.stdout
    assert _by_master_key() == {ring.current: total}
    assert keyring.load().current == ring.current
    assert _everyone_decrypts() == NAMES
    audit_verifies()
