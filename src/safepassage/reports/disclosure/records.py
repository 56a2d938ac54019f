"""What the control knows of a rescued person, the settings it obeys, and the attributes a
published figure may be defined over (the attacker's atoms are their combinations)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from safepassage.cases.models import Province
from safepassage.cases.regions import REGION_OF

ABROAD = "abroad"
NOT_RECORDED = "not_recorded"

# The finest level a figure is defined at. A ledger figure names values of these (and
# months); the attacker's atoms are every combination, so a value nobody has still counts.
SEXES = ("female", "male", "")
AGES = ("adult", "teen", "child", "")
HOMES = (*sorted(str(p) for p in Province.values), ABROAD, NOT_RECORDED)
FAMILY_SIZES = ("1", "2", "3", "4", "5+")
DOMAINS: dict[str, tuple[str, ...]] = {
    "sex": SEXES,
    "age": AGES,
    "home": HOMES,
    "family_size": FAMILY_SIZES,
}
PROVINCES_OF: dict[str, tuple[str, ...]] = {}
for _province, _region in sorted(REGION_OF.items()):
    PROVINCES_OF[_region] = (*PROVINCES_OF.get(_region, ()), _province)
REGIONS = tuple(sorted(PROVINCES_OF))


@dataclass(frozen=True)
class Person:
    """One rescued person as the control sees them (no name, no place finer than a
    province)."""

    family: str  # contributor key: the people of one family or group count as one
    month: str  # "YYYY-MM" of arrival in safety
    sex: str  # "female" | "male" | "" (not recorded: its own category, never guessed)
    birth_year: int | None
    province: str  # a cases.models.Province value, or "" (not recorded)
    born_abroad: bool
    surname: str = ""  # the stored pseudonym "Kim OO" (may be "")


@dataclass(frozen=True)
class Settings:
    """``k``: the smallest crowd (in contributors, a family counting once).
    ``min_width``: a hidden cell's attacker interval [min, max] must be at least this
    wide; ``None`` means ``k - 1``, so the interval holds at least ``k`` possible values
    (a hidden 1 with k = 3 may be anything in 0..2 or wider, never "1 or 2").
    Age at arrival (arrival year - birth year): child below ``child_under``, teen from
    there to ``adult_from - 1``, adult from ``adult_from``.
    ``dominance``: a channel is not shown alone when one donor gave more than this share
    of it."""

    k: int = 3
    min_width: int | None = None
    child_under: int = 13
    adult_from: int = 18
    dominance_num: int = 1
    dominance_den: int = 2

    @property
    def width(self) -> int:
        return self.k - 1 if self.min_width is None else self.min_width


def age_group(person: Person, settings: Settings) -> str:
    if person.birth_year is None:
        return ""
    age = int(person.month[:4]) - person.birth_year
    if age < settings.child_under:
        return "child"
    if age < settings.adult_from:
        return "teen"
    return "adult"


def home_of(person: Person) -> str:
    if person.born_abroad:
        return ABROAD
    return person.province or NOT_RECORDED


def family_sizes(people: Sequence[Person]) -> dict[str, str]:
    """The family-size value of each family key: its members among ``people``."""
    sizes = Counter(p.family for p in people)
    return {family: str(n) if n < 5 else "5+" for family, n in sizes.items()}


def attributes(people: Sequence[Person], settings: Settings) -> list[dict[str, str]]:
    """Each person's finest-level values, as ledger predicates name them."""
    sizes = family_sizes(people)
    return [
        {
            "month": p.month,
            "sex": p.sex,
            "age": age_group(p, settings),
            "home": home_of(p),
            "family_size": sizes[p.family],
        }
        for p in people
    ]
