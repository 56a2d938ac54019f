"""The JSON form of a ledger figure (``Release.figures``), and what it says of the records.

A figure is one published number, or one hidden cell, defined over the records at the
finest level the control knows::

    {"id": "2026-q1:who:women",       # unique over the whole ledger (release label first)
     "release": "2026-q1",            # the release it was published in
     "table": "who", "row": "women",  # where it sits in the snapshot ("list" for the list)
     "months": ["2026-01", ...],      # the arrival months it counts
     "where": {"sex": ["female"], "age": ["adult"]},   # dimension → allowed values;
                                      # a dimension not named allows every value
     "op": "=",                       # "=": the count is value; ">=": at least value
     "value": 12}                     # people; None for a hidden cell

Dimensions and values are ``records.DOMAINS`` (sex "female"/"male"/"", age
"adult"/"teen"/"child"/"", home a province code/"abroad"/"not_recorded", family_size
"1".."5+"). A figure whose ``where`` allows no value of some dimension matches nobody by
construction (a structural zero). Every release's figures, a retracted or corrected
one's included, go to the attacker of every later release: what was once public stays
public.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from safepassage.reports.disclosure.records import DOMAINS

Figure = dict  # the JSON above


def figure(
    *,
    release: str,
    table: str,
    row: str,
    months: Iterable[str],
    where: Mapping[str, Iterable[str]],
    value: int | None,
    op: str = "=",
) -> Figure:
    return {
        "id": f"{release}:{table}:{row}",
        "release": release,
        "table": table,
        "row": row,
        "months": sorted(set(months)),
        # A dimension allowing every value is the same as one not named: one spelling per
        # definition, so equal cells compare equal across releases.
        "where": {
            dim: sorted(set(where[dim]))
            for dim in sorted(where)
            if not set(where[dim]) >= set(DOMAINS[dim])
        },
        "op": op,
        "value": value,
    }


def intersect(*wheres: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    """The predicate that all of ``wheres`` allow."""
    found: dict[str, set[str]] = {}
    for where in wheres:
        for dim, values in where.items():
            found[dim] = found[dim] & set(values) if dim in found else set(values)
    return {dim: sorted(values) for dim, values in sorted(found.items())}


def definition(fig: Figure) -> tuple:
    """What a figure counts, comparable across releases."""
    return (tuple(fig["months"]), tuple((d, tuple(v)) for d, v in sorted(fig["where"].items())))


def structural_zero(where: Mapping[str, Sequence[str]]) -> bool:
    return any(not set(values) & set(DOMAINS[dim]) for dim, values in where.items())


def matches(fig: Figure, attrs: Mapping[str, str]) -> bool:
    """Whether a person with finest-level ``attrs`` is counted by ``fig``."""
    if attrs["month"] not in fig["months"]:
        return False
    return all(attrs[dim] in values for dim, values in fig["where"].items())


def count(fig: Figure, people_attrs: Sequence[Mapping[str, str]]) -> int:
    return sum(1 for attrs in people_attrs if matches(fig, attrs))
