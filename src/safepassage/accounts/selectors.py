"""Reads of accounts, always filtered by what the asking user may see."""

from __future__ import annotations

from django.db.models import QuerySet

from safepassage.accounts import permissions
from safepassage.accounts.models import User


def staff_for(user: User) -> QuerySet[User]:
    return permissions.visible(user, "staff.view", User.objects.all()).prefetch_related("roles")


def account_overview(user: User) -> dict:
    """What a person's own account page shows about their sign-in: since when their
    authenticator is set up, how many recovery codes are left."""
    from safepassage.accounts.models import RecoveryCode, TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return {
        "authenticator_since": device.created_at if device else None,
        "recovery_codes_left": RecoveryCode.objects.filter(
            device__user=user, used_at__isnull=True
        ).count(),
    }


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
