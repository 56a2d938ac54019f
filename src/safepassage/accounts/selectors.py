"""Reads of accounts, always filtered by what the asking user may see."""

from __future__ import annotations

from django.db.models import QuerySet

from safepassage.accounts import permissions
from safepassage.accounts.models import User


def staff_for(user: User) -> QuerySet[User]:
    return permissions.visible(user, "staff.view", User.objects.all()).prefetch_related("roles")
