"""A report's review on a cheap phone (360 px) in Korean: communications writes around a
section and sends it for review; the director reads the disclosure decisions, approves,
confirms the publication and finds the public page. Nothing is wider than the screen and
no console error (a CSP violation would be one) appears on the way.

Screenshots go to ``/tmp/demorep-shots/`` for a person to look at (never committed).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from safepassage.accounts.models import Role
from safepassage.cases.models import Status
from safepassage.reports.models import Report, ReportState
from safepassage.reports.services import workflow
from safepassage.testing.members import make_member
from safepassage.testing.people import make_person
from tests.browser.conftest import TIMEOUT_MS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(tempfile.gettempdir()) / "demorep-shots"
SEOUL = ZoneInfo("Asia/Seoul")
WIDTH = 360


@pytest.fixture(autouse=True)
def _org(settings):
    settings.TIME_ZONE = "Asia/Seoul"
    settings.BASE_CURRENCY = "KRW"


@pytest.fixture
def report(db) -> Report:
    names = ["김영희", "王美华", "Sunhee Park", "Lee Mina", "박순자", "陈小红", "Choi Eun"]
    for number, name in enumerate(names):
        make_person(
            real_name=name,
            sex="female",
            status=Status.ARRIVED,
            status_since=dt.datetime(2026, 5, 3 + number, 9, tzinfo=SEOUL),
            birth_year=1980 + number,
            province="north_hamgyong",
        )
    # One man alone: a cell of one that the control hides, so the review has a decision.
    make_person(
        real_name="Kim Chulsoo",
        sex="male",
        status=Status.ARRIVED,
        status_since=dt.datetime(2026, 6, 3, 9, tzinfo=SEOUL),
        birth_year=1970,
        province="ryanggang",
    )
    author = make_member(Role.Code.COMMUNICATIONS, language="ko")
    report = workflow.report_create(
        actor=author.user,
        title="봄 보고서 Spring report",
        period_start=dt.date(2026, 5, 1),
        period_end=dt.date(2026, 6, 30),
        audience="public",
        language="both",
        base_currency="KRW",
    )
    report.author_member = author
    return report


def fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_review_approve_and_publish_on_a_phone_in_korean(browser, live_server, report, sign_in):
    # The login form is read in English; after it, the members' own language (Korean).
    context = browser.new_context(locale="en-GB", viewport={"width": WIDTH, "height": 800})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    staff_page = f"{live_server.url}/reporting/{report.slug}/"
    try:
        # Communications writes around the headline and sends the report for review.
        sign_in(page, report.author_member)
        page.goto(staff_page)
        assert page.locator("html").get_attribute("lang") == "ko"
        fits(page)
        shot(page, "comms-draft-ko-360")
        around = page.locator("details").filter(has=page.locator("textarea")).first
        around.locator("summary").click()
        around.locator("textarea[name=text_ko]").fill("넉 달 동안 도착한 분들의 이야기입니다.")
        around.locator("button[type=submit]").click()
        page.wait_for_load_state()
        assert report.sections.filter(text_ko__startswith="넉 달").exists()
        page.locator("form[action$='/submit/'] button").click()
        page.wait_for_load_state()
        report.refresh_from_db()
        assert report.state == ReportState.SUBMITTED
        context.clear_cookies()

        director = make_member(Role.Code.DIRECTOR, language="ko")
        sign_in(page, director)
        page.goto(staff_page)
        fits(page)
        shot(page, "director-review-ko-360")
        page.locator("form[action$='/approve/'] button").click()
        page.wait_for_load_state()
        report.refresh_from_db()
        assert report.state == ReportState.APPROVED
        page.locator("a[href$='/publish/']").click()
        page.wait_for_load_state()
        fits(page)
        shot(page, "director-publish-confirm-ko-360")
        page.locator("form.confirm-form button[type=submit]").click()
        page.wait_for_load_state()
        report.refresh_from_db()
        assert report.state == ReportState.PUBLISHED
        fits(page)
        shot(page, "director-published-ko-360")

        page.goto(f"{live_server.url}/reports/{report.slug}/?lang=ko")
        fits(page)
        assert page.locator(f"a[href*='{report.slug}.pdf']").count() >= 1
        shot(page, "public-report-ko-360")
        assert errors == []
    finally:
        context.close()
