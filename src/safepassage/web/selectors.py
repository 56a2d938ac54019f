"""What the dashboard shows, per user."""

from __future__ import annotations

from django.utils.translation import gettext as _

from safepassage.accounts import permissions


def dashboard_cards(user) -> list[dict]:
    cards = []
    if permissions.has_capability(user, "people.view"):
        from safepassage.cases import selectors as cases_selectors
        from safepassage.cases.models import Status

        counts = cases_selectors.status_counts(user)
        cards.append(
            {
                "title": _("Awaiting rescue"),
                "value": counts.get(Status.AWAITING_RESCUE, 0),
                "url_name": "cases:queue",
            }
        )
        for status in (Status.DETAINED, Status.LOST_CONTACT, Status.IN_TRANSIT):
            cards.append(
                {
                    "title": Status(status).label,
                    "value": counts.get(status, 0),
                    "url_name": "cases:people",
                    "query": f"status={status}",
                }
            )
        cards.append(
            {
                "title": _("People we help"),
                "value": sum(counts.values()),
                "url_name": "cases:people",
            }
        )
    if permissions.has_capability(user, "missions.view"):
        from safepassage.rescue.models import ACTIVE, Alert, Mission, MissionStatus, Silence

        missions = permissions.visible(user, "missions.view", Mission.objects.all())
        cards.append(
            {
                "title": _("Missions under way"),
                "value": missions.filter(status=MissionStatus.UNDER_WAY).count(),
                "url_name": "rescue:board",
            }
        )
        cards.append(
            {
                "title": _("Overdue or silent missions"),
                "value": missions.filter(status__in=ACTIVE, silence__gt=Silence.NONE).count(),
                "url_name": "rescue:board",
            }
        )
        cards.append(
            {
                "title": _("Alerts not yet seen"),
                "value": permissions.visible(user, "missions.view", Alert.objects.all())
                .filter(acknowledged_at__isnull=True, mission__status__in=ACTIVE)
                .count(),
                "url_name": "rescue:board",
            }
        )
    if permissions.has_capability(user, "funds.view"):
        from django.conf import settings
        from django.db.models import Sum
        from django.utils import timezone

        from safepassage.base import money
        from safepassage.funds.models import Donation, Expense, ExpenseStatus

        month = timezone.localdate().replace(day=1)
        raised = (
            Donation.objects.filter(received_on__gte=month).aggregate(t=Sum("base_gross_minor"))[
                "t"
            ]
            or 0
        )
        cards.append(
            {
                "title": _("Raised this month"),
                "value": money.display(raised, settings.BASE_CURRENCY),
                "url_name": "funds:totals",
            }
        )
        cards.append(
            {
                "title": _("Expenses awaiting approval"),
                "value": Expense.objects.filter(status=ExpenseStatus.SUBMITTED).count(),
                "url_name": "funds:expenses",
                "query": "status=submitted",
            }
        )
    if permissions.has_capability(user, "hope.view"):
        from safepassage.fundraising.models import Share, ShareStatus
        from safepassage.fundraising.services.shares import eligible_people

        cards.append(
            {
                "title": _("Funded rescues waiting for a person"),
                "value": Share.objects.filter(status=ShareStatus.FUNDED).count(),
                "url_name": "fundraising:board",
            }
        )
        cards.append(
            {
                "title": _("People waiting who could be sponsored"),
                "value": eligible_people().count(),
                "url_name": "fundraising:board",
            }
        )
    if permissions.has_capability(user, "staff.view"):
        from safepassage.accounts import selectors as account_selectors

        cards.append(
            {
                "title": _("Staff"),
                "value": account_selectors.staff_for(user).filter(is_active=True).count(),
                "url_name": "accounts:staff",
            }
        )
    return cards
