"""The words people actually write in spreadsheets, mapped onto the models' values.

Each ``parse_*`` function takes a stripped, non-empty cell and returns the value or raises
``BadCell`` with a message that is safe to show (it may quote the cell: these columns hold
no names).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata

from django.utils import translation
from django.utils.translation import gettext as _

from safepassage.cases.models import Province, Sex, Status


class BadCell(ValueError):
    """A cell that cannot be read; ``str(exc)`` is the message for the row's report."""


def quoted(cell: str, limit: int = 30) -> str:
    """A cell fit to quote in an error: printable and short."""
    cell = "".join(c for c in cell if c.isprintable())
    return f"“{cell[:limit]}…”" if len(cell) > limit else f"“{cell}”"


def _key(value: str) -> str:
    """Lower case, no accents (ŏ, ŭ), no spaces, hyphens, apostrophes or dots."""
    text = unicodedata.normalize("NFKD", value)
    # NFC again afterwards: NFKD also takes Hangul syllables apart into their letters.
    text = unicodedata.normalize("NFC", "".join(c for c in text if not unicodedata.combining(c)))
    return "".join(c for c in text.casefold() if c.isalnum())


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
}
_SEX_TABLE = {_key(word): value for value, words in _SEX.items() for word in words}


def parse_sex(cell: str) -> str:
    value = _SEX_TABLE.get(_key(cell))
    if value is None:
        raise BadCell(
            _("%(cell)s is not a sex; write F or M (female/male, 여/남).") % {"cell": quoted(cell)}
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


# Not "O" or "X": in Korean sheets they mean yes and no, in others a ticked box.
_YES = {_key(w) for w in ("yes", "y", "true", "1", "예", "네", "있음")}
_NO = {_key(w) for w in ("no", "n", "false", "0", "아니오", "아니요", "없음")}


def parse_yes_no(cell: str) -> bool:
    key = _key(cell)
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise BadCell(_("%(cell)s is neither yes nor no.") % {"cell": quoted(cell)})


# --- numbers and dates --------------------------------------------------------------------

# "1990", "1990.0" (a spreadsheet's number), "1990년", "1990년생", "35세", "35살".
_NUMBER = re.compile(r"(\d{1,4})(?:\.0+)?\s*(?:년생|년|세|살)?")


def parse_whole_number(cell: str) -> int:
    match = _NUMBER.fullmatch(cell)
    if match is None:
        raise BadCell(_("%(cell)s is not a whole number.") % {"cell": quoted(cell)})
    return int(match.group(1))


_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_DAY = re.compile(r"(\d{4})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})\.?" + _TIME)
_MONTH = re.compile(r"(\d{4})\s*[-./]\s*(\d{1,2})\.?")
_KOREAN_DATE = re.compile(r"(\d{4})\s*년\s*(\d{1,2})\s*월(?:\s*(\d{1,2})\s*일)?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})?")


def parse_date_or_month(cell: str) -> tuple[dt.date, bool]:
    """(date, is_month): "2019-03-05", "2019.3.5.", "2019년 3월 5일", or a month "2019-03",
    "2019년 3월" (then the first of the month). Day-first or month-first forms such as
    "05/03/2019" are refused: which one is meant cannot be told."""
    year = month = day = None
    for pattern in (_DAY, _MONTH, _KOREAN_DATE, _COMPACT):
        match = pattern.fullmatch(cell)
        if match:
            groups = match.groups()
            year, month = int(groups[0]), int(groups[1])
            day = int(groups[2]) if len(groups) > 2 and groups[2] else None
            break
    else:
        raise BadCell(
            _("%(cell)s is not a date; write YYYY-MM-DD or, for a month, YYYY-MM.")
            % {"cell": quoted(cell)}
        )
    try:
        value = dt.date(year, month, day or 1)
    except ValueError:
        raise BadCell(_("%(cell)s is not a real date.") % {"cell": quoted(cell)}) from None
    if value.year < 1900:
        raise BadCell(_("%(cell)s is too long ago.") % {"cell": quoted(cell)})
    return value, day is None
