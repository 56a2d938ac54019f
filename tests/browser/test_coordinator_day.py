"""A coordinator's hard day, through the real pages, on a phone and on a desk.

A field partner asks for help with a note ("Child has a fever, need medicine") and later
sends another. The coordinator sees on the board that a note is waiting, reveals it there
(an audited reveal), reveals the second one on the mission's timeline, and then records
the mission's failure through its confirmation page, which says how many travellers will
be marked detained. At 360 px the failure actions sit apart from Complete.

Screenshots go to ``test-artifacts/`` for a person to look at.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from safepassage.accounts.models import Role
from safepassage.audit.models import AuditEntry
from safepassage.cases.models import Person, Status
from safepassage.rescue.models import MissionStatus, Outcome, Traveller
from safepassage.rescue.services import checkins
from safepassage.testing.members import make_member
from safepassage.testing.rescue import make_mission, make_partner, waiting_family

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FEVER = "Child has a fever, need medicine"
ROAD = "Road closed by police, waiting for night"
VIEWPORTS = {
    "phone": {"width": 360, "height": 740},
    "desk": {"width": 1280, "height": 800},
}


@pytest.fixture(autouse=True)
def no_earlier_misses():
    cache.clear()


@pytest.mark.parametrize("device", sorted(VIEWPORTS))
def test_a_coordinator_reads_a_partners_notes_and_confirms_a_failure(
    device, live_server, page, sign_in, console_errors, artifacts
):
    viewport = VIEWPORTS[device]
    width = viewport["width"]
    # Given a family of four under way, whose partner asks for help with a note
    lead = make_member(Role.Code.RESCUE_COORDINATOR)
    family = waiting_family(4)
    mission = make_mission(lead=lead.user, people=family, started=True)
    issued = checkins.link_issue(actor=lead.user, mission=mission, partner=make_partner())
    fever = checkins.submit(
        mission=mission,
        link=issued.link,
        report=checkins.Report(key="day-help-0001", kind="need_help", reason=FEVER),
    ).check_in
    road = checkins.submit(
        mission=mission,
        link=issued.link,
        report=checkins.Report(key="day-delay-001", kind="delayed", delay_hours=6, reason=ROAD),
    ).check_in
    page.set_viewport_size(viewport)
    sign_in(page, lead)

    # When they open the board
    page.goto(f"{live_server.url}/rescue/")
    alert = page.locator(".board-alerts li.alert-need_help")
    expect(alert).to_contain_text("Help requested")
    # Then the alert says a note waits, without its text
    expect(alert.locator(".note-waiting")).to_have_text("A note from the field partner is waiting.")
    assert FEVER not in page.content()
    page.screenshot(path=str(artifacts / f"coordinator-board-note-waiting-{width}.png"))

    # When they type a reason and the board refreshes itself meanwhile
    reason = alert.get_by_label("Why do you need to see this?")
    reason.fill("Help requested")
    page.locator("#board-live").evaluate("element => element.dataset.loaded = 'first'")
    with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true"):
        page.evaluate(
            "htmx.ajax('GET', location.pathname, {source: '#board-live', target: '#board-live',"
            " swap: 'outerHTML'})"
        )
    expect(page.locator("#board-live")).not_to_have_attribute("data-loaded", "first")
    # Then what they typed is still there (the form is kept through the refresh)
    expect(reason).to_have_value("Help requested")

    # When they reveal it
    alert.get_by_role("button", name="Reveal the note").click()

    # Then the board shows the note, and the reveal is in the audit log
    page.wait_for_url(f"**/rescue/#note-{fever.code}")
    expect(page.locator(f"#note-{fever.code} .note-text")).to_have_text(FEVER)
    assert AuditEntry.objects.filter(action="vault.revealed", target_id=str(fever.pk)).count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(artifacts / f"coordinator-board-note-read-{width}.png"))

    # When they open the mission: the second note waits on the timeline
    page.locator(".board-alerts").get_by_role("link", name=mission.code).first.click()
    page.wait_for_url(f"**/rescue/missions/{mission.code}/")
    second = page.locator(f"#note-{road.code}")
    expect(second.locator(".note-waiting")).to_be_visible()
    expect(page.locator(f"#note-{fever.code} .note-text")).to_have_text(FEVER)
    assert ROAD not in page.content()
    second.get_by_label("Why do you need to see this?").fill("Following the delay")
    second.get_by_role("button", name="Reveal the note").click()
    page.wait_for_url(f"**/rescue/missions/{mission.code}/#note-{road.code}")
    expect(page.locator(f"#note-{road.code} .note-text")).to_have_text(ROAD)
    assert AuditEntry.objects.filter(action="vault.revealed", target_id=str(road.pk)).count() == 1

    # Then Complete and the failures are far apart: failures in their own section
    complete = page.get_by_role("link", name="Complete: everyone arrived")
    fail = page.get_by_role("link", name="Failed: arrested")
    expect(complete).to_be_visible()
    expect(page.locator(".went-wrong")).to_contain_text("Something went wrong")
    expect(page.locator(".went-wrong").get_by_role("link", name="Failed: arrested")).to_be_visible()
    complete_box, fail_box = complete.bounding_box(), fail.bounding_box()
    assert fail_box["y"] - (complete_box["y"] + complete_box["height"]) > 200
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(artifacts / f"coordinator-mission-notes-{width}.png"), full_page=True)

    # When they choose "Failed: arrested"
    fail.click()
    page.wait_for_url(f"**/rescue/missions/{mission.code}/status/fail/")
    # Then the confirmation names what will happen, and nothing has happened yet
    expect(page.locator("h1")).to_contain_text(mission.code)
    consequences = page.locator(".consequences")
    expect(consequences).to_contain_text("4 travellers will be marked detained")
    for person in family:
        expect(consequences).to_contain_text(person.code)
    mission.refresh_from_db()
    assert mission.status == MissionStatus.UNDER_WAY
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(artifacts / f"coordinator-confirm-fail-{width}.png"), full_page=True)

    # When they confirm
    page.get_by_role("button", name="Yes, they were arrested: record the failure").click()

    # Then the mission has failed and every traveller is detained
    page.wait_for_url(f"**/rescue/missions/{mission.code}/")
    expect(page.locator(".mission-badges .status")).to_have_text("Failed: arrested")
    expect(page.locator("ul.travellers .outcome-detained")).to_have_count(4)
    expect(page.locator(".went-wrong")).to_have_count(0)
    page.screenshot(path=str(artifacts / f"coordinator-mission-failed-{width}.png"), full_page=True)
    mission.refresh_from_db()
    assert mission.status == MissionStatus.FAILED
    assert set(Traveller.objects.filter(mission=mission).values_list("outcome", flat=True)) == {
        Outcome.DETAINED
    }
    assert set(
        Person.objects.filter(pk__in=[p.pk for p in family]).values_list("status", flat=True)
    ) == {Status.DETAINED}
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert console_errors == []
