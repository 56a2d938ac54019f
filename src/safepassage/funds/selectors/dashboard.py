"""The money figures the staff dashboard shows (registered in ``FundsConfig.ready``)."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext

from safepassage.base import money
from safepassage.base.shell import Card
from safepassage.funds.models import Donation, Expense, ExpenseStatus


def dashboard_cards(user) -> list[Card]:
    """The dashboard's money figures, for a user who holds ``funds.view``: what was raised
    this month (in the base currency) and the expenses waiting for approval."""
    month = timezone.localdate().replace(day=1)
    raised = (
        Donation.objects.filter(received_on__gte=month).aggregate(t=Sum("base_gross_minor"))["t"]
        or 0
    )
    return [
        Card(
            title=gettext("Raised this month"),
            value=money.display(raised, settings.BASE_CURRENCY),
            url_name="funds:totals",
        ),
        Card(
            title=gettext("Expenses awaiting approval"),
            value=Expense.objects.filter(status=ExpenseStatus.SUBMITTED).count(),
            url_name="funds:expenses",
            query="status=submitted",
        ),
    ]
