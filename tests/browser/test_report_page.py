"""A published report on a cheap phone (360 px, JavaScript off) and on a wide screen, in
Korean and English: nothing wider than the screen, the charts drawn, no console error
(a CSP violation would be one).

Screenshots go to ``/tmp/outputs-shots/`` for a person to look at (never committed).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from safepassage.cases.services import testimonies as testimony_services
from safepassage.reports import testimonies
from safepassage.testing.people import make_person
from safepassage.testing.reports_snapshots import (
    make_public_report,
    make_snapshot,
    published_testimony,
)
from tests.browser.conftest import TIMEOUT_MS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(tempfile.gettempdir()) / "outputs-shots"
TEXT = "두만강을 건너던 밤을 잊지 못합니다. 도와주신 모든 분께 감사드립니다."


@pytest.fixture
def report(db):
    testimonies.forget()
    person = make_person(real_name="증언 사람", sex="female", birth_year=1992)
    testimony = testimony_services.record_testimony(
        actor=None, person=person, raw_text="원문", publishable_text=TEXT
    )
    from django.utils import timezone

    testimony_services.consent_record(
        actor=None, testimony=testimony, scope="public", given_on=timezone.localdate()
    )
    make_public_report(make_snapshot(testimonies=[published_testimony(testimony.code, TEXT)]))
    yield
    testimonies.forget()


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_report_page_fits_the_screen_without_javascript(
    browser, live_server, report, language, width
):
    context = browser.new_context(
        locale="ko-KR" if language == "ko" else "en-GB",
        viewport={"width": width, "height": 800},
        java_script_enabled=False,
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        page.goto(f"{live_server.url}/reports/summer-2026/?lang={language}")
        assert page.locator("svg.chart").count() == 2
        assert page.locator("blockquote.testimony").count() == 1
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        for svg_width in page.locator("svg.chart").evaluate_all(
            "els => els.map(e => e.getBoundingClientRect().right)"
        ):
            assert svg_width <= width
        # No figure spills out of its card (an amount never wraps inside itself).
        spilled = page.locator(".figure").evaluate_all(
            "els => els.filter(e => e.scrollWidth > e.clientWidth).length"
        )
        assert spilled == 0
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"report-{language}-{width}.png"), full_page=True)
        assert errors == []
    finally:
        context.close()
