"""Reads of accounts, always filtered by what the asking user may see."""

from __future__ import annotations

from django.db.models import QuerySet

from safepassage.accounts import permissions
from safepassage.accounts.models import User


def staff_for(user: User) -> QuerySet[User]:
    return permissions.visible(user, "staff.view", User.objects.all()).prefetch_related("roles")


def dashboard_cards(user: User) -> list:
    """The dashboard's staff figure, for a user who holds ``staff.view``: active accounts
    the user may see."""
    from django.utils.translation import gettext

    from safepassage.base.shell import Card

    return [
        Card(
            title=gettext("Staff"),
            value=staff_for(user).filter(is_active=True).count(),
            url_name="accounts:staff",
        )
    ]
