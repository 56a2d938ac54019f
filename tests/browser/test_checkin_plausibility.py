"""Implausible check-ins, through the real pages (issue 14).

A field partner on a 360 px phone without JavaScript reports an arrival far earlier than
the leg allows, then a head-count short of the people travelling. The coordinator, at 1280
and at 360 px, sees the mission flagged on the board and on its timeline, never "On
schedule", while a calm mission beside it still is.

Screenshots go to ``test-artifacts/`` (``plausibility-*.png``) for a person to look at.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from safepassage.accounts.models import Role
from safepassage.rescue.models import Alert, AlertKind, CheckIn, CheckInFlag, LegStatus
from safepassage.rescue.services import checkins
from safepassage.testing.members import make_member
from safepassage.testing.rescue import make_mission, make_partner
from tests.browser.conftest import TIMEOUT_MS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
DESK = {"width": 1280, "height": 900}


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


def card(page, mission_code: str):
    return page.locator("li.mission-card").filter(
        has=page.locator(f"code:text-is('{mission_code}')")
    )


def send(phone, *, kind: str, pin: str, hours: str = "", head_count: str = ""):
    phone.get_by_label(kind, exact=True).check()
    if hours:
        phone.get_by_label("If delayed: how many more hours?").fill(hours)
    if head_count:
        phone.get_by_label("How many people are with you now? (optional)").fill(head_count)
    phone.get_by_label("PIN", exact=True).fill(pin)
    with phone.expect_navigation() as navigation:
        phone.get_by_role("button", name="Send").click()
    assert navigation.value.status == 200
    expect(phone.get_by_role("status")).to_contain_text("Received. Thank you.")


def test_a_partners_implausible_reports_flag_the_mission_for_the_coordinator(
    live_server, page, sign_in, console_errors, artifacts, partner_phone
):
    # Given a coordinator, a mission under way with a family of two and its partner's link,
    # and a calm mission beside it
    lead = make_member(Role.Code.RESCUE_COORDINATOR)
    mission = make_mission(lead=lead.user, started=True)
    calm = make_mission(lead=lead.user, started=True)
    issued = checkins.link_issue(actor=None, mission=mission, partner=make_partner())
    legs = list(mission.legs.select_related("to_point").order_by("position"))
    partner_url = f"{live_server.url}/c/{issued.token}/"
    facts = partner_phone.locator(".facts")

    # When the partner sends the form with no choice, a head-count below zero and no PIN
    assert partner_phone.goto(partner_url).status == 200
    partner_phone.get_by_label("How many people are with you now? (optional)").fill("-1")
    with partner_phone.expect_navigation() as navigation:
        partner_phone.get_by_role("button", name="Send").click()

    # Then the summary on top names each field with its error and links to it
    assert navigation.value.status == 400
    summary = partner_phone.get_by_role("alert")
    expect(summary).to_be_in_viewport()
    for label, target in (
        ("What happened?", "#id_kind"),
        ("How many people are with you now? (optional)", "#id_head_count"),
        ("PIN", "#id_pin"),
    ):
        expect(summary.get_by_role("link", name=label, exact=True)).to_have_attribute(
            "href", target
        )
        expect(partner_phone.locator(target)).to_have_count(1)
    assert "{#" not in partner_phone.locator("body").inner_text()
    assert CheckIn.objects.count() == 0
    partner_phone.screenshot(
        path=str(artifacts / "plausibility-partner-errors-360.png"), full_page=True
    )

    # When the partner reports arriving minutes after setting off on a 9-hour leg
    assert partner_phone.goto(partner_url).status == 200
    send(partner_phone, kind="Arrived at the safe point", pin=issued.pin)

    # Then their report is received, they are told the coordinator will confirm it, and the
    # group has not moved on
    expect(partner_phone.locator(".next")).to_contain_text("will confirm it with you")
    expect(facts.locator("li").filter(has_text="Next safe point").locator("b")).to_have_text(
        legs[0].to_point.code_name
    )
    early = CheckIn.objects.get(mission=mission)
    assert early.flag == CheckInFlag.EARLY
    assert mission.legs.get(position=1).status == LegStatus.UNDER_WAY
    assert partner_phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    partner_phone.screenshot(path=str(artifacts / "plausibility-partner-early-360.png"))

    # When they then report a delay with only one person of the two with them
    send(partner_phone, kind="Delayed", pin=issued.pin, hours="2", head_count="1")

    # Then they are told the coordinator has been alerted and what to do meanwhile
    next_steps = partner_phone.locator("#next-steps")
    expect(next_steps).to_contain_text("Your coordinator has been alerted")
    expect(next_steps).to_contain_text("Stay where you are if it is safe")
    assert partner_phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    partner_phone.screenshot(
        path=str(artifacts / "plausibility-partner-head-count-360.png"), full_page=True
    )
    kinds = set(Alert.objects.filter(mission=mission).values_list("kind", flat=True))
    assert kinds == {AlertKind.FLAGGED, AlertKind.HEAD_COUNT}

    # When the coordinator opens the board at 1280 px, then at 360 px
    page.set_viewport_size(DESK)
    sign_in(page, lead)
    for width, viewport in (("1280", DESK), ("360", PHONE)):
        page.set_viewport_size(viewport)
        page.goto(f"{live_server.url}/rescue/")

        # Then the mission is flagged, not on schedule, with both alerts to acknowledge;
        # the calm mission still is on schedule
        ours = card(page, mission.code)
        expect(ours.locator(".silence-badge")).to_have_text("Fewer people than planned")
        expect(ours.locator(".silence-badge")).to_have_class(
            "silence-badge silence-0 standing-head_count needs-attention"
        )
        expect(ours).not_to_contain_text("On schedule")
        expect(ours.locator(".alert-list li")).to_have_count(2)
        expect(ours.locator(".alert-list")).to_contain_text("Check-in to verify")
        expect(ours.locator(".alert-list")).to_contain_text("Fewer people than planned")
        expect(ours.locator(".head-count")).to_have_text("(1 reported)")
        expect(card(page, calm.code).locator(".silence-badge")).to_have_text("On schedule")
        expect(page.locator("li.mission-card").first).to_contain_text(mission.code)
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        page.screenshot(path=str(artifacts / f"plausibility-board-{width}.png"), full_page=True)

        # And the mission's page says so too, its timeline naming the flag and the head-count
        page.goto(f"{live_server.url}/rescue/missions/{mission.code}/")
        expect(page.locator(".mission-badges .silence-badge")).to_have_text(
            "Fewer people than planned"
        )
        timeline = page.locator("ol.timeline")
        expect(timeline.locator(".flag-badge")).to_have_text(
            "Flagged: Far earlier than the leg's planned time"
        )
        expect(timeline).to_contain_text("held for the coordinator: the group was not moved")
        expect(timeline.locator(".head-count")).to_have_text("Head-count: 1 of 2.")
        expect(timeline).to_contain_text("1 of 2 people reported")
        expect(page.locator("ol.legs li.leg-under_way")).to_have_count(1)
        expect(page.locator("ol.legs li.leg-arrived")).to_have_count(0)
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        page.screenshot(path=str(artifacts / f"plausibility-mission-{width}.png"), full_page=True)

    assert console_errors == []
