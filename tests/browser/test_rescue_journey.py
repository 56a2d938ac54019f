"""A rescue from end to end, on phones: issue 5's "Done when", through the real pages.

A coordinator at 360 px plans a mission for a family from the priority queue, issues the field
partner's check-in link, sets the group off and watches check-ins arrive from the partner's
phone (a second browser, JavaScript off). A simulated clock (``missions scan --hours 48``)
lets the mission fall silent; the coordinator acknowledges an alert, the partner reports the
last two arrivals and the coordinator closes the mission with everyone arrived.

Screenshots of the board and the mission page go to ``test-artifacts/`` for a person to see.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from safepassage.accounts.models import Role
from safepassage.cases import services as cases
from safepassage.cases.models import Person, Status
from safepassage.rescue.models import (
    Alert,
    AlertKind,
    Mission,
    MissionEvent,
    MissionStatus,
    Silence,
)
from safepassage.rescue.services import checkins
from safepassage.testing.members import make_member
from safepassage.testing.people import make_person
from safepassage.testing.rescue import (
    make_mission,
    make_partner,
    make_route,
    on_the_way,
    waiting_family,
)
from safepassage.vault import records
from tests.browser.conftest import TIMEOUT_MS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
# The board polls every 30 s (board_live.html); a little more for the request itself.
POLL_WAIT_MS = 35_000


@pytest.fixture(autouse=True)
def no_earlier_misses():
    """Check-in misses are counted per address in the database cache, which a flush keeps."""
    cache.clear()


@pytest.fixture
def partner_phone(browser):
    """The field partner's cheap phone: 360 px wide, JavaScript switched off."""
    context = browser.new_context(locale="en-GB", viewport=PHONE, java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def waiting_alone(real_name: str) -> Person:
    person = make_person(real_name=real_name, sex="male", birth_year=1988)
    return cases.person_set_status(actor=None, person=person, to_status=Status.AWAITING_RESCUE)


def card(page, mission_code: str):
    return page.locator("li.mission-card").filter(
        has=page.locator(f"code:text-is('{mission_code}')")
    )


def send_arrival(phone, pin: str) -> None:
    phone.get_by_label("Arrived at the safe point", exact=True).check()
    phone.get_by_label("PIN", exact=True).fill(pin)
    with phone.expect_navigation() as navigation:
        phone.get_by_role("button", name="Send").click()
    assert navigation.value.status == 200
    expect(phone.get_by_role("status")).to_contain_text("Received. Thank you.")
    expect(phone.get_by_role("status")).to_contain_text("Arrived at the safe point")


def test_a_coordinator_plans_follows_and_closes_a_rescue_on_a_phone(
    live_server, page, sign_in, console_errors, artifacts, partner_phone
):
    # Given a coordinator on a phone, a route, a family of two and one person alone waiting,
    # a field partner, and another mission already planned (to see the board's order).
    coordinator = make_member(Role.Code.RESCUE_COORDINATOR)
    route = make_route()
    family = waiting_family(2)
    alone = waiting_alone("Lonely Traveller Byun")
    partner = make_partner(language="en")
    other = make_mission(lead=coordinator.user, start=timezone.now() + dt.timedelta(hours=1))
    secrets_ = [records.read(p, "real_name") for p in [*family, alone]]
    secrets_ += [name.split(" ", 1)[1] for name in secrets_]  # the given names alone
    assert all(secrets_)
    seen_pages: list[str] = []

    def look() -> None:
        """Keep the page for the name check; fail at once if a real name is on it."""
        html = page.content()
        seen_pages.append(page.url)
        leaked = [name for name in secrets_ if name in html]
        assert not leaked, f"{page.url} shows {leaked}"

    page.set_viewport_size(PHONE)
    sign_in(page, coordinator)

    # When they open the board and plan a mission for the family
    page.goto(f"{live_server.url}/rescue/")
    look()
    page.get_by_role("link", name="Plan a mission").click()
    page.wait_for_url("**/rescue/missions/new/")
    look()
    family_box = page.locator("fieldset.family").filter(has=page.get_by_text(family[0].code))
    expect(family_box.locator("input[name=people]")).to_have_count(2)
    family_box.get_by_role("link", name="Choose this whole family").click()
    family_codes = "|".join(p.code for p in family)
    expect(page).to_have_url(re.compile(rf"/rescue/missions/new/\?person=({family_codes})$"))
    look()
    for person in family:
        expect(page.locator(f"input[name=people][value='{person.code}']")).to_be_checked()
    expect(page.locator(f"input[name=people][value='{alone.code}']")).not_to_be_checked()
    page.get_by_label("Route").select_option(label=route.name)
    start = timezone.localtime(timezone.now() + dt.timedelta(hours=2)).replace(second=0)
    page.get_by_label("Planned departure").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label(partner.pseudonym).check()
    page.get_by_role("button", name="Plan the mission").click()

    # Then they land on the new mission's page, for the family only
    page.wait_for_url(re.compile(r".*/rescue/missions/(?!new/)[A-Z0-9-]+/$"))
    mission = Mission.objects.exclude(pk=other.pk).get()
    assert page.url.endswith(f"/rescue/missions/{mission.code}/")
    look()
    expect(page.locator("h1")).to_contain_text(mission.code)
    expect(page.locator(".messages")).to_contain_text(f"Mission {mission.code} planned.")
    assert {t.person.code for t in mission.travellers.select_related("person")} == {
        p.code for p in family
    }
    assert list(mission.partners.all()) == [partner]
    assert mission.route == route
    assert timezone.localtime(mission.planned_start).strftime("%Y-%m-%d %H:%M") == start.strftime(
        "%Y-%m-%d %H:%M"
    )
    travellers = page.locator("ul.travellers")
    for person in family:
        expect(travellers).to_contain_text(person.code)
    expect(travellers).not_to_contain_text(alone.code)
    legs = list(mission.legs.select_related("to_point").order_by("position"))
    assert len(legs) == 3

    # When they issue the partner's check-in link
    page.locator("details:has([name=partner]) summary").click()
    page.get_by_label("Field partner").select_option(label=partner.pseudonym)
    page.get_by_role("button", name="Issue the link").click()

    # Then the link page shows the link and both PINs, once
    page.wait_for_url(f"**/rescue/missions/{mission.code}/links/")
    look()
    facts = page.locator("dl.facts")
    link_url = facts.locator("dt:text-is('Link') + dd code").inner_text().strip()
    pin = facts.locator("dt:text-is('PIN') + dd code").inner_text().strip()
    duress_pin = facts.locator("dt:text-is('Duress PIN') + dd code").inner_text().strip()
    assert re.fullmatch(r"https?://[^/]+/c/[^/]+/", link_url), link_url
    assert re.fullmatch(r"\S{4,}", pin), pin
    assert re.fullmatch(r"\S{4,}", duress_pin), duress_pin
    assert pin != duress_pin
    partner_url = live_server.url + urlsplit(link_url).path
    page.get_by_role("link", name="Done: back to the mission").click()
    page.wait_for_url(f"**/rescue/missions/{mission.code}/")

    # When they set the group off
    page.get_by_role("link", name="Set off").click()
    page.wait_for_url(f"**/rescue/missions/{mission.code}/status/start/")
    expect(page.locator(".consequences")).to_contain_text("2 travellers will be recorded")
    page.get_by_role("button", name="Yes, the group sets off now").click()
    expect(page.locator(".mission-badges .status")).to_have_text("Under way")
    look()
    mission.refresh_from_db()
    assert mission.status == MissionStatus.UNDER_WAY

    # Then the partner's phone, without JavaScript, shows the mission, the first point and two
    answer = partner_phone.goto(partner_url)
    assert answer.status == 200
    expect(partner_phone.locator("script")).to_have_count(0)
    phone_facts = partner_phone.locator(".facts")
    expect(phone_facts).to_contain_text(mission.code)
    expect(phone_facts.locator("li").filter(has_text="Next safe point").locator("b")).to_have_text(
        legs[0].to_point.code_name
    )
    expect(phone_facts.locator("li").filter(has_text="People").locator("b")).to_have_text("2")
    assert partner_phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # When the partner reports the first arrival, the leg's planned hours later
    on_the_way(mission)
    send_arrival(partner_phone, pin)
    expect(phone_facts.locator("li").filter(has_text="Next safe point").locator("b")).to_have_text(
        legs[1].to_point.code_name
    )

    # Then the board shows the first leg done and a check-in just now
    page.goto(f"{live_server.url}/rescue/")
    look()
    ours = card(page, mission.code)
    expect(ours.locator(".mission-card-route")).to_contain_text("legs 1/3")
    expect(ours.locator("dt:text-is('Last check-in') + dd")).to_have_text(
        re.compile(r"^0\xa0minutes ago$")
    )
    expect(ours.locator(".silence-badge")).to_have_text("On schedule")
    # A planned departure in an hour comes before a deadline in about a day.
    expect(page.locator("li.mission-card").first).to_contain_text(other.code)

    # When two days pass without a word (the scan, as the worker would run it then)
    call_command("missions", "scan", "--hours", "48", verbosity=0)
    mission.refresh_from_db()
    assert mission.silence >= Silence.OVERDUE
    raised = list(Alert.objects.filter(mission=mission).order_by("level"))
    assert raised[0].kind == AlertKind.OVERDUE
    assert not Alert.objects.filter(mission=other).exists()
    page.reload()
    look()

    # Then the mission is on top of the board, marked by its silence level
    top = page.locator("li.mission-card").first
    expect(top).to_contain_text(mission.code)
    # The scan ran on a simulated clock; the board's own clock is the real one, so the card
    # shows the silence level the scan stored (badge and class), not "overdue by" (real time).
    expect(top).to_have_class(re.compile(rf"\bsilence-{mission.silence}\b"))
    expect(top.locator(".silence-badge")).to_have_text(mission.get_silence_display())
    expect(top.locator(".alert-list li")).to_have_count(len(raised))
    expect(page.locator("#board-alerts-title .tag")).to_have_text(str(len(raised)))
    board_width = page.evaluate("document.documentElement.scrollWidth")
    page.screenshot(path=str(artifacts / "rescue-board-silent-360.png"), full_page=True)

    # When they acknowledge one alert from the mission's card
    top.locator(".alert-list li").first.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text(f"Alert on {mission.code} acknowledged.")).to_be_visible()
    look()
    assert Alert.objects.filter(mission=mission, acknowledged_at__isnull=False).count() == 1
    expect(card(page, mission.code).locator(".alert-list li")).to_have_count(len(raised) - 1)
    expect(page.locator("#board-alerts-title .tag")).to_have_text(str(len(raised) - 1))

    # When the partner reports the two remaining arrivals, each in its own time, seeing the
    # next code each time (an arrival far earlier than the leg allows would only be flagged)
    on_the_way(mission)
    send_arrival(partner_phone, pin)
    expect(phone_facts.locator("li").filter(has_text="Next safe point").locator("b")).to_have_text(
        legs[2].to_point.code_name
    )
    expect(phone_facts.locator("li").filter(has_text="People").locator("b")).to_have_text("2")
    on_the_way(mission)
    send_arrival(partner_phone, pin)
    expect(phone_facts.locator("li").filter(has_text="Next safe point")).to_have_count(0)
    assert not [name for name in secrets_ if name in partner_phone.content()]
    assert partner_phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # Then the mission page shows every leg arrived, and the coordinator closes the mission
    page.goto(f"{live_server.url}/rescue/missions/{mission.code}/")
    look()
    expect(page.locator("ol.legs li.leg-arrived")).to_have_count(3)
    page.get_by_role("link", name="Complete: everyone arrived").click()
    expect(page.locator(".consequences")).to_contain_text("2 travellers will be recorded as")
    page.get_by_role("button", name="Yes, everyone arrived: complete the mission").click()
    expect(page.get_by_text("Mission completed.")).to_be_visible()
    expect(page.locator(".mission-badges .status")).to_have_text("Completed")
    look()
    mission_width = page.evaluate("document.documentElement.scrollWidth")
    page.screenshot(path=str(artifacts / "rescue-mission-completed-360.png"), full_page=True)

    # And the database agrees: completed, both arrived, and the whole journey on the timeline
    mission.refresh_from_db()
    assert mission.status == MissionStatus.COMPLETED
    assert {p.status for p in Person.objects.filter(pk__in=[p.pk for p in family])} == {
        Status.ARRIVED
    }
    assert Person.objects.get(pk=alone.pk).status == Status.AWAITING_RESCUE
    # In the order they were written: the scan dates its alerts at its simulated clock.
    events = MissionEvent.objects.filter(mission=mission).order_by("id")
    kinds = list(events.values_list("kind", flat=True))
    assert kinds[0] == "planned"
    assert kinds[-1] == "ended"
    assert kinds.count("started") == 1
    assert kinds.count("check_in") == 3
    assert kinds.count("alert") == len(raised) >= 1
    assert kinds.count("alert_acknowledged") == 1
    assert kinds.count("link_issued") == 1
    assert kinds.index("started") < kinds.index("check_in") < kinds.index("alert")
    assert events.get(kind="ended").data["status"] == MissionStatus.COMPLETED
    assert [e.data["alert"] for e in events.filter(kind="alert")] == [a.kind for a in raised]

    # The board with the completed mission under "Recently ended"
    page.goto(f"{live_server.url}/rescue/")
    look()
    expect(page.locator(".ended-list")).to_contain_text(mission.code)
    expect(card(page, mission.code)).to_have_count(0)
    page.screenshot(path=str(artifacts / "rescue-board-ended-360.png"), full_page=True)

    assert board_width <= PHONE["width"]
    assert mission_width <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert len(seen_pages) >= 10
    assert console_errors == []


def test_the_board_refreshes_its_live_part_by_itself_without_console_errors(
    live_server, page, sign_in, console_errors
):
    coordinator = make_member(Role.Code.RESCUE_COORDINATOR)
    mission = make_mission(lead=coordinator.user, started=True)
    page.set_viewport_size(PHONE)
    sign_in(page, coordinator)
    page.goto(f"{live_server.url}/rescue/")
    expect(card(page, mission.code).locator(".mission-card-route")).to_contain_text("legs 0/3")
    expect(page.locator("#board-live")).to_have_count(1)
    # Mark the element the page loaded with; a swap replaces it (hx-swap="outerHTML").
    page.locator("#board-live").evaluate("element => element.dataset.loaded = 'first'")

    # A check-in reaches the coordinator's colleague by phone while the board is open.
    checkins.check_in_by_staff(
        actor=coordinator.user,
        mission=mission,
        report=checkins.Report(key="poll-test-arrival-1", kind="arrived"),
    )

    # The next poll brings it in, without a reload.
    with page.expect_response(
        lambda r: r.url.endswith("/rescue/") and r.request.headers.get("hx-request") == "true",
        timeout=POLL_WAIT_MS,
    ) as polled:
        pass
    poll = polled.value
    assert poll.status == 200
    assert "<html" not in poll.text()
    live = page.locator("#board-live")
    expect(live).to_have_count(1)
    expect(live).not_to_have_attribute("data-loaded", "first")
    expect(card(page, mission.code).locator(".mission-card-route")).to_contain_text("legs 1/3")
    expect(card(page, mission.code).locator("dt:text-is('Last check-in') + dd")).to_contain_text(
        "ago"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert console_errors == []
