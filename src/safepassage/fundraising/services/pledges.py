"""Pledges: a total promised in instalments, gifts counted against it, reminders.

The schedule is computed, not stored: ``instalments`` equal amounts (the remainder, in
whole minor units, on the first ones), due every month, quarter or year from the first due
day (a 31st falls on the month's last day). Gifts from the pledge's donor, in its currency,
are counted against the oldest active pledge they fit (``count_payment``, called when a
gift is recorded); paid instalments are read off the running total, so a gift that covers
two instalments pays both.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from safepassage.audit.chain import record, user_of
from safepassage.base import money
from safepassage.base.tasks import enqueue_on_commit
from safepassage.fundraising.models import (
    MONTHS,
    Frequency,
    Pledge,
    PledgePayment,
    PledgeReminder,
)
from safepassage.fundraising.services.errors import FundraisingError
from safepassage.funds.models import Campaign, Donation, Donor, DonorKind

SEND_REMINDER = "safepassage.fundraising.tasks.send_pledge_reminder"

MAX_INSTALMENTS = 120
MAX_YEARS = 10
REMIND_DAYS_BEFORE = 3


def add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Instalment:
    number: int
    due_on: dt.date
    amount_minor: int
    paid: bool
    # What is still owed on this instalment (0 when paid).
    owed_minor: int


def amounts(total_minor: int, count: int) -> list[int]:
    each, rest = divmod(total_minor, count)
    return [each + (1 if n < rest else 0) for n in range(count)]


def schedule(pledge: Pledge) -> list[Instalment]:
    step = MONTHS[pledge.frequency]
    due_so_far = 0
    rows = []
    for n, amount in enumerate(amounts(pledge.total_minor, pledge.instalments)):
        due_so_far += amount
        owed = min(amount, max(due_so_far - pledge.paid_minor, 0))
        rows.append(
            Instalment(
                number=n + 1,
                due_on=add_months(pledge.starts_on, step * n),
                amount_minor=amount,
                paid=owed == 0,
                owed_minor=owed,
            )
        )
    return rows


def next_due(pledge: Pledge) -> Instalment | None:
    return next((row for row in schedule(pledge) if not row.paid), None)


@transaction.atomic
def pledge_create(
    *,
    actor,
    donor: Donor,
    currency: str,
    total_minor: int,
    instalments: int,
    frequency: str,
    starts_on: dt.date,
    campaign: Campaign | None = None,
) -> Pledge:
    """A promise of ``total_minor`` in ``instalments`` equal parts. Impossible schedules
    are refused: no instalment smaller than one minor unit, none beyond ten years, no
    first instalment long past."""
    errors = {}
    try:
        currency = money.currency_code(currency)
    except money.MoneyError as exc:
        errors["currency"] = str(exc)
    if donor.kind == DonorKind.ANONYMOUS:
        errors["donor"] = _("An anonymous giver cannot be held to a pledge or reminded of it.")
    if frequency not in Frequency.values:
        errors["frequency"] = _("Choose monthly, quarterly or yearly.")
    if not isinstance(total_minor, int) or not 0 < total_minor < money.LIMIT:
        errors["total"] = _("A pledge must be more than zero and plausible.")
    if not isinstance(instalments, int) or not 0 < instalments <= MAX_INSTALMENTS:
        errors["instalments"] = _("Between 1 and %(max)s instalments.") % {"max": MAX_INSTALMENTS}
    elif isinstance(total_minor, int) and 0 < total_minor < instalments:
        errors["instalments"] = _(
            "%(count)s instalments of this total would be smaller than the smallest coin."
        ) % {"count": instalments}
    today = timezone.localdate()
    if starts_on < today - dt.timedelta(days=366):
        errors["starts_on"] = _("The first instalment cannot be due more than a year ago.")
    elif frequency in Frequency.values and isinstance(instalments, int) and instalments > 0:
        last = add_months(starts_on, MONTHS[frequency] * (instalments - 1))
        if last > add_months(today, 12 * MAX_YEARS):
            errors["instalments"] = _(
                "The last instalment would fall after %(date)s: more than %(years)s years from now."
            ) % {"date": formats.date_format(last, "SHORT_DATE_FORMAT"), "years": MAX_YEARS}
    if errors:
        raise FundraisingError(errors)
    pledge = Pledge.objects.create(
        donor=donor,
        campaign=campaign,
        currency=currency,
        total_minor=total_minor,
        instalments=instalments,
        frequency=frequency,
        starts_on=starts_on,
        created_by=user_of(actor),
    )
    record(
        actor=actor,
        action="fundraising.pledge_created",
        target=pledge,
        data={
            "donor": donor.code,
            "currency": currency,
            "total_minor": total_minor,
            "instalments": instalments,
            "frequency": frequency,
            "starts_on": starts_on.isoformat(),
        },
    )
    return pledge


@transaction.atomic
def pledge_cancel(*, actor, pledge: Pledge, reason: str) -> Pledge:
    reason = " ".join(reason.split())
    if not reason:
        raise FundraisingError({"reason": _("Say why the pledge is cancelled.")})
    pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
    if pledge.status != Pledge.Status.ACTIVE:
        raise FundraisingError({"pledge": _("Only an active pledge can be cancelled.")})
    pledge.status = Pledge.Status.CANCELLED
    pledge.save(update_fields=["status", "updated_at"])
    record(
        actor=actor, action="fundraising.pledge_cancelled", target=pledge, sealed={"reason": reason}
    )
    return pledge


def count_payment(*, donation: Donation) -> PledgePayment | None:
    """Count a gift against its donor's oldest active pledge in the gift's currency (and
    campaign, when the pledge has one). Call inside the gift's transaction, which audits."""
    if donation.gross_minor <= 0 or donation.reverses_id:
        return None
    pledge = (
        Pledge.objects.select_for_update()
        .filter(donor_id=donation.donor_id, currency=donation.currency, status="active")
        .filter(Q(campaign__isnull=True) | Q(campaign_id=donation.campaign_id))
        .order_by("created_at", "id")
        .first()
    )
    if pledge is None:
        return None
    return _pay(pledge, donation, donation.gross_minor)


def pledge_match(*, actor, pledge: Pledge, donation: Donation) -> PledgePayment:
    """Count a gift against a pledge by hand (a gift from a spouse, another currency's
    gift converted by the finance officer): the same rules, audited."""
    with transaction.atomic():
        pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
        if pledge.status != Pledge.Status.ACTIVE:
            raise FundraisingError({"pledge": _("This pledge is not active.")})
        if donation.currency != pledge.currency:
            raise FundraisingError(
                {
                    "donation": _(
                        "The gift is in %(gift)s, the pledge in %(pledge)s: count it in the "
                        "pledge's currency by hand."
                    )
                    % {"gift": donation.currency, "pledge": pledge.currency}
                }
            )
        if donation.reverses_id or donation.gross_minor <= 0:
            raise FundraisingError({"donation": _("A reversal pays no pledge.")})
        if PledgePayment.objects.filter(donation=donation).exists():
            raise FundraisingError({"donation": _("This gift already pays a pledge.")})
        payment = _pay(pledge, donation, donation.gross_minor)
        record(
            actor=actor,
            action="fundraising.pledge_paid",
            target=pledge,
            data={"donation": donation.code, "amount_minor": payment.amount_minor},
        )
        return payment


def _pay(pledge: Pledge, donation: Donation, amount: int) -> PledgePayment:
    payment = PledgePayment.objects.create(pledge=pledge, donation=donation, amount_minor=amount)
    pledge.paid_minor += amount
    if pledge.paid_minor >= pledge.total_minor:
        pledge.status = Pledge.Status.FULFILLED
    pledge.save(update_fields=["paid_minor", "status", "updated_at"])
    return payment


def uncount_payment(*, reversal: Donation) -> PledgePayment | None:
    """A reversed gift no longer pays its pledge."""
    paid = PledgePayment.objects.filter(donation=reversal.reverses).first()
    if paid is None:
        return None
    pledge = Pledge.objects.select_for_update().get(pk=paid.pledge_id)
    payment = PledgePayment.objects.create(
        pledge=pledge, donation=reversal, amount_minor=-paid.amount_minor
    )
    pledge.paid_minor -= paid.amount_minor
    if pledge.status == Pledge.Status.FULFILLED and pledge.paid_minor < pledge.total_minor:
        pledge.status = Pledge.Status.ACTIVE
    pledge.save(update_fields=["paid_minor", "status", "updated_at"])
    return payment


def reminders_due(*, today: dt.date | None = None) -> list[PledgeReminder]:
    """One reminder per instalment due within three days (or overdue) and not paid; made
    once (unique per pledge and instalment), e-mailed by the queue."""
    today = today or timezone.localdate()
    made = []
    for pledge in Pledge.objects.filter(
        status=Pledge.Status.ACTIVE, starts_on__lte=today + dt.timedelta(days=REMIND_DAYS_BEFORE)
    ):
        due = next_due(pledge)
        if due is None or due.due_on > today + dt.timedelta(days=REMIND_DAYS_BEFORE):
            continue
        with transaction.atomic():
            reminder, created = PledgeReminder.objects.get_or_create(
                pledge=pledge, instalment=due.number
            )
            if created:
                enqueue_on_commit(SEND_REMINDER, reminder_id=reminder.pk)
                made.append(reminder)
    return made
