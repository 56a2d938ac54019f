"""The words people actually write in spreadsheets, mapped onto the models' values.

Each ``parse_*`` function takes a stripped, non-empty cell and returns the value or raises
``BadCell`` with a message that is safe to show (it may quote the cell: these columns hold
no names).
"""

from __future__ import annotations

import functools

from django.utils import translation
from django.utils.translation import gettext as _

from safepassage.base.csv_in.cells import BadCell, quoted
from safepassage.base.csv_in.cells import key as _key
from safepassage.cases.models import Province, Sex, Status

# --- provinces ----------------------------------------------------------------------------

AMBIGUOUS = "?"

# Endings that say what kind of place it is, not which one: "Kangwon-do", "Pyongyang City",
# "Rason Special City", "Hamgyong-pukto" (McCune-Reischauer for "North ... Province").
_PLACE_ENDINGS = (
    "directlygovernedcity",
    "specialcity",
    "capitalcity",
    "metropolitancity",
    "province",
    "city",
    "si",
    "do",
    "to",
    "특별시",
    "직할시",
    "시",
    "도",
)

# Spellings of each name: McCune-Reischauer (accents dropped), Revised Romanization, and
# the older or phonetic ones found in NGO lists and news ("Hamkyung", "Yang-kang").
_SPLIT_SPELLINGS = {
    (Province.NORTH_HAMGYONG, Province.SOUTH_HAMGYONG): (
        "hamgyong",
        "hamgyeong",
        "hamkyung",
        "hamgyung",
        "hamkyong",
        "hamgyoung",
        "hamkyeong",
        "hamkyoung",
    ),
    (Province.NORTH_PYONGAN, Province.SOUTH_PYONGAN): (
        "pyongan",
        "pyeongan",
        "pyungan",
        "phyongan",
        "pyongahn",
    ),
    (Province.NORTH_HWANGHAE, Province.SOUTH_HWANGHAE): ("hwanghae", "hwanghai", "hwanghe"),
}
_WHOLE_SPELLINGS = {
    Province.RYANGGANG: (
        "ryanggang",
        "yanggang",
        "ryangkang",
        "yangkang",
        "ryangang",
        "yangang",
        "ryanggangdo",
    ),
    Province.CHAGANG: ("chagang", "jagang", "chakang"),
    Province.KANGWON: ("kangwon", "gangwon", "kangweon", "gangweon"),
    Province.PYONGYANG: ("pyongyang", "pyeongyang", "pyungyang", "phyongyang"),
    Province.RASON: (
        "rason",
        "raseon",
        "nason",
        "naseon",
        "rajinsonbong",
        "rajinseonbong",
        "najinsonbong",
        "najinseonbong",
    ),
    Province.NAMPO: ("nampo", "nampho"),
    Province.KAESONG: ("kaesong", "gaeseong", "kaeseong", "gaesong"),
}
_NORTH = (("north", "northern", "n"), ("north", "n", "buk", "puk", "bukto", "pukto"))
_SOUTH = (("south", "southern", "s"), ("south", "s", "nam", "namto", "namdo"))
_KOREAN = {
    Province.NORTH_HAMGYONG: ("함경북도", "함북"),
    Province.SOUTH_HAMGYONG: ("함경남도", "함남"),
    Province.RYANGGANG: ("량강도", "양강도"),
    Province.CHAGANG: ("자강도",),
    Province.NORTH_PYONGAN: ("평안북도", "평북"),
    Province.SOUTH_PYONGAN: ("평안남도", "평남"),
    Province.NORTH_HWANGHAE: ("황해북도", "황북"),
    Province.SOUTH_HWANGHAE: ("황해남도", "황남"),
    Province.KANGWON: ("강원도",),
    Province.PYONGYANG: ("평양", "평양시", "평양직할시"),
    Province.RASON: ("라선", "나선", "라선시", "라선특별시", "나선특별시"),
    Province.NAMPO: ("남포", "남포시", "남포특별시"),
    Province.KAESONG: ("개성", "개성시", "개성특별시"),
}
# The old undivided provinces: which half is meant cannot be guessed.
_KOREAN_AMBIGUOUS = ("함경도", "평안도", "황해도")


def _province_key(value: str) -> str:
    key = _key(value)
    stripped = True
    while stripped:
        stripped = False
        for ending in _PLACE_ENDINGS:
            if key.endswith(ending) and len(key) > len(ending) + 1:
                key = key[: -len(ending)]
                stripped = True
    return key


@functools.cache
def province_table() -> dict[str, str]:
    """Normalised spelling → Province value, or ``AMBIGUOUS``."""
    table: dict[str, str] = {}

    def add(spelling: str, value: str) -> None:
        table.setdefault(_province_key(spelling), value)

    for province in Province:
        add(province.value, province.value)
        with translation.override("en"):
            add(str(province.label), province.value)
    for province, spellings in _KOREAN.items():
        for spelling in spellings:
            add(spelling, province)
    for (north, south), spellings in _SPLIT_SPELLINGS.items():
        for spelling in spellings:
            for province, (before, after) in ((north, _NORTH), (south, _SOUTH)):
                for word in before:
                    add(word + spelling, province)
                for word in after:
                    add(spelling + word, province)
    for province, spellings in _WHOLE_SPELLINGS.items():
        for spelling in spellings:
            add(spelling, province)
    # Last, so that no spelling above is taken for one of these.
    for spellings in _SPLIT_SPELLINGS.values():
        for spelling in spellings:
            table[_province_key(spelling)] = AMBIGUOUS
    for spelling in _KOREAN_AMBIGUOUS:
        table[_province_key(spelling)] = AMBIGUOUS
    return table


def parse_province(cell: str) -> str:
    value = province_table().get(_province_key(cell))
    if value is None:
        raise BadCell(
            _("unknown province %(cell)s; write e.g. “North Hamgyong”, “Ryanggang” or “함북”.")
            % {"cell": quoted(cell)}
        )
    if value == AMBIGUOUS:
        raise BadCell(
            _("%(cell)s is ambiguous: say North or South (e.g. “North Hamgyong”, “함북”).")
            % {"cell": quoted(cell)}
        )
    return value


# --- sex, status, yes/no ------------------------------------------------------------------

_SEX = {
    Sex.FEMALE: (
        "f",
        "female",
        "woman",
        "women",
        "girl",
        "femalechild",
        "여",
        "여성",
        "여자",
        "여아",
    ),
    Sex.MALE: ("m", "male", "man", "men", "boy", "malechild", "남", "남성", "남자", "남아"),
    # What published lists write where they give no sex: that it is unknown, or only an
    # age ("Lee OO, Child, born in 2003"). Not recorded, never guessed from the word.
    Sex.NOT_RECORDED: (
        "unknown",
        "not known",
        "not given",
        "not stated",
        "not recorded",
        "unspecified",
        "unrecorded",
        "n/a",
        "na",
        "child",
        "children",
        "infant",
        "baby",
        "toddler",
        "kid",
        "minor",
        "teen",
        "teenager",
        "youth",
        "adult",
        "person",
        "미상",
        "모름",
        "불명",
        "미기재",
        "기록없음",
        "성별미상",
        "아동",
        "어린이",
        "아이",
        "아기",
        "유아",
        "영아",
        "소아",
        "미성년",
        "미성년자",
        "청소년",
        "성인",
    ),
}
_SEX_TABLE = {_key(word): value for value, words in _SEX.items() for word in words}


def parse_sex(cell: str) -> str:
    """Female, male, or ``Sex.NOT_RECORDED`` for a cell that says the sex is unknown or
    gives only an age; an empty cell is not recorded too (the reader does not call this)."""
    value = _SEX_TABLE.get(_key(cell))
    if value is None:
        raise BadCell(
            _(
                "%(cell)s is not a sex; write F or M (female/male, 여/남), "
                "or leave the cell empty if the source does not say."
            )
            % {"cell": quoted(cell)}
        )
    return value


_STATUS = {
    Status.INTAKE: ("intake", "new", "call received", "접수", "신규"),
    Status.IN_HIDING: ("in hiding", "hiding", "hidden", "은신", "은신중", "은거"),
    Status.AWAITING_RESCUE: ("awaiting rescue", "waiting", "awaiting", "대기", "구출대기"),
    Status.IN_TRANSIT: ("in transit", "transit", "on the way", "moving", "이동", "이동중"),
    Status.THIRD_COUNTRY: ("third country", "in a third country", "제3국", "제삼국"),
    Status.ARRIVED: ("arrived", "arrival", "도착", "입국", "도착완료"),
    Status.RESETTLEMENT: ("resettlement", "resettled", "정착", "정착지원"),
    Status.CLOSED: ("closed", "done", "종결", "완료"),
    Status.DETAINED: ("detained", "arrested", "caught", "구금", "체포", "억류"),
    Status.FEARED_REPATRIATED: ("feared repatriated", "repatriated", "강제북송", "북송"),
    Status.LOST_CONTACT: ("lost contact", "missing", "no contact", "연락두절", "연락끊김"),
    Status.DECLINED: ("declined", "refused", "거절", "거부"),
}


@functools.cache
def status_table() -> dict[str, str]:
    table = {_key(word): value for value, words in _STATUS.items() for word in words}
    for status in Status:
        table.setdefault(_key(status.value), status.value)
        for language in ("en", "ko"):
            with translation.override(language):
                table.setdefault(_key(str(status.label)), status.value)
    return table


def parse_status(cell: str) -> str:
    value = status_table().get(_key(cell))
    if value is None:
        raise BadCell(
            _("unknown status %(cell)s; write e.g. “arrived”, “in hiding”, “detained”.")
            % {"cell": quoted(cell)}
        )
    return value
