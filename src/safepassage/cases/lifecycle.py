"""Which status moves are allowed, and why the list is what it is.

A person moves forward along the journey (intake, hiding, awaiting rescue, transit, a third
country, arrival, resettlement support, closed) and can fall off it at most points
(detained, feared repatriated, lost contact, declined). From each of those a person can
come back: a detainee released in a third country, contact found again.
"""

from __future__ import annotations

from safepassage.cases.models import Status as S

ALLOWED: dict[str, frozenset[str]] = {
    S.INTAKE: frozenset({S.IN_HIDING, S.AWAITING_RESCUE, S.LOST_CONTACT, S.DECLINED, S.DETAINED}),
    S.IN_HIDING: frozenset({S.AWAITING_RESCUE, S.DETAINED, S.LOST_CONTACT, S.DECLINED}),
    S.AWAITING_RESCUE: frozenset(
        {S.IN_TRANSIT, S.IN_HIDING, S.DETAINED, S.LOST_CONTACT, S.DECLINED}
    ),
    S.IN_TRANSIT: frozenset({S.THIRD_COUNTRY, S.AWAITING_RESCUE, S.DETAINED, S.LOST_CONTACT}),
    S.THIRD_COUNTRY: frozenset({S.ARRIVED, S.IN_TRANSIT, S.DETAINED, S.LOST_CONTACT}),
    S.ARRIVED: frozenset({S.RESETTLEMENT, S.CLOSED}),
    S.RESETTLEMENT: frozenset({S.CLOSED}),
    S.DETAINED: frozenset(
        {
            S.FEARED_REPATRIATED,
            S.IN_HIDING,
            S.AWAITING_RESCUE,
            S.THIRD_COUNTRY,
            S.ARRIVED,
            S.LOST_CONTACT,
        }
    ),
    S.FEARED_REPATRIATED: frozenset({S.DETAINED, S.LOST_CONTACT, S.IN_HIDING, S.CLOSED}),
    S.LOST_CONTACT: frozenset(
        {S.IN_HIDING, S.AWAITING_RESCUE, S.DETAINED, S.FEARED_REPATRIATED, S.CLOSED}
    ),
    S.DECLINED: frozenset({S.INTAKE, S.CLOSED}),
    S.CLOSED: frozenset(),
}

# People in these states are the ones a rescue can still be planned for.
WAITING = frozenset({S.AWAITING_RESCUE})
# States that need action from someone now; shown first on dashboards.
ALARMING = frozenset({S.DETAINED, S.FEARED_REPATRIATED, S.LOST_CONTACT})


def can_move(from_status: str, to_status: str) -> bool:
    return to_status in ALLOWED.get(from_status, frozenset())


def next_statuses(from_status: str) -> list[str]:
    order = list(S.values)
    return sorted(ALLOWED.get(from_status, frozenset()), key=order.index)
