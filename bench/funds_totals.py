"""The funds home page's totals, read from the monthly rollups, against hand-written SQL
over the ledger's entries.

Two years of money, generated in the database itself (``INSERT ... SELECT`` from
``generate_series`` on PostgreSQL, from a recursive CTE on SQLite; every random value is an
integer hash of the row's number, so both backends get the same rows): by default
5,000,000 gifts (one in 250 reversed) and 1,000,000 paid expenses on PostgreSQL, 1,000,000
and 200,000 on SQLite. Each is posted to the ledger as the services post it: a transaction
and its entries (asset, fee if any, income; expense category, bank). Secondary indexes are
dropped before the load and built after it; the monthly rollups that every posting keeps
are then written from those entries through the funds entry point for SQL loads
(``rollups.rebuild``, one ``INSERT ... SELECT``), and ``safepassage ledger verify``'s check
(``rollups.verify``) is timed once; then ``VACUUM ANALYZE`` (SQLite: ``ANALYZE``).

Timed, interleaved (ABBA), medians of ``--runs``: the page (``funds.totals_views.totals``,
view and template, its totals read from the rollups) against its five totals in
hand-written SQL over the entries through ``connection.cursor()``; within the same runs,
each of the five selectors as the page calls it against its own statement. Both sides must
give the same figures. Targets (the issue's, judged at full size): the page in under
0.5 s, and at least 15x faster than the hand-written SQL.

    python -m bench.funds_totals [--donations N] [--expenses N] [--runs N] [--explain] [--jit]
        [--tiny]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time

from bench import harness

DONATIONS, EXPENSES = 5_000_000, 1_000_000
SQLITE_DONATIONS, SQLITE_EXPENSES = 1_000_000, 200_000
TINY_DONATIONS, TINY_EXPENSES = 5_000, 500
REVERSE_EVERY = 250
DONORS = 2_000
MONTHS = 24
# The page (and each total) over the rollups against the hand-written SQL over the
# entries: at least 15 times faster, i.e. at most 1/15 of its time; and the page in under
# half a second.
SPEED_UP = 15
TARGET = 1 / SPEED_UP
PAGE_LIMIT_MS = 500
RUNS = 5
LOADED = ("funds_donation", "funds_expense", "funds_transaction", "funds_entry")

CAMPAIGNS = [
    ("year-end", "Year-end appeal"),
    ("winter-relief", "Winter relief"),
    ("freedom-flight", "Freedom flight"),
    ("safe-house", "A safe house in Shenyang"),
    ("new-start", "A new start in Seoul"),
    ("mothers-day", "Mothers and children"),
    ("run-for-freedom", "Run for freedom"),
    ("church-partners", "Church partners"),
]
# Weights per 1,000 draws.
CHANNELS = [
    ("platform", 450),
    ("bank", 300),
    ("cash", 50),
    ("cheque", 50),
    ("event", 100),
    ("other", 50),
]
GIFT_RESTRICTIONS = [
    ("rescue", 300),
    ("relief", 150),
    ("resettlement", 120),
    ("advocacy", 50),
    ("unrestricted", 380),
]
# Gifts not through the platform (which pays out in USD).
GIFT_CURRENCIES = [("KRW", 600), ("USD", 200), ("CAD", 80), ("EUR", 120)]
# Gift sizes in US cents: small, medium, large, major.
GIFT_TIERS = [
    (550, 1_000, 5_000),
    (330, 5_000, 25_000),
    (105, 25_000, 250_000),
    (15, 250_000, 2_500_000),
]
EXPENSE_CATEGORIES = [
    ("rescue_operations", 350, "rescue", 80),
    ("relief_aid", 200, "relief", 80),
    ("resettlement", 150, "resettlement", 80),
    ("advocacy", 80, "advocacy", 70),
    ("fundraising", 100, "unrestricted", 100),
    ("administration", 120, "unrestricted", 100),
]
EXPENSE_CURRENCIES = {
    "rescue_operations": [("CNY", 600), ("USD", 250), ("KRW", 150)],
    "relief_aid": [("CNY", 400), ("USD", 300), ("KRW", 300)],
    "": [("KRW", 800), ("USD", 200)],
}
EXPENSE_TIERS = [(500, 2_000, 20_000), (400, 20_000, 200_000), (100, 200_000, 2_000_000)]
DESCRIPTIONS = {
    "rescue_operations": "Guide and transport",
    "relief_aid": "Food and medicine",
    "resettlement": "Rent deposit and training",
    "advocacy": "Report printing",
    "fundraising": "Event venue",
    "administration": "Office and accounting",
}
# Base-currency (KRW) units for one unit of each currency, and the phase of its drift.
RATES = {"KRW": (1, 0), "USD": (1380, 0), "CAD": (1010, 40), "EUR": (1490, 80), "CNY": (190, 120)}
# US cents to each currency's minor units (numerator, denominator, rounding step).
FROM_CENTS = {
    "USD": (1, 1, 1),
    "CAD": (136, 100, 1),
    "EUR": (92, 100, 1),
    "CNY": (72, 10, 1),
    "KRW": (138, 10, 1000),
}
EXPONENT = {"KRW": 0, "USD": 2, "CAD": 2, "EUR": 2, "CNY": 2}

# The hash that draws every random value from a row's number: two rounds of squaring
# modulo the prime 2^31 - 1, in plain integer arithmetic that PostgreSQL and SQLite compute
# alike (no product reaches 2^63), so a seed gives the same data on both.
PRIME = 2_147_483_647


# --- SQL that differs between PostgreSQL and SQLite -------------------------------------


class Dialect:
    def __init__(self, connection) -> None:
        self.pg = connection.vendor == "postgresql"
        self.q = connection.ops.quote_name

    @property
    def fence(self) -> str:
        """Keeps a subquery from being merged into the one around it, which would compute
        its expressions again at every use."""
        return " OFFSET 0" if self.pg else " LIMIT -1 OFFSET 0"

    def series(self, count: int) -> str:
        if self.pg:
            return f"SELECT i FROM generate_series(1::bigint, {count}) AS s(i)"
        return (
            f"WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {count})"
            " SELECT i FROM s"
        )

    def code(self, letter: str, number: str) -> str:
        """A record code: a letter and the row's number in nine digits (so codes rise
        with it, like the ids)."""
        if self.pg:
            return f"'{letter}' || lpad(({number})::text, 9, '0')"
        return f"printf('{letter}%09d', {number})"

    def hex8(self, expr: str) -> str:
        return f"lpad(to_hex({expr}), 8, '0')" if self.pg else f"printf('%08x', {expr})"

    def uuid(self, parts: list[str]) -> str:
        text = " || ".join(self.hex8(part) for part in parts)
        return f"({text})::uuid" if self.pg else f"({text})"

    def uuid_literal(self, value) -> str:
        return f"'{value}'::uuid" if self.pg else f"'{value.hex}'"

    def day(self, start: dt.date, offset: str) -> str:
        if self.pg:
            return f"(DATE '{start.isoformat()}' + ({offset})::integer)"
        return f"date('{start.isoformat()}', '+' || ({offset}) || ' days')"

    def noon(self, date_expr: str) -> str:
        if self.pg:
            return f"(({date_expr}) + TIME '12:00') AT TIME ZONE 'UTC'"
        return f"(({date_expr}) || ' 12:00:00')"

    def least(self, a: str, b: str) -> str:
        return f"LEAST({a}, {b})" if self.pg else f"MIN({a}, {b})"

    def month(self, column: str, *, grouped: bool = False) -> str:
        """The first day of ``column``'s month, as a hand-writer would group by it (on
        PostgreSQL, cast to a date once per group, not once per row)."""
        if self.pg:
            return f"date_trunc('month', {column})" + ("" if grouped else "::date")
        return f"strftime('%%Y-%%m-01', {column})"


def weighted(expr: str, choices: list[tuple[str, int]]) -> str:
    """A CASE picking a quoted value by ``expr`` in [0, 1000) against cumulative weights."""
    parts, total = [], 0
    for value, weight in choices[:-1]:
        total += weight
        parts.append(f"WHEN {expr} < {total} THEN '{value}'")
    return f"CASE {' '.join(parts)} ELSE '{choices[-1][0]}' END"


def tiered(pick: str, amount: str, tiers: list[tuple[int, int, int]]) -> str:
    """US cents: a tier by ``pick`` in [0, 1000), then uniform within it by ``amount``."""
    parts, total = [], 0
    for weight, low, high in tiers[:-1]:
        total += weight
        parts.append(f"WHEN {pick} < {total} THEN {low} + {amount} % {high - low}")
    _weight, low, high = tiers[-1]
    return f"CASE {' '.join(parts)} ELSE {low} + {amount} % {high - low} END"


def to_minor(currency: str, cents: str) -> str:
    """US cents in each currency's minor units, KRW rounded to 1,000 won."""
    parts = []
    for code, (num, den, step) in FROM_CENTS.items():
        value = f"{cents} * {num} / {den}"
        if step > 1:
            value = f"(({cents} * {num} / {den} + {step // 2}) / {step} * {step})"
        parts.append(f"WHEN '{code}' THEN {value}")
    return f"CASE {currency} {' '.join(parts)} END"


def rate_e4(currency: str, day: str) -> str:
    """Base-currency units per unit, times 10,000, on a day: each currency drifts within
    +-3% over a half-year cycle."""
    parts = []
    for code, (base_rate, phase) in RATES.items():
        if base_rate == 1:
            parts.append(f"WHEN '{code}' THEN 10000")
            continue
        wave = f"abs((({day}) + {phase}) % 180 - 90)"
        parts.append(f"WHEN '{code}' THEN {base_rate} * (9700 + {wave} * 600 / 90)")
    return f"CASE {currency} {' '.join(parts)} END"


def to_base(minor: str, currency: str, rate: str) -> str:
    """Minor units at a rate (times 10,000) in base minor units, rounded half up."""
    divisor = " ".join(
        f"WHEN '{code}' THEN {10_000 * 10**exponent}" for code, exponent in EXPONENT.items()
    )
    divisor = f"(CASE {currency} {divisor} END)"
    return f"(({minor}) * ({rate}) + {divisor} / 2) / {divisor}"


def hashed(d: Dialect, source: str, keep: list[str], draws: dict[str, tuple[str, int]]) -> str:
    """``source`` with one column per draw (name: input expression, salt): a number in
    [0, 2^31 - 1) hashed from the input and the salt. Same input and salt, same number."""

    def square(expr: str) -> str:
        return f"(({expr}) * ({expr})) % {PRIME}"

    layers = [
        lambda s, e: square(
            f"(CAST({e} AS BIGINT) * 1103515245 + {s * 2654435761 % PRIME}) % {PRIME}"
        ),
        lambda s, n: square(f"({n} * 48271 + {s * 40503 + 12345}) % {PRIME}"),
    ]
    sql = source
    for number, layer in enumerate(layers):
        columns = [
            f"{layer(salt, name if number else expr)} AS {name}"
            for name, (expr, salt) in draws.items()
        ]
        sql = f"SELECT {', '.join([*keep, *columns])} FROM ({sql}{d.fence}) AS t"
    return sql


def low(name: str) -> str:
    """A draw in [0, 1000) from a hash's low digits; ``high`` from the next three."""
    return f"{name} % 1000"


def high(name: str) -> str:
    return f"({name} / 1000 % 1000)"


def row_id(d: Dialect, first: str, second: str, tag: int, number: str) -> str:
    """A UUID: a tag (1 for gifts, 3 for expenses) and the row's number, then three hashed
    words. Unique, and rising with the row's number as a UUIDv7's time prefix does, so each
    primary key grows at its right edge while loading (random version 4 ids, as the app
    makes, cost a minute more of scattered index writes; the totals never read them)."""
    return d.uuid(
        [f"{tag << 28} + {number}", first, second, f"({first} * 31 + {second}) % {PRIME}"]
    )


# --- generation -------------------------------------------------------------------------


def month_plan(today: dt.date, *, december: float) -> list[tuple[int, int, float]]:
    """(first day's offset from the start, days, weight) for each of the last MONTHS
    months: 1.5% growth a month, December times ``december``, this month so far."""
    from safepassage.funds.selectors import first_of_month

    start = first_of_month(today, MONTHS - 1)
    plan = []
    for back in range(MONTHS - 1, -1, -1):
        first = first_of_month(today, back)
        following = first_of_month(first + dt.timedelta(days=31))
        days = min((following - first).days, (today - first).days + 1)
        weight = 1.015 ** (MONTHS - 1 - back) * (december if first.month == 12 else 1.0)
        weight *= days / (following - first).days
        plan.append(((first - start).days, days, weight))
    return plan


def chronological_day(position: str, count: int, plan: list[tuple[int, int, float]]) -> str:
    """Day offset of row ``position`` (1..count): rows are in date order, each month
    holding its share of ``count`` by weight, spread evenly over its days."""
    total = sum(weight for _o, _d, weight in plan)
    parts, before = [], 0
    for index, (offset, days, weight) in enumerate(plan):
        rows = count - before if index == len(plan) - 1 else round(count * weight / total)
        rows = max(rows, 1)
        parts.append(
            f"WHEN {position} <= {before + rows} THEN"
            f" {offset} + ({position} - {before + 1}) * {days} / {rows}"
        )
        before += rows
    return f"CASE {' '.join(parts)} ELSE {plan[-1][0] + plan[-1][1] - 1} END"


def donations_sql(d: Dialect, *, count: int, start: dt.date, today: dt.date, campaigns) -> str:
    plan = month_plan(today, december=2.2)
    reversals = count // REVERSE_EVERY
    source = (
        f"SELECT i, CASE WHEN i > {count} THEN (i - {count}) * {REVERSE_EVERY} ELSE i END AS k"
        f" FROM ({d.series(count + reversals)}) AS s"
    )
    draws = {
        "h_a": ("k", 1),
        "h_b": ("k", 2),
        "h_amount": ("k", 3),
        "h_campaign": ("k", 4),
        "h_donor": ("k", 5),
        # A row's id from its own number; a reversal's gift's id, the same way from k.
        "h_id1": ("i", 21),
        "h_id2": ("i", 22),
        "h_gift1": ("k", 21),
        "h_gift2": ("k", 22),
    }
    hashes = hashed(d, source, ["i", "k"], draws)
    picks = " ".join(
        f"WHEN {n} THEN {d.uuid_literal(campaign.pk)}" for n, campaign in enumerate(campaigns)
    )
    channel = weighted(low("h_a"), CHANNELS)
    currency = (
        f"CASE WHEN {low('h_a')} < {CHANNELS[0][1]} THEN 'USD'"
        f" ELSE {weighted(low('h_b'), GIFT_CURRENCIES)} END"
    )
    attributes = f"""
        SELECT i, k, CASE WHEN i > {count} THEN 1 ELSE 0 END AS rev,
            {chronological_day("k", count, plan)} AS gift_day,
            1 + h_donor / {DONORS} % 30 AS delay,
            {channel} AS channel,
            {weighted(high("h_a"), GIFT_RESTRICTIONS)} AS restriction,
            {currency} AS currency,
            {tiered(high("h_b"), "h_amount", GIFT_TIERS)} AS cents,
            CASE WHEN {low("h_campaign")} < 250 THEN
                CASE {high("h_campaign")} % {len(campaigns)} {picks} END END AS campaign_id,
            h_donor % {DONORS} AS donor_n,
            {row_id(d, "h_id1", "h_id2", 1, "i")} AS id,
            CASE WHEN i > {count} THEN {row_id(d, "h_gift1", "h_gift2", 1, "k")} END
                AS gift_id
        FROM ({hashes}{d.fence}) AS t"""
    gross = f"""
        SELECT t.*, {to_minor("currency", "cents")} AS gross_abs,
            {rate_e4("currency", "gift_day")} AS rate_e4,
            CASE WHEN rev = 1 THEN {d.least("gift_day + delay", str((today - start).days))}
                ELSE gift_day END AS day
        FROM ({attributes}{d.fence}) AS t"""
    fee = f"""
        SELECT t.*, CASE
            WHEN channel = 'platform' THEN gross_abs * 29 / 1000 + 30
            WHEN channel = 'event' THEN gross_abs * 25 / 1000
            WHEN channel = 'bank' AND currency <> 'KRW' THEN {d.least("1500", "gross_abs / 10")}
            ELSE 0 END AS fee_abs
        FROM ({gross}{d.fence}) AS t"""
    base = f"""
        SELECT t.*, {to_base("gross_abs", "currency", "rate_e4")} AS base_gross_abs,
            {to_base("fee_abs", "currency", "rate_e4")} AS base_fee_abs,
            CASE WHEN rev = 1 THEN -1 ELSE 1 END AS sign, {d.day(start, "day")} AS received
        FROM ({fee}{d.fence}) AS t"""
    dated = f"SELECT t.*, {d.noon('received')} AS stamp FROM ({base}{d.fence}) AS t"
    columns = {
        "id": "t.id",
        "code": d.code("G", "i"),
        "donor_id": "p.donor_id",
        "currency": "currency",
        "gross_minor": "sign * gross_abs",
        "fee_minor": "sign * fee_abs",
        "net_minor": "sign * (gross_abs - fee_abs)",
        "rate": "rate_e4 / 10000.0",
        "base_currency": "'KRW'",
        "base_gross_minor": "sign * base_gross_abs",
        "base_fee_minor": "sign * base_fee_abs",
        "base_net_minor": "sign * (base_gross_abs - base_fee_abs)",
        "received_on": "received",
        "channel": "channel",
        "restriction": "restriction",
        "campaign_id": "campaign_id",
        "reverses_id": "gift_id",
        "reason": "CASE WHEN rev = 1 THEN 'Refund requested by the donor' ELSE '' END",
        "payer_iban_unverified": "1 = 0",
        "created_at": "stamp",
        "updated_at": "stamp",
    }
    return (
        f"INSERT INTO funds_donation ({', '.join(d.q(c) for c in columns)})"
        f" SELECT {', '.join(columns.values())}"
        f" FROM ({dated}{d.fence}) AS t JOIN bench_donor_pick p ON p.n = t.donor_n"
    )


def expenses_sql(d: Dialect, *, count: int, start: dt.date, today: dt.date) -> str:
    plan = month_plan(today, december=1.0)
    source = f"SELECT i FROM ({d.series(count)}) AS s"
    draws = {
        "h_a": ("i", 31),
        "h_b": ("i", 32),
        "h_amount": ("i", 33),
        "h_id1": ("i", 41),
        "h_id2": ("i", 42),
    }
    hashes = hashed(d, source, ["i"], draws)
    category = weighted(low("h_a"), [(c, w) for c, w, _r, _p in EXPENSE_CATEGORIES])
    restriction = " ".join(
        f"WHEN '{c}' THEN CASE WHEN {high('h_a')} < {p * 10} THEN '{r}' ELSE 'unrestricted' END"
        for c, _w, r, p in EXPENSE_CATEGORIES
    )
    currency = " ".join(
        f"WHEN '{c}' THEN {weighted(low('h_b'), choices)}"
        for c, choices in EXPENSE_CURRENCIES.items()
        if c
    )
    currency = f"CASE category {currency} ELSE {weighted(low('h_b'), EXPENSE_CURRENCIES[''])} END"
    attributes = f"""
        SELECT i, h_a, h_b, {category} AS category,
            {chronological_day("i", count, plan)} AS day,
            {tiered(high("h_b"), "h_amount", EXPENSE_TIERS)} AS cents,
            {row_id(d, "h_id1", "h_id2", 3, "i")} AS id
        FROM ({hashes}{d.fence}) AS t"""
    money = f"""
        SELECT t.*, CASE category {restriction} END AS restriction, {currency} AS currency
        FROM ({attributes}{d.fence}) AS t"""
    amounts = f"""
        SELECT t.*, {to_minor("currency", "cents")} AS amount,
            {rate_e4("currency", "day")} AS rate_e4, {d.day(start, "day")} AS spent
        FROM ({money}{d.fence}) AS t"""
    dated = f"SELECT t.*, {d.noon('spent')} AS stamp FROM ({amounts}{d.fence}) AS t"
    description = " ".join(f"WHEN '{c}' THEN '{text}'" for c, text in DESCRIPTIONS.items())
    columns = {
        "id": "id",
        "code": d.code("X", "i"),
        "category": "category",
        "description": f"CASE category {description} END",
        "currency": "currency",
        "amount_minor": "amount",
        "rate": "rate_e4 / 10000.0",
        "base_currency": "'KRW'",
        "base_amount_minor": to_base("amount", "currency", "rate_e4"),
        "spent_on": "spent",
        "restriction": "restriction",
        "status": "'paid'",
        "submitted_at": "stamp",
        "decided_at": "stamp",
        "paid_at": "stamp",
        "decision_note": "''",
        "override_reason": "''",
        "created_at": "stamp",
        "updated_at": "stamp",
    }
    return (
        f"INSERT INTO funds_expense ({', '.join(d.q(c) for c in columns)})"
        f" SELECT {', '.join(columns.values())} FROM ({dated}{d.fence}) AS t"
    )


def postings_sql(d: Dialect) -> list[str]:
    """Transactions and entries for every donation and expense, as the app writes them.
    Platform gifts (the platform's export, through ``funds.importing``) as the importer
    books them (``ledger.Summary``): one transaction of kind "import" per day, its entries
    the day's gift lines summed by account, restriction, campaign, channel and currency, a
    sum of nothing left out (the batch link is left empty: no batch rows are made). Every
    other gift, every reversal and every expense as the services post them one by one
    (``donations.posting``, ``expenses.expense_pay``): a zero fee posts no fee line. The
    first three statements make transactions, the rest entries. A transaction takes the id
    of its donation or expense, a day's import the least id of its gifts (ids are unique
    per table; this spares making six million more)."""
    from safepassage.funds.services import ledger

    on = d.q("on")
    entry_columns = (
        f"transaction_id, account_id, amount_minor, {on}, restriction, campaign_id, channel,"
        " category, currency, original_minor"
    )
    accounts = " ".join(
        f"WHEN '{category}' THEN '{code}'" for category, code in ledger.EXPENSE_ACCOUNTS.items()
    )
    imported = "g.channel = 'platform' AND g.reverses_id IS NULL"
    least_id = "MIN(g.id::text)::uuid" if d.pg else "MIN(g.id)"
    gift_lines = f"""SELECT g.received_on, g.restriction, g.campaign_id, g.channel, g.currency,
            CASE l.column1
                WHEN 1 THEN CASE WHEN g.channel = 'platform' THEN '{ledger.PLATFORM}'
                    ELSE '{ledger.BANK}' END
                WHEN 2 THEN '{ledger.FEES}' ELSE '{ledger.DONATIONS}' END AS account,
            CASE l.column1 WHEN 1 THEN g.base_net_minor WHEN 2 THEN g.base_fee_minor
                ELSE -g.base_gross_minor END AS amount,
            CASE l.column1 WHEN 1 THEN g.net_minor WHEN 2 THEN g.fee_minor
                ELSE -g.gross_minor END AS original,
            g.id
        FROM funds_donation g CROSS JOIN (VALUES (1), (2), (3)) AS l"""
    return [
        f"""INSERT INTO funds_transaction (id, kind, {on}, donation_id, created_at, updated_at)
        SELECT id,
            CASE WHEN reverses_id IS NULL THEN 'donation' ELSE 'reversal' END,
            received_on, id, created_at, updated_at
        FROM funds_donation g WHERE NOT ({imported})""",
        f"""INSERT INTO funds_transaction (id, kind, {on}, created_at, updated_at)
        SELECT {least_id}, 'import', g.received_on, MAX(g.created_at), MAX(g.created_at)
        FROM funds_donation g WHERE {imported} GROUP BY g.received_on""",
        f"""INSERT INTO funds_transaction (id, kind, {on}, expense_id, created_at, updated_at)
        SELECT id, 'expense', spent_on, id, paid_at, paid_at
        FROM funds_expense""",
        f"""INSERT INTO funds_entry ({entry_columns})
        SELECT x.id, x.account, x.amount, x.received_on, x.restriction, x.campaign_id,
            x.channel, '', x.currency, x.original
        FROM ({gift_lines}
            WHERE NOT ({imported})
                AND (l.column1 <> 2 OR g.fee_minor <> 0 OR g.base_fee_minor <> 0)) AS x""",
        f"""INSERT INTO funds_entry ({entry_columns})
        SELECT t.id, x.account, SUM(x.amount), x.received_on, x.restriction, x.campaign_id,
            x.channel, '', x.currency, SUM(x.original)
        FROM ({gift_lines} WHERE {imported}) AS x
        JOIN (SELECT g.received_on AS day, {least_id} AS id FROM funds_donation g
            WHERE {imported} GROUP BY g.received_on) AS t ON t.day = x.received_on
        GROUP BY t.id, x.account, x.received_on, x.restriction, x.campaign_id, x.channel,
            x.currency
        HAVING SUM(x.amount) <> 0 OR SUM(x.original) <> 0""",
        f"""INSERT INTO funds_entry ({entry_columns})
        SELECT x.id,
            CASE l.column1 WHEN 1 THEN CASE x.category {accounts} END
                ELSE '{ledger.BANK}' END,
            CASE l.column1 WHEN 1 THEN x.base_amount_minor ELSE -x.base_amount_minor END,
            x.spent_on, x.restriction, NULL, '', x.category, x.currency,
            CASE l.column1 WHEN 1 THEN x.amount_minor ELSE -x.amount_minor END
        FROM funds_expense x CROSS JOIN (VALUES (1), (2)) AS l""",
    ]


def make_donors_and_campaigns() -> list:
    """Two thousand sealed donors (the totals never read them) and eight campaigns; a
    temporary table numbers the donors for the generator to pick from."""
    import random

    from django.db import connection, transaction

    from safepassage.demo import generate
    from safepassage.funds.models import Campaign, Donor, DonorKind
    from safepassage.vault import records

    rng = random.Random(20261126)
    donors = []
    for n in range(DONORS):
        kind = DonorKind.ANONYMOUS if n % 20 == 0 else DonorKind.PERSON
        donor = Donor(kind=kind, language=rng.choice(["ko", "ko", "en"]))
        if kind != DonorKind.ANONYMOUS:
            donor.name = generate.korean_name(rng)
            donor.email = f"donor{n:05d}@example.org"
        donors.append(donor)
    with transaction.atomic():
        records.prepare_for_bulk(donors)
        Donor.objects.bulk_create(donors, batch_size=1000)
    campaigns = Campaign.objects.bulk_create(Campaign(code=c, name=n) for c, n in CAMPAIGNS)
    kind = "uuid" if connection.vendor == "postgresql" else "char(32)"
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE bench_donor_pick (n integer PRIMARY KEY, donor_id {kind})"
        )
        cursor.execute(
            "INSERT INTO bench_donor_pick (n, donor_id)"
            " SELECT ROW_NUMBER() OVER (ORDER BY id) - 1, id FROM funds_donor"
        )
        cursor.execute("ANALYZE bench_donor_pick")
    return campaigns


# What is dropped before the load and made again after it (PostgreSQL).
PG_SCHEMA = """
SELECT 'fk', c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
  FROM pg_constraint c
 WHERE c.contype = 'f' AND (c.conrelid::regclass::text = ANY(%(t)s)
                            OR c.confrelid::regclass::text = ANY(%(t)s))
UNION ALL
SELECT 'key', c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
  FROM pg_constraint c
 WHERE c.contype IN ('p', 'u') AND c.conrelid::regclass::text = ANY(%(t)s)
UNION ALL
SELECT 'index', i.tablename, i.indexname, i.indexdef
  FROM pg_indexes i
 WHERE i.tablename = ANY(%(t)s) AND i.schemaname = current_schema()
   AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
"""


def load(d: Dialect, *, donations: int, expenses: int) -> dict[str, float]:
    """Generate and post everything; returns seconds per step."""
    from django.db import connection, transaction
    from django.utils import timezone

    from safepassage.funds.selectors import first_of_month

    today = timezone.localdate()
    start = first_of_month(today, MONTHS - 1)
    campaigns = make_donors_and_campaigns()
    steps = {
        "donations": donations_sql(
            d, count=donations, start=start, today=today, campaigns=campaigns
        ),
        "expenses": expenses_sql(d, count=expenses, start=start, today=today),
    }
    seconds: dict[str, float] = {}

    def timed(label: str, statements: list[str]) -> None:
        began = time.perf_counter()
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        seconds[label] = seconds.get(label, 0.0) + time.perf_counter() - began

    def rollups_step() -> None:
        """The rollups of what was just loaded, as the funds app writes them for rows
        that no posting wrote (an ``INSERT ... SELECT`` grouped from the entries and the
        gifts)."""
        from safepassage.funds.services import rollups

        began = time.perf_counter()
        rollups.rebuild()
        seconds["rollups"] = time.perf_counter() - began

    postings = postings_sql(d)
    if d.pg:
        with connection.cursor() as cursor:
            cursor.execute(PG_SCHEMA, {"t": list(LOADED)})
            schema = cursor.fetchall()
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            superuser = cursor.fetchone()[0]
        fks = [(t, n, s) for kind, t, n, s in schema if kind == "fk"]
        keys = [(t, n, s) for kind, t, n, s in schema if kind == "key"]
        indexes = [(n, s) for kind, _t, n, s in schema if kind == "index"]
        if superuser:
            # As pg_restore --disable-triggers does: foreign keys and the ledger's balance
            # trigger do not fire for these rows, which are consistent by construction (the
            # same SQL on SQLite passes its foreign key check); keys and constraints stay.
            fks, keys = [], []
            quiet = ["SET LOCAL session_replication_role = replica"]
            loud: list[str] = []
        else:
            quiet = [f"ALTER TABLE {t} DISABLE TRIGGER USER" for t in LOADED]
            loud = [f"ALTER TABLE {t} ENABLE TRIGGER USER" for t in LOADED]
        with transaction.atomic():
            timed(
                "drop indexes" if superuser else "drop keys and indexes",
                [f"ALTER TABLE {t} DROP CONSTRAINT {d.q(n)}" for t, n, _s in fks + keys]
                + [f"DROP INDEX {d.q(n)}" for n, _s in indexes]
                + quiet
                # For the index builds and the foreign keys' checks (hash joins).
                + ["SET LOCAL maintenance_work_mem = '1536MB'", "SET LOCAL work_mem = '512MB'"],
            )
            timed("donations", [steps["donations"]])
            timed("expenses", [steps["expenses"]])
            # Statistics of the gifts, so the day summaries' join is planned as a hash
            # join (without them the planner expects one row and loops).
            timed("transactions", ["ANALYZE funds_donation, funds_expense", *postings[:3]])
            timed("entries", postings[3:])
            timed(
                "indexes" if superuser else "indexes, keys, foreign keys",
                [sql for _n, sql in indexes]
                + [f"ALTER TABLE {t} ADD CONSTRAINT {d.q(n)} {s}" for t, n, s in keys + fks]
                + loud,
            )
            rollups_step()
        # Outside a transaction: VACUUM sets the visibility map, as autovacuum would.
        timed("VACUUM ANALYZE", ["VACUUM ANALYZE"])
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
                f" AND tbl_name IN ({', '.join(f"'{t}'" for t in LOADED)})"
            )
            indexes = [row[0] for row in cursor.fetchall()]
            cursor.execute("PRAGMA synchronous")
            synchronous = cursor.fetchone()[0]
            cursor.execute("PRAGMA cache_size")
            cache_size = cursor.fetchone()[0]
            # A 1 GB page cache while loading and indexing (the default is 2 MB).
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA cache_size = -1048576")
        with connection.constraint_checks_disabled(), transaction.atomic():
            timed(
                "drop indexes",
                [
                    f"DROP INDEX {d.q(sql.split()[2].strip(chr(34)))}"
                    for sql in indexes
                    if sql.upper().startswith("CREATE INDEX")
                ],
            )
            timed("donations", [steps["donations"]])
            timed("expenses", [steps["expenses"]])
            timed("transactions", postings[:3])
            timed("entries", postings[3:])
            timed("indexes", [sql for sql in indexes if sql.upper().startswith("CREATE INDEX")])
            rollups_step()
        began = time.perf_counter()
        connection.check_constraints(table_names=list(LOADED))
        seconds["foreign key check"] = time.perf_counter() - began
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA synchronous = {synchronous}")
            cursor.execute(f"PRAGMA cache_size = {cache_size}")
        timed("ANALYZE", ["ANALYZE"])
    return seconds


def describe_data(d: Dialect) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        counts = {}
        for table in LOADED:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
        cursor.execute("SELECT COUNT(*) FROM funds_donation WHERE reverses_id IS NOT NULL")
        reversals = cursor.fetchone()[0]
        cursor.execute("SELECT COUNT(*) FROM funds_monthlytotal")
        rollup_rows = cursor.fetchone()[0]
        cursor.execute(
            f"SELECT MIN({d.q('on')}), MAX({d.q('on')}), SUM(amount_minor),"
            " COUNT(DISTINCT currency) FROM funds_entry"
        )
        first, last, total, currencies = cursor.fetchone()
        size = ""
        if d.pg:
            cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('funds_entry'))")
            size = f" ({cursor.fetchone()[0]} with its indexes)"
    print(
        f"  {counts['funds_donation'] - reversals:,} gifts and {reversals:,} reversals,"
        f" {counts['funds_expense']:,} paid expenses, {DONORS:,} donors,"
        f" {len(CAMPAIGNS)} campaigns, {currencies} currencies;"
        f" {counts['funds_transaction']:,} ledger transactions,"
        f" {counts['funds_entry']:,} entries{size}, {first} to {last};"
        f" {rollup_rows:,} monthly rollup rows"
    )
    assert total == 0, f"the ledger does not balance: entries sum to {total}"


# --- the page's totals and the hand-written SQL -----------------------------------------


def raw_statements(d: Dialect) -> dict[str, list[tuple[str, list]]]:
    """What someone writing the page's five totals by hand would send: for each, the sums
    over the entries, and where a count of gifts goes beside them, that count over the
    gifts (an import's entries sum a day's gifts, so entries cannot count them)."""
    from django.db import connection
    from django.utils import timezone

    from safepassage.funds.selectors import SPENT_ACCOUNTS, first_of_month
    from safepassage.funds.services import ledger

    today = timezone.localdate()
    on = d.q("on")
    spent = ", ".join(f"'{code}'" for code in SPENT_ACCOUNTS)
    sums = (
        f"SUM(amount_minor) FILTER (WHERE account_id = '{ledger.DONATIONS}') AS income,"
        f" SUM(amount_minor) FILTER (WHERE account_id = '{ledger.FEES}') AS fees,"
        f" SUM(amount_minor) FILTER (WHERE account_id IN ({spent})) AS spent"
    )

    def gifts(column: str) -> tuple[str, list]:
        return (
            f"SELECT {column}, COUNT(*) FROM funds_donation WHERE reverses_id IS NULL"
            f" GROUP BY {column}",
            [],
        )

    income_and_expense = f"'{ledger.DONATIONS}', '{ledger.FEES}', {spent}"
    dates = [
        connection.ops.adapt_datefield_value(first_of_month(today, 11)),
        connection.ops.adapt_datefield_value(today),
    ]
    return {
        "month": [
            (
                f"SELECT {d.month(on)} AS month, {sums} FROM funds_entry WHERE {on} >= %s"
                f" AND {on} <= %s GROUP BY {d.month(on, grouped=True)} ORDER BY 1",
                dates,
            )
        ],
        "fund": [
            (
                f"SELECT restriction, {sums}, SUM(amount_minor) FILTER"
                f" (WHERE account_id IN ({income_and_expense})) AS balance"
                " FROM funds_entry GROUP BY restriction",
                [],
            )
        ],
        "channel": [
            (
                f"SELECT channel, {sums} FROM funds_entry WHERE channel <> ''"
                " GROUP BY channel ORDER BY channel",
                [],
            ),
            gifts("channel"),
        ],
        "campaign": [
            (
                "SELECT c.code, c.name, t.income, t.fees, t.spent, t.campaign_id"
                f" FROM (SELECT campaign_id, {sums} FROM funds_entry"
                " WHERE campaign_id IS NOT NULL GROUP BY campaign_id) AS t"
                " JOIN funds_campaign c ON c.id = t.campaign_id ORDER BY c.name",
                [],
            ),
            gifts("campaign_id"),
        ],
        "currency": [
            (
                "SELECT currency, SUM(original_minor), SUM(amount_minor) FROM funds_entry"
                f" WHERE account_id = '{ledger.DONATIONS}' GROUP BY currency ORDER BY currency",
                [],
            ),
            gifts("currency"),
        ],
    }


def raw(statements: list[tuple[str, list]]) -> list[list[tuple]]:
    """Each statement's rows."""
    from django.db import connection

    fetched = []
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            fetched.append(cursor.fetchall())
    return fetched


# The page's five selectors, in the order its view calls them, and their hand-written
# statements' names.
SELECTORS = {
    "fund": ("totals_by_fund", "by fund (restriction)"),
    "month": ("totals_by_month", "by month (last 12)"),
    "channel": ("totals_by_channel", "by channel"),
    "campaign": ("totals_by_campaign", "by campaign"),
    "currency": ("gifts_by_currency", "gifts by currency"),
}


def selector_calls() -> dict:
    from safepassage.funds import selectors

    return {name: getattr(selectors, function) for name, (function, _label) in SELECTORS.items()}


def _n(value) -> int:
    return int(value or 0)


def check_same_numbers(results: dict, fetched: dict) -> None:
    """Each selector (``results``, what it returned to the page) and its statement
    (``fetched``, the rows) must give the same figures, or the ratio compares different
    work."""

    def flows(rows):
        return {
            row.key: (row.raised.minor, row.fees.minor, row.spent.minor, row.gifts) for row in rows
        }

    months = flows(results["month"])
    found = {}
    for month, income, fees, spent in fetched["month"][0]:
        month = dt.date.fromisoformat(month) if isinstance(month, str) else month
        found[month] = (-_n(income), _n(fees), _n(spent), 0)
    assert set(found) <= set(months), "raw SQL finds months the page leaves out"
    for month, figures in months.items():
        assert found.get(month, (0, 0, 0, 0)) == figures, f"month {month} differs"
    assert len(months) == 12, "the page shows 12 months"

    funds = {row.key: (*flows([row])[row.key], row.balance.minor) for row in results["fund"]}
    found = {r: (-_n(i), _n(f), _n(s), 0, -_n(b)) for r, i, f, s, b in fetched["fund"][0]}
    for fund, figures in funds.items():
        assert found.get(fund, (0, 0, 0, 0, 0)) == figures, f"fund {fund} differs"
    assert len(funds) == 5, "the page shows 5 funds"

    entries, counted = fetched["channel"]
    gifts = dict(counted)
    found = {c: (-_n(i), _n(f), _n(s), gifts.get(c, 0)) for c, i, f, s in entries}
    assert flows(results["channel"]) == found, "channels differ"
    entries, counted = fetched["campaign"]
    gifts = {str(key): n for key, n in counted}
    found = {c: (-_n(i), _n(f), _n(s), gifts.get(str(pk), 0)) for c, _name, i, f, s, pk in entries}
    assert flows(results["campaign"]) == found, "campaigns differ"
    assert len(found) == len(CAMPAIGNS)
    entries, counted = fetched["currency"]
    gifts = dict(counted)
    found = {c: (gifts.get(c, 0), -_n(o), -_n(a)) for c, o, a in entries}
    page = {r.currency: (r.gifts, r.original.minor, r.base.minor) for r in results["currency"]}
    assert page == found, "currencies differ"


class CountQueries:
    """Counts the statements sent through Django (an execute wrapper, so without the debug
    cursor's overhead); keeps each one's SQL and parameters."""

    def __init__(self, connection) -> None:
        self.connection = connection
        self.count = 0
        self.sent: list[tuple[str, object]] = []

    def __enter__(self) -> CountQueries:
        self.wrapping = self.connection.execute_wrapper(self)
        self.wrapping.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.wrapping.__exit__(*exc)

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        self.sent.append((sql, params))
        return execute(sql, params, many, context)


def comparisons(finance, statements: dict, *, runs: int) -> list[harness.Comparison]:
    """The page against its five statements, interleaved. Each round also times, on each
    side, every query from the call to the last row fetched (on the page's side, each
    selector as the view calls it), so one set of runs gives both."""
    from unittest import mock

    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection
    from django.test import RequestFactory
    from django.urls import resolve, reverse
    from django.utils.csp import LazyNonce

    from safepassage.funds import selectors, totals_views

    path = reverse("funds:totals")
    per_query: dict[str, dict[str, list[int]]] = {
        name: {"raw": [], "orm": []} for name in SELECTORS
    }
    page_queries: list[int] = []
    # The most statements each selector sent in one call, counted in the timed runs.
    selector_queries: dict[str, int] = {}
    # What each side found in its first run, checked against each other afterwards.
    fetched: dict[str, list] = {}
    returned: dict[str, object] = {}

    def raw_round() -> str:
        lines = []
        for name in SELECTORS:
            started = time.perf_counter_ns()
            found = raw(statements[name])
            per_query[name]["raw"].append(time.perf_counter_ns() - started)
            fetched.setdefault(name, found)
            for rows in found:
                lines.extend(" ".join(str(value) for value in row) for row in rows)
        return "\n".join(lines)

    def timed_selector(name: str, function):
        def call(*args, **kwargs):
            with CountQueries(connection) as counted:
                started = time.perf_counter_ns()
                result = function(*args, **kwargs)
                per_query[name]["orm"].append(time.perf_counter_ns() - started)
            selector_queries[name] = max(selector_queries.get(name, 0), counted.count)
            returned.setdefault(name, result)
            return result

        return call

    def page_round() -> bytes:
        request = RequestFactory().get(path)
        finance.forget_roles()  # a fresh request reads the user's roles again
        request.user = finance
        request.session = SessionStore()
        request._csp_nonce = LazyNonce()
        request.resolver_match = resolve(path)
        with CountQueries(connection) as counted:
            response = totals_views.totals(request)
        assert response.status_code == 200
        html = response.content.decode()
        for _code, name in CAMPAIGNS:
            assert name in html, f"campaign {name} missing from the page"
        page_queries.append(counted.count)
        return response.content

    patches = [
        mock.patch.object(selectors, function, timed_selector(name, getattr(selectors, function)))
        for name, (function, _label) in SELECTORS.items()
    ]
    for patch in patches:
        patch.start()
    try:
        # No warm-up round: at this size each one costs a minute, VACUUM has just read
        # every page, and the ABBA order evens out what the first run pays.
        raw_ns, page_ns = harness.interleaved(raw_round, page_round, runs=runs, warmup=0)
    finally:
        for patch in patches:
            patch.stop()
    check_same_numbers(returned, fetched)
    results = [
        harness.Comparison(
            name="funds page (rollups): view+template vs raw SQL (entries)",
            baseline_ns=raw_ns,
            real_ns=page_ns,
            target=TARGET,
            baseline_queries=sum(len(statements[name]) for name in SELECTORS),
            real_queries=max(page_queries),
        )
    ]
    for name, (function, label) in SELECTORS.items():
        timed = per_query[name]
        assert len(timed["orm"]) == runs, f"the page did not call {function} once a run"
        results.append(
            harness.Comparison(
                name=f"  {label}: its queries",
                baseline_ns=timed["raw"],
                real_ns=timed["orm"],
                target=TARGET,
                baseline_queries=len(statements[name]),
                real_queries=selector_queries[name],
            )
        )
    return results


def verify_rollups() -> float:
    """``safepassage ledger verify``'s check over the loaded ledger, timed once: every
    rollup recomputed from the entries and the gifts. Returns its seconds."""
    from safepassage.funds.services import rollups

    began = time.perf_counter()
    verdict = rollups.verify()
    took = time.perf_counter() - began
    assert verdict.ok, f"rollups differ from the ledger at {verdict.key}"
    print(
        f"ledger verify: OK, {verdict.keys:,} rollup keys and {verdict.rows:,} rows against"
        f" {verdict.entries:,} entries, in {took:.1f} s",
        flush=True,
    )
    return took


def explain(d: Dialect, statements: dict) -> None:
    """Each selector's SQL and plan next to the hand-written statement's."""
    from django.db import connection

    sent = {}
    for name, call in selector_calls().items():
        with CountQueries(connection) as counted:
            call()
        sent[name] = counted.sent
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if d.pg else "EXPLAIN QUERY PLAN "
    for name in SELECTORS:
        for label, sent_here in (("ORM", sent[name]), ("raw", statements[name])):
            for sql, params in sent_here:
                with connection.cursor() as cursor:
                    cursor.execute(prefix + sql, params)
                    rows = cursor.fetchall()
                plan = "\n    ".join(" ".join(str(v) for v in row) for row in rows)
                print(f"\n--- {name}, {label}: {sql}\n    {plan}")


# --- main -------------------------------------------------------------------------------


def run(
    *, donations: int | None, expenses: int | None, runs: int, show_plans: bool, jit: bool
) -> None:
    from django.db import connection

    from safepassage.accounts.models import Role
    from safepassage.testing.members import make_member

    print(harness.describe_site(), flush=True)
    load_at_start = f"{os.getloadavg()[0]:.1f}"
    d = Dialect(connection)
    full = (donations or DONATIONS, expenses or EXPENSES)
    if d.pg:
        donations, expenses = full
    else:
        donations = donations or SQLITE_DONATIONS
        expenses = expenses or SQLITE_EXPENSES
    if (donations, expenses) != full:
        print(
            f"scale: {donations:,} gifts and {expenses:,} expenses"
            f" (the issue's {full[0]:,} and {full[1]:,} take about 6 minutes to generate"
            " on SQLite and a quarter of an hour in all; --donations/--expenses to change)"
        )
    finance = make_member(Role.Code.FINANCE).user

    started = time.perf_counter()
    seconds = load(d, donations=donations, expenses=expenses)
    total = time.perf_counter() - started
    steps = ", ".join(f"{label} {value:.1f} s" for label, value in seconds.items())
    print(f"generated and posted in {total:.1f} s: {steps}", flush=True)
    describe_data(d)
    verify_rollups()

    statements = raw_statements(d)
    if d.pg and not jit:
        with connection.cursor() as cursor:
            cursor.execute("SET jit = off")
        print(
            "JIT off for the queries (--jit to keep the server's setting): its compile time"
            " depends on which side of a cost threshold each statement's estimate falls"
        )
    if show_plans:
        explain(d, statements)
    results = comparisons(finance, statements, runs=runs)
    print("checked: each selector gave the same figures as its hand-written statements")
    print()
    harness.print_table(results, counted="queries counted in the timed runs")
    page = results[0]
    in_selectors = sum(c.real_queries for c in results[1:])
    print(
        f"(page: the view with its template, against the {page.baseline_queries} hand-written"
        " statements through connection.cursor(); each total: the selector as the page calls"
        " it, against its statements' execute and fetchall, timed within the same runs;"
        f" queries counted in those runs: of the page's {page.real_queries},"
        f" {in_selectors} are its selectors' and {page.real_queries - in_selectors} the"
        " permission check's and the rest of the view's)"
    )
    slowest = max(results[1:], key=lambda c: c.ratio)
    if harness.is_tiny():
        fast_verdict = page_verdict = harness.TINY_VERDICT
    else:
        fast_verdict = "PASS" if page.baseline_ms >= SPEED_UP * page.real_ms else "OVER"
        page_verdict = "PASS" if page.real_ms < PAGE_LIMIT_MS else "OVER"
    print(
        f"\nthe funds page over the rollups: {page.real_ms:.1f} ms (target < {PAGE_LIMIT_MS}"
        f" ms: {page_verdict}); the hand-written SQL over the entries: {page.baseline_ms:.1f}"
        f" ms; {page.baseline_ms / page.real_ms:.1f}x faster (target >= {SPEED_UP}x:"
        f" {fast_verdict}); slowest total {slowest.name.split(':')[0].strip()}"
        f" at {slowest.baseline_ms / slowest.real_ms:.1f}x faster"
        f" ({slowest.real_ms:.1f} ms against {slowest.baseline_ms:.1f} ms)"
    )
    print(
        f"load average (1 min) of this machine: {load_at_start} at the start,"
        f" {os.getloadavg()[0]:.1f} at the end"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.funds_totals", description=__doc__)
    parser.add_argument(
        "--donations",
        type=int,
        help=f"gifts (default {DONATIONS:,}; {SQLITE_DONATIONS:,} on SQLite)",
    )
    parser.add_argument(
        "--expenses",
        type=int,
        help=f"paid expenses (default {EXPENSES:,}; {SQLITE_EXPENSES:,} on SQLite)",
    )
    parser.add_argument("--runs", type=int, default=RUNS, help=f"timed runs (default {RUNS})")
    parser.add_argument("--explain", action="store_true", help="print each query's plan")
    parser.add_argument(
        "--jit", action="store_true", help="PostgreSQL: leave JIT as the server has it"
    )
    harness.add_tiny_option(parser)
    args = parser.parse_args(argv)
    if args.tiny:  # seconds on either backend; no target is judged anyway
        args.donations, args.expenses, args.runs = TINY_DONATIONS, TINY_EXPENSES, 1
    if args.donations is not None and args.donations < REVERSE_EVERY:
        parser.error(f"--donations must be at least {REVERSE_EVERY}")
    if args.expenses is not None and args.expenses < MONTHS:
        parser.error(f"--expenses must be at least {MONTHS}")
    with harness.throwaway_site():
        run(
            donations=args.donations,
            expenses=args.expenses,
            runs=args.runs,
            show_plans=args.explain,
            jit=args.jit,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
