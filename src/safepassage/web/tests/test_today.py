"""The dashboard says first what needs the user today, from what each app registered,
each item a sentence with its count and a link to the page where it is done."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from safepassage.accounts.models import Role
from safepassage.base import shell
from safepassage.cases import services as cases
from safepassage.cases.models import Status
from safepassage.fundraising.services import pledges
from safepassage.funds.models import Donation
from safepassage.funds.services import expenses, receipts
from safepassage.rescue.models import AlertKind
from safepassage.rescue.services import alerts
from safepassage.testing import hope
from safepassage.testing.members import default_team, make_member, signed_in_client
from safepassage.testing.people import make_person
from safepassage.testing.rescue import make_mission

pytestmark = pytest.mark.django_db

R = Role.Code


def today_list(member) -> list[tuple[str, str]]:
    """(link, sentence) of each item under "What needs you today"."""
    page = signed_in_client(member).get("/dashboard/").content.decode()
    section = re.search(r'<section class="today"[^>]*>(.*?)</section>', page, re.S)[1]
    return re.findall(r'<a href="([^"]*)"><span class="text">([^<]*)</span></a>', section)


def sentences(member) -> list[str]:
    return [text for _link, text in today_list(member)]


def test_nothing_to_do_says_so_above_the_cards():
    page = signed_in_client(make_member(R.DIRECTOR)).get("/dashboard/").content.decode()

    assert "Nothing needs you today." in page
    assert page.index("What needs you today") < page.index('class="cards"')


def test_a_case_worker_sees_the_people_of_their_team_awaiting_intake():
    worker = make_member(R.CASE_WORKER)
    default_team().members.add(worker.user)
    make_person(real_name="Lee Mi-young")
    make_person(real_name="Lee Mi-young")
    moved = make_person(real_name="Pak Sun-ok")
    cases.person_set_status(actor=None, person=moved, to_status=Status.IN_HIDING)
    outsider = make_member(R.CASE_WORKER)

    assert today_list(worker) == [
        ("/people/?status=intake", "2 people are awaiting intake"),
    ]
    assert sentences(outsider) == []


def test_a_coordinator_sees_help_asked_alerts_unseen_and_late_missions():
    lead = make_member(R.RESCUE_COORDINATOR)
    mission = make_mission(lead=lead.user, started=True)
    alerts.raise_now(mission=mission, kind=AlertKind.NEED_HELP, actor=None)
    alerts.raise_now(mission=mission, kind=AlertKind.COMPROMISED, actor=None)
    seen = alerts.raise_now(mission=mission, kind=AlertKind.NEED_HELP, actor=None)
    alerts.acknowledge(actor=lead.user, alert=seen)
    make_mission(lead=lead.user, started=True)
    # Two days on, both missions are late; the silence alerts seen, the lateness stays.
    for overdue in alerts.scan(now=timezone.now() + dt.timedelta(days=2)):
        alerts.acknowledge(actor=lead.user, alert=overdue)

    assert today_list(lead) == [
        ("/rescue/", "1 field partner is asking for help"),
        ("/rescue/", "1 alert is not yet seen"),
        ("/rescue/", "2 missions are overdue or silent"),
    ]
    assert sentences(make_member(R.CASE_WORKER)) == []


def test_finance_sees_gifts_to_acknowledge_and_expenses_to_approve():
    giver = hope.donor()
    hope.gift(giver, 50_000)
    thanked = hope.gift(giver, 70_000)
    receipts.receipt_issue(actor=None, donation=thanked)
    hope.gift(giver, 90_000, on=timezone.localdate() - dt.timedelta(days=45))
    spender = make_member(R.FINANCE)
    expense = expenses.expense_create(
        actor=spender.user,
        category="rescue_operations",
        description="Bus tickets",
        amount_minor=30_000,
        currency="KRW",
        spent_on=timezone.localdate(),
    )
    expenses.expense_submit(actor=spender.user, expense=expense)
    since = (timezone.localdate() - dt.timedelta(days=30)).isoformat()

    assert today_list(make_member(R.FINANCE)) == [
        (
            f"/funds/donations/?date_from={since}",
            "1 gift of the last 30 days is not yet acknowledged",
        ),
        ("/funds/expenses/?status=submitted", "1 expense awaits approval"),
    ]
    assert Donation.objects.count() == 3


def test_hope_sharing_sees_pledges_with_an_instalment_due():
    today = timezone.localdate()
    for starts_on in (today - dt.timedelta(days=3), today, today + dt.timedelta(days=5)):
        pledges.pledge_create(
            actor=None,
            donor=hope.donor(),
            currency="KRW",
            total_minor=300_000,
            instalments=3,
            frequency="monthly",
            starts_on=starts_on,
        )

    assert today_list(make_member(R.COMMUNICATIONS)) == [
        ("/hope/pledges/?status=active", "2 pledges have an instalment due"),
    ]


def reports_due(user) -> list[shell.TodayItem]:
    return [
        shell.TodayItem(count=2, text="2 reports are due", url_name="web:health"),
        shell.TodayItem(count=0, text="0 reports are late", url_name="web:health"),
    ]


def test_a_new_app_adds_its_items_in_its_place_and_only_for_its_capability(monkeypatch):
    monkeypatch.setattr(shell, "_TODAY", dict(shell._TODAY))
    shell.register_today(order=600, capability="people.view", items=reports_due)
    worker = make_member(R.CASE_WORKER)
    default_team().members.add(worker.user)
    make_person(real_name="Lee Mi-young")

    assert sentences(worker) == ["1 person is awaiting intake", "2 reports are due"]
    assert sentences(make_member(R.FINANCE)) == []


def test_the_apps_register_todays_sources_in_order():
    assert [
        f"{source.items.__module__}.{source.items.__name__}" for source in shell.today_sources()
    ] == [
        "safepassage.cases.selectors.today_items",
        "safepassage.rescue.selectors.today_items",
        "safepassage.funds.selectors.dashboard.today_items",
        "safepassage.funds.selectors.dashboard.approval_items",
        "safepassage.fundraising.selectors.today_items",
        "safepassage.reports.selectors.today_items",
    ]
