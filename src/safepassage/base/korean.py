"""Korean particles (조사) chosen by the sound a word ends with, not written as "을(를)".

A Korean particle has two forms: one after a final consonant (받침), one after a vowel
(을/를, 이/가, 은/는, 과/와), and 으로/로 also takes 로 after ㄹ. A value put into a sentence
(a person's description, a code, an amount) decides the form by how it is read aloud:

- a Hangul syllable by its final consonant;
- a number by its Korean reading: 1 일, 3 삼, 10 십, 100 백, 1,000 천, 20,000 이만,
  2,000,000 이백만; a decimal by its last digit (1.5 일점오);
- an amount by its currency's name, read after the number: ₩2,000,000 is 이백만 원,
  US$5.00 is 5 달러, 800,000 KRW is 80만 원;
- Latin letters by their usual reading: an abbreviation letter by letter (UN 유엔, KRW
  ...더블유), a word by its ending (Kim 킴, Hope Sharing ...링, Lee 리);
- closing quotes and brackets are skipped; a trailing parenthesis after a word is an aside
  and the particle follows the word before it (보조사(補助詞)는), as Korean writing has it.

When the end cannot be read (a symbol, another script), both forms are written, "을(를)",
the usual fallback.
"""

from __future__ import annotations

import functools
import re
from typing import Literal

from django.utils import translation

Ending = Literal["vowel", "rieul", "consonant"]

# (after a final consonant, after a vowel); 으로/로 is the one whose ㄹ takes the vowel form.
PAIRS: dict[str, tuple[str, str]] = {
    "을": ("을", "를"),
    "이": ("이", "가"),
    "은": ("은", "는"),
    "과": ("과", "와"),
    "으로": ("으로", "로"),
    "이나": ("이나", "나"),
    "이라": ("이라", "라"),
}
_ALIASES = {
    alias: key
    for key, (after_consonant, after_vowel) in PAIRS.items()
    for alias in (
        after_consonant,
        after_vowel,
        f"{after_consonant}/{after_vowel}",
        f"{after_vowel}/{after_consonant}",
        f"{after_consonant}({after_vowel})",
        f"{after_vowel}({after_consonant})",
    )
}
_ALIASES["(으)로"] = "으로"

_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
_RIEUL = 8  # index of ㄹ among the 28 final-consonant slots (0 = none)

# The last sound of each reading, as the Hangul syllable it ends with.
_DIGITS = "영일이삼사오육칠팔구"
_SMALL_UNITS = {1: "십", 2: "백", 3: "천"}
_BIG_UNITS = ["", "만", "억", "조", "경", "해"]
# Letter names: A 에이, B 비, ... L 엘, M 엠, N 엔, R 알, W 더블유, Z 제트.
_LETTERS = dict(
    zip(
        "abcdefghijklmnopqrstuvwxyz",
        "이비씨디이프지치이이이엘엠엔오피큐알스티유이유스이트",
        strict=True,
    )
)
_CLOSERS = "\"'\u201d\u2019」』》〉>]}»"  # curly quotes, CJK brackets
_OPENERS = {")": "(", "\uff09": "\uff08"}  # and full-width
_AMOUNT = re.compile(
    r"(?P<prefix>[^\d\s.,+\u2212-]*)\s*[+\u2212-]?\s*(?P<number>\d[\d,]*(?:\.\d+)?)\s*(?P<suffix>[^\d\s]*)$"
)


def _syllable_ending(syllable: str) -> Ending | None:
    code = ord(syllable)
    if not _HANGUL_FIRST <= code <= _HANGUL_LAST:
        return None
    final = (code - _HANGUL_FIRST) % 28
    if final == 0:
        return "vowel"
    return "rieul" if final == _RIEUL else "consonant"


def number_reading_end(number: str) -> str:
    """The last syllable of a number read in Korean: "2,000,000" → 만 (이백만)."""
    whole, _, decimals = number.replace(",", "").partition(".")
    if decimals:
        return _DIGITS[int(decimals[-1])]
    value = int(whole)
    if value == 0:
        return _DIGITS[0]
    group = 0
    while value % 10_000 == 0:
        value //= 10_000
        group += 1
    if group:
        return _BIG_UNITS[min(group, len(_BIG_UNITS) - 1)]
    digits = str(value % 10_000)
    zeros = len(digits) - len(digits.rstrip("0"))
    return _SMALL_UNITS[zeros] if zeros else _DIGITS[int(digits[-1])]


@functools.cache
def _currency_names() -> dict[str, str]:
    """Symbols and ISO codes of every currency → the last syllable of its Korean name."""
    from babel.numbers import get_currency_name, get_currency_symbol, list_currencies

    names: dict[str, str] = {"원": "원"}
    for code in sorted(list_currencies()):
        name = get_currency_name(code, locale="ko").removesuffix("화").strip()
        if not name or _syllable_ending(name[-1]) is None:
            continue
        for key in (code, get_currency_symbol(code, "en"), get_currency_symbol(code, "ko")):
            names.setdefault(key, name[-1])
    return names


def _latin_ending(word: str) -> Ending:
    if word.isupper() or len(word) == 1:
        return _syllable_ending(_LETTERS[word[-1].lower()]) or "vowel"
    word = word.lower()
    if word.endswith("ng") or word.endswith(("m", "n")):
        return "consonant"
    if word.endswith(("l", "le")):
        return "rieul"
    return "vowel"


def _strip_end(text: str) -> str:
    text = text.rstrip()
    while text:
        last = text[-1]
        if last in _CLOSERS:
            text = text[:-1].rstrip()
        elif last in _OPENERS:
            opener = text.rfind(_OPENERS[last])
            before = text[:opener].rstrip() if opener >= 0 else ""
            # An aside after a word: the particle follows the word (서울(Seoul)을).
            text = before if before else text[opener + 1 : -1].rstrip()
        elif last == "." and not text[-2:-1].isdigit():
            text = text[:-1].rstrip()
        else:
            return text
    return text


def ending(text: str) -> Ending | None:
    """How ``text`` ends when read aloud in Korean, or None when that cannot be told."""
    text = _strip_end(str(text))
    if not text:
        return None
    found = _syllable_ending(text[-1])
    if found:
        return found
    amount = _AMOUNT.search(text)
    if amount:
        names = _currency_names()
        for token in (amount["suffix"], amount["prefix"]):
            if token and token in names:
                return _syllable_ending(names[token])
        if not amount["suffix"]:
            return _syllable_ending(number_reading_end(amount["number"]))
    if text.endswith("%"):
        return "vowel"  # 퍼센트
    latin = re.search(r"[A-Za-z]+$", text)
    if latin:
        return _latin_ending(latin.group())
    return None


def particle(text: str, form: str) -> str:
    """The form of the particle ``form`` names (any of its spellings: 을, 를, 을/를, 을(를))
    that follows ``text``: ``particle("여자아이", "을")`` → "를"; an ending that cannot be
    read gives "을(를)"."""
    try:
        after_consonant, after_vowel = PAIRS[_ALIASES[form]]
    except KeyError:
        raise ValueError(f"not a particle with two forms: {form!r}") from None
    found = ending(text)
    if found is None:
        return "(으)로" if after_consonant == "으로" else f"{after_consonant}({after_vowel})"
    if found == "vowel" or (found == "rieul" and after_consonant == "으로"):
        return after_vowel
    return after_consonant


def with_particle(text: str, form: str) -> str:
    """``text`` followed by the right form: "20대 여성" + 을 → "20대 여성을"."""
    return f"{text}{particle(text, form)}"


def for_reader(text: str, form: str) -> str:
    """``text`` with its particle when the active language is Korean, bare otherwise.

    A translatable sentence takes the value with its particle already joined (``%(who_obj)s``)
    so that the Korean translation need not guess; other languages have no particles and
    read the bare value.
    """
    language = translation.get_language() or ""
    if language.split("-")[0] == "ko":
        return with_particle(text, form)
    return str(text)
