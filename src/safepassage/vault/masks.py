"""Pseudonyms shown in place of protected values.

Names appear the way the NGO already publishes them: the surname and a masked given name
("Kim OO", "김OO"). ``SAFEPASSAGE_PSEUDONYM_STYLE`` chooses ``surname`` (that form),
``initial`` ("K. OO") or ``none`` ("OO"), for organisations that keep even surnames back.
"""

from __future__ import annotations

import unicodedata

from django.conf import settings

MASK = "OO"
HIDDEN = "•••"


def _is_hangul(char: str) -> bool:
    return "HANGUL" in unicodedata.name(char, "")


def printable(value: str) -> str:
    """Drop control characters (a NUL cannot even be stored in a PostgreSQL text column)."""
    return "".join(c for c in value if unicodedata.category(c) not in {"Cc", "Cs"})


def name(value: str) -> str:
    """Surname first, as Koreans write it: "Kim Young-hee" gives "Kim OO", "김영희" "김OO"."""
    value = " ".join(printable(value).split())
    if not value:
        return ""
    style = getattr(settings, "PSEUDONYM_STYLE", "surname")
    if " " in value:
        surname = value.split(" ", 1)[0]
        separator = " "
    elif _is_hangul(value[0]):
        surname = value[0]
        separator = ""
    else:
        surname = value
        separator = " "
    if style == "none":
        return MASK
    if style == "initial":
        return f"{surname[0]}.{separator or ' '}{MASK}"
    return f"{surname}{separator}{MASK}"


def phone(value: str) -> str:
    digits = [c for c in value if c.isdigit()]
    return f"•••{''.join(digits[-2:])}" if len(digits) >= 6 else HIDDEN


def hidden(value: str) -> str:
    return HIDDEN
