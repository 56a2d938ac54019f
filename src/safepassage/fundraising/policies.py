"""Which people Hope Sharing may name.

``hope.assign`` (registered on Person by this app's ``ready``): the director and rescue
coordinators may give a funded share to anyone awaiting rescue, whatever their team, and
see those people's codes on the board. Nobody else's status is told to whoever types a
code: a person in any other state is "no person awaiting rescue has this code", as one
who does not exist. Whether the share may go to that person (consent, no sponsor yet) is
the service's rule (``shares.why_not``), not a question of who may see them.
"""

from __future__ import annotations

from safepassage.cases.models import Status


def assignable_people(user, action, queryset):
    """People a funded share may be given to by hand (the ``hope.assign`` rule)."""
    return queryset.filter(status=Status.AWAITING_RESCUE)
