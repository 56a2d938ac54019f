"""The staff navigation: each role sees only the parts it may use."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from safepassage.accounts import permissions


@dataclass(frozen=True)
class Entry:
    url_name: str
    label: str
    capability: str


ENTRIES: list[Entry] = [
    Entry("web:dashboard", _("Dashboard"), "dashboard.view"),
    Entry("cases:cases", _("Cases"), "cases.view"),
    Entry("cases:queue", _("Queue"), "people.view"),
    Entry("cases:people", _("People"), "people.view"),
    Entry("rescue:board", _("Missions"), "missions.view"),
    Entry("rescue:safe_points", _("Safe points"), "missions.view"),
    Entry("rescue:routes", _("Routes"), "missions.view"),
    Entry("rescue:partners", _("Field partners"), "missions.view"),
    Entry("funds:totals", _("Funds"), "funds.view"),
    Entry("funds:donations", _("Donations"), "funds.view"),
    Entry("funds:expenses", _("Expenses"), "funds.view"),
    Entry("funds:donors", _("Donors"), "funds.view"),
    Entry("funds:receipts", _("Receipts"), "funds.view"),
    Entry("fundraising:board", _("Hope Sharing"), "hope.view"),
    Entry("fundraising:campaigns", _("Campaigns"), "hope.view"),
    Entry("accounts:staff", _("Staff"), "staff.view"),
    Entry("cases:teams", _("Teams"), "staff.manage"),
]


def entries_for(user) -> list[dict]:
    granted = permissions.capabilities(user)
    return [
        {"url": reverse(entry.url_name), "label": entry.label, "name": entry.url_name}
        for entry in ENTRIES
        if entry.capability in granted
    ]
