"""What the staff shell shows, contributed by the apps that own it.

Each app registers its navigation groups and entries, its dashboard cards and what needs
its users today from its ``AppConfig.ready``; the shell (``safepassage.web``) lists what
is registered and shows each user only the parts their capabilities grant. A new app plugs
in by registering here, without editing the shell, and an app that registers nothing adds
nothing.

Order numbers place an app's entries among the others' (lower first). Today's apps number
in hundreds: the shell 0, cases 100, rescue 200, funds 300, fundraising 400, accounts 500;
leave gaps so that a later app can slot in between. The navigation groups keep 600 for
reports and 700 for advocacy, and administration comes last (900); "what needs you today"
keeps 600 for the reports due.
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
class NavGroup:
    """One menu of the navigation (cases, rescue, money...). A user sees a group only if
    they may see one of its entries; a group with one entry for them shows as that link."""

    order: int
    key: str
    label: str


@dataclass(frozen=True)
class NavEntry:
    order: int
    url_name: str
    label: str
    capability: str
    group: str


@dataclass(frozen=True)
class TodayItem:
    """One thing that needs the user today: how many, a short sentence that says what and
    names the count (``ngettext``), and the page where it is done. An item counting zero
    is not shown."""

    count: int
    text: str
    url_name: str
    query: str = ""


@dataclass(frozen=True)
class TodaySource:
    """``items(user)`` returns the user's items; it is called only for a user who holds
    ``capability`` (its own queries still filter by the user)."""

    order: int
    capability: str
    items: Callable[[object], list[TodayItem]]


@dataclass(frozen=True)
class CardSource:
    """``cards(user)`` returns the cards; it is called only for a user who holds
    ``capability``, so it may assume it (its own queries still filter by the user)."""

    order: int
    capability: str
    cards: Callable[[object], list[Card]]


_GROUPS: dict[str, NavGroup] = {}
_NAV: dict[str, NavEntry] = {}
_CARDS: dict[str, CardSource] = {}
_TODAY: dict[str, TodaySource] = {}


def _dotted(function: Callable) -> str:
    return f"{function.__module__}.{function.__qualname__}"


def register_nav_group(*, order: int, key: str, label: str) -> None:
    """Add a navigation group. ``label`` should be lazily translated. Registering the same
    ``key`` again replaces the group; entries name it by ``key``, and an app may put its
    entries in another app's group (cases' Teams sit in administration)."""
    _GROUPS[key] = NavGroup(order=order, key=key, label=label)


def register_nav(*, order: int, url_name: str, label: str, capability: str, group: str) -> None:
    """Add a navigation entry to ``group``, shown to users who hold ``capability``.
    ``label`` should be lazily translated (it is read in each request's language).
    Registering the same ``url_name`` again replaces the entry."""
    _NAV[url_name] = NavEntry(
        order=order, url_name=url_name, label=label, capability=capability, group=group
    )


def register_cards(*, order: int, capability: str, cards: Callable[[object], list[Card]]) -> None:
    """Add a source of dashboard cards for users who hold ``capability``. ``cards`` is a
    named function (``selectors.dashboard_cards``): it is known by its dotted name, so
    registering it again replaces it (two lambdas of one scope would replace each other)."""
    _CARDS[_dotted(cards)] = CardSource(order=order, capability=capability, cards=cards)


def register_today(
    *, order: int, capability: str, items: Callable[[object], list[TodayItem]]
) -> None:
    """Add a source of "what needs you today" for users who hold ``capability``. ``items``
    is a named function (``selectors.today_items``), replaced when registered again, as
    for cards."""
    _TODAY[_dotted(items)] = TodaySource(order=order, capability=capability, items=items)


def nav_entries() -> list[NavEntry]:
    """Every registered entry, in order (ties in the order they were registered)."""
    return sorted(_NAV.values(), key=lambda entry: entry.order)


def nav_groups() -> list[tuple[NavGroup, list[NavEntry]]]:
    """Every registered group with its entries, both in order; groups without entries are
    left out. An entry naming a group nobody registered is a mistake, said at once."""
    entries = nav_entries()
    unknown = sorted({entry.url_name for entry in entries if entry.group not in _GROUPS})
    if unknown:
        raise LookupError(f"navigation entries in a group nobody registered: {unknown}")
    grouped = [
        (group, [entry for entry in entries if entry.group == group.key])
        for group in sorted(_GROUPS.values(), key=lambda group: group.order)
    ]
    return [(group, members) for group, members in grouped if members]


def today_sources() -> list[TodaySource]:
    """Every registered source of today's items, in order (ties as registered)."""
    return sorted(_TODAY.values(), key=lambda source: source.order)


def card_sources() -> list[CardSource]:
    """Every registered card source, in order (ties in the order they were registered)."""
    return sorted(_CARDS.values(), key=lambda source: source.order)
