"""A case worker, in Korean, on a phone: takes a call, moves the person along, records relief."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from safepassage.accounts.models import Role
from safepassage.cases.models import Case, Status
from safepassage.testing.members import default_team, make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_case_worker_runs_a_case_in_korean_at_phone_width(
    live_server, page, sign_in, console_errors, artifacts
):
    member = make_member(Role.Code.CASE_WORKER, language="ko")
    default_team().members.add(member.user)
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, member)
    expect(page.locator("html")).to_have_attribute("lang", "ko")

    # Take the call: the case and its first person.
    page.goto(f"{live_server.url}/cases/new/")
    page.locator("[name=case-country]").fill("CN")
    page.locator("[name=case-region]").fill("Jilin")
    page.locator("[name=case-urgency]").select_option("high")
    page.locator("[name=case-team]").select_option(str(default_team().pk))
    page.locator("[name=case-exact_place]").fill("시장 뒤 두번째 문")
    page.locator("[name=person-real_name]").fill("최선희")
    page.locator("[name=person-sex]").select_option("female")
    page.locator("[name=person-age]").fill("29")
    page.locator("[name=person-province]").select_option("north_hamgyong")
    page.locator("[name=person-trafficked]").check()
    page.locator("form button[type=submit].primary").click()
    case = Case.objects.get()
    page.wait_for_url(f"**/cases/{case.code}/")
    expect(page.locator("h1")).to_contain_text(case.code)
    expect(page.locator("table.list")).to_contain_text("최OO")
    assert "선희" not in page.content()
    assert "시장 뒤" not in page.content()

    # Move the person along and record relief.
    person = case.people.get()
    page.get_by_role("link", name=person.code).click()
    page.locator("details:has([name=status]) summary").click()
    page.locator("[name=status]").select_option(Status.IN_HIDING)
    page.locator("form:has([name=status]) button").click()
    expect(page.locator("p .status")).to_have_class("status status-in_hiding")
    page.locator("details:has([name=kind][id=id_kind]) summary").first.click()
    relief = page.locator("form:has([name=cost])")
    relief.locator("[name=kind]").select_option("medicine")
    relief.locator("[name=cost]").fill("12.50")
    relief.locator("[name=given_on]").fill("2026-03-01")
    relief.locator("button").click()
    expect(page.locator("table.list").first).to_contain_text("12.50 USD")
    person.refresh_from_db()
    assert person.status == Status.IN_HIDING

    width = page.evaluate("document.documentElement.scrollWidth")
    page.screenshot(path=str(artifacts / "person-360-ko.png"), full_page=True)
    assert width <= 360
    assert console_errors == []
