"""Pledges: schedules that can be kept, gifts counted against them, reminders once."""

from __future__ import annotations

import datetime as dt

import pytest

from safepassage.fundraising.models import Frequency, Pledge, PledgeReminder
from safepassage.fundraising.services import pledges
from safepassage.fundraising.services.errors import FundraisingError
from safepassage.funds.services import donations
from safepassage.testing.hope import donor, gift, today

pytestmark = pytest.mark.django_db


def pledge(giver=None, **fields):
    fields.setdefault("currency", "KRW")
    fields.setdefault("total_minor", 1_000_000)
    fields.setdefault("instalments", 3)
    fields.setdefault("frequency", Frequency.MONTHLY)
    fields.setdefault("starts_on", dt.date(2026, 1, 31))
    return pledges.pledge_create(actor=None, donor=giver or donor(), **fields)


def test_the_schedule_splits_the_total_without_losing_a_won_and_keeps_month_ends():
    made = pledge()
    rows = pledges.schedule(made)
    assert [r.amount_minor for r in rows] == [333_334, 333_333, 333_333]
    assert sum(r.amount_minor for r in rows) == made.total_minor
    assert [r.due_on for r in rows] == [
        dt.date(2026, 1, 31),
        dt.date(2026, 2, 28),
        dt.date(2026, 3, 31),
    ]


def test_gifts_are_counted_against_the_pledge_and_fulfil_it():
    giver = donor()
    made = pledge(giver, starts_on=today())
    gift(giver, 500_000)
    made.refresh_from_db()
    rows = pledges.schedule(made)
    assert [r.paid for r in rows] == [True, False, False]
    assert rows[1].owed_minor == 333_333 - (500_000 - 333_334)
    gift(giver, 500_000)
    made.refresh_from_db()
    assert made.status == Pledge.Status.FULFILLED
    assert made.paid_minor == 1_000_000


def test_a_gift_in_another_currency_is_not_counted_and_a_reversal_undoes_a_payment():
    giver = donor()
    made = pledge(giver, starts_on=today())
    gift(giver, 10_000, currency="USD")
    made.refresh_from_db()
    assert made.paid_minor == 0
    given = gift(giver, 1_000_000)
    made.refresh_from_db()
    assert made.status == Pledge.Status.FULFILLED
    donations.donation_reverse(actor=None, donation=given, reason="bounced")
    made.refresh_from_db()
    assert made.paid_minor == 0
    assert made.status == Pledge.Status.ACTIVE


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"instalments": 0}, "instalments"),
        ({"instalments": 121}, "instalments"),
        ({"total_minor": 2, "instalments": 3}, "instalments"),
        ({"instalments": 120, "frequency": Frequency.YEARLY}, "instalments"),
        ({"starts_on": dt.date(2020, 1, 1)}, "starts_on"),
        ({"frequency": "fortnightly"}, "frequency"),
        ({"currency": "XYZ"}, "currency"),
        ({"total_minor": 0}, "total"),
    ],
)
def test_impossible_schedules_are_refused_with_the_field_named(fields, field):
    with pytest.raises(FundraisingError) as caught:
        pledge(**fields)
    assert field in caught.value.message_dict
    assert not Pledge.objects.exists()


@pytest.mark.django_db(transaction=True)  # the worker runs: it needs committed rows
def test_a_reminder_is_sent_once_in_the_donors_language(smtp_server, run_tasks):
    giver = donor(language="ko")
    made = pledge(giver, starts_on=today() + dt.timedelta(days=2))
    assert len(pledges.reminders_due()) == 1
    assert pledges.reminders_due() == []  # once per instalment
    run_tasks()
    assert PledgeReminder.objects.get().outcome == "sent"
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]["message"]
    assert message["Content-Language"] == "ko"
    assert "1/3" in message["Subject"] or "3" in message["Subject"]
    made.refresh_from_db()
    gift(giver, 1_000_000)
    assert pledges.reminders_due(today=today() + dt.timedelta(days=60)) == []
