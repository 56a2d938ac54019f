"""What the dashboard shows, per user: the cards the apps registered
(``safepassage.base.shell``), from the sources whose capability the user holds."""

from __future__ import annotations

from safepassage.accounts import permissions
from safepassage.base import shell


def dashboard_cards(user) -> list[shell.Card]:
    granted = permissions.capabilities(user)
    cards: list[shell.Card] = []
    for source in shell.card_sources():
        if source.capability in granted:
            cards.extend(source.cards(user))
    return cards
