"""The person page at phone and desk width: the summary first, every other part in its own
section behind its heading, reached from an in-page table of contents."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from safepassage.accounts.models import Role
from safepassage.cases import services
from safepassage.testing.members import default_team, make_member
from safepassage.testing.rescue import make_mission, waiting_family

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 360)


def a_person_with_a_history():
    """A mother awaiting rescue, on a planned mission, with relief, support, testimonies,
    case notes and contacts on record."""
    person = waiting_family(1)[0]
    make_mission(people=[person])
    for day in range(1, 4):
        services.relief_add(
            actor=None,
            person=person,
            kind="food",
            quantity=f"{day} bags of rice",
            cost_minor=1_000 * day,
            currency="USD",
            given_on=dt.date(2026, 1, day),
        )
    services.support_add(
        actor=None,
        person=person,
        kind="legal",
        provider="A legal clinic",
        started_on=dt.date(2026, 2, 1),
    )
    services.record_testimony(actor=None, person=person, raw_text="말씀 그대로")
    services.record_testimony(actor=None, person=person, raw_text="Words as given", language="en")
    for text in ("병원 예약을 도왔습니다.", "她需要药品。", "Called back at noon."):
        services.case_note_add(actor=None, case=person.case, person=person, text=text)
    services.contact_log_add(
        actor=None,
        case=person.case,
        person=person,
        channel="messenger",
        direction="inbound",
        summary="Asked for news of her son.",
    )
    return person


def test_the_person_page_is_a_summary_and_sections_at_phone_and_desk_width(
    live_server, page, sign_in, console_errors, artifacts
):
    # Given a case worker of the team and a person with a long record
    member = make_member(Role.Code.CASE_WORKER)
    default_team().members.add(member.user)
    person = a_person_with_a_history()
    sign_in(page, member)

    heights = {}
    for width in WIDTHS:
        # When they open the person's page
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(f"{live_server.url}/people/{person.code}/")
        page.screenshot(path=str(artifacts / f"person-page-{width}.png"), full_page=True)
        heights[width] = page.evaluate("document.documentElement.scrollHeight")

        # Then the read-only summary comes first, before any form
        main = page.locator("main")
        facts = main.locator("dl.facts").first
        expect(facts).to_be_visible()
        toc = main.locator("nav.sections")
        expect(toc).to_be_visible()
        assert page.evaluate(
            """() => {
                const summary = document.querySelector('main dl.facts');
                const form = document.querySelector('main form');
                return Boolean(summary.compareDocumentPosition(form)
                    & Node.DOCUMENT_POSITION_FOLLOWING);
            }"""
        )

        # And a table of contents leads to each section, rescue's journey among them
        names = [link.inner_text() for link in toc.get_by_role("link").all()]
        for wanted in ("Journey", "Notes and contacts", "Relief", "Testimonies"):
            assert wanted in names, names
        for link in toc.get_by_role("link").all():
            target = link.get_attribute("href")
            assert target.startswith("#"), target
            expect(page.locator(f"section{target}")).to_have_count(1)

        # And no form is open until its section's heading is chosen
        for form in main.locator("section details form").all():
            expect(form).to_be_hidden()

        # And notes and contacts are their own section, showing no sealed text until revealed
        notes = page.locator("section#notes")
        expect(notes.get_by_role("heading", level=2)).to_have_text("Notes and contacts")
        expect(notes.locator("li.note")).to_have_count(3)
        expect(notes.locator("li.contact")).to_have_count(1)
        assert "她需要药品" not in notes.inner_text()

        # And choosing a section in the table of contents brings it into view
        toc.get_by_role("link", name="Relief").click()
        expect(page.locator("section#relief h2")).to_be_in_viewport()
        assert page.evaluate("window.scrollY") > 0

    # The page is short enough to scan: no 4,000 px stack of forms at either width. With
    # this record, before sections (and without notes and contacts) it was 2,554 px at
    # 1280 and 2,880 px at 360 with every form closed; now 1,687 and 3,030 with them.
    print(f"person page height: {heights}")
    assert heights[1280] < 2_000, heights
    assert heights[360] < 3_600, heights
    assert console_errors == []


def test_a_case_worker_writes_and_reveals_a_note_on_the_person_page(
    live_server, page, sign_in, console_errors
):
    # Given a case worker of the team and a person with a long record
    member = make_member(Role.Code.CASE_WORKER)
    default_team().members.add(member.user)
    person = a_person_with_a_history()
    sign_in(page, member)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/people/{person.code}/#notes")
    notes = page.locator("section#notes")

    # When they write a note in Hangul
    notes.locator("details:has([name=note-text]) summary").click()
    notes.locator("[name=note-text]").fill("어머니와 통화했습니다. 아이는 건강합니다.")
    notes.locator("form:has([name=note-text]) button[type=submit]").click()

    # Then it is listed, sealed, and comes back to the notes section
    page.wait_for_url(f"**/people/{person.code}/#notes")
    expect(notes.locator("li.note")).to_have_count(4)
    assert "아이는 건강합니다" not in notes.inner_text()

    # When they reveal it, giving a reason
    newest = notes.locator("li.note").first
    newest.locator("summary").click()
    newest.get_by_label("Why do you need to see this?").fill("Preparing the call back")
    newest.get_by_role("button", name="Reveal").click()

    # Then its text shows
    expect(notes.locator("li.note").first.locator(".revealed")).to_have_text(
        "어머니와 통화했습니다. 아이는 건강합니다."
    )
    assert console_errors == []
