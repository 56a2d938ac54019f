"""The staff navigation: each role sees only the parts it may use.

The entries are registered by the apps that own the pages (``safepassage.base.shell``).
"""

from __future__ import annotations

from django.urls import reverse

from safepassage.accounts import permissions
from safepassage.base import shell


def entries_for(user) -> list[dict]:
    granted = permissions.capabilities(user)
    return [
        {"url": reverse(entry.url_name), "label": entry.label, "name": entry.url_name}
        for entry in shell.nav_entries()
        if entry.capability in granted
    ]
