"""Tables: which cells a report may show, and which it must hide so that none of the
hidden ones can be recovered or narrowed, from this report or with every earlier one.

1. Rows. Each table counts people over its months (the report's, or longer for a
   cumulative or year-to-date table) by its dimensions: ``month``, ``who`` (women, men,
   adults whose sex is not recorded, teenagers, children, age not recorded), ``sex``,
   ``age``, ``home`` (province; a whole region when one of its provinces is small;
   "north_korea" for the small regions together; "abroad"; "not_recorded"), ``region``
   and ``family_size``; a cross table names several (``("sex", "age")``, row keys joined
   by "|"). Rows that cannot hold anyone (women who are male) are left out.
2. Primary suppression: a cell that crosses a quasi-identifier (any dimension but the
   month) with fewer than k contributors (a family counting once) is hidden; a zero is
   hidden too, unless it is structural.
3. Consistency: a cell defined exactly as one an earlier release hid is hidden.
4. Secondary suppression: the attacker (``attacker``) is asked, hidden cell by hidden
   cell (the earlier releases' included, in id order), for its [min, max]; while one is
   narrower than ``settings.width`` a published cell of this report is hidden too: of
   the same table first, then one counting everything the weak cell counts, then one
   sharing any of it, then any; the smallest value first, then the id. Hiding only widens
   the attacker's intervals, so a cell found safe stays safe and the loop ends.
   The loop asks the linear attacker (fast, and never narrower than the whole-number
   one); the final pattern is then checked by the whole-number attacker (the linear
   programme first, a whole-number one when its optimum is not whole), and a cell it
   finds narrow goes round the loop again with it, until none does.

The result depends only on the people, the specs, the months and the history, all
sorted: the same input gives the same pattern on every run.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from safepassage.reports.disclosure.attacker import Attacker, Interval
from safepassage.reports.disclosure.ledger import (
    Figure,
    definition,
    figure,
    intersect,
    matches,
    structural_zero,
)
from safepassage.reports.disclosure.records import (
    ABROAD,
    FAMILY_SIZES,
    NOT_RECORDED,
    PROVINCES_OF,
    REGIONS,
    Person,
    Settings,
    attributes,
)

NORTH_KOREA = "north_korea"
WHO_ROWS: tuple[tuple[str, dict[str, list[str]]], ...] = (
    ("women", {"sex": ["female"], "age": ["adult"]}),
    ("men", {"sex": ["male"], "age": ["adult"]}),
    ("adults_sex_not_recorded", {"sex": [""], "age": ["adult"]}),
    ("teen", {"age": ["teen"]}),
    ("child", {"age": ["child"]}),
    ("age_not_recorded", {"age": [""]}),
)
SEX_ROWS = (
    ("female", {"sex": ["female"]}),
    ("male", {"sex": ["male"]}),
    (NOT_RECORDED, {"sex": [""]}),
)
AGE_ROWS = tuple((name or NOT_RECORDED, {"age": [name]}) for name in ("adult", "teen", "child", ""))
DIMENSIONS = ("month", "who", "sex", "age", "home", "region", "family_size")
TOTAL = "total"


@dataclass(frozen=True)
class TableSpec:
    """One table: ``key`` is its section's key ("who", "per_month", "where", or any
    unique key), ``by`` its dimensions (``()`` for a single total such as the headline),
    ``months`` what it counts when not the report's own months (cumulative, year to
    date)."""

    key: str
    by: tuple[str, ...]
    months: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        unknown = set(self.by) - set(DIMENSIONS)
        if unknown:
            raise ValueError(f"unknown table dimensions {sorted(unknown)}")


@dataclass
class Cell:
    figure: Figure
    contributors: int
    primary: bool
    structural: bool


@dataclass
class TablesOutcome:
    """``tables``: snapshot Tables by key (values ``None`` where hidden); ``figures``:
    this release's ledger figures (hidden ones with value ``None``); ``decisions``: one
    per hidden cell, this release's and every earlier one's, with why and the attacker's
    interval; ``unprotectable``: hidden cells the earlier releases alone already narrow
    (nothing this report hides can help; the reviewer must see them)."""

    tables: dict[str, dict]
    figures: list[Figure]
    decisions: list[dict]
    intervals: dict[str, Interval]
    unprotectable: list[str] = field(default_factory=list)


def _region_rows(table_people: Sequence[Person], settings: Settings) -> list[tuple[str, dict]]:
    families: dict[str, set[str]] = {}
    for person in table_people:
        if not person.born_abroad and person.province:
            families.setdefault(person.province, set()).add(person.family)
    rows: list[tuple[str, dict]] = []
    pooled: list[str] = []
    for region in REGIONS:
        provinces = PROVINCES_OF[region]
        if all(len(families.get(p, ())) >= settings.k for p in provinces):
            rows.extend((p, {"home": [p]}) for p in provinces)
            continue
        crowd = set().union(*(families.get(p, set()) for p in provinces))
        if len(crowd) >= settings.k:
            rows.append((region, {"home": list(provinces)}))
        else:
            pooled.extend(provinces)
    if pooled:
        rows.append((NORTH_KOREA, {"home": pooled}))
    rows.append((ABROAD, {"home": [ABROAD]}))
    rows.append((NOT_RECORDED, {"home": [NOT_RECORDED]}))
    return rows


def _dimension_rows(dim, months, table_people, settings) -> list[tuple[str, dict, list[str]]]:
    if dim == "month":
        return [(month, {}, [month]) for month in months]
    if dim == "who":
        found = WHO_ROWS
    elif dim == "sex":
        found = SEX_ROWS
    elif dim == "age":
        found = AGE_ROWS
    elif dim == "family_size":
        found = tuple((size, {"family_size": [size]}) for size in FAMILY_SIZES)
    elif dim == "region":
        found = (
            *((r, {"home": list(PROVINCES_OF[r])}) for r in REGIONS),
            (ABROAD, {"home": [ABROAD]}),
            (NOT_RECORDED, {"home": [NOT_RECORDED]}),
        )
    else:
        found = _region_rows(table_people, settings)
    return [(key, where, list(months)) for key, where in found]


def _cells(spec, months, people, attrs, settings, release) -> list[Cell]:
    inside = [i for i, a in enumerate(attrs) if a["month"] in months]
    table_people = [people[i] for i in inside]
    per_dim = [_dimension_rows(dim, months, table_people, settings) for dim in spec.by]
    crosses = any(dim != "month" for dim in spec.by)
    cells = []
    combos = itertools.product(*per_dim) if per_dim else [()]
    for combo in combos:
        if combo:
            key = "|".join(part[0] for part in combo)
            where = intersect(*(part[1] for part in combo))
            row_months = sorted(set.intersection(*(set(part[2]) for part in combo)))
        else:
            key, where, row_months = TOTAL, {}, sorted(months)
        if structural_zero(where) or not row_months:
            continue
        cells.append(
            _cell(
                release, spec.key, key, row_months, where, people, attrs, inside, settings, crosses
            )
        )
    if spec.by:
        cells.append(
            _cell(
                release, spec.key, TOTAL, sorted(months), {}, people, attrs, inside, settings, False
            )
        )
    return cells


def _cell(release, table, key, months, where, people, attrs, inside, settings, crosses) -> Cell:
    fig = figure(release=release, table=table, row=key, months=months, where=where, value=0)
    found = [i for i in inside if matches(fig, attrs[i])]
    fig["value"] = len(found)
    contributors = len({people[i].family for i in found})
    return Cell(
        figure=fig,
        contributors=contributors,
        primary=crosses and contributors < settings.k,
        structural=False,
    )


class _Protector:
    """The secondary-suppression loop over one attacker model.

    Cells of this release that count exactly the same people (a table's total and the
    headline, a month in a monthly and in a year-to-date table) are twins: hidden together
    or not at all, since one shows the other. A cell an earlier release published as it
    is, is never hidden (it is public already).
    """

    TRIES = 6  # candidates tried for one that widens the weak cell, before taking the first

    def __init__(self, attacker: Attacker, current: list[Cell], history, settings: Settings):
        self.attacker = attacker
        self.current = current
        self.settings = settings
        self.by_id = {cell.figure["id"]: cell for cell in current}
        twins: dict[tuple, list[str]] = {}
        for cell in current:
            twins.setdefault(definition(cell.figure), []).append(cell.figure["id"])
        self.twins = {fid: tuple(group) for group in twins.values() for fid in group}
        public = {definition(fig) for fig in history if fig["value"] is not None}
        self.public = {cell.figure["id"] for cell in current if definition(cell.figure) in public}

    def safe(self, low: int, high: int | None) -> bool:
        return high is None or high - low >= self.settings.width

    def ranked(self, weak: str, hidden: set[str]) -> list[str]:
        matrix = self.attacker.matrix
        weak_row = matrix[self.attacker.row_of[weak]]
        weak_table = self.by_id[weak].figure["table"] if weak in self.by_id else None
        ranks = []
        for cell in self.current:
            fid = cell.figure["id"]
            if fid in hidden or fid in self.public or self.twins[fid][0] != fid:
                continue
            row = matrix[self.attacker.row_of[fid]]
            if not row.any():
                continue
            tables = {self.by_id[twin].figure["table"] for twin in self.twins[fid]}
            if weak_table in tables:
                tier = 0
            elif np.all(row >= weak_row):
                tier = 1
            elif np.any(np.logical_and(row, weak_row)):
                tier = 2
            else:
                tier = 3
            ranks.append((tier, cell.figure["value"], fid))
        return [fid for _tier, _value, fid in sorted(ranks)]

    def protectable(self, fid: str, integral: bool) -> bool:
        """Whether hiding every cell of this release still leaves ``fid`` wide enough."""
        everything = {cell.figure["id"] for cell in self.current} - self.public
        return self.safe(*self.attacker.interval(fid, hidden=everything, integral=integral))

    def choose(self, weak, before, hidden, integral) -> str | None:
        """The cell to hide next for ``weak``: the first ranked one that widens it and
        is safe itself once hidden; else the first that widens it and can be made safe
        (its own turn in the queue comes); else the first that can be made safe."""
        later = fallback = None
        for tried, fid in enumerate(self.ranked(weak, hidden)):
            if tried >= self.TRIES and (later or fallback):
                break
            trial = hidden | set(self.twins[fid])
            widens = self.attacker.interval(weak, hidden=trial, integral=integral) != before
            if widens and self.safe(*self.attacker.interval(fid, hidden=trial, integral=integral)):
                return fid
            if (widens and later) or (not widens and (later or fallback)):
                continue
            if not self.protectable(fid, integral):
                continue
            if widens:
                later = fid
            else:
                fallback = fid
        return later or fallback

    def run(self, targets, hidden, why, *, integral) -> tuple[dict[str, Interval], list[str]]:
        queue = sorted(targets)
        intervals: dict[str, Interval] = {}
        unprotectable: list[str] = []
        position = 0
        while position < len(queue):
            weak = queue[position]
            low, high = self.attacker.interval(weak, hidden=hidden, integral=integral)
            if self.safe(low, high):
                intervals[weak] = (low, high)
                position += 1
                continue
            chosen = None
            if self.protectable(weak, integral):
                chosen = self.choose(weak, (low, high), hidden, integral)
            if chosen is None:
                intervals[weak] = (low, high)
                unprotectable.append(weak)
                position += 1
                continue
            for twin in self.twins[chosen]:
                if twin not in hidden:
                    hidden.add(twin)
                    why[twin] = {"reason": "secondary", "protects": weak}
                    queue.append(twin)
        return intervals, unprotectable


def control_tables(
    people: Sequence[Person],
    specs: Sequence[TableSpec],
    *,
    months: Sequence[str],
    history: Sequence[Figure] = (),
    also_published: Sequence[Figure] = (),
    release: str,
    settings: Settings | None = None,
) -> TablesOutcome:
    """Control every table of one release.

    ``people``: everyone any table may count (the report's months and the longer ones of
    cumulative tables); ``months``: the report's months; ``history``: every figure of
    every earlier release (``Release.figures``, retracted and corrected ones included);
    ``also_published``: this release's other figures (the list's, ``control_list``), so
    no table tells more beside the list than the attacker allows; ``release``: this
    release's label, the first part of its figure ids.
    """
    settings = settings or Settings()
    attrs = attributes(people, settings)
    current: list[Cell] = []
    for spec in specs:
        table_months = sorted(spec.months if spec.months is not None else months)
        current.extend(_cells(spec, table_months, people, attrs, settings, release))
    hidden: set[str] = set()
    why: dict[str, dict] = {}
    twins: dict[tuple, list[str]] = {}
    for cell in current:
        twins.setdefault(definition(cell.figure), []).append(cell.figure["id"])
    for cell in current:
        if cell.primary:
            for twin in twins[definition(cell.figure)]:
                hidden.add(twin)
                why.setdefault(twin, {"reason": "primary"})
    earlier_hidden = {definition(fig): fig for fig in history if fig["value"] is None}
    for cell in current:
        same = earlier_hidden.get(definition(cell.figure))
        fid = cell.figure["id"]
        if same is not None and fid not in hidden:
            hidden.add(fid)
            why[fid] = {"reason": "consistency", "release": same["release"], "protects": same["id"]}
    attacker = Attacker([*history, *also_published, *(cell.figure for cell in current)])
    protector = _Protector(attacker, current, history, settings)
    history_hidden = [fig["id"] for fig in history if fig["value"] is None]
    # The loop asks the linear attacker first (no whole-number programmes: most of the
    # cost); the final pattern is then checked by the whole-number attacker, whose
    # intervals can only be narrower, and any cell it finds narrow goes round again with
    # it. Hiding only widens intervals, so this ends, with every cell checked exactly.
    _found, unprotectable = protector.run([*history_hidden, *hidden], hidden, why, integral=False)
    while True:
        # The intervals the reviewer sees are the final pattern's.
        intervals = {
            fid: attacker.interval(fid, hidden=hidden, integral=True)
            for fid in sorted({*history_hidden, *hidden})
        }
        weak = [
            fid
            for fid, interval in intervals.items()
            if not protector.safe(*interval) and fid not in unprotectable
        ]
        if not weak:
            break
        _found, more = protector.run(weak, hidden, why, integral=True)
        unprotectable = sorted({*unprotectable, *more})
    return _outcome(specs, current, hidden, why, intervals, unprotectable)


def _outcome(specs, current, hidden, why, intervals, unprotectable) -> TablesOutcome:
    figures = []
    tables: dict[str, dict] = {
        spec.key: {
            "key": spec.key,
            "rows": [],
            "total": None,
            "hidden_total": False,
            "unit": "people",
        }
        for spec in specs
    }
    for cell in current:
        fig = dict(cell.figure)
        fid = fig["id"]
        shown = None if fid in hidden else fig["value"]
        fig["value"] = shown
        figures.append(fig)
        table = tables[fig["table"]]
        if fig["row"] == TOTAL:
            table["total"] = shown
            table["hidden_total"] = shown is None
        else:
            table["rows"].append({"key": fig["row"], "value": shown, "hidden": shown is None})
    by_id = {cell.figure["id"]: cell for cell in current}
    decisions = []
    for fid in sorted(intervals):
        cell = by_id.get(fid)
        reason = why.get(fid, {"reason": "earlier"})
        low, high = intervals[fid]
        decisions.append(
            {
                "cell": fid,
                "table": cell.figure["table"] if cell else fid.split(":")[1],
                "row": cell.figure["row"] if cell else fid.split(":", 2)[2],
                "reason": reason["reason"],
                "protects": reason.get("protects", ""),
                "release": reason.get("release", "" if cell else fid.split(":")[0]),
                "interval": [low, high],
                "unprotectable": fid in unprotectable,
            }
        )
    return TablesOutcome(
        tables=tables,
        figures=figures,
        decisions=decisions,
        intervals=dict(sorted(intervals.items())),
        unprotectable=sorted(unprotectable),
    )
