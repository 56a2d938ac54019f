"""The shell shows what the apps registered, in their order, and nothing of its own.

Navigation entries and dashboard cards come from ``base.shell``, periodic tasks from
``base.schedule``; a new app plugs in from its ``AppConfig.ready`` without editing web/.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.tasks import task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from safepassage.accounts.models import Role
from safepassage.base import schedule, shell
from safepassage.testing.members import make_member, signed_in_client
from safepassage.web import schedule as worker_schedule

pytestmark = pytest.mark.django_db

NEW_TASK = "safepassage.web.tests.test_shell.tidy_reports"

TODAYS_NAVIGATION = [
    "web:dashboard",
    "cases:cases",
    "cases:queue",
    "cases:people",
    "rescue:board",
    "rescue:safe_points",
    "rescue:routes",
    "rescue:partners",
    "funds:totals",
    "funds:donations",
    "funds:expenses",
    "funds:donors",
    "funds:receipts",
    "fundraising:board",
    "fundraising:campaigns",
    "fundraising:pledges",
    "reports:list",
    "accounts:staff",
    "cases:teams",
    "accounts:account",
]
TODAYS_CARDS = [
    "Awaiting rescue",
    "Detained",
    "Lost contact",
    "In transit",
    "People we help",
    "Missions under way",
    "Overdue or silent missions",
    "Alerts not yet seen",
    "Raised this month",
    "Expenses awaiting approval",
    "Funded rescues waiting for a person",
    "People waiting who could be sponsored",
    "Staff",
]
TODAYS_PERIODIC = [
    "safepassage.rescue.tasks.watch_missions",
    "safepassage.cases.tasks.retention_sweep",
    "safepassage.cases.tasks.priority_refresh",
    "safepassage.fundraising.tasks.remind_pledges",
    "safepassage.fundraising.tasks.assign_shares",
    "safepassage.accounts.tasks.prune_sign_in_records",
    "safepassage.audit.tasks.anchor_head",
    "safepassage.funds.tasks.compact_rollups",
    "safepassage.reports.tasks.purge_unconfirmed",
]


@task
def tidy_reports() -> int:
    """A periodic task of the app a test pretends to add."""
    schedule.queue_next(NEW_TASK)
    return 0


def report_cards(user) -> list[shell.Card]:
    return [shell.Card(title="Reports due", value=7, url_name="web:health", query="due=1")]


@pytest.fixture
def registries(monkeypatch):
    """What a test registers is forgotten afterwards."""
    monkeypatch.setattr(shell, "_GROUPS", dict(shell._GROUPS))
    monkeypatch.setattr(shell, "_NAV", dict(shell._NAV))
    monkeypatch.setattr(shell, "_CARDS", dict(shell._CARDS))
    monkeypatch.setattr(shell, "_TODAY", dict(shell._TODAY))
    monkeypatch.setattr(schedule, "PERIODIC", dict(schedule.PERIODIC))
    monkeypatch.setattr(schedule, "_ORDER", dict(schedule._ORDER))


@pytest.fixture
def nothing_registered(monkeypatch):
    for module, name in (
        (shell, "_GROUPS"),
        (shell, "_NAV"),
        (shell, "_CARDS"),
        (shell, "_TODAY"),
        (schedule, "PERIODIC"),
    ):
        monkeypatch.setattr(module, name, {})
    monkeypatch.setattr(schedule, "_ORDER", {})


def dashboard(member) -> str:
    return signed_in_client(member).get("/dashboard/").content.decode()


def nav_links(page: str) -> list[str]:
    """The links of the wide menu row (the phone's menu repeats them)."""
    found = re.search(r'<ul class="nav-row">(.*?)</ul>\s*<details class="nav-compact">', page, re.S)
    return re.findall(r'<a href="([^"]*)"', found.group(1)) if found else []


def card_titles(page: str) -> list[str]:
    return re.findall(r'<span class="label">([^<]*)</span>', page)


def test_the_apps_register_todays_entries_cards_and_tasks_in_todays_order():
    assert [entry.url_name for entry in shell.nav_entries()] == TODAYS_NAVIGATION
    assert card_titles(dashboard(make_member(Role.Code.DIRECTOR))) == TODAYS_CARDS
    assert schedule.paths() == TODAYS_PERIODIC


def test_a_new_apps_registrations_appear_without_editing_the_shell(registries):
    shell.register_nav(
        order=350, url_name="web:health", label="Reports", capability="funds.view", group="money"
    )
    shell.register_cards(order=350, capability="funds.view", cards=report_cards)

    page = dashboard(make_member(Role.Code.DIRECTOR))

    links = nav_links(page)
    assert links.index("/health/") == links.index("/funds/receipts/") + 1
    assert links.index("/health/") == links.index("/hope/") - 1
    titles = card_titles(page)
    assert titles.index("Reports due") == titles.index("Expenses awaiting approval") + 1
    assert titles.index("Reports due") == titles.index("Funded rescues waiting for a person") - 1
    assert '<a class="card" href="/health/?due=1"><span class="value">7</span>' in page


def test_a_new_apps_entries_are_shown_only_to_the_roles_holding_their_capability(registries):
    shell.register_nav(
        order=350, url_name="web:health", label="Reports", capability="funds.view", group="money"
    )
    shell.register_cards(order=350, capability="funds.view", cards=report_cards)

    page = dashboard(make_member(Role.Code.CASE_WORKER))

    assert "/health/" not in nav_links(page)
    assert "Reports due" not in card_titles(page)


def test_the_worker_queues_a_new_apps_periodic_task_once(registries):
    schedule.periodic(NEW_TASK, dt.timedelta(hours=6), order=100)

    assert worker_schedule.ensure() == [*TODAYS_PERIODIC, NEW_TASK]
    assert worker_schedule.ensure() == []
    assert DBTaskResult.objects.filter(task_path=NEW_TASK, status="READY").count() == 1


def test_a_periodic_task_queues_its_next_run_one_interval_later(registries):
    schedule.periodic(NEW_TASK, dt.timedelta(hours=6), order=100)

    before = timezone.now()
    tidy_reports.call()

    queued = DBTaskResult.objects.get(task_path=NEW_TASK, status="READY")
    assert (
        before + dt.timedelta(hours=6) <= queued.run_after <= timezone.now() + dt.timedelta(hours=6)
    )


def test_the_shell_shows_only_what_the_apps_registered(
    nothing_registered,
):
    page = dashboard(make_member(Role.Code.DIRECTOR))

    assert nav_links(page) == []
    assert card_titles(page) == []
    assert "Nothing to show for your role yet." in page
    assert worker_schedule.ensure() == []
    assert not DBTaskResult.objects.exists()


def test_registering_again_replaces_and_never_repeats(registries):
    from django.apps import apps

    def registered():
        return (
            shell.nav_groups(),
            shell.card_sources(),
            shell.today_sources(),
            schedule.paths(),
        )

    before = registered()
    for config in apps.get_app_configs():
        if hasattr(config, "register_in_shell"):
            config.register_in_shell()

    assert registered() == before
