"""Sealed values: free text and the duress flag never reach the audit table in clear."""

from __future__ import annotations

import base64
import json
import unicodedata
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from safepassage.audit.chain import record, verify
from safepassage.audit.models import AuditEntry
from safepassage.audit.sealing import opened
from safepassage.audit.tests.tampering import bypass_triggers, keyed_hash, rewrite_from
from safepassage.vault.errors import VaultIntegrityError

pytestmark = pytest.mark.django_db

REASONS = [
    "김영희 씨에게 항공편 때문에 전화",
    unicodedata.normalize("NFD", "박순희 쉼터 방문 계획"),
    "联系王美华关于过境",
    "Calling Sunhee about the crossing",
    "CallingYoungheeKim",
]


def raw_table() -> str:
    """Everything the audit table holds, as an attacker reading the database sees it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM audit_auditentry")
        return json.dumps(cursor.fetchall(), default=str, ensure_ascii=False)


def test_sealed_reasons_are_not_in_the_table_and_open_for_an_investigator(staff):
    entries = [
        record(
            actor=staff, action="vault.revealed", data={"field": "real_name"}, sealed={"reason": r}
        )
        for r in REASONS
    ]

    dump = raw_table()
    for reason in REASONS:
        for form in {reason, unicodedata.normalize("NFC", reason), *reason.split()}:
            assert form not in dump
    stored = [AuditEntry.objects.get(seq=e.seq) for e in entries]
    assert [opened(e) for e in stored] == [{"field": "real_name", "reason": r} for r in REASONS]
    assert set(stored[0].data) == {"field", "sealed"}
    assert verify().ok


def test_true_and_false_seal_to_the_same_size(staff):
    yes = record(actor="partner:Kim OO", action="rescue.checked_in", sealed={"duress": True})
    no = record(actor="partner:Kim OO", action="rescue.checked_in", sealed={"duress": False})

    assert len(yes.data["sealed"]) == len(no.data["sealed"])
    assert "duress" not in raw_table()
    assert opened(yes) == {"duress": True}
    assert opened(no) == {"duress": False}


def test_the_hash_covers_the_sealed_value(chain, staff):
    entry = record(actor=staff, action="vault.revealed", sealed={"reason": "a visit"})
    other = record(actor=staff, action="vault.revealed", sealed={"reason": "a call"})
    with bypass_triggers():
        AuditEntry.objects.filter(seq=entry.seq).update(data=other.data)

    assert verify().first_broken_seq == entry.seq


def test_a_sealed_value_moved_to_another_entry_does_not_open(chain, staff):
    entry = record(actor=staff, action="vault.revealed", sealed={"reason": "a visit"})
    other = record(actor=staff, action="vault.revealed", sealed={"reason": "a call"})
    with bypass_triggers():
        AuditEntry.objects.filter(seq=other.seq).update(data=entry.data)
    rewrite_from(other.seq, hasher=keyed_hash)  # even with the audit key

    with pytest.raises(VaultIntegrityError, match="failed authentication"):
        opened(AuditEntry.objects.get(seq=other.seq))


def test_a_sealed_value_does_not_open_under_another_audit_key(staff, settings):
    entry = record(actor=staff, action="vault.revealed", sealed={"reason": "a visit"})
    settings.AUDIT_KEY = "some other key entirely"

    with pytest.raises(VaultIntegrityError):
        opened(entry)


def test_the_ciphertext_is_base64_without_the_plaintext(staff):
    entry = record(actor=staff, action="vault.revealed", sealed={"reason": "Sunhee"})

    blob = base64.b64decode(entry.data["sealed"], validate=True)
    assert b"Sunhee" not in blob
    assert len(blob) == 1 + 12 + 64 + 16  # version, nonce, one padded block, tag


@pytest.mark.parametrize(
    ("data", "sealed"),
    [({"reason": "x"}, {"reason": "y"}), ({"sealed": "x"}, {"reason": "y"}), ({}, {})],
)
def test_it_refuses_a_sealed_name_that_clashes_or_is_empty(staff, data, sealed):
    with pytest.raises((ValueError, TypeError)):
        record(actor=staff, action="vault.revealed", data=data, sealed=sealed)


def test_show_opens_only_when_asked_and_audits_that_it_did(staff):
    record(actor=staff, action="vault.revealed", data={"field": "phone"}, sealed={"reason": "연락"})
    closed, out = StringIO(), StringIO()

    call_command("audit", "show", stdout=closed)
    assert "연락" not in closed.getvalue()
    assert not AuditEntry.objects.filter(action="audit.sealed_opened").exists()

    call_command("audit", "show", "--open", "--action", "vault.revealed", stdout=out)
    line = json.loads(out.getvalue())
    assert line["data"] == {"field": "phone", "reason": "연락"}
    assert line["actor"] == staff.email
    opening = AuditEntry.objects.get(action="audit.sealed_opened")
    assert opening.actor_label == "command line"
    assert opening.data["entries"] == 1
    assert verify().ok
