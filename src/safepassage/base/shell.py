"""What the staff shell shows, contributed by the apps that own it.

Each app registers its navigation entries and dashboard cards from its
``AppConfig.ready``; the shell (``safepassage.web``) lists what is registered and shows each
user only the parts their capabilities grant. A new app plugs in by registering here,
without editing the shell, and an app that registers nothing adds nothing.

Order numbers place an app's entries among the others' (lower first). Today's apps number
in hundreds: the shell 0, cases 100, rescue 200, funds 300, fundraising 400, accounts 500;
leave gaps so that a later app can slot in between.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Card:
    """One figure on the dashboard, linking to the page that explains it."""

    title: str
    value: object
    url_name: str
    query: str = ""
    # A line that keeps the figure from misleading ("the month began 2 days ago").
    note: str = ""


@dataclass(frozen=True)
class NavEntry:
    order: int
    url_name: str
    label: str
    capability: str


@dataclass(frozen=True)
class CardSource:
    """``cards(user)`` returns the cards; it is called only for a user who holds
    ``capability``, so it may assume it (its own queries still filter by the user)."""

    order: int
    capability: str
    cards: Callable[[object], list[Card]]


_NAV: dict[str, NavEntry] = {}
_CARDS: dict[str, CardSource] = {}


def register_nav(*, order: int, url_name: str, label: str, capability: str) -> None:
    """Add a navigation entry shown to users who hold ``capability``. ``label`` should be
    lazily translated (it is read in each request's language). Registering the same
    ``url_name`` again replaces the entry."""
    _NAV[url_name] = NavEntry(order=order, url_name=url_name, label=label, capability=capability)


def register_cards(*, order: int, capability: str, cards: Callable[[object], list[Card]]) -> None:
    """Add a source of dashboard cards for users who hold ``capability``. ``cards`` is a
    named function (``selectors.dashboard_cards``): it is known by its dotted name, so
    registering it again replaces it (two lambdas of one scope would replace each other)."""
    key = f"{cards.__module__}.{cards.__qualname__}"
    _CARDS[key] = CardSource(order=order, capability=capability, cards=cards)


def nav_entries() -> list[NavEntry]:
    """Every registered entry, in order (ties in the order they were registered)."""
    return sorted(_NAV.values(), key=lambda entry: entry.order)


def card_sources() -> list[CardSource]:
    """Every registered card source, in order (ties in the order they were registered)."""
    return sorted(_CARDS.values(), key=lambda source: source.order)
