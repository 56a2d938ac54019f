"""The cost of one rescue in force on a day, as the director set it (``costs.cost_set``)."""

from __future__ import annotations

import datetime as dt

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from safepassage.fundraising.models import RescueCost
from safepassage.fundraising.services.errors import FundraisingError


def in_force(on: dt.date | None = None) -> RescueCost | None:
    """The cost in force on a day, or None if none was ever set."""
    on = on or timezone.localdate()
    return RescueCost.objects.filter(starts_on__lte=on).order_by("-starts_on").first()


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
                % {"date": formats.date_format(on, "SHORT_DATE_FORMAT")}
            }
        )
    return cost
