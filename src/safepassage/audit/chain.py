"""The chain itself: append an entry (``record``), read its head, check it (``verify``).

``record`` is the only code that inserts entries; triggers (PostgreSQL and SQLite) refuse
UPDATE and DELETE on them. How each entry is hashed lives in ``hashing``, how chosen values
are sealed in ``sealing``, the copies of the head kept outside the database in ``anchor``.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connections, models, router, transaction
from django.db.models import Max, Q
from django.utils import timezone

from safepassage.audit import chains
from safepassage.audit.context import current_request_id
from safepassage.audit.hashing import (
    HASHED_FIELDS,
    canonical,
    canonical_row,
    entry_hash,
    head_mac,
    head_mac_ok,
    new_mac,
    plain_json,
)
from safepassage.audit.models import GENESIS_HASH, AuditEntry, AuditHead
from safepassage.audit.sealing import SEALED, seal

CHUNK_SIZE = 2000
ANONYMOUS = "anonymous"

# Actions are a vocabulary ("cases.case_closed"), not prose: printable, no whitespace.
_ACTION = re.compile(r"[^\s\x00-\x1f\x7f]{1,80}")
_LABEL = re.compile(r"[^\x00-\x1f\x7f]{1,120}")


def record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
    sealed: dict[str, Any] | None = None,
    chain: int | None = None,
) -> AuditEntry:
    """Append one entry to a chain (``chains``) and return it.

    Call inside the transaction that makes the change, so that the change and its entry
    commit or roll back together; on its own it opens a transaction. It locks one chain's
    head row until that transaction ends (writers at the same time take different chains,
    see ``chains``): call it after the transaction's other row locks (a head is always
    locked last, so no deadlock) and keep what follows short. ``chain`` pins the chain (the
    audit app's own entries only).

    ``actor`` is a user (``pk`` and ``email``), None or an anonymous user (logged as
    "anonymous"), or a label such as "system" or "worker". ``target`` is a saved model
    instance or None. ``data`` holds plain JSON only (see ``hashing.plain_json``; TypeError
    or ValueError otherwise) and must never hold protected plaintext such as real names or
    phone numbers: the log is never shredded.

    ``sealed`` holds values kept in the entry only encrypted (``sealing``): free text a
    person typed (reasons, notes) and flags that would single an event out (duress). Seal
    such a value on every entry of its action, false or empty included, so that which
    entries carry it tells nothing. Its names must not also be keys of ``data``.
    """
    actor_id, actor_label = _actor(actor)
    if not isinstance(action, str) or not _ACTION.fullmatch(action):
        raise ValueError("action must be 1 to 80 printable characters without spaces")
    target_type, target_id = _target(target)
    data = plain_json({} if data is None else data)
    if not isinstance(data, dict):
        raise TypeError("data must be a dict")
    if sealed is not None:
        sealed = plain_json(sealed, where="sealed")
        if not isinstance(sealed, dict) or not sealed:
            raise TypeError("sealed must be a non-empty dict")
        if SEALED in data or set(sealed) & set(data):
            raise ValueError("a sealed name must not also be a key of data")
    request_id = current_request_id()

    entry = {
        "actor": (actor_id, actor_label),
        "action": action,
        "target": (target_type, target_id),
        "data": data,
        "sealed": sealed,
        "request_id": request_id,
    }
    # Inside the caller's transaction no savepoint of its own (two round trips on every
    # audited write): what it refuses, it refuses before writing anything.
    if transaction.get_connection().in_atomic_block:
        return _lock_and_append(chain, entry)
    with transaction.atomic():
        return _lock_and_append(chain, entry)


def _lock_and_append(chain: int | None, entry: dict[str, Any]) -> AuditEntry:
    head_row, opened = chains.lock_head(chain)
    if opened:
        # Chain 1 names every chain opened, so one deleted whole is missed by verify().
        first, _ = chains.lock_head(1)
        _append(
            first,
            actor=(None, "system"),
            action=chains.OPENED,
            target=("", ""),
            data={"chain": head_row.id},
            sealed=None,
            request_id=entry["request_id"],
        )
    return _append(head_row, **entry)


def _append(head_row, *, actor, action, target, data, sealed, request_id) -> AuditEntry:
    """Append one entry after the locked ``head_row`` and move that head on."""
    # The migration (or a flush) makes the head row with a valid MAC. Appending after a
    # forged head would make a cut-off log look whole: refuse.
    if not head_mac_ok(head_row.seq, head_row.hash, head_row.mac):
        raise RuntimeError("the audit head failed authentication; run `safepassage audit verify`")
    seq = head_row.seq + 1
    if sealed is not None:
        data = {**data, SEALED: seal(sealed, seq=seq, action=action)}
    fields = {
        "seq": seq,
        "created_at": timezone.now(),
        "actor_id": actor[0],
        "actor_label": actor[1],
        "action": action,
        "target_type": target[0],
        "target_id": target[1],
        "request_id": request_id,
        "data": data,
        "prev_hash": head_row.hash,
    }
    digest = entry_hash(canonical(**fields))
    entry = AuditEntry(**fields, hash=digest)
    head_row.seq, head_row.hash = entry.seq, digest
    head_row.mac = head_mac(entry.seq, digest)
    _write(entry, head_row)
    return entry


def _write(entry: AuditEntry, head_row: AuditHead) -> None:
    """INSERT ``entry`` and move ``head_row`` on, in one statement on PostgreSQL (a
    data-modifying WITH), two on SQLite: every audited write in the system pays this, and
    the head stays locked until the writer commits. Values are prepared by each field, as
    ``Model.save`` prepares them."""
    connection = connections[router.db_for_write(AuditEntry)]
    quote = connection.ops.quote_name
    fields = AuditEntry._meta.concrete_fields
    columns = ", ".join(quote(field.column) for field in fields)
    marks = ", ".join(["%s"] * len(fields))
    values = [field.get_db_prep_save(getattr(entry, field.attname), connection) for field in fields]
    insert = f"INSERT INTO {quote(AuditEntry._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    move = (
        f"UPDATE {quote(AuditHead._meta.db_table)} SET {quote('seq')} = %s, "  # noqa: S608
        f"{quote('hash')} = %s, {quote('mac')} = %s WHERE {quote('id')} = %s"
    )
    moved = [head_row.seq, head_row.hash, head_row.mac, head_row.id]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"WITH appended AS ({insert} RETURNING 1) {move}", [*values, *moved])
        else:
            cursor.execute(insert, values)
            cursor.execute(move, moved)
    entry._state.adding = False
    entry._state.db = connection.alias


def start_empty_log(*, using: str = "default") -> bool:
    """Give an emptied log (after ``flush``) its authenticated head; True if it did.

    Does nothing while a head row or any entry is left: only a log emptied as a whole, by
    the command that empties every table, starts again.
    """
    with transaction.atomic(using=using):
        if AuditHead.objects.using(using).exists() or AuditEntry.objects.using(using).exists():
            return False
        AuditHead.objects.using(using).create(
            id=1, seq=0, hash=GENESIS_HASH, mac=head_mac(0, GENESIS_HASH)
        )
    return True


def user_of(actor: Any):
    """The user behind ``actor`` for a "who did it" column: a saved user, else None (the
    system, the worker, a script's label)."""
    return actor if getattr(actor, "pk", None) and hasattr(actor, "email") else None


def _actor(actor: Any) -> tuple[uuid.UUID | None, str]:
    if actor is None or getattr(actor, "is_anonymous", False) is True:
        return None, ANONYMOUS
    if isinstance(actor, str):
        if not _LABEL.fullmatch(actor):
            raise ValueError("an actor label is 1 to 120 printable characters")
        return None, actor
    if getattr(actor, "pk", None) is None:
        raise ValueError("actor must be a saved user, None or a label")
    # Cut to the column's width before hashing, so the stored label is exactly the hashed
    # one (an e-mail address may be longer than 120 characters).
    label = str(getattr(actor, "email", "") or actor)[:120]
    return uuid.UUID(str(actor.pk)), label


def _target(target: models.Model | None) -> tuple[str, str]:
    if target is None:
        return "", ""
    if not isinstance(target, models.Model):
        raise TypeError("target must be a model instance or None")
    if target.pk is None:
        raise ValueError("target must be saved before it is audited")
    target_id = str(target.pk)
    if len(target_id) > 64:
        raise ValueError("the target's primary key is too long for the audit log")
    return target._meta.label_lower, target_id


def head() -> tuple[int, str]:
    """The latest entry's (seq, hash), or (0, GENESIS_HASH) for an empty log."""
    row = AuditHead.objects.filter(id=1).values_list("seq", "hash").first()
    return (row[0], row[1]) if row else (0, GENESIS_HASH)


@dataclass(frozen=True)
class VerifyResult:
    """What verify() found. ``checked`` counts the entries that verified before any break;
    ``head_seq``/``head_hash`` are chain 1's head, the one the walk went up to; ``chains``
    is how many chains it walked."""

    ok: bool
    checked: int
    first_broken_seq: int | None = None
    reason: str = ""
    head_seq: int = 0
    head_hash: str = GENESIS_HASH
    chains: int = 1


class _Broken(Exception):
    def __init__(self, seq: int | None, reason: str) -> None:
        super().__init__(reason)
        self.seq, self.reason = seq, reason


@dataclass
class _Walk:
    """What the walk of every chain shares: anchors to meet, and what it found so far."""

    anchored: dict[int, str]
    expected_head: str | None
    progress: Callable[[int], None] | None
    mac: Any
    checked: int = 0
    found_expected: bool = False
    opened: set[int] = field(default_factory=lambda: {1})
    # Heads of other chains that chain 1 recorded (cross-anchors): each must still be there.
    crossed: dict[int, str] = field(default_factory=dict)


def verify(
    *,
    expected_head: str | None = None,
    anchors: Iterable[tuple[int, str]] = (),
    progress: Callable[[int], None] | None = None,
) -> VerifyResult:
    """Recompute every entry's hash in order, chain by chain, and stop at the first broken
    link.

    Every head row must carry a valid MAC (``hashing.head_mac``): a head moved back over a
    cut-off tail, reset to the empty log or deleted does not, unless it was done with the
    audit key or by replaying an older head. Against those, the copies kept elsewhere:
    ``expected_head`` is a hash kept outside (from ``safepassage audit head``) that the log
    must still contain; ``anchors`` are (seq, hash) pairs from the anchor file
    (``anchor.read``): each entry so anchored must still be there with that hash. Chain 1
    also names every other chain opened and records their heads now and then
    (``chains``), which are checked the same way. ``progress`` is called with the number of
    entries checked so far, once per chunk. Reads in chunks, so memory stays flat however
    long the log is. Entries appended while this runs are left for the next run.
    """
    heads = {row[0]: row[1:] for row in AuditHead.objects.values_list("id", "seq", "hash", "mac")}
    if 1 not in heads:
        return VerifyResult(False, 0, None, "the audit head row is missing (deleted or wiped)")
    head_seq, head_hash, _ = heads[1]
    walk = _Walk(
        anchored={seq: digest for seq, digest in anchors if seq > 0},
        expected_head=expected_head,
        progress=progress,
        mac=new_mac(),
        found_expected=expected_head is None,
    )
    try:
        # Chain 1 first: it names the other chains and carries their cross-anchors.
        for chain in sorted(heads):
            if chain not in walk.opened:
                raise _Broken(
                    chains.base(chain) + 1,
                    f"audit chain {chain} was not opened through record() (added outside it)",
                )
            _walk_chain(chain, heads[chain], walk)
        for chain in sorted(walk.opened - set(heads)):
            raise _Broken(
                chains.base(chain) + 1,
                f"the head of audit chain {chain} is missing (the chain was deleted)",
            )
        _check_beyond_heads(heads, walk)
    except _Broken as broken:
        return VerifyResult(
            False, walk.checked, broken.seq, broken.reason, head_seq, head_hash, len(heads)
        )
    if not walk.found_expected:
        return VerifyResult(
            False,
            walk.checked,
            None,
            f"kept head {expected_head[:12]}… not found: the log was truncated or rewritten",
            head_seq,
            head_hash,
            len(heads),
        )
    return VerifyResult(True, walk.checked, None, "", head_seq, head_hash, len(heads))


def _walk_chain(chain: int, head_row: tuple[int, str, str], walk: _Walk) -> None:
    head_seq, head_hash, head_row_mac = head_row
    base = chains.base(chain)
    prev_seq, prev_hash = base, GENESIS_HASH
    # Only up to the head read above: every entry up to it was committed with it, so a
    # missing one was removed, not merely still in flight.
    rows = (
        AuditEntry.objects.filter(seq__gt=base, seq__lte=head_seq)
        .order_by("seq")
        .values_list(*HASHED_FIELDS, "hash")
        .iterator(chunk_size=CHUNK_SIZE)
    )
    for row in rows:
        seq, action, data, stored_prev, stored_hash = row[0], row[4], row[8], row[9], row[10]
        if seq != prev_seq + 1:
            raise _Broken(prev_seq + 1, _missing(prev_seq, seq, base))
        expected = entry_hash(canonical_row(row[:10]), mac=walk.mac)
        if expected != stored_hash:
            raise _Broken(seq, f"entry {seq}: hash does not match its content (edited or forged)")
        if stored_prev != prev_hash:
            raise _Broken(
                seq,
                f"entry {seq}: prev_hash does not link to entry {prev_seq} "
                "(inserted, reordered or deleted)",
            )
        if walk.anchored.get(seq, stored_hash) != stored_hash:
            raise _Broken(seq, f"entry {seq}: not the entry anchored outside the database")
        if walk.crossed.get(seq, stored_hash) != stored_hash:
            raise _Broken(seq, f"entry {seq}: not the entry chain 1 recorded as a head")
        if stored_hash == walk.expected_head:
            walk.found_expected = True
        if chain == 1:
            _note_chain_entry(action, data, walk)
        walk.checked += 1
        prev_seq, prev_hash = seq, stored_hash
        if walk.progress is not None and walk.checked % CHUNK_SIZE == 0:
            walk.progress(walk.checked)
    if walk.progress is not None:
        walk.progress(walk.checked)

    if prev_seq < head_seq:
        span = _span(prev_seq + 1, head_seq)
        raise _Broken(prev_seq + 1, f"{span} missing at the end (tail truncated)")
    if prev_hash != head_hash:
        raise _Broken(head_seq, f"the audit head does not match entry {head_seq} (head altered)")
    if not head_mac_ok(head_seq, head_hash, head_row_mac):
        raise _Broken(
            head_seq + 1,
            f"the audit head (entry {head_seq}) failed authentication: "
            "moved back or reset without the audit key (tail truncated or log wiped)",
        )
    for kept, where in ((walk.anchored, "outside the database"), (walk.crossed, "in chain 1")):
        beyond = [seq for seq in kept if chains.chain_of(seq) == chain and seq > head_seq]
        if beyond:
            raise _Broken(
                head_seq + 1,
                f"the log ends at entry {head_seq} but entry {max(beyond)} was anchored "
                f"{where} (tail truncated or log wiped)",
            )


def _note_chain_entry(action: str, data: Any, walk: _Walk) -> None:
    """Chain 1's entries about the other chains (verified already: their content is sound)."""
    if action == chains.OPENED:
        walk.opened.add(int(data["chain"]))
    elif action == chains.CROSS_ANCHOR:
        walk.crossed.update({int(seq): str(digest) for seq, digest in data["heads"]})


def _check_beyond_heads(heads: dict[int, tuple[int, str, str]], walk: _Walk) -> None:
    """No entry past a chain's head, or in a chain with no head: only record() appends."""
    span = chains.CHAIN_SPAN
    ranges = {k: (chains.base(k), chains.base(k) + span) for k in range(1, chains.CHAINS + 1)}
    # Max first, then the heads: an entry and its head update commit together, so a legal
    # append seen by the first query is always covered by the second.
    lasts = AuditEntry.objects.aggregate(
        stray=Max("seq", filter=Q(seq__gt=chains.CHAINS * span)),
        **{
            f"c{k}": Max("seq", filter=Q(seq__gt=lo, seq__lte=hi)) for k, (lo, hi) in ranges.items()
        },
    )
    now = dict(AuditHead.objects.values_list("id", "seq"))
    for chain, (lo, _) in ranges.items():
        last_seq = lasts[f"c{chain}"]
        now_seq = now.get(chain, lo)
        if last_seq is not None and last_seq > now_seq:
            extra = (
                AuditEntry.objects.filter(seq__gt=now_seq, seq__lte=lo + span)
                .order_by("seq")
                .values_list("seq", flat=True)
                .first()
            )
            raise _Broken(
                extra, f"entry {extra} lies beyond the audit head (added outside record())"
            )
    if lasts["stray"] is not None:
        raise _Broken(
            lasts["stray"],
            f"entry {lasts['stray']} lies beyond the audit head (added outside record())",
        )


def cross_anchor() -> AuditEntry | None:
    """Record the heads of chains 2, 3, … in chain 1 (``chains.CROSS_ANCHOR``), so that a
    chain cut short and given back an older head no longer verifies; None when no other
    chain has moved since the last cross-anchor. The hourly anchor task calls it."""
    with transaction.atomic():
        rows = AuditHead.objects.filter(id__gt=1).order_by("id").values_list("id", "seq", "hash")
        moved = [[seq, digest] for chain, seq, digest in rows if seq > chains.base(chain)]
        if not moved:
            return None
        last = (
            AuditEntry.objects.filter(seq__lte=chains.CHAIN_SPAN, action=chains.CROSS_ANCHOR)
            .order_by("-seq")
            .values_list("data", flat=True)
            .first()
        )
        if last is not None and last.get("heads") == moved:
            return None
        return record(actor="system", action=chains.CROSS_ANCHOR, data={"heads": moved}, chain=1)


def _missing(prev_seq: int, seq: int, base: int = 0) -> str:
    where = f"after {prev_seq}" if prev_seq > base else f"before {seq}"
    return f"{_span(prev_seq + 1, seq - 1)} missing {where} (deleted)"


def _span(first: int, last: int) -> str:
    return f"entry {first}" if first == last else f"entries {first} to {last}"
