"""What a rescue costs: the amount the campaign asks for, and what rescues really cost.

The asked-for cost is set per period by the director (``RescueCost``). The actual cost is
read from the books: expenses linked to missions that ended in a period, over the people
who travelled on them; both are shown side by side so the campaign stays honest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.audit.chain import record, user_of
from safepassage.base import money
from safepassage.fundraising.models import RescueCost
from safepassage.fundraising.services.errors import FundraisingError


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
    from safepassage.fundraising.services.shares import take_in_pending

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


def is_set(on: dt.date | None = None) -> bool:
    return RescueCost.objects.filter(starts_on__lte=on or timezone.localdate()).exists()


def cost_on(on: dt.date | None = None) -> RescueCost:
    """The cost in force on a day; a clear error if none was ever set."""
    on = on or timezone.localdate()
    cost = RescueCost.objects.filter(starts_on__lte=on).order_by("-starts_on").first()
    if cost is None:
        raise FundraisingError(
            {
                "cost": _(
                    "No cost of a rescue is set for %(date)s: the director sets it on the "
                    "Hope Sharing page first."
                )
                % {"date": on.isoformat()}
            }
        )
    return cost


@dataclass(frozen=True)
class ActualCost:
    since: dt.date
    until: dt.date
    missions: int
    people: int
    spent_minor: int
    currency: str

    @property
    def per_person_minor(self) -> int | None:
        if not self.people or not self.spent_minor:
            return None  # nothing booked yet: "—", not a misleading ₩0
        # Half up on whole minor units, in integers: never a float.
        return (self.spent_minor * 2 + self.people) // (self.people * 2)


def actual_cost(*, since: dt.date, until: dt.date) -> ActualCost:
    """Average cost per person of the missions completed between two days: approved and
    paid expenses linked to them, over everyone who travelled on them."""
    from safepassage.funds.models import Expense, ExpenseStatus
    from safepassage.rescue.models import Mission, MissionStatus, Traveller

    missions = Mission.objects.filter(
        status=MissionStatus.COMPLETED, ended_at__date__gte=since, ended_at__date__lte=until
    )
    spent = Expense.objects.filter(
        mission__in=missions, status__in=[ExpenseStatus.APPROVED, ExpenseStatus.PAID]
    ).aggregate(total=Sum("base_amount_minor"))["total"]
    counted = Traveller.objects.filter(mission__in=missions).aggregate(
        people=Count("person", distinct=True), missions=Count("mission", distinct=True)
    )
    return ActualCost(
        since=since,
        until=until,
        missions=counted["missions"],
        people=counted["people"],
        spent_minor=spent or 0,
        currency=settings.BASE_CURRENCY,
    )
