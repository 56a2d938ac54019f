"""The rows a field check-in reads and writes, in as few round trips as the database allows.

A check-in is the hottest write in the system (issue 13): building each ORM statement cost
several times what the database took to run it, and every statement is a round trip. Here
the fixed statements of ``checkins._submit`` are written once by hand: the mission lock;
one read after it (is the key recorded, the leg under way, the head-count); and one write
of everything the check-in changes (on PostgreSQL a single statement with data-modifying
WITH clauses, elsewhere one statement each, in the same order). Values are prepared by
each model field, as ``Model.save`` prepares them; no signals are sent (none are used).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connections, router

from safepassage.rescue.models import (
    CheckIn,
    CheckInLink,
    FieldPartner,
    Leg,
    LegStatus,
    Mission,
    MissionEvent,
    Outcome,
    Traveller,
)
from safepassage.rescue.services.timeline import actor_label

# Table and column names come from the models, never from a request.
# ruff: noqa: S608


def _connection(model, *, write: bool):
    alias = router.db_for_write(model) if write else router.db_for_read(model)
    return connections[alias]


def _q(connection, name: str) -> str:
    return connection.ops.quote_name(name)


def _columns(connection, model, alias: str) -> str:
    return ", ".join(f"{alias}.{_q(connection, f.column)}" for f in model._meta.concrete_fields)


def link_by_digest(digest: str) -> CheckInLink | None:
    """The link whose token digest is ``digest``, with its mission and partner loaded (as
    ``select_related`` would), revoked and expired ones included; None if there is none."""
    connection = _connection(CheckInLink, write=False)
    models = (CheckInLink, Mission, FieldPartner)
    q = connection.ops.quote_name
    sql = (
        f"SELECT {_columns(connection, CheckInLink, 'k')}, {_columns(connection, Mission, 'm')},"
        f" {_columns(connection, FieldPartner, 'p')}"
        f" FROM {q(CheckInLink._meta.db_table)} k"
        f" JOIN {q(Mission._meta.db_table)} m ON m.{q('id')} = k.{q('mission_id')}"
        f" JOIN {q(FieldPartner._meta.db_table)} p ON p.{q('id')} = k.{q('partner_id')}"
        f" WHERE k.{q('token_digest')} = %s LIMIT 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [digest])
        row = cursor.fetchone()
    if row is None:
        return None
    link, mission, partner = _instances(connection, models, row)
    link.mission, link.partner = mission, partner
    return link


def _instances(connection, models, row) -> list:
    """Model instances from one row holding each model's concrete columns in turn, each
    value converted as the ORM converts it."""
    made, start = [], 0
    for model in models:
        names, converters = _loading(connection, model)
        values = list(row[start : start + len(names)])
        for at, column, steps in converters:
            for convert in steps:
                values[at] = convert(values[at], column, connection)
        made.append(model.from_db(connection.alias, names, values))
        start += len(names)
    return made


def _loading(connection, model) -> tuple[list[str], list[tuple]]:
    """The attribute names of ``model``'s concrete fields, and the ORM's converters of
    those columns that have any (backend's first, then the field's), made once."""
    key = (connection.alias, model._meta.label)
    found = _LOADING.get(key)
    if found is None:
        fields = model._meta.concrete_fields
        converters = []
        for at, field in enumerate(fields):
            column = field.get_col(model._meta.db_table)
            steps = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
            if steps:
                converters.append((at, column, steps))
        found = _LOADING[key] = ([f.attname for f in fields], converters)
    return found


_LOADING: dict[tuple[str, str], tuple[list[str], list[tuple]]] = {}


def _sql(connection, name: str, build) -> str:
    """The text of statement ``name`` on ``connection``, made by ``build(connection)`` once."""
    key = (connection.alias, name)
    text = _SQL.get(key)
    if text is None:
        text = _SQL[key] = build(connection)
    return text


_SQL: dict[tuple[str, str], str] = {}


def _fetch(connection, sql: str, params: list):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _recorded_sql(connection) -> str:
    q = connection.ops.quote_name
    return (
        f"SELECT {_columns(connection, CheckIn, 'c')} FROM {q(CheckIn._meta.db_table)} c"
        f" WHERE c.{q('mission_id')} = %s AND c.{q('idempotency_key')} = %s LIMIT 1"
    )


def recorded(*, mission_id, key: str) -> CheckIn | None:
    """The check-in with idempotency ``key`` on the mission, or None."""
    connection = _connection(CheckIn, write=False)
    sql = _sql(connection, "recorded", _recorded_sql)
    row = _fetch(connection, sql, [_uuid(connection, mission_id), key])
    return None if row is None else _instances(connection, (CheckIn,), row)[0]


def _lock_sql(connection) -> str:
    q = connection.ops.quote_name
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    return (
        f"SELECT {_columns(connection, Mission, 'm')} FROM {q(Mission._meta.db_table)} m"
        f" WHERE m.{q('id')} = %s{lock}"
    )


def lock_mission(mission_id) -> Mission:
    """The mission row, locked until the transaction ends (where the database has row
    locks). Call inside a transaction; ``Mission.DoesNotExist`` if it is gone."""
    connection = _connection(Mission, write=True)
    row = _fetch(connection, _sql(connection, "lock", _lock_sql), [_uuid(connection, mission_id)])
    if row is None:
        raise Mission.DoesNotExist
    return _instances(connection, (Mission,), row)[0]


@dataclass(frozen=True)
class AfterLock:
    """What ``_submit`` reads once it holds the mission lock: whether the key was recorded
    meanwhile; the first leg under way, with the code name of the safe point it leads to
    (``next_point``), or None; how many people are still travelling; and the latest
    check-in sent through the link, or None (to tell a repeated report)."""

    recorded: bool
    leg: Leg | None
    head_count: int
    last: CheckIn | None = None


def _after_lock_sql(connection) -> str:
    q = connection.ops.quote_name
    leg = q(Leg._meta.db_table)
    point = q(Leg._meta.get_field("to_point").related_model._meta.db_table)
    mission = q("mission_id")
    check_in = q(CheckIn._meta.db_table)
    return (
        f"SELECT {_columns(connection, Leg, 'l')}, p.{q('code_name')},"
        f" EXISTS (SELECT 1 FROM {check_in} c WHERE c.{mission} = %s"
        f" AND c.{q('idempotency_key')} = %s),"
        f" (SELECT COUNT(*) FROM {q(Traveller._meta.db_table)} t WHERE t.{mission} = %s"
        f" AND t.{q('outcome')} = %s),"
        f" {_columns(connection, CheckIn, 'r')}"
        " FROM (SELECT 1 AS here) h"
        f" LEFT JOIN {leg} l ON l.{q('id')} = (SELECT u.{q('id')}"
        f" FROM {leg} u WHERE u.{mission} = %s AND u.{q('status')} = %s"
        f" ORDER BY u.{q('position')} LIMIT 1)"
        f" LEFT JOIN {point} p ON p.{q('id')} = l.{q('to_point_id')}"
        f" LEFT JOIN {check_in} r ON r.{q('id')} = (SELECT v.{q('id')} FROM {check_in} v"
        f" WHERE v.{mission} = %s AND v.{q('link_id')} = %s"
        f" ORDER BY v.{q('received_at')} DESC LIMIT 1)"
    )


def read_after_lock(*, mission_id, key: str, link_id=None) -> AfterLock:
    """One statement for the four reads (the last check-in through ``link_id``, None for
    a staff member's report, finds none). Call while holding the mission lock, in a
    statement after the one that took it, so that it sees what committed before."""
    connection = _connection(Leg, write=True)
    mid = _uuid(connection, mission_id)
    link = None if link_id is None else _pk(connection, CheckInLink, link_id)
    params = [mid, key, mid, Outcome.TRAVELLING, mid, LegStatus.UNDER_WAY, mid, link]
    row = _fetch(connection, _sql(connection, "after_lock", _after_lock_sql), params)
    width = len(Leg._meta.concrete_fields)
    leg_columns, (next_point, was_recorded, travelling) = row[:width], row[width : width + 3]
    last_columns = row[width + 3 :]
    leg = None
    if leg_columns[Leg._meta.concrete_fields.index(Leg._meta.pk)] is not None:
        leg = _instances(connection, (Leg,), leg_columns)[0]
        leg.next_point = next_point
    last = None
    if last_columns[CheckIn._meta.concrete_fields.index(CheckIn._meta.pk)] is not None:
        last = _instances(connection, (CheckIn,), last_columns)[0]
    return AfterLock(recorded=bool(was_recorded), leg=leg, head_count=int(travelling), last=last)


def write(
    *,
    check_in: CheckIn,
    mission: Mission,
    silence: int | None,
    leg_due: tuple[Leg, dt.datetime] | None,
    link: CheckInLink | None,
    at: dt.datetime,
    now: dt.datetime,
    event_actor,
    event_data: dict,
) -> None:
    """Everything a check-in writes after ``progress.apply``: the current leg's new
    deadline (``leg_due``: its alert level back to 0), the check-in row, the link's last
    use, the "check_in" timeline event and the mission row (time of contact, and
    ``silence``, or with ``leg_due`` the highest alert level of its legs under way).

    Call holding the mission lock; ``check_in``'s protected values are sealed here. A
    second check-in with the same key raises ``IntegrityError`` and writes nothing.
    """
    from safepassage.vault import records

    records.seal_pending(check_in)
    connection = _connection(CheckIn, write=True)
    statements: list[tuple[str, list]] = []
    if leg_due is not None:
        leg, due = leg_due
        statements.append(
            (
                f"UPDATE {_q(connection, Leg._meta.db_table)} SET {_q(connection, 'due_at')} = %s,"
                f" {_q(connection, 'alert_level')} = 0, {_q(connection, 'updated_at')} = %s"
                f" WHERE {_q(connection, 'id')} = %s",
                [_dt(connection, due), _dt(connection, now), _pk(connection, Leg, leg.pk)],
            )
        )
    statements.append(_insert(connection, check_in))
    if link is not None:
        statements.append(
            (
                f"UPDATE {_q(connection, CheckInLink._meta.db_table)}"
                f" SET {_q(connection, 'last_used_at')} = %s WHERE {_q(connection, 'id')} = %s",
                [_dt(connection, at), _pk(connection, CheckInLink, link.pk)],
            )
        )
    event = MissionEvent(
        mission=mission,
        kind="check_in",
        data=event_data,
        actor_label=actor_label(event_actor),
        at=at,
    )
    statements.append(_insert(connection, event))
    statements.append(_mission_update(connection, mission, silence, leg_due, at=at, now=now))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            *first, last = statements
            heads = ", ".join(f"w{n} AS ({sql})" for n, (sql, _params) in enumerate(first))
            params = [p for _sql, values in first for p in values]
            cursor.execute(f"WITH {heads} {last[0]}", [*params, *last[1]])
        else:
            for sql, params in statements:
                cursor.execute(sql, params)
    for written in (check_in, event):
        written._state.adding = False
        written._state.db = connection.alias


def _mission_update(connection, mission, silence, leg_due, *, at, now) -> tuple[str, list]:
    sets = [f"{_q(connection, 'last_check_in_at')} = %s", f"{_q(connection, 'updated_at')} = %s"]
    params: list = [_dt(connection, at), _dt(connection, now)]
    mid = _uuid(connection, mission.pk)
    if leg_due is not None:
        # The current leg's level becomes 0 in the same statement, where this subquery
        # still sees the old one: the highest of the other legs under way, or 0.
        q = connection.ops.quote_name
        sets.append(
            f"{q('silence')} = COALESCE((SELECT MAX(u.{q('alert_level')})"
            f" FROM {q(Leg._meta.db_table)} u WHERE u.{q('mission_id')} = %s"
            f" AND u.{q('status')} = %s AND u.{q('id')} <> %s), 0)"
        )
        params += [mid, LegStatus.UNDER_WAY, _pk(connection, Leg, leg_due[0].pk)]
    elif silence is not None:
        sets.append(f"{_q(connection, 'silence')} = %s")
        params.append(int(silence))
    sql = (
        f"UPDATE {_q(connection, Mission._meta.db_table)} SET {', '.join(sets)}"
        f" WHERE {_q(connection, 'id')} = %s"
    )
    return sql, [*params, mid]


def _insert(connection, obj) -> tuple[str, list]:
    fields = [f for f in obj._meta.concrete_fields if not getattr(f, "db_returning", False)]
    values = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    columns = ", ".join(_q(connection, f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    return f"INSERT INTO {_q(connection, obj._meta.db_table)} ({columns}) VALUES ({marks})", values


def _pk(connection, model, value):
    return model._meta.pk.get_db_prep_value(value, connection)


def _uuid(connection, value):
    """A mission's key as the database takes it."""
    return _pk(connection, Mission, value)


def _dt(connection, value):
    return connection.ops.adapt_datetimefield_value(value)
