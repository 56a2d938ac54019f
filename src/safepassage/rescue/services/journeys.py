"""People's case status follows the mission: in transit, a third country, arrived, detained.

Moves go through ``cases.services.person_set_status``, so the lifecycle's rules, the status
history and the audit trail are the same as for a move made on the person's page. A move
the lifecycle does not allow from where the person stands is skipped, not forced: the
case worker sees the person's real status and decides.
"""

from __future__ import annotations

from safepassage.cases import lifecycle
from safepassage.cases import services as cases
from safepassage.cases.models import Person, Status

# How to get from where a traveller may stand to where the mission takes them.
PATHS: dict[tuple[str, str], list[str]] = {
    (Status.IN_TRANSIT, Status.ARRIVED): [Status.THIRD_COUNTRY, Status.ARRIVED],
}


def move(*, actor, person: Person, to_status: str) -> bool:
    """Move ``person`` to ``to_status`` (through the usual steps); False if not possible."""
    person.refresh_from_db(fields=["status"])
    if person.status == to_status:
        return True
    steps = PATHS.get((person.status, to_status), [to_status])
    current = person.status
    for step in steps:
        if not lifecycle.can_move(current, step):
            return False
        current = step
    for step in steps:
        cases.person_set_status(actor=actor, person=person, to_status=step)
    return True


def crossed_into(*, actor, person: Person, country: str, start_country: str) -> None:
    """The group reached a safe point in ``country``: record where the person now is, and
    a first step outside the country they set out from is "reached a third country"."""
    cases.person_set_country(actor=actor, person=person, country=country)
    if country != start_country:
        person.refresh_from_db(fields=["status"])
        if person.status == Status.IN_TRANSIT:
            move(actor=actor, person=person, to_status=Status.THIRD_COUNTRY)
