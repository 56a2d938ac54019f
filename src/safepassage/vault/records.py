"""Sealing and reading protected values of one record (envelope encryption).

Each record has its own 256-bit data key; the database stores it only wrapped by the current
master key, with the data key's id as associated data. Values are sealed under the data key
with ``table.field.row-id`` as associated data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import unicodedata
import uuid
from collections.abc import Mapping

from django.db import models
from django.utils import timezone

from safepassage.vault import crypto, derived, keyring
from safepassage.vault.errors import Shredded, VaultIntegrityError
from safepassage.vault.fields import ProtectedField, protected_fields
from safepassage.vault.models import DataKey

_DATA_KEY_CACHE = "_vault_data_key"


def _wrap_aad(data_key_id) -> bytes:
    return f"vault.datakey.{data_key_id}".encode()


def wrap(data_key: DataKey, plain_key: bytes) -> None:
    _Wrapper().wrap(data_key, plain_key)


class _Wrapper:
    """Wraps data keys under the current master key, read from the keyring once however
    many keys it wraps (the keyring is a file: reading it checks the file each time)."""

    def __init__(self) -> None:
        ring = keyring.load()
        self.master_key_id = ring.current
        self.master = crypto.cipher(ring.key(ring.current))

    def wrap(self, data_key: DataKey, plain_key: bytes) -> None:
        data_key.master_key_id = self.master_key_id
        data_key.wrapped = self.wrapped(data_key.id, plain_key)

    def wrapped(self, data_key_id, plain_key: bytes) -> bytes:
        return crypto.seal(self.master, plain_key, aad=_wrap_aad(data_key_id))


def unwrap(data_key: DataKey) -> bytes:
    if data_key.wrapped is None:
        raise Shredded(f"data key {data_key.id} was shredded on {data_key.shredded_at:%Y-%m-%d}")
    master = keyring.load().key(data_key.master_key_id)
    return crypto.open_sealed(
        master, data_key.wrapped, aad=_wrap_aad(data_key.id), what=f"data key {data_key.id}"
    )


def _plain_data_key(instance) -> bytes:
    cached = instance.__dict__.get(_DATA_KEY_CACHE)
    if cached is not None:
        return cached
    if instance.data_key_id is None:
        raise VaultIntegrityError(f"{instance._meta.label} {instance.pk} has no data key")
    plain = unwrap(instance.data_key)
    instance.__dict__[_DATA_KEY_CACHE] = plain
    return plain


def _ensure_data_key(instance) -> bytes:
    if instance.data_key_id is not None:
        return _plain_data_key(instance)
    plain = crypto.new_data_key()
    data_key = DataKey()
    wrap(data_key, plain)
    data_key.save()
    instance.data_key = data_key
    instance.__dict__[_DATA_KEY_CACHE] = plain
    return plain


def blind_index(model: type[models.Model], field_name: str, value: str) -> str:
    """Keyed hash of a normalised value: equal inputs match, the key never leaves settings.

    Built only over high-entropy values (full names, phones, e-mails, IBANs): an index over
    a surname or a birth year could be reversed by trying every value.
    """
    field = protected_fields(model)[field_name]
    if not field.blind_index:
        raise ValueError(f"{model._meta.label}.{field_name} has no blind index")
    field_key = derived.blind_index_key(f"{model._meta.db_table}.{field_name}")
    # NFC first, whatever the field's own normalisation: a name typed in decomposed Hangul
    # must find the composed one. NFC leaves composed text as it is, so indexes written
    # before this still match.
    normalised = field.normalise(unicodedata.normalize("NFC", value)).encode()
    return hmac.new(field_key, normalised, hashlib.sha256).hexdigest()


def seal_pending(instance, update_fields=None):
    """Seal every staged plain value of ``instance``; returns the update_fields to save."""
    fields = protected_fields(instance)
    staged = [
        (name, field)
        for name, field in fields.items()
        if field.pending_attr in instance.__dict__
        and (update_fields is None or name in update_fields)
    ]
    if update_fields is not None:
        expanded = [f for f in update_fields if f not in fields]
        for name in update_fields:
            if name in fields:
                expanded.extend(fields[name].column_names)
        update_fields = expanded
    if not staged:
        return update_fields
    plain_key = _ensure_data_key(instance)
    if update_fields is not None and "data_key" not in update_fields:
        update_fields.append("data_key")
    for _name, field in staged:
        _seal_one(instance, field, plain_key)
    return update_fields


def _seal_one(instance, field: ProtectedField, plain_key: bytes) -> None:
    pending = instance.__dict__.pop(field.pending_attr)
    columns = _sealed(
        type(instance), field, pending.value, plain_key, field.aad(instance), pending.surname
    )
    for attname, column_value in zip(field.column_names, columns, strict=True):
        setattr(instance, attname, column_value)


def _sealed(model, field: ProtectedField, value, key, aad: bytes, surname=None) -> tuple:
    """The values of ``field.column_names`` for ``value``: the ciphertext, then the mask and
    the blind index if the field has them. An empty value leaves all of them empty."""
    empty = value is None or value in ("", b"")
    columns = [None]
    if not empty:
        raw = value if isinstance(value, bytes) else value.encode("utf-8")
        columns[0] = crypto.seal(key, raw, aad=aad)
    if field.mask_attname:
        columns.append("" if empty else field.masked(value, surname))
    if field.index_attname:
        columns.append(None if empty else blind_index(model, field.name, value))
    return tuple(columns)


def read(instance, field_name: str) -> str | bytes | None:
    """The plain value, for code that has already checked the caller may have it.

    People-facing reads go through ``vault.services.reveal``, which audits.
    Raises ``Shredded``, ``VaultKeyMissing`` or ``VaultIntegrityError``; never returns the
    ciphertext or an empty value in place of one that cannot be opened.
    """
    field = protected_fields(instance)[field_name]
    pending = instance.__dict__.get(field.pending_attr)
    if pending is not None:
        return pending.value
    blob = getattr(instance, field.sealed_attname)
    if blob is None:
        return None
    raw = crypto.open_sealed(
        _plain_data_key(instance),
        blob,
        aad=field.aad(instance),
        what=f"{instance._meta.label}.{field_name} of {instance.pk}",
    )
    return raw if field.binary else raw.decode("utf-8")


def filter_by(queryset: models.QuerySet, field_name: str, value: str) -> models.QuerySet:
    """Exact-match search through the blind index."""
    field = protected_fields(queryset.model)[field_name]
    digest = blind_index(queryset.model, field_name, value)
    return queryset.filter(**{field.index_attname: digest})


def destroy(instance) -> None:
    """Delete a vault record together with its data key (a hard delete, not a shred)."""
    data_key_id = instance.data_key_id
    instance.delete()
    if data_key_id is not None:
        DataKey.objects.filter(pk=data_key_id).delete()


def prepare_for_bulk(instances) -> None:
    """Seal staged values before ``bulk_create``, which skips ``save()``.

    Data keys for all the instances are inserted in one statement, so an import of many
    records costs one INSERT for the keys, not one per record, and they are wrapped with
    one reading of the keyring. Call inside the transaction that then bulk-creates the
    instances. An instance given a new key holds its id (``data_key_id``), not a loaded
    ``DataKey``.
    """
    new_keys = []
    wrapper = None
    for instance in instances:
        staged = [
            field
            for field in protected_fields(instance).values()
            if field.pending_attr in instance.__dict__
        ]
        if not staged:
            continue
        if instance.data_key_id is None:
            wrapper = wrapper or _Wrapper()
            plain = crypto.new_data_key()
            data_key_id = uuid.uuid4()
            now = timezone.now()
            new_keys.append(
                (
                    data_key_id,
                    wrapper.master_key_id,
                    wrapper.wrapped(data_key_id, plain),
                    None,
                    now,
                    now,
                )
            )
            instance.data_key_id = data_key_id
            instance.__dict__[_DATA_KEY_CACHE] = plain
        else:
            plain = _plain_data_key(instance)
        for field in staged:
            _seal_one(instance, field, plain)
    # COPY on PostgreSQL: bulk_create compiled SQL text for every key, a tenth of an import.
    from safepassage.base import bulk

    if new_keys:
        bulk.insert_rows(DataKey, DATA_KEY_COLUMNS, new_keys)


DATA_KEY_COLUMNS = ("id", "master_key_id", "wrapped", "shredded_at", "created_at", "updated_at")


class BulkSealer:
    """Seals the protected values of many new records of one model, for writing them as
    plain rows (``safepassage.base.bulk.insert_rows``) where a model instance per record would
    cost more than the record itself.

    ``columns`` names the columns ``seal`` fills: ``data_key_id`` and each protected
    field's columns (ciphertext, mask, blind index), as saving an instance would fill them.
    Each record with a value gets its own data key, wrapped under the current master key
    (the keyring is read once); ``data_keys`` collects their rows (``DATA_KEY_COLUMNS``),
    to be inserted before the records, in the same transaction.
    """

    def __init__(self, model: type[models.Model], *, now: dt.datetime) -> None:
        self.model = model
        self.table = model._meta.db_table
        self.fields = list(protected_fields(model).values())
        self.columns = (
            "data_key_id",
            *[name for field in self.fields for name in field.column_names],
        )
        self.now = now
        self.data_keys: list[tuple] = []
        self._wrapper = _Wrapper()

    def seal(self, pk, values: Mapping[str, str | bytes | None]) -> tuple:
        """The values of ``columns`` for the new record ``pk`` holding ``values`` (by field
        name; a field not given is empty)."""
        unknown = set(values) - {field.name for field in self.fields}
        if unknown:
            raise ValueError(f"{self.model._meta.label} has no protected {sorted(unknown)}")
        cleaned = {field.name: field.clean(values.get(field.name)) for field in self.fields}
        if not any(value not in (None, "", b"") for value in cleaned.values()):
            data_key_id = None
            key = None
        else:
            data_key_id = uuid.uuid4()
            plain = crypto.new_data_key()
            self.data_keys.append(
                (
                    data_key_id,
                    self._wrapper.master_key_id,
                    self._wrapper.wrapped(data_key_id, plain),
                    None,
                    self.now,
                    self.now,
                )
            )
            key = crypto.cipher(plain)
        row: list = [data_key_id]
        for field in self.fields:
            row.extend(
                _sealed(self.model, field, cleaned[field.name], key, field.aad_for(self.table, pk))
            )
        return tuple(row)
