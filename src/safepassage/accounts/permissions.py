"""The one place that answers "may this user do X?" and "which objects may this user see?".

Roles grant capabilities (coarse: may this role use this part at all?). Object policies,
registered per model by the app that owns it, answer for one object (``can``) and for a
queryset (``visible``), so lists filter in the query and single objects are checked the
same way. Views fetch objects through access helpers built on these two functions, which
answer 404 for "not allowed" exactly as for "does not exist".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.http import Http404

from safepassage.accounts.models import Role

R = Role.Code

# Capabilities per role. Donors get a portal in a later issue; field partners get no login.
ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    R.DIRECTOR: frozenset(
        {
            "dashboard.view",
            "staff.view",
            "staff.manage",
            "audit.view",
            "people.view",
            "people.edit",
            "people.reveal",
            "cases.view",
            "cases.edit",
            "cases.export",
            "cases.all",
            "missions.view",
            "missions.manage",
            "places.manage",
            "places.name",
            "places.reveal",
            "partners.reveal",
            "funds.view",
            "funds.edit",
            "funds.approve",
            "funds.import",
            "funds.export",
            "donors.reveal",
            "hope.view",
            "hope.manage",
            "hope.assign",
            "hope.consent",
        }
    ),
    R.CASE_WORKER: frozenset(
        {
            "dashboard.view",
            "people.view",
            "people.edit",
            "people.reveal",
            "cases.view",
            "cases.edit",
            "cases.export",
            "hope.consent",
        }
    ),
    R.RESCUE_COORDINATOR: frozenset(
        {
            "dashboard.view",
            "missions.view",
            "missions.manage",
            "places.manage",
            "places.reveal",
            "partners.reveal",
            "hope.view",
            "hope.assign",
        }
    ),
    R.FINANCE: frozenset(
        {
            "dashboard.view",
            "funds.view",
            "funds.edit",
            "funds.approve",
            "funds.import",
            "funds.export",
            "donors.reveal",
            "hope.view",
        }
    ),
    R.COMMUNICATIONS: frozenset({"dashboard.view", "hope.view", "hope.manage"}),
    R.ADVOCACY: frozenset({"dashboard.view"}),
    R.DONOR: frozenset(),
}


def capabilities(user) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    granted: set[str] = set()
    for code in user.role_codes():
        granted |= ROLE_CAPABILITIES.get(code, frozenset())
    return frozenset(granted)


def has_capability(user, capability: str) -> bool:
    return capability in capabilities(user)


@dataclass(frozen=True)
class Policy:
    """How one model answers both questions. ``filter`` must agree with ``check``."""

    check: Callable[[object, str, models.Model], bool]
    filter: Callable[[object, str, models.QuerySet], models.QuerySet]


_POLICIES: dict[type[models.Model], Policy] = {}


def register(model: type[models.Model], policy: Policy) -> None:
    _POLICIES[model] = policy


def _policy(model: type[models.Model]) -> Policy:
    try:
        return _POLICIES[model]
    except KeyError:
        raise LookupError(f"no access policy registered for {model._meta.label}") from None


def can(user, action: str, obj: models.Model | None = None) -> bool:
    """May ``user`` do ``action`` (e.g. "people.reveal") to ``obj`` (or at all)?"""
    if not has_capability(user, action):
        return False
    if obj is None:
        return True
    return _policy(type(obj)).check(user, action, obj)


def visible(user, action: str, queryset: models.QuerySet) -> models.QuerySet:
    """The objects of ``queryset`` on which ``user`` may do ``action``, filtered in SQL."""
    if not has_capability(user, action):
        return queryset.none()
    return _policy(queryset.model).filter(user, action, queryset)


def get_or_404(user, action: str, queryset: models.QuerySet, **lookup) -> models.Model:
    """One object the user may act on, or 404, the same for "missing" and "forbidden"."""
    try:
        return visible(user, action, queryset).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, models.ObjectDoesNotExist):
        raise Http404 from None


def require(user, action: str) -> None:
    """404 unless the user's roles grant the capability (pages hide what they cannot use)."""
    if not has_capability(user, action):
        raise Http404


def everyone_with_capability(user, action: str, queryset: models.QuerySet) -> models.QuerySet:
    """Filter for models where the capability alone decides."""
    return queryset


def capability_alone(user, action: str, obj: models.Model) -> bool:
    return True


CAPABILITY_ONLY = Policy(check=capability_alone, filter=everyone_with_capability)
