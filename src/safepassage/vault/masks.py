"""Pseudonyms shown in place of protected values.

A pseudonym is stored in clear and outlives shredding, so it carries at most the surname's
first syllable, whatever script or order the name is written in:

- Hangul: the first syllable ("김영희", "김 영희" → "김OO"; "남궁민수" → "남OO").
- Han characters (a name written in Chinese): the first character ("王美华" → "王OO").
- Latin: a token shows only when it is a known surname of one syllable (``SURNAMES``):
  first ("Kim Young-hee" → "Kim OO", Korean order) or else last ("Younghee Kim" →
  "Kim OO", Western order); with one at both ends the Korean order wins. Any other name,
  Latin or of another script, shows no part of itself: "Sunhee" → "OO".
- An explicit surname (an import's surname column) is used instead of guessing: its first
  Hangul syllable or Han character; in Latin, itself when it is a known surname, otherwise
  its first letter ("Namgung" → "N. OO").

``SAFEPASSAGE_PSEUDONYM_STYLE`` chooses ``surname`` (that form), ``initial`` (the first
letter or syllable of the same surname: "K. OO", "김. OO") or ``none`` ("OO").

Values are normalised to NFC first, so a name typed in decomposed Hangul (NFD) gives the
same pseudonym as the same name composed.
"""

from __future__ import annotations

import unicodedata

from django.conf import settings

MASK = "OO"
HIDDEN = "•••"

# Single-syllable Korean surnames as they are romanised in South Korea (Revised and common
# spellings), in North Korea (Ri, Rim, Ryang, Jong...) and by McCune-Reischauer once its
# breves and apostrophes are dropped (Chong, Choe, Kwon...). Multi-syllable surnames
# (Namgung, Jegal, Hwangbo, Seonu, Dokgo) are left out on purpose: a guessed boundary
# could take in a syllable of the given name.
# fmt: off
KOREAN_SURNAMES = frozenset({
    "kim", "lee", "yi", "rhee", "ri", "park", "pak", "bak", "choi", "choe", "jung", "jeong",
    "chung", "jong", "chong", "kang", "cho", "jo", "yoon", "yun", "jang", "chang", "lim",
    "im", "rim", "han", "oh", "seo", "suh", "shin", "kwon", "hwang", "ahn", "an", "song",
    "ryu", "yoo", "yu", "hong", "jeon", "chun", "ko", "go", "moon", "mun", "yang", "son",
    "bae", "pae", "baek", "paek", "heo", "nam", "noh", "roh", "ha", "kwak", "sung", "cha",
    "joo", "ju", "chu", "woo", "min", "ryang", "pang", "bang",
})
# The most common single-syllable Chinese surnames in pinyin, for donors and partners
# whose names are romanised from Chinese.
CHINESE_SURNAMES = frozenset({
    "wang", "li", "zhang", "liu", "chen", "zhao", "zhou", "wu", "xu", "sun", "zhu", "hu",
    "guo", "he", "gao", "lin", "luo", "zheng", "liang", "xie", "tang",
})
# fmt: on
SURNAMES = KOREAN_SURNAMES | CHINESE_SURNAMES


def _is_hangul(char: str) -> bool:
    return "HANGUL" in unicodedata.name(char, "")


def _is_han(char: str) -> bool:
    return unicodedata.name(char, "").startswith("CJK ")


def _syllabic(char: str) -> bool:
    """One character is one syllable of a name (Hangul syllables, Han characters)."""
    return _is_hangul(char) or (_is_han(char) and char.isalpha())


def printable(value: str) -> str:
    """Drop control characters (a NUL cannot even be stored in a PostgreSQL text column)."""
    return "".join(c for c in value if unicodedata.category(c) not in {"Cc", "Cs"})


def _clean(value: str) -> str:
    return " ".join(unicodedata.normalize("NFC", printable(value)).split())


def _folded(token: str) -> str:
    """A Latin token as the surname list spells it: no accents, breves or apostrophes."""
    stripped = "".join(
        c for c in unicodedata.normalize("NFKD", token) if not unicodedata.combining(c)
    )
    return "".join(c for c in stripped.casefold() if c.isalpha())


def _known(token: str) -> str | None:
    """The token as shown ("KIM," → "Kim") if it is a known surname, else None."""
    if _folded(token) not in SURNAMES:
        return None
    letters = "".join(c for c in token if c.isalpha() or unicodedata.combining(c))
    return letters[:1].upper() + letters[1:].lower()


def _latin_surname(tokens: list[str]) -> str | None:
    for token in (tokens[0], tokens[-1]):
        shown = _known(token)
        if shown:
            return shown
    return None


def _surname_part(value: str, surname: str) -> tuple[str, bool]:
    """What may be shown of the surname, and whether it is one syllable of a syllabic
    script (written without a space before the mask). Empty: nothing may be shown."""
    if surname:
        first = surname[0]
        if _syllabic(first):
            return first, True
        shown = _known(surname.split(" ")[0])
        if shown:
            return shown, False
        return (first.upper(), False) if first.isalpha() else ("", False)
    if _syllabic(value[0]):
        return value[0], True
    return _latin_surname(value.split(" ")) or "", False


def name(value: str, surname: str | None = None) -> str:
    """The pseudonym of a full name: "Kim Young-hee", "Younghee Kim" and "김영희" give
    "Kim OO", "Kim OO" and "김OO"; "Sunhee" gives "OO". ``surname``, when the caller
    knows it (an import's surname column), is used instead of guessing it from the order.
    """
    value = _clean(value)
    if not value:
        return ""
    style = getattr(settings, "PSEUDONYM_STYLE", "surname")
    shown, syllabic = _surname_part(value, _clean(surname or ""))
    if style == "none" or not shown:
        return MASK
    if style == "initial":
        return f"{shown[0]}. {MASK}"
    if len(shown) == 1 and not syllabic:
        # An explicit surname that is not a known one shows only its first letter.
        return f"{shown}. {MASK}"
    return f"{shown}{'' if syllabic else ' '}{MASK}"


def remask_name(stored: str) -> str:
    """An old name pseudonym brought under the rule above, for rows whose plain value
    cannot be read: what stood before "OO" is masked again, so the result can only show
    less. Anything that is not a name pseudonym ("•••") is kept."""
    stored = _clean(stored)
    if not stored.endswith(MASK):
        return stored
    rest = stored.removesuffix(MASK).strip().rstrip(".")
    if not rest:
        return MASK
    if len(rest) == 1 and not _syllabic(rest):
        # "K. OO": an initial of a Latin name, which may have been the given name's.
        return MASK
    return name(rest)


def shredded(stored: str) -> str:
    """What a pseudonym becomes when its record is shredded: "•••" if there was one."""
    return HIDDEN if stored else ""


def phone(value: str) -> str:
    digits = [c for c in value if c.isdigit()]
    return f"•••{''.join(digits[-2:])}" if len(digits) >= 6 else HIDDEN


def hidden(value: str) -> str:
    return HIDDEN
