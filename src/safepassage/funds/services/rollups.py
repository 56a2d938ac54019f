"""Keeping the monthly rollups (``models.MonthlyTotal``) equal to the ledger.

Three doors, one rule (a rollup row is the entries of one key summed, never edited):

- ``deltas`` and ``write``: what every posting adds, in the same transaction as its
  entries (``ledger.post``, ``ledger.post_many``, an import's summary). Insert only.
- ``compact``: the background fold of pending deltas into one compacted row per key.
- ``rebuild``: every rollup recomputed from the entries in one ``INSERT ... SELECT``, for
  rows loaded in bulk by SQL (the benchmark's generator) or a repair.

``verify`` recomputes every rollup from the entries and the gifts and names the first key
that differs (``safepassage ledger verify``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from safepassage.base import bulk
from safepassage.funds.models import Donation, Entry, MonthlyTotal

# What a rollup row is keyed by, and the columns ``write`` inserts (by attribute name).
KEY = ("month", "account_id", "restriction", "campaign_id", "channel", "category", "currency")
ROLLUP_COLUMNS = (
    *KEY,
    "amount_minor",
    "original_minor",
    "gifts",
    "compacted",
    "created_at",
    "updated_at",
)
# Pending deltas folded per transaction by ``compact``: one short transaction each, so a
# long backlog never holds a long one open.
COMPACT_BATCH = 5000
# The account whose row of a key counts the key's gifts (``ledger.DONATIONS``; kept here
# so that ``ledger`` may import this module).
GIFT_ACCOUNT = "4000"


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def deltas(entries: Iterable[tuple], *, gifts: dict[tuple, int] | None = None) -> list[tuple]:
    """Rollup rows (``ROLLUP_COLUMNS``, pending) for entries given as rows of
    ``ledger.ENTRY_COLUMNS``: summed by month and key, one row per key. ``gifts`` counts
    gifts per entry key (day, account, ... as ``ledger.Summary`` keys them)."""
    sums: dict[tuple, list[int]] = {}
    for (
        _t,
        account,
        amount,
        on,
        restriction,
        campaign,
        channel,
        category,
        currency,
        original,
    ) in entries:
        key = (month_of(on), account, restriction, campaign, channel, category, currency)
        found = sums.setdefault(key, [0, 0, 0])
        found[0] += amount
        found[1] += original
    for (on, *rest), count in (gifts or {}).items():
        found = sums.setdefault((month_of(on), *rest), [0, 0, 0])
        found[2] += count
    now = timezone.now()
    return [
        (*key, amount, original, count, False, now, now)
        for key, (amount, original, count) in sums.items()
        if amount or original or count
    ]


def gift_key(entries: Iterable[tuple]) -> tuple | None:
    """The key (``ledger.Summary``'s, by day) of a gift's income entry: where its one gift
    is counted. None when the posting has no income entry."""
    for _t, account, _a, on, restriction, campaign, channel, category, currency, _o in entries:
        if account == GIFT_ACCOUNT:
            return (on, account, restriction, campaign, channel, category, currency)
    return None


def write(rows: list[tuple]) -> None:
    """Insert rollup rows made by ``deltas``. Call inside the transaction that writes the
    entries they sum."""
    if rows:
        bulk.insert_rows(MonthlyTotal, ROLLUP_COLUMNS, rows)


# --- compaction ---------------------------------------------------------------------------


def _lock_compaction() -> None:
    """One compaction at a time (two would each fold the same key into a row of its own;
    harmless to every sum, but a waste). PostgreSQL: a transaction-scoped advisory lock;
    SQLite serialises writers anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('funds.compact_rollups'))")


def _key_of(row) -> tuple:
    return tuple(getattr(row, name) for name in KEY)


@transaction.atomic
def compact_once(*, batch: int = COMPACT_BATCH) -> int:
    """Fold up to ``batch`` of the oldest pending deltas, with the compacted rows of their
    keys, into one compacted row per key; returns how many deltas were folded.

    Atomic: the deltas deleted are exactly those read and summed (by id, never by a range
    a posting not yet committed could fall into), so every sum is the same before and
    after, and a reader sees one or the other. Postings go on inserting meanwhile."""
    _lock_compaction()
    pending = list(
        MonthlyTotal.objects.filter(compacted=False).order_by("id").select_for_update()[:batch]
    )
    if not pending:
        return 0
    months = {row.month for row in pending}
    keys = {_key_of(row) for row in pending}
    folded = [
        row
        for row in MonthlyTotal.objects.filter(compacted=True, month__in=months).select_for_update()
        if _key_of(row) in keys
    ]
    sums: dict[tuple, list[int]] = {}
    for row in [*folded, *pending]:
        found = sums.setdefault(_key_of(row), [0, 0, 0])
        found[0] += row.amount_minor
        found[1] += row.original_minor
        found[2] += row.gifts
    gone = [row.pk for row in [*folded, *pending]]
    for start in range(0, len(gone), 1000):
        MonthlyTotal.objects.filter(pk__in=gone[start : start + 1000]).delete()
    now = timezone.now()
    write(
        [
            (*key, amount, original, gifts, True, now, now)
            for key, (amount, original, gifts) in sums.items()
            if amount or original or gifts
        ]
    )
    return len(pending)


def compact(*, batch: int = COMPACT_BATCH) -> int:
    """Fold every pending delta (in transactions of ``batch``); returns how many."""
    done = 0
    while folded := compact_once(batch=batch):
        done += folded
    return done


# --- recomputing from the entries -------------------------------------------------------


def recomputed() -> dict[tuple, tuple[int, int, int]]:
    """Every rollup key with its sums computed from the ledger's entries (base and
    original minor units) and from the gifts (how many, reversals not counted, on the
    donations-income row of their month, restriction, campaign, channel and currency)."""
    found: dict[tuple, list[int]] = {}
    rows = (
        Entry.objects.annotate(month=TruncMonth("on"))
        .order_by()
        .values_list(
            "month", "account", "restriction", "campaign", "channel", "category", "currency"
        )
        .annotate(amount=Sum("amount_minor"), original=Sum("original_minor"))
    )
    for *key, amount, original in rows:
        found[_normal(key)] = [amount or 0, original or 0, 0]
    gifts = (
        Donation.objects.filter(reverses__isnull=True)
        .annotate(month=TruncMonth("received_on"))
        .order_by()
        .values_list("month", "restriction", "campaign", "channel", "currency")
        .annotate(gifts=Count("id"))
    )
    for month, restriction, campaign, channel, currency, count in gifts:
        key = _normal([month, GIFT_ACCOUNT, restriction, campaign, channel, "", currency])
        found.setdefault(key, [0, 0, 0])[2] += count
    return {key: tuple(sums) for key, sums in found.items() if any(sums)}


def stored() -> dict[tuple, tuple[int, int, int]]:
    """Every rollup key with the sums its rows hold (compacted and pending together)."""
    rows = (
        MonthlyTotal.objects.order_by()
        .values_list(*(name.removesuffix("_id") for name in KEY))
        .annotate(amount=Sum("amount_minor"), original=Sum("original_minor"), counted=Sum("gifts"))
    )
    found = {}
    for *key, amount, original, gifts in rows:
        sums = (amount or 0, original or 0, gifts or 0)
        if any(sums):
            found[_normal(key)] = sums
    return found


def _normal(key) -> tuple:
    month, account, restriction, campaign, channel, category, currency = key
    if isinstance(month, dt.datetime):
        month = month.date()
    return (month, account, restriction, campaign, channel, category, currency)


@dataclass(frozen=True)
class Verdict:
    """What ``verify`` found: the keys compared, the rollup rows and entries read, and the
    first key (in key order) whose sums differ, with what the entries give and what the
    rollups hold."""

    keys: int
    rows: int
    entries: int
    key: tuple | None = None
    expected: tuple[int, int, int] = (0, 0, 0)
    found: tuple[int, int, int] = (0, 0, 0)

    @property
    def ok(self) -> bool:
        return self.key is None


def _order(key: tuple) -> tuple:
    return tuple("" if part is None else str(part) for part in key)


def verify() -> Verdict:
    """Recompute every rollup from the entries and compare with what the rollups hold."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            # One snapshot for all four reads: postings committed meanwhile would
            # otherwise show in the entries and not yet in the rollups read before them.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        expected = recomputed()
        found = stored()
        rows = MonthlyTotal.objects.count()
        entries = Entry.objects.count()
    keys = sorted(set(expected) | set(found), key=_order)
    for key in keys:
        if expected.get(key, (0, 0, 0)) != found.get(key, (0, 0, 0)):
            return Verdict(
                keys=len(keys),
                rows=rows,
                entries=entries,
                key=key,
                expected=expected.get(key, (0, 0, 0)),
                found=found.get(key, (0, 0, 0)),
            )
    return Verdict(keys=len(keys), rows=rows, entries=entries)


def rebuild() -> int:
    """Replace every rollup row by compacted rows recomputed from the entries and the
    gifts in one ``INSERT ... SELECT`` (for rows written by SQL in bulk, which no posting
    wrote rollups for, and for repairs). Returns the rows written. Call where no posting
    runs at the same time (a load, a maintenance window): a posting committed between the
    delete and the insert would be counted twice."""
    table = MonthlyTotal._meta.db_table
    entry = Entry._meta.db_table
    donation = Donation._meta.db_table
    q = connection.ops.quote_name
    if connection.vendor == "postgresql":

        def month(column: str) -> str:
            return f"date_trunc('month', {column})::date"

        yes = "TRUE"
    else:

        def month(column: str) -> str:
            return f"strftime('%%Y-%%m-01', {column})"

        yes = "1"
    columns = ", ".join(q(name) for name in ROLLUP_COLUMNS)
    key = "month, account_id, restriction, campaign_id, channel, category, currency"
    # Every name here is the models' own or a constant: nothing comes from outside.
    sql = f"""
        INSERT INTO {table} ({columns})
        SELECT {key}, SUM(amount), SUM(original), SUM(gifts), {yes}, %s, %s FROM (
            SELECT {month(q("on"))} AS month, account_id, restriction, campaign_id, channel,
                category, currency, amount_minor AS amount, original_minor AS original,
                0 AS gifts
            FROM {entry}
            UNION ALL
            SELECT {month("received_on")}, '{GIFT_ACCOUNT}', restriction, campaign_id,
                channel, '', currency, 0, 0, 1
            FROM {donation} WHERE reverses_id IS NULL
        ) AS t
        GROUP BY {key}
        HAVING SUM(amount) <> 0 OR SUM(original) <> 0 OR SUM(gifts) <> 0"""  # noqa: S608
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        cursor.execute(sql, [now, now])
        return cursor.rowcount
