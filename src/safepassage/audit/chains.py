"""Several chains, so that the audit log is not one lock every audited write waits for.

An appended entry links to the head of one chain and moves it on. With one chain, that head
row is locked from the append until the writer's transaction commits, so every audited
write in the system queues behind one lock. There are up to ``CHAINS`` chains instead:
``lock_head`` gives a writer the first head no other transaction holds (``SKIP LOCKED``),
so a writer alone always writes to chain 1, as before, and concurrent writers spill into
chains 2, 3, … only when the ones before are busy. SQLite serialises writers by itself and
never spills.

Chain ``k`` numbers its entries from ``base(k) + 1`` (chain 1 from 1, chain 2 from
``CHAIN_SPAN + 1``, …), so an entry's ``seq`` is unique across chains and tells its chain,
and head MACs, anchors and sealed values, all bound to ``seq``, need no other change.

A chain is opened (its head row made) the first time it is needed, and its opening is
recorded in chain 1 (``OPENED``); ``cross_anchor`` records the heads of the other chains in
chain 1 periodically (the hourly anchor task). ``verify`` reads both: a chain deleted
whole, head and all, or cut short and given back an older head, no longer verifies, and
chain 1 itself is anchored outside the database.
"""

from __future__ import annotations

import random

from django.db import IntegrityError, transaction

from safepassage.audit.hashing import head_mac
from safepassage.audit.models import GENESIS_HASH, AuditHead

CHAINS = 8
CHAIN_SPAN = 10**15
OPENED = "audit.chain_opened"
CROSS_ANCHOR = "audit.cross_anchor"


def base(chain: int) -> int:
    """The ``seq`` of chain ``chain``'s head before its first entry."""
    return (chain - 1) * CHAIN_SPAN


def chain_of(seq: int) -> int:
    """The chain that entry ``seq`` belongs to (0, the empty log's head, is chain 1's)."""
    return max(seq - 1, 0) // CHAIN_SPAN + 1


class HeadMissing(RuntimeError):
    """Chain 1's head row is gone: appending would make a wiped log look whole."""


def lock_head(chain: int | None = None) -> tuple[AuditHead, bool]:
    """Lock a head for an append and return it, with True if this call opened its chain.

    Call inside a transaction. ``chain`` pins one chain (waiting for it if busy); without it,
    the first head that no other transaction holds, a new chain if all are busy and fewer
    than ``CHAINS`` exist, or else waits for one of them. A transaction that already holds
    a head gets one it holds (a row locked by itself is never skipped).
    """
    heads = AuditHead.objects.select_for_update
    if chain is not None:
        row = heads().filter(id=chain).first()
        if row is None:
            raise HeadMissing(f"the head of audit chain {chain} is missing")
        return row, False
    row = heads(skip_locked=True).order_by("id").first()
    if row is not None and (row.id == 1 or AuditHead.objects.filter(id=1).exists()):
        return row, False
    existing = sorted(AuditHead.objects.values_list("id", flat=True))
    if 1 not in existing:
        raise HeadMissing("the audit head row is missing; run `safepassage audit verify`")
    if len(existing) < CHAINS:
        opened = _open(len(existing) + 1)
        if opened is not None:
            return opened, True
    # Every chain is busy: wait for one, spread over them so no one head takes the queue.
    return heads().get(id=random.choice(existing)), False  # noqa: S311 (not a secret)


def _open(chain: int) -> AuditHead | None:
    """Make chain ``chain``'s head row (its genesis), or None if another writer just did."""
    start = base(chain)
    try:
        with transaction.atomic():
            return AuditHead.objects.create(
                id=chain, seq=start, hash=GENESIS_HASH, mac=head_mac(start, GENESIS_HASH)
            )
    except IntegrityError:
        return None
