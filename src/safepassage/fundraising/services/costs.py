"""What a rescue costs: the amount the campaign asks for, set per period by the director
(``RescueCost``). The cost in force on a day is read in ``cost_in_force``; the actual cost
of rescues, read from the books, is ``selectors.actual_cost``: both are shown side by side
so the campaign stays honest.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from safepassage.audit.chain import record, user_of
from safepassage.base import money
from safepassage.fundraising.models import RescueCost
from safepassage.fundraising.services.cost_in_force import cost_on, is_set
from safepassage.fundraising.services.errors import FundraisingError
from safepassage.fundraising.services.share_filling import take_in_pending


@transaction.atomic
def cost_set(*, actor, starts_on: dt.date, amount_minor: int, note: str = "") -> RescueCost:
    """The cost of one rescue from ``starts_on`` on, in the base currency. Shares opened
    before keep the cost they were opened with: a sponsor's promise does not move."""
    if not isinstance(amount_minor, int) or not 0 < amount_minor < money.LIMIT:
        raise FundraisingError({"amount": _("A cost must be more than zero and plausible.")})
    cost, _created = RescueCost.objects.update_or_create(
        starts_on=starts_on,
        defaults={
            "currency": settings.BASE_CURRENCY,
            "amount_minor": amount_minor,
            "note": " ".join(note.split())[:200],
            "created_by": user_of(actor),
        },
    )
    take_in_pending(actor=actor)
    record(
        actor=actor,
        action="fundraising.cost_set",
        data={
            "starts_on": starts_on.isoformat(),
            "amount_minor": amount_minor,
            "currency": cost.currency,
        },
    )
    return cost


__all__ = ["cost_on", "cost_set", "is_set"]
