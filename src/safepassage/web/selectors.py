"""What the dashboard shows, per user."""

from __future__ import annotations

from django.utils.translation import gettext as _

from safepassage.accounts import permissions


def dashboard_cards(user) -> list[dict]:
    cards = []
    if permissions.has_capability(user, "people.view"):
        from safepassage.cases import selectors as cases_selectors
        from safepassage.cases.models import Status

        counts = cases_selectors.status_counts(user)
        cards.append(
            {
                "title": _("Awaiting rescue"),
                "value": counts.get(Status.AWAITING_RESCUE, 0),
                "url_name": "cases:queue",
            }
        )
        for status in (Status.DETAINED, Status.LOST_CONTACT, Status.IN_TRANSIT):
            cards.append(
                {
                    "title": Status(status).label,
                    "value": counts.get(status, 0),
                    "url_name": "cases:people",
                    "query": f"status={status}",
                }
            )
        cards.append(
            {
                "title": _("People we help"),
                "value": sum(counts.values()),
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
