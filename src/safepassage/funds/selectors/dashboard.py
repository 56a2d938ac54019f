"""The money figures the staff dashboard shows (registered in ``FundsConfig.ready``)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from safepassage.base import money
from safepassage.base.shell import Card, TodayItem
from safepassage.funds.models import Donation, Expense, ExpenseStatus

# While a month is this young its total says little alone ("₩0 raised this month" on the
# 2nd): the card says when the month began and what the last month raised.
YOUNG_MONTH_DAYS = 7


def _raised(since: dt.date, before: dt.date | None = None) -> int:
    gifts = Donation.objects.filter(received_on__gte=since)
    if before is not None:
        gifts = gifts.filter(received_on__lt=before)
    return gifts.aggregate(t=Sum("base_gross_minor"))["t"] or 0


def young_month_note(today: dt.date) -> str:
    """ "" once the month is a week old; before, when it began and last month's total."""
    month = today.replace(day=1)
    age = (today - month).days
    if age >= YOUNG_MONTH_DAYS:
        return ""
    last_month = (month - dt.timedelta(days=1)).replace(day=1)
    last = money.display(_raised(last_month, month), settings.BASE_CURRENCY)
    if age == 0:
        return gettext("The month began today; last month: %(last)s.") % {"last": last}
    return ngettext(
        "The month began %(days)s day ago; last month: %(last)s.",
        "The month began %(days)s days ago; last month: %(last)s.",
        age,
    ) % {"days": age, "last": last}


def dashboard_cards(user, *, today: dt.date | None = None) -> list[Card]:
    """The dashboard's money figures, for a user who holds ``funds.view``: what was raised
    this month (in the base currency) and the expenses waiting for approval."""
    today = today or timezone.localdate()
    return [
        Card(
            title=gettext("Raised this month"),
            value=money.display(_raised(today.replace(day=1)), settings.BASE_CURRENCY),
            url_name="funds:totals",
            note=young_month_note(today),
        ),
        Card(
            title=gettext("Expenses awaiting approval"),
            value=Expense.objects.filter(status=ExpenseStatus.SUBMITTED).count(),
            url_name="funds:expenses",
            query="status=submitted",
        ),
    ]


# How far back a gift still waits for its thanks and receipt on the dashboard.
ACKNOWLEDGE_DAYS = 30


def today_items(user) -> list[TodayItem]:
    """What needs a user who holds ``funds.view`` today: the gifts of the last
    ``ACKNOWLEDGE_DAYS`` days that no receipt acknowledges yet (reversals, reversed gifts
    and anonymous givers left out: nobody to thank)."""
    from safepassage.accounts import permissions
    from safepassage.funds.models import DonorKind

    since = timezone.localdate() - dt.timedelta(days=ACKNOWLEDGE_DAYS)
    gifts = (
        permissions.visible(user, "funds.view", Donation.objects.all())
        .filter(
            received_on__gte=since,
            gross_minor__gt=0,
            reverses__isnull=True,
            reversal__isnull=True,
            receipt__isnull=True,
        )
        .exclude(donor__kind=DonorKind.ANONYMOUS)
        .count()
    )
    return [
        TodayItem(
            count=gifts,
            text=ngettext(
                "%(count)s gift of the last %(days)s days is not yet acknowledged",
                "%(count)s gifts of the last %(days)s days are not yet acknowledged",
                gifts,
            )
            % {"count": gifts, "days": ACKNOWLEDGE_DAYS},
            url_name="funds:donations",
            query=f"date_from={since.isoformat()}",
        )
    ]


def approval_items(user) -> list[TodayItem]:
    """What needs a user who holds ``funds.approve`` today: expenses submitted and waiting
    for a decision."""
    from safepassage.accounts import permissions

    waiting = (
        permissions.visible(user, "funds.approve", Expense.objects.all())
        .filter(status=ExpenseStatus.SUBMITTED)
        .count()
    )
    return [
        TodayItem(
            count=waiting,
            text=ngettext(
                "%(count)s expense awaits approval",
                "%(count)s expenses await approval",
                waiting,
            )
            % {"count": waiting},
            url_name="funds:expenses",
            query=f"status={ExpenseStatus.SUBMITTED}",
        )
    ]
