"""Disclosure control for rows of people: the ladder that lists, exports and published
lists climb until no row stands out.

Sex, birth year, home province and the pseudonym's surname are in clear, and together
they single people out: they are what someone outside already knows of a person they are
looking for (with the status, 95 of 97 demo people were unique). ``generalise`` takes
those quasi-identifiers of every row that will be shown together and returns what may be
shown, so that each row shares all of it with at least ``k - 1`` other rows:

- birth year → five-year band (1985-1989) → ten-year band (1980-1989) → adult or child;
- home province → region (``cases.regions``) → "North Korea";
- pseudonym ("Kim OO") → dropped.

A sex the source did not give (``Sex.NOT_RECORDED``, stored as "") is a value of its own:
it is shown as ``NOT_RECORDED``, and such rows share only among themselves. It must not
look like a sex held back (""), or a held-back row counted in the crowd of unknowns would
then stand out from it on the page.

One level per field for every row (global recoding: a band never sits beside the exact
years it contains, so nothing can be subtracted). Of the combinations of levels, the one
that leaves the fewest rows still standing out wins, and among those the one that loses
the least. A row that still stands out has fields blanked one at a time (pseudonym,
province, birth year, sex) until it no longer does, or all are blank.

The status is what the list is for, not what finds a person: it is shown as it is (the
lists filter by it anyway) and the crowd a row hides in is counted without it, so a
reader who knows a person's sex, age and province cannot tell which of at least k rows
is theirs, nor so their status.

Pure functions of the rows, the year and k: no database, no settings, no request.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, replace

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from safepassage.cases.models import Province, Sex, Status
from safepassage.cases.regions import REGION_OF, Region

ADULT = "adult"
CHILD = "child"
NORTH_KOREA = "north_korea"
ABROAD = "abroad"
ADULT_AGE = 18

YEAR_LEVELS = 4  # year, 5-year band, 10-year band, adult/child
HOME_LEVELS = 3  # province, region, North Korea
SURNAME_LEVELS = 2  # pseudonym, dropped
# Which field goes first when a row must lose one outright.
SUPPRESSION_ORDER = ("surname", "home", "born", "sex")
# What is shown (and exported) for a person whose sex the source did not give; "" is held
# back. The code reports use for "not recorded" (``reports.snapshot``).
NOT_RECORDED = "not_recorded"


@dataclass(frozen=True)
class Row:
    """One person's quasi-identifiers, exact."""

    sex: str
    birth_year: int | None
    province: str
    born_abroad: bool
    status: str
    surname: str  # the pseudonym as stored, "Kim OO"


@dataclass(frozen=True)
class Shown:
    """What may be shown of a row; "" is unknown or held back (the two look alike), but
    for the sex, where ``NOT_RECORDED`` is the unknown one."""

    sex: str  # "female", "male", NOT_RECORDED or "" (held back)
    born: str  # "1987", "1985-1989", "1980-1989", "adult", "child" or ""
    home: str  # a Province, a Region, "north_korea", "abroad" or ""
    status: str  # shown as it is: not a quasi-identifier (see the module's docstring)
    surname: str

    def key(self) -> tuple[str, ...]:
        """The quasi-identifiers shown: what a row must share with k - 1 others."""
        return (self.sex, self.born, self.home, self.surname)

    @property
    def suppressed(self) -> bool:
        return not any(self.key())

    # --- words for the pages (CSV cells keep the codes) ---------------------------------

    @property
    def sex_label(self) -> str:
        if self.sex == NOT_RECORDED:
            return str(Sex.NOT_RECORDED.label)
        return str(Sex(self.sex).label) if self.sex and self.sex in Sex.values else ""

    @property
    def born_label(self) -> str:
        if self.born == ADULT:
            return pgettext("age", "adult")
        if self.born == CHILD:
            return pgettext("age", "child")
        return self.born.replace("-", "\N{EN DASH}")

    @property
    def home_label(self) -> str:
        if self.home in Province.values:
            return str(Province(self.home).label)
        if self.home in Region.values:
            return str(Region(self.home).label)
        if self.home == NORTH_KOREA:
            return _("North Korea")
        if self.home == ABROAD:
            return _("born outside North Korea")
        return ""

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label) if self.status in Status.values else ""


def _born(birth_year: int | None, level: int, year: int, adult_age: int = ADULT_AGE) -> str:
    if birth_year is None:
        return ""
    if level == 0:
        return str(birth_year)
    if level in (1, 2):
        width = 5 if level == 1 else 10
        start = birth_year // width * width
        return f"{start}-{start + width - 1}"
    return CHILD if year - birth_year < adult_age else ADULT


def _home(province: str, born_abroad: bool, level: int) -> str:
    if born_abroad:
        return ABROAD
    if not province:
        return ""
    if level == 0:
        return province
    if level == 1:
        return REGION_OF.get(province, NORTH_KOREA)
    return NORTH_KOREA


def _shown(row: Row, levels: tuple[int, int, int], year: int, adult_age: int = ADULT_AGE) -> Shown:
    born_level, home_level, surname_level = levels
    return Shown(
        sex=row.sex or NOT_RECORDED,
        born=_born(row.birth_year, born_level, year, adult_age),
        home=_home(row.province, row.born_abroad, home_level),
        status=row.status,
        surname=row.surname if surname_level == 0 else "",
    )


# A unit is what is decided once: a row with its reference year and context. Identical
# units are decided alike, whatever their number.
_Unit = tuple[Row, int, tuple[str, ...]]


def _standing_out(shown: dict[_Unit, Shown], crowd: dict[_Unit, frozenset], k: int) -> set[_Unit]:
    counts: dict[tuple, set] = {}
    for unit, value in shown.items():
        counts.setdefault((*unit[2], *value.key()), set()).update(crowd[unit])
    return {
        unit
        for unit, value in shown.items()
        if not value.suppressed and len(counts[(*unit[2], *value.key())]) < k
    }


def generalise(
    rows: Sequence[Row],
    *,
    k: int,
    year: int,
    years: Sequence[int] | None = None,
    contributors: Sequence[Hashable] | None = None,
    context: Sequence[tuple[str, ...]] | None = None,
    adult_age: int = ADULT_AGE,
) -> list[Shown]:
    """What may be shown of ``rows``, in their order, each shared by at least ``k`` rows
    (or held back entirely). ``year`` is the current year (for adult or child).

    For publications (``reports.disclosure``): ``years`` gives each row its own reference
    year (the year of arrival, so "adult" is the age at arrival); ``contributors`` a key
    per row, and the crowd is counted in distinct keys (a family is one event to an
    observer, so its members never hide one another); ``context`` values per row that are
    shown beside the fields and never generalised here (the month, the group), so a crowd
    shares them too. ``adult_age`` moves the adult/child line.
    """
    n = len(rows)
    years = list(years) if years is not None else [year] * n
    keys = list(contributors) if contributors is not None else list(range(n))
    contexts = list(context) if context is not None else [()] * n
    units = [(row, y, c) for row, y, c in zip(rows, years, contexts, strict=True)]
    gathered: dict[_Unit, set] = {}
    for unit, key in zip(units, keys, strict=True):
        gathered.setdefault(unit, set()).add(key)
    crowd = {unit: frozenset(found) for unit, found in gathered.items()}
    weights = Counter(units)
    if k <= 1:
        return [_shown(row, (0, 0, 0), y, adult_age) for row, y, _c in units]
    best: tuple | None = None
    for levels in itertools.product(range(YEAR_LEVELS), range(HOME_LEVELS), range(SURNAME_LEVELS)):
        shown = {unit: _shown(unit[0], levels, unit[1], adult_age) for unit in crowd}
        out = _standing_out(shown, crowd, k)
        # Fewest rows to blank first; then the least generalisation; then keep the birth
        # year before the province (it decides the order of rescue and the reports).
        cost = (sum(weights[unit] for unit in out), sum(levels), levels)
        if best is None or cost < best[0]:
            best = (cost, shown)
            if cost[:2] == (0, 0):
                break
    shown = best[1] if best else {}
    for field in SUPPRESSION_ORDER:
        out = _standing_out(shown, crowd, k)
        if not out:
            break
        for unit in sorted(out, key=repr):
            shown[unit] = replace(shown[unit], **{field: ""})
    return [shown[unit] for unit in units]
