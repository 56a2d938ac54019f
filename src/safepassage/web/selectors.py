"""What the dashboard shows, per user."""

from __future__ import annotations

from django.utils.translation import gettext as _

from safepassage.accounts import permissions


def dashboard_cards(user) -> list[dict]:
    cards = []
    if permissions.has_capability(user, "people.view"):
        from safepassage.cases import selectors as cases_selectors

        cards.append(
            {
                "title": _("People we help"),
                "value": cases_selectors.people_for(user).count(),
                "url_name": "cases:people",
            }
        )
    if permissions.has_capability(user, "staff.view"):
        from safepassage.accounts import selectors as account_selectors

        cards.append(
            {
                "title": _("Staff"),
                "value": account_selectors.staff_for(user).filter(is_active=True).count(),
                "url_name": "accounts:staff",
            }
        )
    return cards
