"""Finding one's way, at 1280 and 360 px, in English and Korean, for two roles.

A case worker and a rescue coordinator each sign in, find today's items on the dashboard,
open a menu with the keyboard (1280 px: a row of menus; 360 px: one "Menu"), follow a link,
see it marked as the current page, and read a table whose column labels stay in sight on a
phone. The case worker then sends an intake far too large for any form and gets the framed
413 page, from which the browser's Back brings the form back with what was typed.

Screenshots go to ``test-artifacts/navigation-*.png`` for a person to look at.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from safepassage.accounts.models import Role
from safepassage.cases import services as cases
from safepassage.cases.models import Status
from safepassage.rescue.models import AlertKind
from safepassage.rescue.services import alerts
from safepassage.testing.members import default_team, make_member
from safepassage.testing.people import make_person
from safepassage.testing.rescue import make_mission, make_route

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}


def main_nav(page):
    """The main navigation landmark, by its role and label in either language."""
    label = page.locator("header nav.nav").get_attribute("aria-label")
    assert label
    return page.get_by_role("navigation", name=label, exact=True)


def switch_language(page, language: str) -> None:
    label = "한국어" if language == "ko" else "English"
    page.locator("form.lang").get_by_role("button", name=label).click()
    expect(page.locator("html")).to_have_attribute("lang", language)


def today_items(page):
    return page.locator("section.today .today-list a")


def check_the_menu_row_is_one_line(page) -> None:
    expect(page.locator(".nav-row")).to_be_visible()
    expect(page.locator(".nav-compact")).to_be_hidden()
    middles = page.locator(".nav-row > li").evaluate_all(
        "items => items.map(i => i.getBoundingClientRect()).map(r => r.top + r.height / 2)"
    )
    assert max(middles) - min(middles) < 4, middles
    assert page.locator("header.top").bounding_box()["height"] < 70


def check_nothing_is_wider_than_the_phone(page) -> None:
    expect(page.locator(".nav-row")).to_be_hidden()
    expect(main_nav(page).locator("details.nav-compact > summary")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def follow_with_the_keyboard(page, group_index: int, link_index: int) -> str:
    """Open the ``group_index``-th menu of the row with Enter, Tab to a link, follow it
    with Enter; returns the link's address."""
    summary = page.locator(".nav-row details > summary").nth(group_index)
    summary.focus()
    page.keyboard.press("Enter")
    links = summary.locator("xpath=..").locator("ul a")
    expect(links.first).to_be_visible()
    for _ in range(link_index + 1):
        page.keyboard.press("Tab")
    target = links.nth(link_index)
    expect(target).to_be_focused()
    href = target.get_attribute("href")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{href}")
    return href


def follow_on_a_phone(page, link_index: int) -> str:
    """Open "Menu" with the keyboard, follow the ``link_index``-th link of its panel."""
    menu = main_nav(page).locator("details.nav-compact > summary")
    menu.focus()
    page.keyboard.press("Enter")
    target = page.locator(".nav-panel a").nth(link_index)
    expect(target).to_be_visible()
    href = target.get_attribute("href")
    target.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{href}")
    return href


def check_the_current_page_is_marked(page, href: str) -> None:
    current = main_nav(page).locator(f'a[href="{href}"][aria-current="page"]')
    expect(current).to_have_count(2)  # the row's and the phone menu's, one shown


def check_the_table_keeps_its_labels_on_a_phone(page) -> None:
    """Scrolled right to its last column and down to its last row, the table still shows
    its header row on top and its first column at the left."""
    table = page.locator("main table").first
    header = table.locator("thead th")
    expect(header.first).to_be_visible()
    table.evaluate("t => { t.scrollLeft = t.scrollWidth; t.scrollTop = t.scrollHeight; }")
    box = table.bounding_box()
    first = header.first.bounding_box()
    last = header.last.bounding_box()
    assert all(label.strip() for label in header.all_inner_texts())
    assert table.evaluate("t => t.scrollWidth > t.clientWidth && t.scrollHeight > t.clientHeight")
    # The header row sits at the table's top, the first label at its left, and the last
    # label (scrolled into view) inside it: every column's label is in sight.
    assert abs(first["y"] - box["y"]) <= 2
    assert abs(first["x"] - box["x"]) <= 2
    assert box["x"] <= last["x"]
    assert last["x"] + last["width"] <= box["x"] + box["width"] + 2
    assert abs(last["y"] - box["y"]) <= 2
    row_head = table.locator("tbody tr").last.locator("> :first-child")
    assert abs(row_head.bounding_box()["x"] - box["x"]) <= 2
    assert box["x"] + box["width"] <= PHONE["width"]


def test_a_case_worker_finds_todays_intakes_and_their_way_at_both_widths_in_both_languages(
    live_server, page, sign_in, artifacts, console_errors
):
    worker = make_member(Role.Code.CASE_WORKER)
    default_team().members.add(worker.user)
    for index in range(14):
        make_person(real_name=f"Ri Test-{index}", birth_year=1980 + index, province="ryanggang")
    settled = make_person(real_name="Ri Settled")
    cases.person_set_status(actor=None, person=settled, to_status=Status.IN_HIDING)

    sign_in(page, worker)

    for language in ("en", "ko"):
        if language == "ko":
            switch_language(page, "ko")
        for viewport in (WIDE, PHONE):
            page.set_viewport_size(viewport)
            page.goto(f"{live_server.url}/dashboard/")
            items = today_items(page)
            expect(items).to_have_count(1)
            expect(items.first).to_have_attribute("href", "/people/?status=intake")
            if language == "en":
                expect(items.first).to_have_text("14 people are awaiting intake")
            else:
                expect(items.first).to_contain_text("14")
            page.screenshot(
                path=artifacts / f"navigation-case-worker-{language}-{viewport['width']}.png",
                full_page=True,
            )
            if viewport is WIDE:
                check_the_menu_row_is_one_line(page)
                # Cases is the worker's only menu: Cases, Queue, People.
                href = follow_with_the_keyboard(page, 0, 2)
            else:
                check_nothing_is_wider_than_the_phone(page)
                page.locator("details.nav-compact > summary").click()
                page.screenshot(path=artifacts / f"navigation-case-worker-{language}-360-menu.png")
                page.goto(f"{live_server.url}/dashboard/")
                href = follow_on_a_phone(page, 3)  # Dashboard, Cases, Queue, People
            assert href == "/people/"
            check_the_current_page_is_marked(page, href)
            if viewport is PHONE:
                check_the_table_keeps_its_labels_on_a_phone(page)
                page.locator("main table").first.scroll_into_view_if_needed()
                page.screenshot(path=artifacts / f"navigation-case-worker-{language}-360-table.png")

    assert console_errors == []


def test_a_coordinator_finds_a_call_for_help_and_their_way_at_both_widths_in_both_languages(
    live_server, page, sign_in, artifacts, console_errors
):
    lead = make_member(Role.Code.RESCUE_COORDINATOR)
    mission = make_mission(lead=lead.user, route=make_route(), started=True)
    alerts.raise_now(mission=mission, kind=AlertKind.NEED_HELP, actor=None)

    sign_in(page, lead)

    for language in ("en", "ko"):
        if language == "ko":
            switch_language(page, "ko")
        for viewport in (WIDE, PHONE):
            page.set_viewport_size(viewport)
            page.goto(f"{live_server.url}/dashboard/")
            items = today_items(page)
            expect(items).to_have_count(1)
            expect(items.first).to_have_attribute("href", "/rescue/")
            if language == "en":
                expect(items.first).to_have_text("1 field partner is asking for help")
            page.screenshot(
                path=artifacts / f"navigation-coordinator-{language}-{viewport['width']}.png",
                full_page=True,
            )
            if viewport is WIDE:
                check_the_menu_row_is_one_line(page)
                # The row: Dashboard, then Rescue (Missions, Safe points, Routes, Field
                # partners) and Hope Sharing; the second link of Rescue is Safe points.
                page.locator(".nav-row details > summary").first.click()
                page.screenshot(path=artifacts / f"navigation-coordinator-{language}-1280-open.png")
                page.locator(".nav-row details > summary").first.click()  # closed again
                href = follow_with_the_keyboard(page, 0, 1)
            else:
                check_nothing_is_wider_than_the_phone(page)
                href = follow_on_a_phone(page, 2)  # Dashboard, Missions, Safe points
            assert href == "/rescue/safe-points/"
            check_the_current_page_is_marked(page, href)
            expect(page.locator(".nav-row summary.current")).to_have_count(1)

    assert console_errors == []


def test_an_intake_too_large_for_any_form_gets_the_framed_413_and_back_keeps_the_typing(
    live_server, page, sign_in, artifacts
):
    worker = make_member(Role.Code.CASE_WORKER)
    default_team().members.add(worker.user)
    sign_in(page, worker)
    page.goto(f"{live_server.url}/cases/new/")
    page.get_by_label("Urgency").select_option(index=1)
    page.get_by_label("Team").select_option(label="Test team")
    page.get_by_label("Region").fill("Yanbian")
    page.get_by_label("Who relayed the call").fill("Pastor Lee")
    page.get_by_label("Real name").fill("Choi Eun-ha")
    page.locator("[name=person-sex]").select_option("female")  # never preselected
    # A paste no person types: three megabytes, past the field's maxlength by script.
    page.locator("textarea[name=case-situation]").evaluate(
        "area => { area.removeAttribute('maxlength'); area.value = 'x'.repeat(3 * 1024 * 1024); }"
    )

    with page.expect_response(
        lambda r: r.url.endswith("/cases/new/") and r.request.method == "POST"
    ) as sent:
        page.get_by_role("button", name="Open the case").click()

    assert sent.value.status == 413
    expect(page.get_by_role("heading", level=1)).to_have_text("Too much sent at once")
    expect(main_nav(page)).to_be_attached()
    expect(page.get_by_role("link", name="Start the form again, empty")).to_be_visible()
    page.screenshot(path=artifacts / "navigation-413.png", full_page=True)

    page.go_back()
    expect(page.get_by_label("Region")).to_have_value("Yanbian")
    expect(page.get_by_label("Who relayed the call")).to_have_value("Pastor Lee")
    expect(page.get_by_label("Real name")).to_have_value("Choi Eun-ha")
    expect(page.locator("[name=person-sex]")).to_have_value("female")
    expect(page.get_by_label("Team")).to_have_value(str(default_team().pk))
