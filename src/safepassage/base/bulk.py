"""Writing many new rows at once: COPY on PostgreSQL, ``executemany`` INSERT elsewhere.

The importers (cases, gifts) write tens of thousands of rows in one transaction. This is
``bulk_create`` without the SQL text it compiles for every value of every row, which at
100,000 rows took several times longer than the insert itself. Like ``bulk_create``, no
signals are sent and ``save()`` is not called: the caller seals protected values first
(``vault.records.prepare_for_bulk`` or ``vault.records.BulkSealer``) and sets every primary
key that is not auto-incremented (UUIDs are). Auto-increment keys are left to the database
and not read back.

Two doors: ``insert`` takes model instances; ``insert_rows`` takes plain tuples of column
values (by attribute name, ``donor_id`` not ``donor``), for paths where building a model
instance per row would cost more than writing it.
"""

from __future__ import annotations

import base64
import functools
import operator
import secrets
from collections.abc import Callable, Iterable, Sequence
from itertools import batched

from django.db import connections, models, router

from safepassage.base.codes import CODE_ALPHABET, new_code

BATCH_SIZE = 1000

# Columns whose Python value already is what the database takes, on every backend.
_PLAIN_FIELDS = (
    models.CharField,
    models.BooleanField,
    models.PositiveSmallIntegerField,
    models.SmallIntegerField,
    models.IntegerField,
    models.BigIntegerField,
    models.PositiveIntegerField,
    models.BigAutoField,
)
# What psycopg adapts itself, exactly as Django's PostgreSQL backend would pass it on.
_POSTGRES_NATIVE = (
    models.DateField,  # DateTimeField too
    models.DecimalField,
    models.BinaryField,
    models.UUIDField,
)
_BASE32_TO_CODE = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", CODE_ALPHABET)


def new_codes(count: int) -> list[str]:
    """``count`` codes as ``base.codes.new_code`` makes them (8 symbols of the same
    32-symbol alphabet, uniformly random), from one call to the random source: 5 random
    bytes are exactly 8 base-32 symbols."""
    symbols = base64.b32encode(secrets.token_bytes(5 * count)).decode().translate(_BASE32_TO_CODE)
    return [symbols[i : i + 8] for i in range(0, 8 * count, 8)]


def unique_codes(model, objects: list) -> None:
    """Make the random codes of unsaved records unique, among themselves and against the
    table: with 100,000 new rows a clash of 8-character codes is likely enough to matter,
    and one clash would fail the whole import."""
    codes = [obj.code for obj in objects]
    _make_unique(model, codes)
    for obj, code in zip(objects, codes, strict=True):
        obj.code = code


def fresh_codes(model, count: int) -> list[str]:
    """``count`` new codes for rows of ``model``, unlike each other and every code in its
    table (see ``unique_codes``)."""
    codes = new_codes(count)
    _make_unique(model, codes)
    return codes


def _make_unique(model, codes: list[str]) -> None:
    seen: set[str] = set()
    for at, code in enumerate(codes):
        while code in seen:
            code = new_code()
        codes[at] = code
        seen.add(code)
    pending = list(range(len(codes)))
    while pending:
        taken = existing(model, "code", [codes[at] for at in pending])
        pending = [at for at in pending if codes[at] in taken]
        for at in pending:
            code = codes[at]
            while code in seen:
                code = new_code()
            codes[at] = code
            seen.add(code)


def existing(model, column: str, values: list[str]) -> set[str]:
    """Which of ``values`` (text) the table's ``column`` already holds. On PostgreSQL one
    array parameter per 50,000 values (``= ANY``), where ``column__in`` sends one parameter
    per value and at 100,000 codes took longer than inserting them."""
    connection = connections[router.db_for_read(model)]
    found: set[str] = set()
    if connection.vendor != "postgresql":
        for chunk in batched(values, BATCH_SIZE):
            found.update(
                model.objects.filter(**{f"{column}__in": chunk}).values_list(column, flat=True)
            )
        return found
    quote = connection.ops.quote_name
    name = quote(model._meta.get_field(column).column)
    sql = f"SELECT {name} FROM {quote(model._meta.db_table)} WHERE {name} = ANY(%s)"  # noqa: S608
    with connection.cursor() as cursor:
        for chunk in batched(values, 50 * BATCH_SIZE):
            cursor.execute(sql, [list(chunk)])
            found.update(value for (value,) in cursor.fetchall())
    return found


def insert(model, objects: list) -> None:
    """INSERT new model instances. Values go through each field's own ``pre_save`` and
    ``get_db_prep_save``, as in ``bulk_create`` (skipped where they would change nothing:
    see ``_preparer``)."""
    if not objects:
        return
    connection = connections[router.db_for_write(model)]
    fields = [f for f in model._meta.concrete_fields if not getattr(f, "db_returning", False)]
    # Every value is read in one call; the few a field must still work on are then redone.
    read = operator.attrgetter(*[field.attname for field in fields])
    steps = [
        (at, pre_save, prepare)
        for at, field in enumerate(fields)
        for pre_save in [_pre_saver(field)]
        for prepare in [_preparer(field, connection, distinct=pre_save is not None)]
        if pre_save is not None or prepare is not None
    ]
    rows = []
    for obj in objects:
        row = list(read(obj)) if len(fields) > 1 else [read(obj)]
        for at, pre_save, prepare in steps:
            value = row[at] if pre_save is None else pre_save(obj, True)
            row[at] = value if prepare is None else prepare(value)
        rows.append(row)
    _write(connection, model, [field.column for field in fields], rows)
    for obj in objects:
        obj._state.adding = False
        obj._state.db = connection.alias


def _pre_saver(field) -> Callable | None:
    """The field's ``pre_save``, or None where it only reads the attribute (every field
    but those that override it: a date with ``auto_now``, a file)."""
    if isinstance(field, models.DateField) and not (field.auto_now or field.auto_now_add):
        return None
    if type(field).pre_save is models.Field.pre_save:
        return None
    return field.pre_save


def insert_rows(model, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """INSERT rows given as tuples of values for ``columns`` (attribute names). Values are
    what the model instance would hold after ``pre_save`` (the caller fills in
    ``created_at`` and the like); each column is prepared for the database as its field
    prepares it. Returns the number of rows written."""
    connection = connections[router.db_for_write(model)]
    fields = [model._meta.get_field(name) for name in columns]
    for name, field in zip(columns, fields, strict=True):
        if field.attname != name or not field.concrete:
            raise ValueError(f"{model._meta.label} has no column attribute {name!r}")
    prepare = [_preparer(field, connection) for field in fields]
    if any(prepare):
        rows = (
            [
                value if step is None else step(value)
                for value, step in zip(row, prepare, strict=True)
            ]
            for row in rows
        )
    return _write(connection, model, [field.column for field in fields], rows)


def _preparer(field, connection, *, distinct: bool = False) -> Callable | None:
    """How a column's values become what the database driver takes; None: as they are.
    The same as ``field.get_db_prep_save``, without its cost for every value where that
    is the identity (or only turns a UUID into hex). ``distinct``: the values seldom
    repeat (timestamps taken as each row is written), so none is remembered."""
    target = field.target_field if field.is_relation else field
    if type(target) in _PLAIN_FIELDS:
        return None
    if isinstance(target, models.UUIDField):
        if connection.features.has_native_uuid_field:
            return None
        return lambda value: value if value is None else value.hex
    if connection.vendor == "postgresql" and isinstance(target, _POSTGRES_NATIVE):
        return None
    if isinstance(target, models.BinaryField):
        return None
    if distinct or isinstance(target, models.JSONField):  # a JSON value is seldom hashable
        return functools.partial(field.get_db_prep_save, connection=connection)
    prepared: dict = {}

    def prepare(value):
        # Dates, times and rates repeat: prepare each distinct value once.
        try:
            return prepared[value]
        except KeyError:
            found = prepared[value] = field.get_db_prep_save(value, connection)
            return found
        except TypeError:  # not hashable
            return field.get_db_prep_save(value, connection)

    return prepare


def _write(connection, model, columns: list[str], rows: Iterable[Sequence]) -> int:
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(column) for column in columns)
    written = 0
    # Names come from the model, never from a file.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    written += 1
        else:
            marks = ", ".join(["%s"] * len(columns))
            for chunk in batched(rows, BATCH_SIZE):
                cursor.executemany(
                    f"INSERT INTO {table} ({names}) VALUES ({marks})",  # noqa: S608
                    chunk,
                )
                written += len(chunk)
    return written
