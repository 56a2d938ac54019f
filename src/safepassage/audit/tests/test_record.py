from __future__ import annotations

import datetime as dt
import itertools
import uuid
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import models, transaction

from safepassage import audit
from safepassage.audit.chain import head, record, verify
from safepassage.audit.context import request_id_scope
from safepassage.audit.models import GENESIS_HASH, AuditEntry, AuditHead
from safepassage.audit.tests.tampering import Staff, bypass_triggers, keyed_hash


@pytest.mark.django_db
def test_it_leaves_nothing_when_the_transaction_rolls_back(staff):
    record(actor=staff, action="cases.case_opened")
    before = head()

    class Abort(Exception):
        pass

    def close_then_fail() -> None:
        with transaction.atomic():
            record(actor=staff, action="cases.case_closed", data={"reason": "moved"})
            raise Abort

    with pytest.raises(Abort):
        close_then_fail()

    assert AuditEntry.objects.count() == 1
    assert head() == before
    assert verify().ok


@pytest.mark.django_db
def test_it_chains_entries_in_order(chain):
    result = verify()

    assert result.ok, result.reason
    assert result.checked == 8
    assert [e.seq for e in AuditEntry.objects.all()] == list(range(1, 9))
    assert chain[0].prev_hash == GENESIS_HASH
    for before, after in itertools.pairwise(chain):
        assert after.prev_hash == before.hash
    assert head() == (8, chain[-1].hash)
    assert AuditHead.objects.get().hash == chain[-1].hash


@pytest.mark.django_db
def test_it_verifies_an_empty_log():
    result = verify()

    assert result.ok
    assert result.checked == 0


@pytest.mark.django_db
def test_it_hashes_with_the_audit_key(chain, settings):
    settings.AUDIT_KEY = "some other key entirely"

    result = verify()

    assert not result.ok
    assert result.first_broken_seq == 1


@pytest.mark.django_db
def test_it_stores_exactly_what_it_hashed(staff):
    entry = record(actor=staff, action="vault.revealed", target=AuditHead.objects.get())
    stored = AuditEntry.objects.get(seq=entry.seq)

    assert keyed_hash(stored) == entry.hash
    assert stored.actor_id == staff.pk
    assert stored.actor_label == staff.email
    assert stored.target_type == "audit.audithead"
    assert stored.target_id == "1"
    assert stored.created_at.tzinfo is not None


@pytest.mark.django_db
def test_it_records_a_real_user():
    user = get_user_model().objects.create_user(email="director@example.org")

    entry = record(actor=user, action="accounts.roles_changed", target=user, data={"a": [1]})

    assert entry.actor_id == user.pk
    assert entry.actor_label == "director@example.org"
    assert entry.target_type == user._meta.label_lower
    assert entry.target_id == str(user.pk)
    assert verify().ok


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("actor", "label"),
    [(None, "anonymous"), (AnonymousUser(), "anonymous"), ("worker", "worker")],
)
def test_it_labels_actors_that_are_not_users(actor, label):
    entry = record(actor=actor, action="web.petition_signed")

    assert entry.actor_id is None
    assert entry.actor_label == label


@pytest.mark.django_db
def test_it_keeps_korean_text_intact(staff):
    data = {"사유": "가족과 연락이 끊김", "names": ["김OO", "이OO"], "nested": {"도시": "서울"}}

    entry = record(actor="시스템", action="cases.note_added", data=data)

    stored = AuditEntry.objects.get(seq=entry.seq)
    assert stored.data == data
    assert stored.actor_label == "시스템"
    assert verify().ok


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        {"amount": 1.5},
        {"when": dt.datetime(2025, 1, 1, tzinfo=dt.UTC)},
        {"id": uuid.uuid4()},
        {"amount": Decimal("1.50")},
        {"codes": {"a", "b"}},
        {"pair": (1, 2)},
        {"raw": b"bytes"},
        {1: "int key"},
        {"nested": [{"deep": float("nan")}]},
        {"nul": "a\x00b"},
        {"surrogate": "\ud800"},
    ],
)
def test_it_refuses_data_that_is_not_plain_json(staff, data):
    with pytest.raises((TypeError, ValueError)):
        record(actor=staff, action="cases.case_updated", data=data)

    assert AuditEntry.objects.count() == 0


@pytest.mark.django_db
def test_it_stores_choices_as_their_plain_value(staff):
    class Status(models.TextChoices):
        OPEN = "open", "Open"

    entry = record(actor=staff, action="cases.case_opened", data={"status": Status.OPEN})

    assert type(entry.data["status"]) is str
    assert verify().ok


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["", "has space", "x" * 81, "tab\there"])
def test_it_refuses_a_malformed_action(staff, action):
    with pytest.raises(ValueError, match="action"):
        record(actor=staff, action=action)


@pytest.mark.django_db
def test_it_refuses_an_unsaved_target(staff):
    with pytest.raises(ValueError, match="saved"):
        record(actor=staff, action="cases.case_opened", target=AuditEntry())


@pytest.mark.django_db
def test_it_cuts_a_long_actor_label_before_hashing():
    entry = record(actor=Staff("a" * 200 + "@example.org"), action="accounts.logged_in")

    assert len(entry.actor_label) == 120
    assert verify().ok


@pytest.mark.django_db
def test_it_records_the_request_id(staff):
    with request_id_scope("job-42"):
        entry = record(actor="worker", action="reports.rendered")
    outside = record(actor="worker", action="reports.rendered")

    assert entry.request_id == "job-42"
    assert outside.request_id == ""
    assert verify().ok


@pytest.mark.django_db
def test_it_starts_again_after_a_flush_emptied_both_tables(chain, staff):
    call_command("flush", interactive=False, verbosity=0)

    assert verify().ok
    entry = record(actor=staff, action="cases.case_opened")

    assert entry.seq == 1
    assert verify().ok


@pytest.mark.django_db
def test_it_refuses_to_write_when_the_head_row_was_removed(chain, staff):
    with bypass_triggers():
        AuditHead.objects.all().delete()

    with pytest.raises(RuntimeError, match="head row is missing"):
        record(actor=staff, action="cases.case_opened")
    result = verify()
    assert not result.ok
    assert "head row is missing" in result.reason


def test_the_package_exposes_the_chain_functions():
    assert audit.record is record
    assert audit.verify is verify
    assert audit.head is head
