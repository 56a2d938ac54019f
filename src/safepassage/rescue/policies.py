"""Who may see what of missions.

Coordinators and the director see every mission, route and partner (capabilities
``missions.view`` / ``missions.manage``). A safe point's real place, directions and contact
are revealed only to the people named on it (``places.reveal``), whatever their role.
Case workers see that their people are in transit (the cases pages), never the route.

``missions.plan`` (registered on Person by this app's ``ready``): a coordinator or the
director may plan a mission for anyone awaiting rescue (``lifecycle.WAITING``) who is
on no active mission, whatever their team; nobody else is told that a person waits.

``relief.deliver`` (registered on FieldPartner; the capability of every role that holds
``people.edit``): whoever records relief on a person's page may name any field partner as
its deliverer, by pseudonym only.
"""

from __future__ import annotations

from safepassage.accounts import permissions
from safepassage.cases import lifecycle


def _point_filter(user, action, queryset):
    if action == "places.reveal":
        return queryset.filter(named_people=user)
    return queryset


def _point_check(user, action, point) -> bool:
    if action == "places.reveal":
        return point.named_people.filter(pk=user.pk).exists()
    return True


SAFE_POINT = permissions.Policy(check=_point_check, filter=_point_filter)


def plannable_people(user, action, queryset):
    """People a mission can be planned for (the ``missions.plan`` rule on Person)."""
    return queryset.filter(status__in=lifecycle.WAITING).exclude(journeys__active=True)


def relief_deliverers(user, action, queryset):
    """Field partners relief may name as its deliverer (the ``relief.deliver`` rule): every
    one, by pseudonym, to whoever holds the capability (those who may edit people)."""
    return queryset
