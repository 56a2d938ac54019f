"""What a sponsor may know of the person their gift helps: a generalised profile that
passed disclosure control.

A profile is made of four generalised attributes: sex, an age band, a region (a group of
provinces, never one), and who the person travels with ("with a young child"). Before a
profile is shown, the combination must be shared by at least ``HOPE_PROFILE_MIN_GROUP``
people among everyone who could be the person (people in hiding, awaiting rescue, on the
way, or arrived); if it is not, it is generalised step by step (the region goes first, then
the companions, then the age narrows to child or adult) until it is, and if even sex alone
singles someone out, the sponsor reads "a person awaiting rescue". A sex the source did not
give (``Sex.NOT_RECORDED``) is a sex of its own here: the person is counted among the
others whose sex is not recorded and described without one ("a child"), never guessed.
The profile is fixed when the share is assigned and stored as codes; no name, code, birth
year or province is ever in it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from safepassage.cases.models import Person, Sex, Status
from safepassage.cases.regions import REGION_OF

# The region table is the cases app's, shared with lists, exports and reports.
REGIONS = REGION_OF
# The people a sponsor's person could be among.
POPULATION = (
    Status.IN_HIDING,
    Status.AWAITING_RESCUE,
    Status.IN_TRANSIT,
    Status.THIRD_COUNTRY,
    Status.ARRIVED,
    Status.RESETTLEMENT,
)
# From the most precise to the least; each step drops or widens one attribute.
LEVELS = (
    ("sex", "age", "region", "with"),
    ("sex", "age", "with"),
    ("sex", "age"),
    ("sex", "adult"),
)


def _age_band(birth_year: int | None, year: int) -> str:
    if birth_year is None:
        return "unknown"
    age = year - birth_year
    if age < 13:
        return "child"
    if age < 20:
        return "teen"
    if age >= 60:
        return "60s"
    return f"{age // 10 * 10}s"


def _adult(band: str) -> str:
    return {"child": "child", "teen": "young", "unknown": "unknown"}.get(band, "adult")


def _companions(own_year: int | None, others: list[int | None], year: int) -> str:
    """Who travels with the person, in one word: alone, a young child, children, family."""
    if not others:
        return "alone"
    ages = [year - born for born in others if born is not None]
    young = sum(1 for age in ages if age < 7)
    children = sum(1 for age in ages if age < 18)
    if children == len(others):
        return "young_child" if len(others) == 1 and young == 1 else "children"
    return "family"


def minimum_group() -> int:
    return int(getattr(settings, "HOPE_PROFILE_MIN_GROUP", 5))


def _born_in(band: str, year: int) -> tuple[str, list]:
    """SQL for people whose birth year puts them in an age band (``_age_band``) or, for
    "young" and "adult", in the coarser band of ``_adult``."""
    if band == "unknown":
        return "p.birth_year IS NULL", []
    if band == "child":
        return "p.birth_year > %s", [year - 13]
    if band in ("teen", "young"):
        return "p.birth_year > %s AND p.birth_year <= %s", [year - 20, year - 13]
    if band == "adult":
        return "p.birth_year <= %s", [year - 20]
    if band == "60s":
        return "p.birth_year <= %s", [year - 60]
    decade = int(band[:-1])
    return "p.birth_year > %s AND p.birth_year <= %s", [year - decade - 10, year - decade]


def _from(region: str) -> tuple[str, list]:
    """SQL for people whose region (``REGIONS``, or "abroad") is ``region``."""
    if region == "abroad":
        return "p.born_abroad = %s", [True]
    provinces = [p for p, r in REGIONS.items() if r == region] if region else list(REGIONS)
    marks = ", ".join(["%s"] * len(provinces))
    # A province outside the table (or none) is the region "".
    inside = "IN" if region else "NOT IN"
    return f"p.born_abroad = %s AND p.province {inside} ({marks})", [False, *provinces]


def _travelling_with(year: int, table: str) -> tuple[str, list]:
    """SQL for a person's companions (``_companions``): their group's other members,
    found by the group index."""
    child = "SUM(CASE WHEN o.birth_year > %s THEN 1 ELSE 0 END)"
    young = "SUM(CASE WHEN o.birth_year > %s THEN 1 ELSE 0 END)"
    # Only the table's quoted name and fixed SQL are formatted in; values are parameters.
    sql = (
        "(SELECT CASE"  # noqa: S608
        " WHEN COUNT(*) = 0 THEN 'alone'"
        f" WHEN COUNT(*) = 1 AND {child} = 1 AND {young} = 1 THEN 'young_child'"
        f" WHEN {child} = COUNT(*) THEN 'children'"
        " ELSE 'family' END"
        f" FROM {table} o WHERE o.group_id = p.group_id AND o.id <> p.id) = %s"
    )
    return sql, [year - 18, year - 7, year - 18]


def profile_for(person: Person) -> dict:
    """The most precise profile of ``person`` that at least k people share.

    Asks the database, level by level, whether k people share the profile; each
    question reads people only until it finds the k-th, so its cost does not grow
    with the population (one query for the person's group, one per level tried)."""
    year = timezone.localdate().year
    band = _age_band(person.birth_year, year)
    others = []
    if person.group_id:
        others = list(
            Person.objects.filter(group_id=person.group_id)
            .exclude(pk=person.pk)
            .values_list("birth_year", flat=True)
        )
    mine = {
        "sex": person.sex,
        "age": band,
        "adult": _adult(band),
        "region": "abroad" if person.born_abroad else REGIONS.get(person.province, ""),
        "with": _companions(person.birth_year, others, year),
    }
    table = connection.ops.quote_name(Person._meta.db_table)
    pk = Person._meta.pk.get_db_prep_value(person.pk, connection)
    # Everyone who could be the person, and the person themselves whatever their status.
    statuses = [str(status) for status in POPULATION]
    population = f"(p.status IN ({', '.join(['%s'] * len(statuses))}) OR p.id = %s) AND p.sex = %s"
    k = minimum_group()
    for level, keys in enumerate(LEVELS):
        where, params = [population], [*statuses, pk, mine["sex"]]
        for key, condition in (
            ("age", lambda: _born_in(mine["age"], year)),
            ("adult", lambda: _born_in(mine["adult"], year)),
            ("region", lambda: _from(mine["region"])),
            ("with", lambda: _travelling_with(year, table)),
        ):
            if key in keys:
                sql, more = condition()
                where.append(sql)
                params += [*more, mine["with"]] if key == "with" else more
        # Whether k people share it, not how many: the scan stops at the k-th.
        with connection.cursor() as cursor:
            cursor.execute(
                # Only the table's quoted name and fixed conditions are formatted in.
                f"SELECT COUNT(*) FROM (SELECT 1 FROM {table} p WHERE {' AND '.join(where)}"  # noqa: S608
                " LIMIT %s) AS sharing",
                [*params, k],
            )
            if cursor.fetchone()[0] >= k:
                return {"level": level, **{key: mine[key] for key in keys}}
    return {"level": len(LEVELS)}


# --- words -----------------------------------------------------------------------------------

_REGION_WORDS = {
    "north_east": lambda: _("from the north-east of North Korea"),
    "north": lambda: _("from the north of North Korea"),
    "east": lambda: _("from the east coast of North Korea"),
    "west": lambda: _("from the west of North Korea"),
    "south": lambda: _("from the south of North Korea"),
    "abroad": lambda: pgettext("profile", "born outside North Korea"),
}
_WITH_WORDS = {
    "alone": lambda: _("travelling alone"),
    "young_child": lambda: _("with a young child"),
    "children": lambda: _("with children"),
    "family": lambda: _("with family"),
}


def _who_not_recorded(band: str) -> str:
    """Words for a person whose sex the source did not give: never "a boy" or "a girl"."""
    if band == "child":
        return _("a child")
    if band in ("teen", "young"):
        return _("a teenager")
    if band == "adult":
        return _("an adult")
    if band == "unknown":
        return _("a person")
    if band == "60s":
        return _("a person over sixty")
    return _("a person in their %(decade)ss") % {"decade": int(band[:-1])}


def _who(profile: dict) -> str:
    band = profile.get("age") or profile.get("adult") or "unknown"
    if profile.get("sex") == Sex.NOT_RECORDED:
        return _who_not_recorded(band)
    female = profile.get("sex") == Sex.FEMALE
    if band == "child":
        return pgettext("profile", "a girl") if female else pgettext("profile", "a boy")
    if band in ("teen", "young"):
        return (
            pgettext("profile", "a teenage girl")
            if female
            else pgettext("profile", "a teenage boy")
        )
    if band == "adult" or band == "unknown":
        return pgettext("profile", "a woman") if female else pgettext("profile", "a man")
    if band == "60s":
        return (
            pgettext("profile", "a woman over sixty")
            if female
            else pgettext("profile", "a man over sixty")
        )
    decade = int(band[:-1])
    if female:
        return pgettext("profile", "a woman in her %(decade)ss") % {"decade": decade}
    return pgettext("profile", "a man in his %(decade)ss") % {"decade": decade}


def describe(profile: dict) -> str:
    """The profile in words, in the active language: "a woman in her 20s from the
    north-east of North Korea, with a young child"."""
    if not profile or "sex" not in profile:
        return _("a person awaiting rescue")
    words = _who(profile)
    region = _REGION_WORDS.get(profile.get("region", ""))
    if region:
        # Translators: e.g. "a woman in her 20s" + "from the north-east of North Korea".
        words = _("%(who)s %(region)s") % {"who": words, "region": region()}
    companions = _WITH_WORDS.get(profile.get("with", ""))
    if companions:
        # Translators: Korean puts the companions first ("어린 자녀와 함께 있는 … 여성"), so
        # that a particle added after the description follows the noun.
        words = _("%(who)s, %(with)s") % {"who": words, "with": companions()}
    return words
