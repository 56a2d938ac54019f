"""Signing in through the real forms in a real browser, at phone width and in Korean."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from safepassage.accounts.models import Role
from safepassage.testing.members import make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_director_signs_in_with_password_and_code_at_phone_width(
    live_server, page, sign_in_with_password, artifacts
):
    # Given a director on a 360 px wide phone
    member = make_member(Role.Code.DIRECTOR)
    page.set_viewport_size({"width": 360, "height": 740})

    # When they sign in with password, then code
    sign_in_with_password(page, member)
    expect(page.get_by_role("heading", name="Second step")).to_be_visible()
    page.locator("input[name=code]").fill(member.code())
    page.get_by_role("button", name="Sign in").click()

    # Then they are on the dashboard, with the director's navigation, and nothing scrolls sideways
    page.wait_for_url("**/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(member.user.display_name)
    # Found by place, not by its accessible name, which is translated too.
    nav = page.locator("header nav")
    nav.locator("details.nav-compact > summary").click()  # one "Menu" on a phone
    expect(nav.get_by_role("link", name="Staff")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # When they switch to Korean
    page.locator("form.lang").get_by_role("button", name="한국어").click()

    # Then the page is in Korean and offers English back, still without sideways scrolling
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page.locator("form.lang").get_by_role("button", name="English")).to_be_visible()
    expect(nav).to_contain_text("대시보드")
    expect(nav).not_to_contain_text("Dashboard")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=artifacts / "dashboard-360-ko.png", full_page=True)


def test_cancelling_the_second_step_leaves_the_browser_signed_out(
    live_server, page, sign_in_with_password
):
    member = make_member(Role.Code.DIRECTOR)
    sign_in_with_password(page, member)

    page.get_by_role("button", name="Cancel").click()
    page.wait_for_url("**/accounts/login/")

    page.goto(f"{live_server.url}/dashboard/")
    assert urlsplit(page.url).path == "/accounts/login/"
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_signing_in_and_the_dashboard_raise_no_console_errors_or_csp_violations(
    live_server, page, console_errors, sign_in
):
    member = make_member(Role.Code.DIRECTOR)

    sign_in(page, member)
    page.wait_for_load_state("load")

    htmx = page.locator("script[src$='htmx.min.js']")
    # Chromium hides the nonce attribute from the DOM once parsed; the property keeps it.
    assert htmx.evaluate("script => script.nonce")
    assert not console_errors, "\n".join(console_errors)
    assert page.evaluate("typeof window.htmx") == "object", "htmx did not load"
