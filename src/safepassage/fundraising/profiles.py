"""What a sponsor may know of the person their gift helps: a generalised profile that
passed disclosure control.

A profile is made of four generalised attributes: sex, an age band, a region (a group of
provinces, never one), and who the person travels with ("with a young child"). Before a
profile is shown, the combination must be shared by at least ``HOPE_PROFILE_MIN_GROUP``
people among everyone who could be the person (people in hiding, awaiting rescue, on the
way, or arrived); if it is not, it is generalised step by step (the region goes first, then
the companions, then the age narrows to child or adult) until it is, and if even sex alone
singles someone out, the sponsor reads "a person awaiting rescue". The profile is fixed
when the share is assigned and stored as codes; no name, code, birth year or province is
ever in it.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Case, Count, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
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


def _born_in(band: str, year: int) -> Q:
    """People whose birth year puts them in an age band (``_age_band``) or, for
    "young" and "adult", in the coarser band of ``_adult``."""
    if band == "unknown":
        return Q(birth_year__isnull=True)
    if band == "child":
        return Q(birth_year__gt=year - 13)
    if band in ("teen", "young"):
        return Q(birth_year__gt=year - 20, birth_year__lte=year - 13)
    if band == "adult":
        return Q(birth_year__lte=year - 20)
    if band == "60s":
        return Q(birth_year__lte=year - 60)
    decade = int(band[:-1])
    return Q(birth_year__gt=year - decade - 10, birth_year__lte=year - decade)


def _from(region: str) -> Q:
    """People whose region (``REGIONS``, or "abroad") is ``region``."""
    if region == "abroad":
        return Q(born_abroad=True)
    if region:
        return Q(born_abroad=False, province__in=[p for p, r in REGIONS.items() if r == region])
    return Q(born_abroad=False) & ~Q(province__in=list(REGIONS))


def _travelling_with(year: int):
    """Each person's companions (``_companions``) as a database expression: one look-up
    of their group's other members by the group index."""
    others = (
        Person.objects.filter(group_id=OuterRef("group_id"))
        .exclude(pk=OuterRef("pk"))
        .order_by()
        .values("group_id")
        .annotate(
            n=Count("pk"),
            children=Count("pk", filter=Q(birth_year__gt=year - 18)),
            young=Count("pk", filter=Q(birth_year__gt=year - 7)),
        )
        .annotate(
            word=Case(
                When(Q(n=1, children=1, young=1), then=Value("young_child")),
                When(children=F("n"), then=Value("children")),
                default=Value("family"),
            )
        )
        .values("word")[:1]
    )
    return Coalesce(Subquery(others), Value("alone"))


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
    # Everyone who could be the person, and the person themselves whatever their status.
    population = Person.objects.filter(Q(status__in=POPULATION) | Q(pk=person.pk))
    k = minimum_group()
    for level, keys in enumerate(LEVELS):
        sharing = population.filter(sex=mine["sex"])
        if "age" in keys:
            sharing = sharing.filter(_born_in(mine["age"], year))
        if "adult" in keys:
            sharing = sharing.filter(_born_in(mine["adult"], year))
        if "region" in keys:
            sharing = sharing.filter(_from(mine["region"]))
        if "with" in keys:
            sharing = sharing.annotate(travelling_with=_travelling_with(year)).filter(
                travelling_with=mine["with"]
            )
        # Whether k people share it, not how many: the scan stops at the k-th.
        if sharing.order_by()[:k].count() >= k:
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


def _who(profile: dict) -> str:
    female = profile.get("sex") == Sex.FEMALE
    band = profile.get("age") or profile.get("adult") or "unknown"
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
