"""Bringing stored pseudonyms and blind indexes under the current rules (data migrations).

Pseudonyms are computed once, when a value is sealed; when the rule in ``vault.masks``
changes, rows written before keep the old form until they are re-masked here. Each row is
re-masked from its plain value when the vault's keyring can open it (its blind indexes are
recomputed at the same time, so a value stored in decomposed Unicode finds its composed
twin); a row that cannot be opened has its stored name pseudonym re-masked by the new rule
(``masks.remask_name``), which can only show less; a shredded row gets the shredded form
(``masks.shredded``, as ``services.shred`` leaves it).
"""

from __future__ import annotations

from dataclasses import dataclass

from safepassage.vault import crypto, masks, records
from safepassage.vault.errors import VaultError
from safepassage.vault.fields import ProtectedField, protected_fields

BATCH_SIZE = 500


@dataclass
class Remasked:
    from_plain: int = 0
    from_mask: int = 0
    shredded: int = 0


def remask_model(model, live_model, data_key_model, *, batch_size: int = BATCH_SIZE) -> Remasked:
    """Re-mask every row of ``model`` (a migration's historical model, or the live one) whose
    protected fields, as ``live_model`` declares them, have a mask or a blind index."""
    fields = [f for f in protected_fields(live_model).values() if f.mask_attname or f.index_attname]
    table = live_model._meta.db_table
    columns = ["pk", "data_key_id"]
    for field in fields:
        columns.extend(field.column_names)
    counts = Remasked()
    rows = model.objects.exclude(data_key_id=None).order_by("pk").values_list(*columns)
    pending = []
    for row in rows.iterator(chunk_size=batch_size):
        pending.append(dict(zip(columns, row, strict=True)))
        if len(pending) == batch_size:
            _remask_batch(model, data_key_model, table, fields, pending, counts)
            pending = []
    if pending:
        _remask_batch(model, data_key_model, table, fields, pending, counts)
    return counts


def _remask_batch(model, data_key_model, table, fields, rows, counts: Remasked) -> None:
    keys = data_key_model.objects.in_bulk([row["data_key_id"] for row in rows])
    for row in rows:
        data_key = keys[row["data_key_id"]]
        if data_key.wrapped is None:
            changes = _shredded(fields, row)
            counts.shredded += 1
        else:
            try:
                changes = _from_plain(live_table=table, fields=fields, row=row, data_key=data_key)
                counts.from_plain += 1
            except VaultError:
                changes = _from_mask(fields, row)
                counts.from_mask += 1
        changes = {name: value for name, value in changes.items() if row[name] != value}
        if changes:
            model.objects.filter(pk=row["pk"]).update(**changes)


def _shredded(fields: list[ProtectedField], row) -> dict:
    changes = {}
    for field in fields:
        if field.index_attname:
            changes[field.index_attname] = None
        if field.mask_attname:
            changes[field.mask_attname] = masks.shredded(row[field.mask_attname])
    return changes


def _from_plain(*, live_table, fields: list[ProtectedField], row, data_key) -> dict:
    plain_key = records.unwrap(data_key)
    changes = {}
    for field in fields:
        blob = row[field.sealed_attname]
        value = None
        if blob is not None:
            raw = crypto.open_sealed(
                plain_key,
                blob,
                aad=field.aad_for(live_table, row["pk"]),
                what=f"{live_table}.{field.name} of {row['pk']}",
            )
            value = raw.decode("utf-8")
        if field.mask_attname:
            changes[field.mask_attname] = field.masked(value) if value else ""
        if field.index_attname:
            changes[field.index_attname] = (
                records.blind_index(field.model, field.name, value) if value else None
            )
    return changes


def _from_mask(fields: list[ProtectedField], row) -> dict:
    return {
        field.mask_attname: masks.remask_name(row[field.mask_attname])
        for field in fields
        if field.mask is masks.name and row[field.mask_attname]
    }
