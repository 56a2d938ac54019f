"""Who may be named as relief's deliverer: field partners, listed by the app that knows them.

Cases is a floor below rescue, which keeps the field partners, so it cannot read them
itself. Rescue registers a named function from its ``AppConfig.ready`` (as it does for the
person page); the relief form offers what it returns, by pseudonym only (never a real name).
Without a source (rescue not installed) the form offers no partner.
"""

from __future__ import annotations

from collections.abc import Callable

SOURCES: list[Callable[[object], list[str]]] = []


def register(source: Callable[[object], list[str]]) -> None:
    """Add ``source(user) -> [pseudonym, ...]`` (once)."""
    if source not in SOURCES:
        SOURCES.append(source)


def pseudonyms_for(user) -> list[str]:
    """Every pseudonym the sources offer ``user``, sorted, each once."""
    return sorted({name for source in SOURCES for name in source(user)})
