"""One citizen saves one refugee: issue 7's "Done when", through the real pages.

The director opens Hope Sharing from the main navigation, sets what a rescue costs, creates
a public Hope Sharing campaign, enrols a Korean-speaking donor as a sponsor and records a
matching pledge in money with a small cap. A case worker records a mother's and her young
child's consent from the person page. Finance records the citizen's gift of two rescues on
the donations page: two shares are funded and go, by priority, to the child and then the
mother; another donor's two gifts draw the matching pool to zero. The family's mission is
planned, started and completed (services: issue 5's pages have their own test), the worker
sends the news, and the sponsor reads it in Korean, in e-mails and on the page their last
e-mail links to, without a name, a code, a birth year or a province anywhere. The public
campaign page shows the progress; the board and the public page fit a 360 px phone.

People, donors and the route are invented; e-mail addresses are at example.org. The
profile's disclosure threshold is 1 here (as in the unit tests), so that the sponsor reads a
real description with so few people in the database. Screenshots of the board, the sponsor
page and the public page go to ``test-artifacts/`` for a person to look at.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.utils import dateformat, timezone, translation
from playwright.sync_api import expect

from safepassage.accounts.models import Role
from safepassage.base.korean import with_particle
from safepassage.cases import services as cases
from safepassage.cases.models import Person, Province, Status
from safepassage.fundraising import profiles
from safepassage.fundraising.models import (
    AssignedHow,
    MatchingPledge,
    NewsDelivery,
    NewsKind,
    RescueCost,
    Share,
    ShareStatus,
    Sponsor,
    SponsorConsent,
)
from safepassage.funds.models import Campaign, Donation
from safepassage.funds.services import donors
from safepassage.rescue.models import MissionStatus
from safepassage.rescue.services import checkins, missions
from safepassage.testing.members import default_team, make_member
from safepassage.testing.people import make_case, make_person
from safepassage.testing.rescue import make_mission, make_route
from safepassage.vault.records import read
from tests.browser.conftest import TIMEOUT_MS
from tests.browser.menus import follow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESK = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}
TODAY = timezone.localdate()
# As the English pages write a date (safepassage.base.formats): "2 Dec 2026".
with translation.override("en"):
    SHOWN_TODAY = dateformat.format(TODAY, "j M Y")
YEAR = TODAY.year

COST = 3_000_000  # ₩3,000,000 a rescue
CITIZEN_GIFT = 2 * COST
CAMPAIGN = {
    "name": "Hope Sharing 2026",
    "code": "hope-2026",
    "goal": 30_000_000,
    "rescues": 10,
    # Korean on the public page too, to see that it renders.
    "description": "One citizen saves one refugee. 한 사람의 시민이 한 사람의 탈북민을 구합니다.",
}
PER_GIFT_CAP = 200_000
TOTAL_CAP = 500_000
OTHER_GIFTS = [150_000, 150_000]  # with the citizen's match, they take the pool to zero


@pytest.fixture(autouse=True)
def no_earlier_misses():
    """Link misses are counted per address in the database cache, which a flush keeps."""
    cache.clear()


def krw(minor: int) -> str:
    return f"₩{minor:,}"


def field(page, label: str):
    """The form field labelled exactly ``label`` (Django adds a colon)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


def nav(page, name: str, url: str) -> None:
    follow(page, name)
    page.wait_for_url(f"**{url}")


def hope_link(page, name: str, url: str) -> None:
    """Follow a link of the Hope Sharing pages' own row of links."""
    page.locator(".funds-links").get_by_role("link", name=name, exact=True).click()
    page.wait_for_url(f"**{url}")


def card(page, label: str):
    return (
        page.locator(".funds-cards .card")
        .filter(has=page.get_by_text(label, exact=True))
        .locator(".value")
    )


def page_width(page) -> int:
    """How wide the page is drawn: more than the viewport means it scrolls sideways."""
    return page.evaluate("document.documentElement.scrollWidth")


def watch(page, errors: list[str], who: str) -> None:
    """Console errors and uncaught exceptions (CSP violations land here too)."""
    page.on(
        "console",
        lambda m: (
            m.type == "error" and errors.append(f"{who}: {m.text} at {m.location.get('url', '?')}")
        ),
    )
    page.on("pageerror", lambda e: errors.append(f"{who}: uncaught: {e}"))


def waiting_mother_and_child() -> tuple[Person, Person]:
    """A mother in her thirties and her four-year-old son, one group of an urgent case in
    the default team, both awaiting rescue; the boy is first in the queue (child under 5)."""
    case = make_case(urgency="high")
    mother = make_person(
        case=case,
        real_name="Ri Myonghui Hopemother",
        sex="female",
        birth_year=YEAR - 33,
        province="ryanggang",
    )
    child = make_person(
        case=case,
        real_name="Ri Cholsu Hopechild",
        sex="male",
        birth_year=YEAR - 4,
        province="ryanggang",
    )
    for person in (mother, child):
        cases.person_set_status(actor=None, person=person, to_status=Status.AWAITING_RESCUE)
    cases.group_create(actor=None, case=case, label="Mother and son", people=[mother, child])
    mother.refresh_from_db()
    child.refresh_from_db()
    return mother, child


def identifiers(*people: Person) -> list[str]:
    """What a sponsor or the public must never read: names (whole and in parts), masked
    names, codes, birth years and province labels in English and Korean."""
    found = []
    for person in people:
        name = read(person, "real_name")
        found += [name, *[part for part in name.split() if len(part) > 2]]
        found += [person.real_name.masked, person.code, str(person.birth_year)]
        for language in ("en", "ko") if person.province else ():
            with translation.override(language):
                found.append(str(Province(person.province).label))
    return found


def korean(msgid: str) -> str:
    with translation.override("ko"):
        return translation.gettext(msgid)


def described_in_korean(share: Share) -> str:
    with translation.override("ko"):
        return str(profiles.describe(share.profile))


def test_one_citizen_saves_one_refugee_from_gift_to_arrival(
    live_server,
    page,
    browser,
    sign_in,
    console_errors,
    artifacts,
    smtp_server,
    run_tasks,
    settings,
):
    settings.HOPE_PROFILE_MIN_GROUP = 1
    director = make_member(Role.Code.DIRECTOR)
    case_worker = make_member(Role.Code.CASE_WORKER)
    default_team().members.add(case_worker.user)
    finance = make_member(Role.Code.FINANCE)
    mother, child = waiting_mother_and_child()
    alone = make_person(real_name="Pak Yongnam Alone", sex="male", birth_year=1980)
    cases.person_set_status(actor=None, person=alone, to_status=Status.AWAITING_RESCUE)
    assert child.priority > mother.priority > alone.priority
    citizen = donors.donor_create(
        actor=None,
        name="Seo Jiwoo Citizenname",
        email="seo.jiwoo@example.org",
        language="ko",
        consent_to_contact=True,
    )
    matcher = donors.donor_create(
        actor=None, name="Yoon Matchername", email="yoon.matcher@example.org", language="en"
    )
    other = donors.donor_create(
        actor=None,
        name="Kang Othername",
        email="kang.other@example.org",
        language="en",
        consent_to_contact=True,
    )
    errors: list[str] = console_errors  # the director's page
    contexts = []

    def staff_page(member, who: str):
        context = browser.new_context(locale="en-GB", viewport=DESK)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        desk = context.new_page()
        watch(desk, errors, who)
        sign_in(desk, member)
        return desk

    try:
        # --- 1. The director: cost, campaign, sponsor, matching pledge ---------------------
        page.set_viewport_size(DESK)
        sign_in(page, director)
        nav(page, "Hope Sharing", "/hope/")
        expect(page.locator("h1")).to_have_text("Hope Sharing")
        expect(card(page, "Cost of a rescue (asked)")).to_have_text("—")
        cost_form = page.locator("form[action$='/hope/cost/']")
        expect(field(cost_form, "From")).to_have_value(TODAY.isoformat())
        field(cost_form, "Cost of one rescue").fill(f"{COST:,}")
        field(cost_form, "Note").fill("Asked for in 2026")
        cost_form.get_by_role("button", name="Save the cost").click()
        expect(page.locator(".messages")).to_contain_text(
            f"The cost of a rescue from {SHOWN_TODAY} is saved."
        )
        expect(card(page, "Cost of a rescue (asked)")).to_have_text(krw(COST))
        assert RescueCost.objects.get().amount_minor == COST
        # Nobody has agreed to sponsorship yet: three wait, none is eligible.
        expect(card(page, "Awaiting rescue, no sponsor")).to_have_text("3")
        expect(card(page, "Eligible for a share")).to_have_text("0")
        expect(card(page, "Without consent")).to_have_text("3")

        nav(page, "Campaigns", "/hope/campaigns/")
        page.get_by_role("link", name="New campaign", exact=True).click()
        page.wait_for_url("**/hope/campaigns/new/")
        field(page, "Name").fill(CAMPAIGN["name"])
        field(page, "Code in links").fill(CAMPAIGN["code"])
        expect(field(page, "Kind")).to_have_value("campaign")
        field(page, "Public description").fill(CAMPAIGN["description"])
        field(page, "Goal").fill(f"{CAMPAIGN['goal']:,}")
        expect(field(page, "Goal currency")).to_have_value("KRW")
        field(page, "Rescues to fund").fill(str(CAMPAIGN["rescues"]))
        page.get_by_label("Hope Sharing: gifts fund rescue shares").check()
        field(page, "Public page").check()
        page.get_by_role("button", name="Create the campaign").click()
        page.wait_for_url(f"**/hope/campaigns/{CAMPAIGN['code']}/")
        expect(page.locator(".messages")).to_contain_text(f"Campaign {CAMPAIGN['name']} created.")
        expect(page.get_by_role("link", name="public page")).to_have_attribute(
            "href", f"/give/{CAMPAIGN['code']}/"
        )
        campaign = Campaign.objects.get(code=CAMPAIGN["code"])
        assert (campaign.hope_sharing, campaign.public) == (True, True)
        assert (campaign.goal_minor, campaign.goal_currency) == (CAMPAIGN["goal"], "KRW")
        assert campaign.rescues_target == CAMPAIGN["rescues"]

        # The campaign's page has no row of Hope Sharing links; the board has.
        nav(page, "Hope Sharing", "/hope/")
        hope_link(page, "Sponsors", "/hope/sponsors/")
        page.get_by_role("link", name="Enrol a donor as a sponsor").click()
        page.wait_for_url("**/hope/sponsors/new/")
        field(page, "Donor code").fill(citizen.code)
        field(page, "How they give").select_option(label="Funds one person's rescue alone")
        page.get_by_role("button", name="Enrol", exact=True).click()
        page.wait_for_url("**/hope/sponsors/")
        expect(page.locator(".messages")).to_contain_text(
            f"Donor {citizen.code} is a sponsor (Funds one person's rescue alone)."
        )
        sponsor_row = page.locator("table.list tbody tr")
        expect(sponsor_row).to_have_count(1)
        expect(sponsor_row).to_contain_text(citizen.code)
        expect(sponsor_row).not_to_contain_text("Citizenname")  # donors appear masked
        sponsor = Sponsor.objects.get(donor=citizen)
        assert sponsor.mode == "own"

        hope_link(page, "Matching pledges", "/hope/matching/")
        page.get_by_role("link", name="Record a matching pledge").click()
        page.wait_for_url("**/hope/matching/new/")
        field(page, "Sponsor's donor code").fill(matcher.code)
        field(page, "Campaign").select_option(CAMPAIGN["code"])
        field(page, "Matched in").select_option(label="Money")
        expect(field(page, "Match (% of each gift)")).to_have_value("100")
        field(page, "At most per gift").fill(f"{PER_GIFT_CAP:,}")
        field(page, "At most in all (money)").fill(f"{TOTAL_CAP:,}")
        page.get_by_role("button", name="Record the matching pledge").click()
        page.wait_for_url("**/hope/matching/")
        pool = MatchingPledge.objects.get()
        expect(page.locator(".messages")).to_contain_text(f"Matching pledge {pool.code} recorded.")
        pool_row = page.locator("table.list tbody tr").filter(has_text=pool.code)
        expect(pool_row.locator("td[data-label='Left']")).to_have_text(krw(TOTAL_CAP))
        expect(pool_row.locator("td[data-label='Used']")).to_have_text(re.compile(r"(^|\s)0%$"))
        assert (pool.donor, pool.campaign, pool.total_cap_minor) == (matcher, campaign, TOTAL_CAP)

        # --- 2. A case worker records the mother's and the child's consent ----------------
        worker_desk = staff_page(case_worker, "case worker")
        for person in (mother, child):
            worker_desk.goto(f"{live_server.url}/people/{person.code}/")
            block = worker_desk.locator("section.hope-sharing")
            expect(block.locator("dt:text-is('Consent to sponsorship') + dd")).to_have_text(
                "no consent"
            )
            block.get_by_role("link", name="Record consent to sponsorship").click()
            worker_desk.wait_for_url(f"**/hope/consent/{person.code}/")
            expect(field(worker_desk, "Consent given on")).to_have_value(TODAY.isoformat())
            worker_desk.get_by_role("button", name="Record consent").click()
            worker_desk.wait_for_url(f"**/people/{person.code}/")
            expect(worker_desk.locator(".messages")).to_contain_text(
                f"Consent to sponsorship recorded for {person.code}."
            )
            expect(block.locator("dt:text-is('Consent to sponsorship') + dd")).to_have_text(
                f"given on {SHOWN_TODAY}"
            )
            expect(block.locator("dt:text-is('Sponsored') + dd")).to_have_text("no")
        assert set(SponsorConsent.objects.values_list("person_id", flat=True)) == {
            mother.pk,
            child.pk,
        }

        nav(page, "Hope Sharing", "/hope/")
        expect(card(page, "Awaiting rescue, no sponsor")).to_have_text("3")
        expect(card(page, "Eligible for a share")).to_have_text("2")
        expect(card(page, "Without consent")).to_have_text("1")

        # --- 3. Finance records the citizen's gift, then another donor's two ---------------
        till = staff_page(finance, "finance")

        def record_gift(giver, amount: int) -> Donation:
            nav(till, "Donations", "/funds/donations/")
            till.get_by_role("link", name="Record a gift").click()
            till.wait_for_url("**/funds/donations/new/")
            field(till, "Donor code").fill(giver.code)
            field(till, "Amount received (gross)").fill(f"{amount:,}")
            expect(field(till, "Currency")).to_have_value("KRW")
            expect(field(till, "Received on")).to_have_value(TODAY.isoformat())
            field(till, "Channel").select_option(label="Bank transfer")
            field(till, "Fund").select_option(label="Rescue")
            field(till, "Campaign").select_option(CAMPAIGN["code"])
            till.get_by_role("button", name="Record the gift").click()
            till.wait_for_url(re.compile(r".*/funds/donations/(?!new/)[A-Z0-9-]+/$"))
            gift = Donation.objects.filter(donor=giver).order_by("-created_at").first()
            expect(till.locator(".messages")).to_contain_text(f"Gift {gift.code} recorded.")
            assert (gift.gross_minor, gift.campaign) == (amount, campaign)
            return gift

        record_gift(citizen, CITIZEN_GIFT)
        own = list(Share.objects.filter(sponsor=sponsor).order_by("created_at"))
        assert [s.kind for s in own] == ["own", "own"]
        assert [s.status for s in own] == [ShareStatus.ASSIGNED] * 2
        assert [(s.funded_minor, s.cost_minor) for s in own] == [(COST, COST)] * 2
        # By priority: the first share to the boy (child under 5), the second to his mother.
        assert [s.person_id for s in own] == [child.pk, mother.pk]
        assert {s.assigned_how for s in own} == {AssignedHow.PRIORITY}
        pool.refresh_from_db()
        assert (pool.drawn_minor, pool.exhausted_at) == (PER_GIFT_CAP, None)

        for amount in OTHER_GIFTS:
            record_gift(other, amount)
        pool.refresh_from_db()
        assert pool.drawn_minor == TOTAL_CAP
        assert pool.exhausted_at is not None
        pooled = Share.objects.get(kind="pooled")
        assert pooled.status == ShareStatus.OPEN
        assert pooled.funded_minor == TOTAL_CAP + sum(OTHER_GIFTS)

        page.goto(f"{live_server.url}/hope/matching/")
        pool_row = page.locator("table.list tbody tr").filter(has_text=pool.code)
        expect(pool_row.locator("td[data-label='Drawn']")).to_have_text(krw(TOTAL_CAP))
        expect(pool_row.locator("td[data-label='Left']")).to_have_text(krw(0))
        expect(pool_row.locator("td[data-label='Used']")).to_have_text(re.compile(r"(^|\s)100%$"))
        expect(pool_row.locator("td[data-label='Used'] progress")).to_have_attribute("value", "100")
        expect(pool_row.locator("td[data-label='State']")).to_contain_text(
            f"ran out on {SHOWN_TODAY}"
        )

        nav(page, "Hope Sharing", "/hope/")
        assigned = page.locator("h3:text-is('Assigned to a person') + table tbody tr")
        expect(assigned).to_have_count(2)
        for share, person in zip(own, (child, mother), strict=True):
            row = assigned.filter(has=page.locator(f"code:text-is('{share.code}')"))
            expect(row.locator("td[data-label='Person']")).to_have_text(person.code)
            expect(row.locator("td[data-label='How']")).to_have_text("By priority")
        expect(card(page, "Assigned to a person")).to_have_text("2")
        expect(card(page, "Collecting gifts")).to_have_text("1")
        expect(card(page, "Awaiting rescue, no sponsor")).to_have_text("1")
        expect(card(page, "Eligible for a share")).to_have_text("0")
        expect(card(page, "Without consent")).to_have_text("1")
        collecting = page.locator("h3:text-is('Collecting gifts') + table tbody tr")
        expect(collecting).to_have_count(1)
        expect(collecting.locator("progress")).to_have_attribute("value", str(pooled.funded_minor))
        waiting_rows = page.locator("h2:text-is('People waiting') ~ table").first
        expect(waiting_rows.locator("tbody tr")).to_have_count(1)
        expect(waiting_rows.locator("tbody tr")).to_contain_text(alone.code)
        # An exhausted pool leaves the board's list of open ones.
        expect(page.locator("h2:text-is('Matching pledges still open') + table")).to_contain_text(
            "No matching pledge."
        )
        board_html = page.content()
        for secret in identifiers(mother, child, alone):
            if not secret.isdigit() and secret not in (mother.code, child.code, alone.code):
                assert secret not in board_html, f"the board shows {secret!r}"
        page.screenshot(path=str(artifacts / "hope-board-1280.png"), full_page=True)

        # --- 4. The family's mission: planned, started, three arrivals, completed ----------
        route = make_route()
        mission = make_mission(people=[mother, child], route=route, started=True)
        for leg in range(1, 4):
            checkins.check_in_by_staff(
                actor=mission.coordinator,
                mission=mission,
                report=checkins.Report(key=f"hope-arrival-{leg}", kind="arrived"),
            )
        missions.mission_end(
            actor=mission.coordinator, mission=mission, status=MissionStatus.COMPLETED
        )
        mission.refresh_from_db()
        assert mission.status == MissionStatus.COMPLETED
        for person in (mother, child):
            person.refresh_from_db()
            assert person.status == Status.ARRIVED
        for share in own:
            share.refresh_from_db()
            assert share.status == ShareStatus.RESCUED
        kinds = [NewsKind.FUNDED, NewsKind.ASSIGNED, NewsKind.THIRD_COUNTRY, NewsKind.ARRIVED]
        for share in own:
            assert list(share.news.order_by("created_at").values_list("kind", flat=True)) == kinds

        # --- The worker sends the news, in Korean ------------------------------------------
        assert smtp_server.messages == []  # queued, not sent by the requests
        run_tasks()
        deliveries = NewsDelivery.objects.all()
        assert deliveries.count() == 8
        assert set(deliveries.values_list("donor_id", flat=True)) == {citizen.pk}
        assert set(deliveries.values_list("outcome", flat=True)) == {"sent"}
        sent = smtp_server.messages
        assert len(sent) == 8
        assert {tuple(m["to"]) for m in sent} == {("seo.jiwoo@example.org",)}
        secrets_ = [*identifiers(mother, child), "Citizenname", citizen.code]
        secrets_ += [share.code for share in own]
        mother_ko = described_in_korean(own[1])
        child_ko = described_in_korean(own[0])
        assert "30대 여성" in mother_ko, mother_ko
        assert "어린 자녀와 함께" in mother_ko, mother_ko
        assert "남자아이" in child_ko, child_ko
        subjects = []
        for mail in sent:
            message = mail["message"]
            assert message["Content-Language"] == "ko"
            body = message.get_body(preferencelist=("plain",)).get_content()
            subjects.append(str(message["Subject"]))
            assert body.startswith("후원자님께,"), body[:80]
            text = f"{message['Subject']}\n{body}"
            leaked = [secret for secret in secrets_ if secret in text]
            assert not leaked, f"an e-mail says {leaked}: {text}"
            # Korean: the particle follows the noun, not "…와 함께" (the description puts
            # the companions first).
            assert "함께을(를)" not in text, text
            assert "함께이(가)" not in text, text
        arrived_subject = korean("Hope Sharing: arrived safely")
        assert arrived_subject == "희망나눔: 안전하게 도착했습니다"
        assert subjects.count(arrived_subject) == 2
        assert subjects[-1] == arrived_subject
        bodies = "\n".join(m["message"].get_body(("plain",)).get_content() for m in sent)
        assert mother_ko in bodies
        assert child_ko in bodies

        def link_in(mail) -> str:
            body = mail["message"].get_body(("plain",)).get_content()
            [found] = re.findall(r"https?://\S+/s/[^/\s]+/", body)
            return live_server.url + urlsplit(found).path

        # --- 5. The sponsor opens the last e-mail's link, signed in nowhere ----------------
        reader = browser.new_context(locale="en-GB", viewport=PHONE)
        reader.set_default_timeout(TIMEOUT_MS)
        contexts.append(reader)
        phone = reader.new_page()
        watch(phone, errors, "sponsor")
        answer = phone.goto(link_in(sent[-1]))
        assert answer.status == 200
        assert answer.headers["referrer-policy"] == "no-referrer"
        assert answer.headers["cache-control"] == "no-store"
        assert "set-cookie" not in answer.headers
        expect(phone.locator("html")).to_have_attribute("lang", "ko")
        expect(phone.locator("h1")).to_have_text(korean("Your sponsorship"))
        sections = phone.locator("main section.panel")
        expect(sections).to_have_count(2)
        with translation.override("ko"):
            headings = [
                str(
                    translation.gettext("Your gift supports %(who_obj)s.")
                    % {"who_obj": with_particle(who, "을")}
                )
                for who in (child_ko, mother_ko)
            ]
            news = [str(NewsKind(kind).label) for kind in kinds]
        expect(sections.locator("h2")).to_have_text(headings)
        for section in sections.all():
            expect(section.locator("ol.timeline li")).to_have_text(news)
        assert "안전하게 도착" in news
        sponsor_html = phone.content()
        leaked = [secret for secret in secrets_ if secret in sponsor_html]
        assert not leaked, f"the sponsor page shows {leaked}"
        assert not re.search(r"\b(19|20)\d\d-\d\d-\d\d\b", sponsor_html)
        expect(phone.locator("script")).to_have_count(0)
        sponsor_width = page_width(phone)
        phone.screenshot(path=str(artifacts / "hope-sponsor-page-360.png"), full_page=True)
        assert reader.cookies() == []
        # The earlier e-mails' links stopped working, and a made-up one opens nothing.
        stranger = reader.new_page()
        assert stranger.goto(link_in(sent[0])).status == 404
        assert stranger.goto(f"{live_server.url}/s/{'Q' * 43}/").status == 404
        stranger.close()
        assert reader.cookies() == []

        # --- 6. The public campaign page, on a phone ---------------------------------------
        public = browser.new_context(locale="en-GB", viewport=PHONE)
        public.set_default_timeout(TIMEOUT_MS)
        contexts.append(public)
        visitor = public.new_page()
        watch(visitor, errors, "public")
        answer = visitor.goto(f"{live_server.url}/give/{CAMPAIGN['code']}/")
        assert answer.status == 200
        raised = CITIZEN_GIFT + sum(OTHER_GIFTS)
        percent = raised * 100 // CAMPAIGN["goal"]
        expect(visitor.locator("h1")).to_have_text(CAMPAIGN["name"])
        expect(visitor.locator("main")).to_contain_text(CAMPAIGN["description"])
        facts = visitor.locator("dl.facts")
        expect(facts.locator("dt:text-is('Goal') + dd")).to_have_text(krw(CAMPAIGN["goal"]))
        raised_dd = facts.locator("dt:text-is('Raised so far') + dd")
        expect(raised_dd.locator("progress")).to_have_attribute("value", str(percent))
        expect(raised_dd.locator("progress")).to_have_attribute("max", "100")
        expect(raised_dd).to_contain_text(f"{percent}% · {krw(raised)}")
        rescues_dd = facts.locator("dt:text-is('Rescues funded') + dd")
        expect(rescues_dd).to_contain_text(f"2 / {CAMPAIGN['rescues']}")
        expect(facts.locator("dt:text-is('Gifts') + dd")).to_have_text("3")
        public_html = visitor.content()
        for secret in [*secrets_, alone.code, "Matchername", "Othername", other.code]:
            assert secret not in public_html, f"the public page shows {secret!r}"
        assert public.cookies() == []
        public_width = page_width(visitor)
        visitor.screenshot(path=str(artifacts / "hope-public-page-360.png"), full_page=True)

        # --- The board on a phone ----------------------------------------------------------
        page.set_viewport_size(PHONE)
        page.reload()
        # Both arrived: their shares count as rescued now.
        expect(card(page, "Rescued")).to_have_text("2")
        expect(card(page, "Assigned to a person")).to_have_text("0")
        board_width = page_width(page)
        page.screenshot(path=str(artifacts / "hope-board-360.png"), full_page=True)
    finally:
        for context in contexts:
            context.close()

    assert sponsor_width <= PHONE["width"], f"the sponsor page is {sponsor_width} px wide"
    assert public_width <= PHONE["width"], f"the public page is {public_width} px wide"
    assert board_width <= PHONE["width"], f"the board is {board_width} px wide at 360"
    assert errors == []
