"""The list of people rescued: each entry shares everything published about it (its month
or the period, its group's size, sex, birth year or band, home, surname) with people of at
least k - 1 other families of the same list; the rest are held back and counted.

The field ladder is ``cases.disclosure.generalise`` (birth year → 5-year band → 10-year
band → adult/child at arrival; province → region → "North Korea"; surname → dropped),
with a family as one contributor. Around it, two more steps, each for the whole list:
the month → the period (``"month": ""``), and groups by family → one group per month
without families (``"size": 0``: a family's size is a quasi-identifier too). Of the four
combinations the one holding back the fewest people wins, then the one losing least
(each step of each field for each person costs one), then months and families kept.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import ngettext

from safepassage.cases.disclosure import ADULT, CHILD, NORTH_KOREA, Row, generalise
from safepassage.cases.disclosure import NOT_RECORDED as SEX_NOT_RECORDED
from safepassage.reports.disclosure.ledger import Figure, figure
from safepassage.reports.disclosure.records import (
    ABROAD,
    AGES,
    HOMES,
    PROVINCES_OF,
    Person,
    Settings,
)

PERIOD = ""
POOLED = 0  # a group's size when the month's entries are not grouped by family


@dataclass(frozen=True)
class ListOutcome:
    """``section``: the snapshot's "list" content (``months``, ``held_back``);
    ``figures``: its ledger figures (pass them to ``control_tables(also_published=...)``
    and store them with the tables'); ``listed``: each listed person with their entry,
    month and group as published (for the checks and the reviewer, never published)."""

    section: dict
    figures: list[Figure]
    listed: list[tuple[Person, dict, str, int]]
    held_back: int


def held_back_statement(count: int) -> str:
    """The plain sentence under the list."""
    return ngettext(
        "%(count)d person is not listed, to protect them.",
        "%(count)d people are not listed, to protect them.",
        count,
    ) % {"count": count}


def _loss(shown, person: Person) -> int:
    born = {0: 0, 4: 1, 9: 2}.get(len(shown.born), 3) if shown.born else 4
    if person.birth_year is None:
        born = 0
    home = 0
    if shown.home == "" and (person.province or person.born_abroad):
        home = 3
    elif shown.home == NORTH_KOREA:
        home = 2
    elif shown.home in PROVINCES_OF:
        home = 1
    return (
        born
        + home
        + (1 if person.surname and not shown.surname else 0)
        + (1 if person.sex and not shown.sex else 0)
    )


def _attempt(people, sizes, settings, by_month: bool, by_family: bool):
    rows = [Row(p.sex, p.birth_year, p.province, p.born_abroad, "", p.surname) for p in people]
    context = [
        (p.month if by_month else PERIOD, sizes[p.family] if by_family else str(POOLED))
        for p in people
    ]
    shown = generalise(
        rows,
        k=settings.k,
        year=0,
        years=[int(p.month[:4]) for p in people],
        contributors=[p.family for p in people],
        context=context,
        adult_age=settings.adult_from,
    )
    # A row with nothing left to show is still an entry in its month and group: listed
    # blank ("not recorded or held back" look alike) when k families share that, else
    # held back.
    blank: dict[tuple, set[str]] = {}
    for value, person, where in zip(shown, people, context, strict=True):
        if value.suppressed:
            blank.setdefault(where, set()).add(person.family)
    kept = {where for where, families in blank.items() if len(families) >= settings.k}
    held = sum(1 for s, c in zip(shown, context, strict=True) if s.suppressed and c not in kept)
    shown = [
        None if s.suppressed and c not in kept else s for s, c in zip(shown, context, strict=True)
    ]
    loss = sum(_loss(s, p) for s, p in zip(shown, people, strict=True) if s is not None)
    loss += len(people) * ((not by_month) + (not by_family))
    return (held, loss, not by_month, not by_family), shown, context


def control_list(
    people: Sequence[Person], *, release: str, settings: Settings | None = None
) -> ListOutcome:
    settings = settings or Settings()
    people = sorted(people, key=lambda p: (p.month, p.family, repr(p)))
    sizes = {family: str(n) for family, n in Counter(p.family for p in people).items()}
    best = None
    for by_month in (True, False):
        for by_family in (True, False):
            attempt = _attempt(people, sizes, settings, by_month, by_family)
            if best is None or attempt[0] < best[0]:
                best = attempt
    months: dict[str, dict[tuple, list[dict]]] = {}
    listed = []
    held_back = 0
    if best is not None:
        _cost, shown, context = best
        for person, value, (bucket, size) in zip(people, shown, context, strict=True):
            if value is None:
                held_back += 1
                continue
            entry = {
                "surname": value.surname,
                "sex": value.sex,
                "born": value.born,
                "home": value.home,
            }
            group = (person.family,) if size != str(POOLED) else ("",)
            months.setdefault(bucket, {}).setdefault(group, []).append(entry)
            listed.append((person, entry, bucket, int(size)))
    section_months = []
    for bucket in sorted(months):
        groups = []
        for group, entries in months[bucket].items():
            entries = sorted(entries, key=lambda e: (e["sex"], e["born"], e["home"], e["surname"]))
            size = len(entries) if group != ("",) else POOLED
            groups.append({"size": size, "entries": entries})
        groups.sort(key=lambda g: (g["size"], repr(g["entries"])))
        in_bucket = [item for item in listed if item[2] == bucket]
        section_months.append(
            {
                "month": bucket,
                "people": len(in_bucket),
                "families": len({item[0].family for item in in_bucket}),
                "groups": groups,
            }
        )
    section = {"months": section_months, "held_back": held_back}
    figures = _figures(people, listed, held_back, release, settings)
    return ListOutcome(section=section, figures=figures, listed=listed, held_back=held_back)


def _ages(born: str, months: Sequence[str], settings: Settings) -> list[str]:
    if born == "":
        return list(AGES)
    if born == ADULT:
        return ["adult"]
    if born == CHILD:
        return ["child", "teen"]
    first, _dash, last = born.partition("-")
    low, high = int(first), int(last or first)
    years = [int(m[:4]) for m in months]
    found = set()
    for age in range(min(years) - high, max(years) - low + 1):
        found.add(
            "child"
            if age < settings.child_under
            else "teen"
            if age < settings.adult_from
            else "adult"
        )
    return sorted(found)


def _homes(home: str) -> list[str]:
    if home == "":
        return list(HOMES)
    if home == ABROAD:
        return [ABROAD]
    if home == NORTH_KOREA:
        return [p for region in sorted(PROVINCES_OF) for p in PROVINCES_OF[region]]
    if home in PROVINCES_OF:
        return list(PROVINCES_OF[home])
    return [home]


def _figures(people, listed, held_back, release, settings) -> list[Figure]:
    """What the list tells an attacker: at least so many people of each published kind
    (over the values the entry allows, so the bound is true) and the exact number of
    people over the list's months, the listed and the held back together."""
    all_months = sorted({p.month for p in people})
    figures = []
    if all_months:
        figures.append(
            figure(
                release=release,
                table="list",
                row="total",
                months=all_months,
                where={},
                value=len(listed) + held_back,
            )
        )
    kinds = Counter(
        (bucket, entry["sex"], entry["born"], entry["home"]) for _p, entry, bucket, _s in listed
    )
    for (bucket, sex, born, home), n in sorted(kinds.items()):
        months = [bucket] if bucket else all_months
        where = {"age": _ages(born, months, settings), "home": _homes(home)}
        if sex:
            # The published code for a sex the source did not give is the records' "".
            where["sex"] = ["" if sex == SEX_NOT_RECORDED else sex]
        figures.append(
            figure(
                release=release,
                table="list",
                row=f"{bucket or 'period'}|{sex}|{born}|{home}",
                months=months,
                where=where,
                value=n,
                op=">=",
            )
        )
    return figures
