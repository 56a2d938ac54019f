"""The field partner's check-in page on a cheap phone: 360 px wide, JavaScript switched off.

Screenshots go to the temporary folder (``/tmp/checkin-en.png``, ``/tmp/checkin-ko.png`` and
``/tmp/checkin-en-wrong-pin.png``) for a person to look at.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from safepassage.rescue import tokens
from safepassage.rescue.models import CheckIn, CheckInKind, Mission
from safepassage.rescue.services import checkins
from safepassage.testing.rescue import make_mission, make_partner, on_the_way
from tests.browser.conftest import TIMEOUT_MS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 640}
SCREENSHOTS = Path(tempfile.gettempdir())
# A thumb needs about this much; Android asks for 48 dp, WCAG 2.5.8 for at least 24 px.
MIN_TAP_PX = 40


@pytest.fixture
def context(browser):
    """Overrides the folder's context: a phone-sized screen with JavaScript disabled."""
    context = browser.new_context(locale="en-GB", viewport=PHONE, java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture(autouse=True)
def no_earlier_misses():
    """Misses are counted per address in the database cache, which a flush leaves alone."""
    cache.clear()


def issue(language: str = "en"):
    mission = make_mission(started=True)
    return checkins.link_issue(actor=None, mission=mission, partner=make_partner(language=language))


def url(live_server, token: str) -> str:
    return f"{live_server.url}/c/{token}/"


def point(mission: Mission, position: int) -> str:
    return mission.legs.get(position=position).to_point.code_name


def send(page, *, kind: str, pin: str, hours: str = ""):
    """Fill the form as a partner would and send it; the page's answer."""
    page.get_by_label(kind, exact=True).check()
    if hours:
        page.get_by_label("If delayed: how many more hours?").fill(hours)
    page.get_by_label("PIN", exact=True).fill(pin)
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Send").click()
    return navigation.value


def masked(text: str, mission: Mission) -> str:
    """``text`` with the mission's own codes and clock times blanked out."""
    for leg in mission.legs.select_related("to_point"):
        text = text.replace(leg.to_point.code_name, "POINT")
    text = text.replace(mission.code, "MISSION")
    return re.sub(r"\b\d{1,2}:\d{2}\b", "HH:MM", text)


def test_a_partner_reports_a_delay_then_an_arrival_and_a_resent_page_counts_once(live_server, page):
    issued = issue()
    mission = issued.link.mission
    posts = []
    page.on("request", lambda request: request.method == "POST" and posts.append(request))

    # When the partner opens the link on a 360 px phone without JavaScript
    response = page.goto(url(live_server, issued.token))
    assert response.status == 200
    expect(page.locator("script")).to_have_count(0)
    facts = page.locator(".facts")
    expect(facts).to_contain_text(mission.code)
    expect(facts).to_contain_text(point(mission, 1))
    expect(facts.locator("li").filter(has_text="People").locator("b")).to_have_text("2")
    for fact in (mission.code, point(mission, 1)):
        expect(facts.get_by_text(fact, exact=True)).to_be_visible()
    assert point(mission, 2) not in page.content()

    # Then nothing scrolls sideways and every control is big enough for a thumb
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    radios = page.locator("input[type=radio][name=kind]")
    expect(radios).to_have_count(len(CheckInKind.choices))
    for index in range(radios.count()):
        radio = radios.nth(index)
        target = page.locator(f"label[for='{radio.get_attribute('id')}']")
        box, dot = target.bounding_box(), radio.bounding_box()
        assert box["height"] >= MIN_TAP_PX, (target.inner_text(), box)
        # The radio sits inside its label, so the whole box is the target.
        assert box["y"] <= dot["y"]
        assert dot["y"] + dot["height"] <= box["y"] + box["height"]
        assert box["x"] + box["width"] <= PHONE["width"]
    assert page.get_by_role("button", name="Send").bounding_box()["height"] >= MIN_TAP_PX
    page.screenshot(path=SCREENSHOTS / "checkin-en.png", full_page=True)

    # When they report a delay of 5 hours with their PIN
    answer = send(page, kind="Delayed", pin=issued.pin, hours="5")

    # Then they see the confirmation and one check-in is recorded
    assert answer.status == 200
    expect(page.get_by_role("status")).to_contain_text("Received. Thank you.")
    expect(page.get_by_role("status")).to_contain_text("Delayed")
    check_in = CheckIn.objects.get(mission=mission)
    assert (check_in.kind, check_in.delay_hours, check_in.duress) == ("delayed", 5, False)

    # When the browser sends the same form again (reload of the answer re-posts it)
    answer = page.reload()

    # Then the answer is the same confirmation and still one check-in is recorded
    assert len(posts) == 2
    assert posts[1].post_data == posts[0].post_data
    assert answer.status == 200
    expect(page.get_by_role("status")).to_contain_text("Received. Thank you.")
    assert CheckIn.objects.filter(mission=mission).count() == 1

    # When they report arriving, from the form under the confirmation, the leg's hours later
    on_the_way(mission)
    answer = send(page, kind="Arrived at the safe point", pin=issued.pin)

    # Then the next safe point shown is the following one
    assert answer.status == 200
    expect(page.get_by_role("status")).to_contain_text("Arrived at the safe point")
    expect(page.locator(".facts")).to_contain_text(point(mission, 2))
    expect(page.locator(".facts")).not_to_contain_text(point(mission, 1))
    assert CheckIn.objects.filter(mission=mission).count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_wrong_pin_shows_the_error_and_records_nothing(live_server, page):
    issued = issue()
    page.goto(url(live_server, issued.token))

    answer = send(page, kind="Need help", pin="000000x")

    # The error is the first thing on the screen, and again next to the PIN field.
    assert answer.status == 400
    # The summary names the field each error belongs to and links to it (issue 14).
    expect(page.get_by_role("alert")).to_contain_text("PIN: That PIN is not right.")
    expect(page.get_by_role("alert").get_by_role("link", name="PIN")).to_have_attribute(
        "href", "#id_pin"
    )
    expect(page.get_by_role("alert")).to_be_in_viewport()
    expect(page.locator("form .errors")).to_have_text("That PIN is not right.")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=SCREENSHOTS / "checkin-en-wrong-pin.png", full_page=True)
    expect(page.get_by_role("status")).to_have_count(0)
    assert CheckIn.objects.count() == 0
    issued.link.mission.refresh_from_db()
    assert issued.link.mission.compromised_at is None


def test_the_duress_pin_answers_like_the_everyday_pin_and_flags_the_mission(live_server, page):
    everyday, duress = issue(), issue()

    page.goto(url(live_server, everyday.token))
    normal_answer = send(page, kind="Delayed", pin=everyday.pin, hours="3")
    normal_done = masked(page.get_by_role("status").inner_text(), everyday.link.mission)
    normal_page = masked(page.locator("main").inner_text(), everyday.link.mission)

    page.goto(url(live_server, duress.token))
    duress_answer = send(page, kind="Delayed", pin=duress.duress_pin, hours="3")
    duress_done = masked(page.get_by_role("status").inner_text(), duress.link.mission)
    duress_page = masked(page.locator("main").inner_text(), duress.link.mission)

    assert duress_answer.status == normal_answer.status == 200
    assert "Received. Thank you." in duress_done
    assert duress_done == normal_done
    assert duress_page == normal_page
    flagged = Mission.objects.get(pk=duress.link.mission.pk)
    untouched = Mission.objects.get(pk=everyday.link.mission.pk)
    assert flagged.compromised_at is not None
    assert untouched.compromised_at is None
    assert CheckIn.objects.get(mission=flagged).duress is True


def test_a_revoked_link_shows_the_sites_not_found_page_like_a_made_up_one(live_server, page):
    issued = issue()
    checkins.link_revoke(actor=None, link=issued.link)

    revoked = page.goto(url(live_server, issued.token))
    assert revoked.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    expect(page.locator("form")).to_have_count(0)
    assert issued.link.mission.code not in page.content()
    revoked_text = page.locator("body").inner_text()

    made_up = page.goto(url(live_server, tokens.new_token()))
    assert made_up.status == 404
    assert page.locator("body").inner_text() == revoked_text


def test_a_korean_partner_gets_the_page_in_korean(live_server, page):
    issued = issue(language="ko")

    response = page.goto(url(live_server, issued.token))

    assert response.status == 200
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page.locator(".facts")).to_contain_text(issued.link.mission.code)
    expect(page.locator("input[type=radio][name=kind]")).to_have_count(len(CheckInKind.choices))
    expect(page.get_by_role("button")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=SCREENSHOTS / "checkin-ko.png", full_page=True)
