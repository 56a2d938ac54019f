"""What the dashboard shows, per user: what needs them today and the cards the apps
registered (``safepassage.base.shell``), from the sources whose capability the user
holds."""

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


def today_items(user) -> list[shell.TodayItem]:
    """The things that need ``user`` today, in the sources' order; none that count zero."""
    granted = permissions.capabilities(user)
    items: list[shell.TodayItem] = []
    for source in shell.today_sources():
        if source.capability in granted:
            items.extend(item for item in source.items(user) if item.count > 0)
    return items
