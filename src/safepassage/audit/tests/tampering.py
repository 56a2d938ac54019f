"""Helpers for tests that play the attacker: rewrite rows, bypass the triggers."""

from __future__ import annotations

import hashlib
import importlib
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone

from safepassage.audit.hashing import HASHED_FIELDS, canonical, entry_hash, head_mac, new_mac
from safepassage.audit.models import GENESIS_HASH, AuditEntry, AuditHead


class Staff:
    """Stands in for a user: record() needs only pk and email."""

    is_anonymous = False

    def __init__(self, email: str = "case.worker@example.org") -> None:
        self.pk = uuid.uuid4()
        self.email = email


def sqlite_triggers(*, forward: bool) -> list[str]:
    migration = importlib.import_module(
        "safepassage.audit.migrations.0005_sqlite_append_only_triggers"
    )
    return migration.statements(apps, connection.ops.quote_name, forward=forward)


@contextmanager
def bypass_triggers() -> Iterator[None]:
    """Let a test play the attacker: the append-only triggers are skipped.

    On PostgreSQL ``session_replication_role = replica`` disables ordinary triggers; tests
    connect as a superuser, who may set it. SET LOCAL keeps it to the surrounding
    transaction. On SQLite the triggers are dropped and made again, as anyone who can write
    the file could; DDL is transactional there, so a failing test leaves them in place.
    """
    with transaction.atomic():
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                for sql in sqlite_triggers(forward=False):
                    cursor.execute(sql)
            yield
            with connection.cursor() as cursor:
                for sql in sqlite_triggers(forward=True):
                    cursor.execute(sql)
            return
        if connection.vendor != "postgresql":
            yield
            return
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
        yield
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = origin")


def content(entry: AuditEntry) -> dict:
    return {name: getattr(entry, name) for name in HASHED_FIELDS}


def keyed_hash(entry: AuditEntry) -> str:
    """The hash the attacker could compute only by holding the audit key."""
    return entry_hash(canonical(**content(entry)))


def plain_sha256(entry: AuditEntry) -> str:
    """The best an attacker without the key can do."""
    return hashlib.sha256(canonical(**content(entry))).hexdigest()


def set_head(seq: int, digest: str, *, with_key: bool) -> None:
    """Move the head row; with the audit key the attacker can also make its MAC, without
    it the old MAC stays (the best guess there is)."""
    fields = {"seq": seq, "hash": digest}
    if with_key:
        fields["mac"] = head_mac(seq, digest)
    with bypass_triggers():
        AuditHead.objects.filter(id=1).update(**fields)


def rewrite_from(seq: int, *, hasher) -> None:
    """Re-hash and re-link every entry from ``seq`` on, and fix up the head: a full rewrite
    (the head's MAC too when ``hasher`` is the keyed one)."""
    previous = AuditEntry.objects.filter(seq=seq - 1).first()
    prev_hash = previous.hash if previous else GENESIS_HASH
    with bypass_triggers():
        for entry in AuditEntry.objects.filter(seq__gte=seq).order_by("seq"):
            entry.prev_hash = prev_hash
            entry.hash = hasher(entry)
            AuditEntry.objects.filter(seq=entry.seq).update(
                prev_hash=entry.prev_hash, hash=entry.hash
            )
            prev_hash = entry.hash
        last = AuditEntry.objects.order_by("-seq").first()
    set_head(last.seq, last.hash, with_key=hasher is keyed_hash)


def build_chain(count: int) -> None:
    """A valid chain of ``count`` entries written in bulk (record() is one at a time)."""
    mac = new_mac()
    start = timezone.now()
    prev_hash = GENESIS_HASH
    batch = []
    for seq in range(1, count + 1):
        fields = {
            "seq": seq,
            "created_at": start + timedelta(microseconds=seq),
            "actor_id": None,
            "actor_label": "worker",
            "action": "reports.row_imported",
            "target_type": "",
            "target_id": str(seq),
            "request_id": "bulk",
            "data": {"row": seq, "note": "보고서 행"},
            "prev_hash": prev_hash,
        }
        prev_hash = entry_hash(canonical(**fields), mac=mac)
        batch.append(AuditEntry(**fields, hash=prev_hash))
    AuditEntry.objects.bulk_create(batch, batch_size=1000)
    with bypass_triggers():
        AuditHead.objects.update_or_create(
            id=1, defaults={"seq": count, "hash": prev_hash, "mac": head_mac(count, prev_hash)}
        )
