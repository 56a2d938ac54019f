"""Writes and audited reads of the vault: reveal, shred, rotate."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from safepassage import faults
from safepassage.audit.chain import record
from safepassage.vault import keyring, masks, records
from safepassage.vault.errors import VaultKeyMissing
from safepassage.vault.fields import protected_fields
from safepassage.vault.models import DataKey


def reveal(*, record_obj, field_name: str, actor, reason: str) -> str | bytes | None:
    """The plain value of one protected field, with an audit entry saying who, why, what.

    The caller has checked that ``actor`` may reveal this record. Raises ``Shredded`` when
    the record's key was destroyed; the failed attempt is still audited (the entry is
    written in its own transaction, before the value is read).
    """
    reason = " ".join(reason.split())
    if not reason:
        raise ValueError("a reason is required to reveal a protected value")
    if field_name not in protected_fields(record_obj):
        raise ValueError(f"{record_obj._meta.label} has no protected field {field_name!r}")
    with transaction.atomic():
        record(
            actor=actor,
            action="vault.revealed",
            target=record_obj,
            data={"field": field_name},
            sealed={"reason": reason[:500]},
        )
    return records.read(record_obj, field_name)


@transaction.atomic
def shred(*, record_obj, actor, reason: str) -> None:
    """Destroy the record's data key: its protected values are gone for good.

    Clear columns (counts, dates, sex, birth year, province) stay for statistics; the blind
    indexes go too, so a shredded person cannot even be confirmed by a guessed name, and
    every pseudonym ("Kim OO", "•••35") becomes the neutral "•••": a shredded record shows
    that it had a name or a phone, and no letter or digit of it. On SQLite the pages that
    held the wrapped key are then checkpointed out of the write-ahead log (and zeroed, with
    ``secure_delete``), so the key does not linger in the database file.
    """
    if record_obj.data_key_id is None:
        record(actor=actor, action="vault.shredded", target=record_obj, sealed={"reason": reason})
        return
    data_key = DataKey.objects.select_for_update().get(pk=record_obj.data_key_id)
    data_key.wrapped = None
    data_key.shredded_at = timezone.now()
    data_key.save(update_fields=["wrapped", "shredded_at", "updated_at"])
    faults.point("vault.shred.key_destroyed")
    cleared = _shredded_columns(record_obj)
    if cleared:
        type(record_obj).objects.filter(pk=record_obj.pk).update(**cleared)
        for name, value in cleared.items():
            setattr(record_obj, name, value)
    record_obj.data_key = data_key
    record_obj.__dict__.pop("_vault_data_key", None)
    record(actor=actor, action="vault.shredded", target=record_obj, sealed={"reason": reason})
    if connection.vendor == "sqlite":
        transaction.on_commit(_checkpoint_sqlite, robust=True)


def _shredded_columns(record_obj) -> dict:
    """The values that leave a shredded record's derived columns saying nothing: no blind
    index, and "•••" for every pseudonym that was set (an empty one stays empty)."""
    fields = protected_fields(record_obj).values()
    mask_names = [field.mask_attname for field in fields if field.mask_attname]
    stored = {}
    if mask_names:
        stored = type(record_obj).objects.filter(pk=record_obj.pk).values(*mask_names).get()
    cleared = {name: masks.shredded(value) for name, value in stored.items()}
    for field in fields:
        if field.index_attname:
            cleared[field.index_attname] = None
    return cleared


def _checkpoint_sqlite() -> None:
    # TRUNCATE copies every committed page into the database file (where secure_delete
    # has zeroed the freed bytes) and empties the -wal file, which held the page as it was.
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


@dataclass
class RotationResult:
    rewrapped: int
    remaining: int
    current: str
    retired_candidates: list[str]


def _rewrap_batch(current: str, batch_size: int) -> int:
    with transaction.atomic():
        query = DataKey.objects.exclude(master_key_id=current).filter(wrapped__isnull=False)
        if connection.features.has_select_for_update_skip_locked:
            query = query.select_for_update(skip_locked=True)
        batch = list(query.order_by("id")[:batch_size])
        for data_key in batch:
            plain = records.unwrap(data_key)
            records.wrap(data_key, plain)
        DataKey.objects.bulk_update(batch, ["master_key_id", "wrapped", "updated_at"])
        if batch:
            record(
                actor="system",
                action="vault.keys_rewrapped",
                data={"count": len(batch), "master_key": current},
            )
        return len(batch)


def rotate(
    *, batch_size: int = 500, progress: Callable[[int], None] | None = None
) -> RotationResult:
    """Re-wrap every data key under the current master key, in batches.

    Each batch commits on its own, so an interrupted rotation resumes where it stopped:
    only keys still wrapped by an older master key are selected.
    """
    current = keyring.load().current
    total = 0
    while True:
        done = _rewrap_batch(current, batch_size)
        if not done:
            break
        total += done
        if progress:
            progress(done)
        faults.point("vault.rotate.batch_committed")
    remaining = DataKey.objects.exclude(master_key_id=current).filter(wrapped__isnull=False)
    in_use = set(
        DataKey.objects.filter(wrapped__isnull=False).values_list("master_key_id", flat=True)
    )
    retired = sorted(kid for kid in keyring.load().keys if kid != current and kid not in in_use)
    return RotationResult(
        rewrapped=total, remaining=remaining.count(), current=current, retired_candidates=retired
    )


def retire(*, key_id: str) -> None:
    """Remove an old master key from the keyring once no data key depends on it."""
    if DataKey.objects.filter(master_key_id=key_id, wrapped__isnull=False).exists():
        raise VaultKeyMissing(
            f"data keys are still wrapped by {key_id!r}; run `safepassage keys rotate` first"
        )
    keyring.remove_key(key_id)
    record(actor="system", action="vault.master_key_retired", data={"master_key": key_id})
