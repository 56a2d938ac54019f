"""The one place that answers "may this user do X?" and "which objects may this user see?".

Roles grant capabilities (coarse: may this role use this part at all?). Object policies,
registered per model by the app that owns it, answer for one object (``can``) and for a
queryset (``visible``), so lists filter in the query and single objects are checked the
same way. Views fetch objects through access helpers built on these two functions, which
answer 404 for "not allowed" exactly as for "does not exist".

Some questions about a person or a case belong to another app than the one that owns the
model: which people a mission can be planned for (rescue), which people a funded share can
go to (fundraising), which cases an expense can be charged to (funds). Each is an action
named in ``ACTIONS`` whose rule the asking app registers from its ``AppConfig.ready``
with ``register_action``; ``can`` and ``visible`` then answer that action with that rule
instead of the model's policy, so "who may see this person" has no answer outside the
registered policies. Forms that look a person or a case up by code take such a
``visible(...)`` queryset: a code that does not exist and one the user may not use get
the same answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
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
            "missions.plan",
            "places.manage",
            "places.name",
            "places.reveal",
            "partners.reveal",
            "funds.view",
            "funds.edit",
            "funds.approve",
            # Approve spending a restricted fund beyond its balance (with a reason).
            "funds.overdraw",
            "funds.import",
            "funds.export",
            "funds.link",
            "donors.reveal",
            "hope.view",
            "hope.manage",
            "hope.assign",
            "hope.consent",
            "reports.view",
            "reports.edit",
            # Approve and publish a report another person wrote.
            "reports.approve",
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
            "missions.plan",
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
            "funds.link",
            "donors.reveal",
            "hope.view",
        }
    ),
    R.COMMUNICATIONS: frozenset(
        {"dashboard.view", "hope.view", "hope.manage", "reports.view", "reports.edit"}
    ),
    R.ADVOCACY: frozenset({"dashboard.view"}),
    R.DONOR: frozenset(),
}
# What every staff role may do for itself (its own account page), whatever else it holds.
EVERY_STAFF_ROLE = frozenset({"account.own"})
ROLE_CAPABILITIES = {
    code: granted if code == R.DONOR else granted | EVERY_STAFF_ROLE
    for code, granted in ROLE_CAPABILITIES.items()
}
# Whoever records relief on a person's page names its deliverer from the field partners.
ROLE_CAPABILITIES = {
    code: granted | {"relief.deliver"} if "people.edit" in granted else granted
    for code, granted in ROLE_CAPABILITIES.items()
}
# Whoever writes a report counts the people it is about (never by name: ``reports.policies``).
ROLE_CAPABILITIES = {
    code: granted | {"reports.count"} if "reports.edit" in granted else granted
    for code, granted in ROLE_CAPABILITIES.items()
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


# A rule: the objects of a queryset on which the user may do the action, in SQL.
Rule = Callable[[object, str, models.QuerySet], models.QuerySet]


@dataclass(frozen=True)
class Policy:
    """How one model answers both questions. ``filter`` must agree with ``check``."""

    check: Callable[[object, str, models.Model], bool]
    filter: Rule


# Actions on people and cases whose rule an app other than cases registers, with the app
# that answers them. Reserved names have no rule and no role yet, so ``visible`` gives
# nothing and ``can`` says no. On a model its app registered no rule for, an action falls
# back to the model's policy (``missions.plan`` on a Mission is ``missions.manage``'s).
ACTIONS: dict[str, str] = {
    "missions.plan": "rescue: the people a mission can be planned for",
    "hope.assign": "fundraising: the people a funded share can be given to",
    "funds.link": "funds: the cases and missions an expense can be charged to, by code",
    "relief.deliver": "rescue: the field partners relief can name as its deliverer, by pseudonym",
    "reports.count": "reports: the people a report counts, by quasi-identifiers, never by name",
    "advocacy.link": "advocacy (reserved): the cases an advocacy file may cite, by code",
}

_POLICIES: dict[type[models.Model], Policy] = {}
_ACTION_POLICIES: dict[tuple[str, type[models.Model]], Policy] = {}


def register(model: type[models.Model], policy: Policy) -> None:
    _POLICIES[model] = policy


def register_action(action: str, model: type[models.Model], rule: Rule) -> None:
    """Answer ``action`` on ``model`` with ``rule`` instead of the model's policy.

    Called from the ``AppConfig.ready`` of the app that owns the action. ``action`` must
    be named in ``ACTIONS``; a second, different rule for the same action and model is
    refused, so two apps cannot both answer one question. The check on one object is
    the rule applied to that object's row, so the two answers cannot disagree.
    """
    if action not in ACTIONS:
        raise ImproperlyConfigured(f"{action!r} is not an action named in permissions.ACTIONS")
    known = _ACTION_POLICIES.get((action, model))
    if known is not None and known.filter is not rule:
        raise ImproperlyConfigured(
            f"{action!r} on {model._meta.label} already has a rule: {known.filter!r}"
        )

    def check(user, action: str, obj: models.Model) -> bool:
        return rule(user, action, type(obj)._default_manager.filter(pk=obj.pk)).exists()

    _ACTION_POLICIES[action, model] = Policy(check=check, filter=rule)


def rule_for(action: str, model: type[models.Model]) -> Rule | None:
    """The rule registered for ``action`` on ``model``, or None (the model's policy)."""
    found = _ACTION_POLICIES.get((action, model))
    return None if found is None else found.filter


def _policy(model: type[models.Model], action: str) -> Policy:
    found = _ACTION_POLICIES.get((action, model)) or _POLICIES.get(model)
    if found is None:
        raise LookupError(f"no access policy registered for {model._meta.label}")
    return found


def can(user, action: str, obj: models.Model | None = None) -> bool:
    """May ``user`` do ``action`` (e.g. "people.reveal") to ``obj`` (or at all)?"""
    if not has_capability(user, action):
        return False
    if obj is None:
        return True
    return _policy(type(obj), action).check(user, action, obj)


def visible(user, action: str, queryset: models.QuerySet) -> models.QuerySet:
    """The objects of ``queryset`` on which ``user`` may do ``action``, filtered in SQL."""
    if not has_capability(user, action):
        return queryset.none()
    return _policy(queryset.model, action).filter(user, action, queryset)


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
