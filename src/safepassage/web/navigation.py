"""The staff navigation: each role sees only the parts it may use, in groups.

The groups and their entries are registered by the apps that own the pages
(``safepassage.base.shell``). A user sees a group only if they may see one of its entries;
a group left with a single entry for them is shown as that link, not as a menu of one.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from safepassage.accounts import permissions
from safepassage.base import shell


@dataclass(frozen=True)
class Link:
    url: str
    label: str
    name: str
    current: bool


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    links: list[Link]

    @property
    def current(self) -> bool:
        return any(link.current for link in self.links)

    @property
    def single(self) -> Link | None:
        return self.links[0] if len(self.links) == 1 else None


def groups_for(user, current: str = "") -> list[Group]:
    """The groups ``user`` may see, each with the links they may follow; ``current`` is the
    view name of the page shown, whose link is marked."""
    granted = permissions.capabilities(user)
    groups = []
    for group, entries in shell.nav_groups():
        links = [
            Link(
                url=reverse(entry.url_name),
                label=entry.label,
                name=entry.url_name,
                current=entry.url_name == current,
            )
            for entry in entries
            if entry.capability in granted
        ]
        if links:
            groups.append(Group(key=group.key, label=group.label, links=links))
    return groups
