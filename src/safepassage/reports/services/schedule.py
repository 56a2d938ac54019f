"""The cadence the director sets for reports."""

from __future__ import annotations

from django.db import transaction

from safepassage.audit.chain import record
from safepassage.reports.models import Cadence


@transaction.atomic
def cadence_set(*, actor, months: int, grace_days: int, starts_on) -> Cadence:
    """A report every ``months`` months from ``starts_on``, due ``grace_days`` after each
    period. The caller has checked that ``actor`` holds ``reports.approve``."""
    cadence, _created = Cadence.objects.select_for_update().update_or_create(
        pk=1,
        defaults={
            "months": months,
            "grace_days": grace_days,
            "starts_on": starts_on.replace(day=1),
            "set_by": actor,
        },
    )
    record(
        actor=actor,
        action="reports.cadence_set",
        target=cadence,
        data={"months": months, "grace_days": grace_days, "starts_on": str(cadence.starts_on)},
    )
    return cadence
