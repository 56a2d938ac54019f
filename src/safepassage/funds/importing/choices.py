"""Channels and restrictions as files write them: the code, its name in English or Korean
(from the translation catalogue), or a word Korean cash books use ("rescue", "Rescue",
"구출")."""

from __future__ import annotations

from functools import cache

from django.utils import translation
from django.utils.translation import gettext as _

from safepassage.base.csv_in.cells import quoted
from safepassage.funds.models import Channel, Restriction

# Words Korean books write, whatever the catalogue's labels say.
_KOREAN = {
    "구출": Restriction.RESCUE,
    "구조": Restriction.RESCUE,
    "구호": Restriction.RELIEF,
    "정착": Restriction.RESETTLEMENT,
    "정착지원": Restriction.RESETTLEMENT,
    "옹호": Restriction.ADVOCACY,
    "인권옹호": Restriction.ADVOCACY,
    "일반": Restriction.UNRESTRICTED,
    "지정없음": Restriction.UNRESTRICTED,
    "플랫폼": Channel.PLATFORM,
    "계좌이체": Channel.BANK,
    "은행": Channel.BANK,
    "현금": Channel.CASH,
    "수표": Channel.CHEQUE,
    "행사": Channel.EVENT,
    "기타": Channel.OTHER,
}


def _key(value: str) -> str:
    return " ".join(value.casefold().replace("_", " ").split())


@cache
def _names(choices: type, language: str) -> dict[str, str]:
    names = {word: value for word, value in _KOREAN.items() if value in choices.values}
    for value, label in choices.choices:
        names[_key(value)] = value
        for code in ("en", "ko"):
            with translation.override(code):
                names[_key(str(label))] = value
    return names


def _parse(choices, value: str, default: str, what) -> str:
    if not value.strip():
        return default
    found = _names(choices, "all").get(_key(value))
    if found is None:
        raise ValueError(
            _("%(cell)s is not a %(what)s; use one of: %(known)s.")
            % {"cell": quoted(value), "what": what(), "known": ", ".join(choices.values)}
        )
    return found


def parse_restriction(value: str, default: str = Restriction.UNRESTRICTED) -> str:
    return _parse(Restriction, value, default, lambda: _("restriction"))


def parse_channel(value: str, default: str = Channel.OTHER) -> str:
    return _parse(Channel, value, default, lambda: _("channel"))


# A donor's language as a file may write it; the codes are settings.LANGUAGES'.
_LANGUAGES = {
    "ko": "ko",
    "kor": "ko",
    "korean": "ko",
    "한국어": "ko",
    "한국말": "ko",
    "en": "en",
    "eng": "en",
    "english": "en",
    "영어": "en",
}


def parse_language(value: str) -> str:
    """A donor's language from a file's cell ("" when the cell is empty)."""
    if not value.strip():
        return ""
    found = _LANGUAGES.get(_key(value).split("-")[0])
    if found is None:
        raise ValueError(_("%(cell)s is not a language; use ko or en.") % {"cell": quoted(value)})
    return found


def language_for_currency(currency: str) -> str:
    """A new donor's language when the file does not say: Korean for a gift in won,
    English for any other currency."""
    return "ko" if currency == "KRW" else "en"
