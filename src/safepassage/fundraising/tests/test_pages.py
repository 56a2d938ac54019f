"""The Hope Sharing pages: the board, campaigns, events, pledges, matching pledges, sponsors
and consent, each written through its service; the sponsor's private page and the public
campaign page, which never say who was helped."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from safepassage.accounts.models import Role
from safepassage.audit.models import AuditEntry
from safepassage.cases.models import Province, Team
from safepassage.fundraising.models import (
    Event,
    MatchingPledge,
    Pledge,
    RescueCost,
    Share,
    ShareStatus,
    Sponsor,
    SponsorConsent,
)
from safepassage.fundraising.services import campaigns, consent, matching, pledges, sponsors
from safepassage.funds.models import Campaign, CampaignKind
from safepassage.funds.services import donors as donor_services
from safepassage.testing.hope import COST, donor, gift, hope, sponsor, today, waiting
from safepassage.testing.members import make_member, signed_in_client
from safepassage.testing.people import make_case, make_person
from safepassage.vault.records import read

pytestmark = pytest.mark.django_db


CSRF_VALUE = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def english(member):
    client = signed_in_client(member)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def world(settings):
    """A Hope Sharing campaign with a cost; one person sponsored, one waiting without
    consent; a funded share nobody can take yet, a pooled share collecting; a pledge that is
    overdue, a matching pledge and an event."""
    # Small numbers of people: let the profile say something, so the pages can be checked
    # for what it must never say.
    settings.HOPE_PROFILE_MIN_GROUP = 1
    campaign = hope(
        goal_minor=30_000_000,
        goal_currency="KRW",
        rescues_target=10,
        public=True,
        description="Every gift brings someone closer to safety.",
    )
    person = waiting(real_name="Ryu Sunhee Pagename", birth_year=1987, province="ryanggang")
    unwilling = waiting(
        real_name="Choi Minji Pagename", birth_year=1992, province="chagang", agree=False
    )
    citizen = sponsor(name="Han Jiwon Sponsorname", language="en")
    gift(citizen.donor, COST, campaign)  # funded, given to ``person``
    late = sponsor(name="Kang Dohyun Sponsorname", language="en")
    gift(late.donor, COST, campaign)  # funded; nobody who agreed waits
    pooler = donor("Oh Seoyeon Poolname")
    gift(pooler, COST // 3, campaign)  # a pooled share collecting
    pledge = pledges.pledge_create(
        actor=None,
        donor=pooler,
        currency="KRW",
        total_minor=1_200_000,
        instalments=12,
        frequency="monthly",
        starts_on=today() - dt.timedelta(days=40),
    )
    matcher = donor("Yoon Matchname")
    pool = matching.matching_create(
        actor=None,
        donor=matcher,
        campaign=campaign,
        unit="money",
        starts_on=today(),
        total_cap_minor=5_000_000,
    )
    event = campaigns.event_create(
        actor=None, name="Quiz night", kind="quiz", held_on=today(), city="Seoul", parent=campaign
    )
    return SimpleNamespace(
        campaign=campaign,
        person=person,
        unwilling=unwilling,
        citizen=citizen,
        late=late,
        pooler=pooler,
        pledge=pledge,
        pool=pool,
        event=event,
        assigned=Share.objects.get(person=person),
        waiting_share=Share.objects.get(status=ShareStatus.FUNDED),
    )


def identifiers(*people) -> list[str]:
    """What a page about shares must never show: names, masked names, birth years and
    province labels (codes are checked where the page must not show them)."""
    found = []
    for person in people:
        found += [str(person.birth_year), person.real_name.masked]
        name = read(person, "real_name")
        found += [name, *[part for part in name.split() if len(part) > 2]]
        for language in ("en", "ko"):
            with translation.override(language):
                found.append(str(Province(person.province).label))
    return found


def staff_urls(w) -> list[str]:
    return [
        "/hope/",
        "/hope/campaigns/",
        f"/hope/campaigns/{w.campaign.code}/",
        f"/hope/campaigns/{w.event.campaign.code}/",
        "/hope/events/",
        "/hope/pledges/",
        "/hope/pledges/?status=active",
        f"/hope/pledges/{w.pledge.code}/",
        "/hope/matching/",
        "/hope/sponsors/",
    ]


MANAGE_URLS = [
    "/hope/campaigns/new/",
    "/hope/events/new/",
    "/hope/pledges/new/",
    "/hope/matching/new/",
    "/hope/sponsors/new/",
]


# Every page -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.Code.DIRECTOR, Role.Code.COMMUNICATIONS])
def test_every_page_renders_for_those_who_manage_hope_sharing(role, world):
    client = english(make_member(role))
    for url in [
        *staff_urls(world),
        *MANAGE_URLS,
        f"/hope/campaigns/{world.campaign.code}/edit/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        # A random CSRF token can spell a three-letter name part ("Ryu"): leave it out.
        html = CSRF_VALUE.sub("", response.content.decode())
        for secret in identifiers(world.person, world.unwilling):
            assert secret not in html, (url, secret)
        assert "Sponsorname" not in html, url  # donors appear masked: "Han OO"
        assert "style=" not in html, url
        assert "<script>" not in html, url


@pytest.mark.parametrize("role", [Role.Code.FINANCE, Role.Code.RESCUE_COORDINATOR])
def test_others_who_see_hope_sharing_read_it_but_cannot_change_it(role, world):
    client = english(make_member(role))
    for url in staff_urls(world):
        assert client.get(url).status_code == 200, url
    for url in MANAGE_URLS:
        assert client.get(url).status_code == 404, url
    assert client.post("/hope/cost/", {"starts_on": "2026-01-01", "amount": "1"}).status_code == 404
    page = client.get("/hope/").content.decode()
    assert "Set the cost of a rescue" not in page


@pytest.mark.parametrize("role", [Role.Code.CASE_WORKER, Role.Code.ADVOCACY, Role.Code.DONOR])
def test_everyone_else_gets_404_on_every_hope_sharing_page(role, world):
    member = make_member(role)
    default_team_member = role == Role.Code.CASE_WORKER
    if default_team_member:
        make_case().team.members.add(member.user)
    client = english(member)
    for url in [*staff_urls(world), *MANAGE_URLS]:
        assert client.get(url).status_code == 404, url
    for url, data in [
        ("/hope/cost/", {"starts_on": "2026-01-01", "amount": "1"}),
        ("/hope/assign/", {}),
        ("/hope/assign/share/", {"share": world.waiting_share.code, "person": "X"}),
        (f"/hope/pledges/{world.pledge.code}/cancel/", {"reason": "curious"}),
    ]:
        assert client.post(url, data).status_code == 404, url
    assert Pledge.objects.get(pk=world.pledge.pk).status == Pledge.Status.ACTIVE


def test_an_anonymous_visitor_is_sent_to_sign_in(world):
    response = Client().get("/hope/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# The board ------------------------------------------------------------------------------


def test_the_board_shows_cost_asked_and_actual_side_by_side_and_where_shares_stand(director, world):
    html = english(director).get("/hope/").content.decode()
    assert "Cost of a rescue (asked)" in html
    assert "₩3,000,000" in html
    assert "Actual cost per person" in html
    assert "0 missions completed" in html
    # One share collecting (a third funded), one waiting, one assigned.
    assert f'<progress value="{COST // 3}" max="{COST}">' in html
    assert world.waiting_share.code in html
    assert world.assigned.code in html
    # People waiting: the one without consent, counted as such.
    assert re.search(r"Without consent</span><span class=\"value\">1<", html)
    assert re.search(r"Eligible for a share</span><span class=\"value\">0<", html)


def test_person_codes_on_the_board_only_for_those_who_assign_shares(world):
    codes = [world.person.code, world.unwilling.code]
    for role in (Role.Code.DIRECTOR, Role.Code.RESCUE_COORDINATOR):
        html = english(make_member(role)).get("/hope/").content.decode()
        assert all(code in html for code in codes), role
        for secret in identifiers(world.person, world.unwilling):
            assert secret not in html, (role, secret)
    for role in (Role.Code.COMMUNICATIONS, Role.Code.FINANCE):
        html = english(make_member(role)).get("/hope/").content.decode()
        assert not any(code in html for code in codes), role


def test_the_cost_of_a_rescue_is_set_on_the_board(director, world):
    client = english(director)
    response = client.post(
        "/hope/cost/", {"starts_on": today().isoformat(), "amount": "3500000", "note": "2026"}
    )
    assert response.status_code == 302
    assert RescueCost.objects.get(starts_on=today()).amount_minor == 3_500_000
    assert "₩3,500,000" in client.get("/hope/").content.decode()
    assert AuditEntry.objects.filter(action="fundraising.cost_set").count() == 2


@pytest.mark.parametrize(
    ("amount", "message"),
    [("0", "An amount must be more than zero."), ("12.5", "KRW has no decimal places")],
)
def test_a_bad_cost_is_refused_with_its_reason(director, world, amount, message):
    response = english(director).post(
        "/hope/cost/", {"starts_on": today().isoformat(), "amount": amount}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not RescueCost.objects.filter(starts_on=today()).exists()


def test_waiting_shares_are_given_out_by_priority_from_the_board(world):
    coordinator = english(make_member(Role.Code.RESCUE_COORDINATOR))
    consent.consent_record(actor=None, person=world.unwilling, given_on=today())
    response = coordinator.post("/hope/assign/", follow=True)
    assert "1 share given to the next person in the queue." in response.content.decode()
    world.waiting_share.refresh_from_db()
    assert world.waiting_share.person == world.unwilling
    again = coordinator.post("/hope/assign/", follow=True)
    assert "No share was given" in again.content.decode()


def test_a_coordinator_gives_a_funded_share_to_a_chosen_person(world):
    coordinator = english(make_member(Role.Code.RESCUE_COORDINATOR))
    chosen = waiting(real_name="Moon Chosen Pagename", birth_year=1980)
    # Nobody waited when the share was funded; the worker has not run yet.
    world.waiting_share.refresh_from_db()
    assert world.waiting_share.status == ShareStatus.FUNDED
    response = coordinator.post(
        "/hope/assign/share/",
        {"share": world.waiting_share.code, "person": chosen.code.lower()},
    )
    assert response.status_code == 302
    world.waiting_share.refresh_from_db()
    assert (world.waiting_share.person, world.waiting_share.assigned_how) == (chosen, "coordinator")


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("unwilling", "has not agreed that a sponsor be told of their journey"),
        ("person", "already has a sponsor"),
        ("NOSUCH99", "No person awaiting rescue has this code."),
    ],
)
def test_a_share_cannot_go_to_someone_the_rules_exclude(world, who, message):
    coordinator = english(make_member(Role.Code.RESCUE_COORDINATOR))
    code = getattr(world, who).code if hasattr(world, who) else who
    response = coordinator.post(
        "/hope/assign/share/", {"share": world.waiting_share.code, "person": code}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    world.waiting_share.refresh_from_db()
    assert world.waiting_share.status == ShareStatus.FUNDED


def test_a_share_that_is_not_waiting_cannot_be_assigned(world):
    coordinator = english(make_member(Role.Code.RESCUE_COORDINATOR))
    response = coordinator.post(
        "/hope/assign/share/", {"share": world.assigned.code, "person": world.unwilling.code}
    )
    assert response.status_code == 400
    assert "This share is not waiting for a person." in response.content.decode()


def test_a_person_not_awaiting_rescue_is_not_told_apart_from_an_unknown_code(world):
    coordinator = english(make_member(Role.Code.RESCUE_COORDINATOR))
    hiding = make_person(real_name="Seo Hidden Pagename", birth_year=1970)
    response = coordinator.post(
        "/hope/assign/share/", {"share": world.waiting_share.code, "person": hiding.code}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "No person awaiting rescue has this code." in html
    assert "In hiding" not in html


# Campaigns and events -------------------------------------------------------------------


def test_campaigns_show_raised_against_goal_and_rescues_against_target(director, world):
    html = english(director).get("/hope/campaigns/").content.decode()
    # ₩7,000,000 raised of ₩30,000,000: 23%.
    assert "₩7,000,000" in html
    assert '<progress value="23" max="100">' in html
    assert "2 / 10" in html
    detail = english(director).get(f"/hope/campaigns/{world.campaign.code}/").content.decode()
    assert "Quiz night" in detail
    assert world.pool.code in detail
    assert "₩5,000,000" in detail  # what is left in the matching pledge


def test_a_campaign_is_created_with_a_goal_in_major_units(director, world):
    client = english(director)
    response = client.post(
        "/hope/campaigns/new/",
        {
            "name": "Canada tour",
            "code": "canada-tour",
            "kind": "campaign",
            "parent": world.campaign.code,
            "goal": "15,000.50",
            "goal_currency": "usd",
            "rescues_target": "50",
            "ends_on": "2026-12-31",
            "public": "on",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/hope/campaigns/canada-tour/"
    tour = Campaign.objects.get(code="canada-tour")
    assert (tour.goal_minor, tour.goal_currency, tour.parent) == (1_500_050, "USD", world.campaign)
    assert (tour.rescues_target, tour.public) == (50, True)
    assert AuditEntry.objects.filter(action="fundraising.campaign_created").count() >= 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"goal": "10.005", "goal_currency": "USD"}, "USD has 2 decimal places; 10.005 has more."),
        ({"goal": "100", "goal_currency": "XYZ"}, "“XYZ” is not a currency code"),
        ({"starts_on": "2026-05-01", "ends_on": "2026-04-01"}, "The end comes after the start."),
        ({"fundraiser": "NOSUCH99"}, "No donor has this code."),
        ({"code": "hope-sharing"}, "Another campaign has this code."),
    ],
)
def test_a_bad_campaign_is_refused_with_its_reason(director, world, fields, message):
    before = Campaign.objects.count()
    data = {"name": "Spring", "kind": "campaign", "goal_currency": "KRW", **fields}
    response = english(director).post("/hope/campaigns/new/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Campaign.objects.count() == before


def test_a_campaign_is_edited_and_keeps_its_code(director, world):
    client = english(director)
    url = f"/hope/campaigns/{world.campaign.code}/edit/"
    form = client.get(url).content.decode()
    assert 'value="30000000"' in form
    response = client.post(
        url,
        {
            "name": "Hope Sharing 2026",
            "kind": "campaign",
            "goal": "40000000",
            "goal_currency": "KRW",
            "hope_sharing": "on",
            "description": "New words.",
        },
    )
    assert response.status_code == 302
    world.campaign.refresh_from_db()
    assert (world.campaign.name, world.campaign.goal_minor) == ("Hope Sharing 2026", 40_000_000)
    assert world.campaign.code == "hope-sharing"
    assert world.campaign.public is False  # unticked


def test_a_campaign_cannot_become_part_of_its_own_team_page(director, world):
    team = campaigns.campaign_create(
        actor=None, code="team-a", name="Team A", kind="team", parent=world.campaign
    )
    response = english(director).post(
        f"/hope/campaigns/{world.campaign.code}/edit/",
        {"name": "Hope Sharing", "kind": "campaign", "goal_currency": "KRW", "parent": team.code},
    )
    assert response.status_code == 400
    assert "A campaign cannot be part of itself." in response.content.decode()


def test_an_event_is_added_and_shows_its_income_costs_and_net(director, world):
    client = english(director)
    response = client.post(
        "/hope/events/new/",
        {
            "name": "Film screening",
            "kind": "screening",
            "held_on": "2026-03-14",
            "city": "Busan",
            "parent": world.campaign.code,
            "goal": "",
            "goal_currency": "KRW",
        },
    )
    assert response.status_code == 302
    event = Event.objects.get(city="Busan")
    assert event.campaign.kind == CampaignKind.EVENT
    assert response["Location"] == f"/hope/campaigns/{event.campaign.code}/"
    gift(donor(), 820_000, event.campaign, on=dt.date(2026, 3, 14))
    html = client.get("/hope/events/").content.decode()
    assert "Film screening" in html
    assert "Busan" in html
    assert "₩820,000" in html


def test_a_bad_event_is_refused_with_its_reason(director, world):
    response = english(director).post(
        "/hope/events/new/",
        {"name": "Nowhere", "kind": "quiz", "held_on": "2026-03-14", "city": "  "},
    )
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not Event.objects.filter(campaign__name="Nowhere").exists()


# Pledges and matching pledges -----------------------------------------------------------


def test_the_pledges_list_says_what_is_due_and_overdue(director, world):
    html = english(director).get("/hope/pledges/").content.decode()
    assert world.pledge.code in html
    assert "₩100,000" in html  # each instalment
    assert "overdue" in html
    detail = english(director).get(f"/hope/pledges/{world.pledge.code}/").content.decode()
    assert detail.count("<tr>") == 13  # head and twelve instalments


def test_a_pledge_is_recorded_for_a_donor_by_code_and_cancelled(director, world):
    client = english(director)
    response = client.post(
        "/hope/pledges/new/",
        {
            "donor": world.citizen.donor.code.lower(),
            "total": "1000",
            "currency": "USD",
            "instalments": "4",
            "frequency": "quarterly",
            "starts_on": today().isoformat(),
        },
    )
    assert response.status_code == 302
    pledge = Pledge.objects.get(donor=world.citizen.donor)
    assert (pledge.total_minor, pledge.currency, pledge.instalments) == (100_000, "USD", 4)
    assert response["Location"] == f"/hope/pledges/{pledge.code}/"
    assert "$250.00" in client.get(response["Location"]).content.decode()

    refused = client.post(f"/hope/pledges/{pledge.code}/cancel/", {"reason": " "})
    assert refused.status_code == 400
    assert "This field is required." in refused.content.decode()
    done = client.post(f"/hope/pledges/{pledge.code}/cancel/", {"reason": "Donor asked"})
    assert done.status_code == 302
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.CANCELLED
    again = client.post(f"/hope/pledges/{pledge.code}/cancel/", {"reason": "Twice"})
    assert again.status_code == 400
    assert "Only an active pledge can be cancelled." in again.content.decode()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"donor": "NOSUCH99"}, "No donor has this code."),
        ({"instalments": "7", "total": "0.05"}, "smaller than the smallest coin"),
        ({"instalments": "121"}, "Ensure this value is less than or equal to 120."),
        ({"starts_on": "2020-01-01"}, "cannot be due more than a year ago"),
        # Once a server error: a date past the calendar's end overflowed in the schedule.
        ({"starts_on": "9999-12-31"}, "Enter a date from 1 Jan 1900 to "),
        ({"starts_on": "0001-01-01"}, "Enter a date from 1 Jan 1900 to "),
        ({"anonymous": True}, "An anonymous giver cannot be held to a pledge"),
    ],
)
def test_a_bad_pledge_is_refused_with_its_reason(director, world, fields, message):
    giver = world.pooler
    if fields.pop("anonymous", False):
        giver = donor_services.anonymous_donor()
    data = {
        "donor": giver.code,
        "total": "1000",
        "currency": "USD",
        "instalments": "4",
        "frequency": "monthly",
        "starts_on": today().isoformat(),
        **fields,
    }
    before = Pledge.objects.count()
    response = english(director).post("/hope/pledges/new/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Pledge.objects.count() == before


def test_a_matching_pledge_is_recorded_and_its_pool_shown(director, world):
    client = english(director)
    response = client.post(
        "/hope/matching/new/",
        {
            "donor": world.late.donor.code,
            "campaign": world.campaign.code,
            "unit": "rescues",
            "percent": "100",
            "rescues_target": "50",
            "starts_on": today().isoformat(),
        },
    )
    assert response.status_code == 302
    pledge = MatchingPledge.objects.get(donor=world.late.donor)
    assert (pledge.rescues_target, pledge.cost_minor) == (50, COST)
    gift(donor(), COST, world.campaign)
    html = client.get("/hope/matching/").content.decode()
    assert pledge.code in html
    # The gift and its match: two rescues of fifty.
    assert '<td data-label="Rescues">2 / 50</td>' in html
    assert '<progress value="4" max="100">' in html
    assert f"<code>{world.pool.code}</code>" in html


def test_a_matching_pledge_in_money_needs_its_limit(director, world):
    response = english(director).post(
        "/hope/matching/new/",
        {
            "donor": world.late.donor.code,
            "campaign": world.campaign.code,
            "unit": "money",
            "percent": "100",
            "per_gift_cap": "100000",
            "starts_on": today().isoformat(),
        },
    )
    assert response.status_code == 400
    assert "Say how much the sponsor promises in all." in response.content.decode()
    assert MatchingPledge.objects.count() == 1


# Sponsors -------------------------------------------------------------------------------


def test_a_donor_is_enrolled_as_a_sponsor_by_code(director, world):
    client = english(director)
    response = client.post(
        "/hope/sponsors/new/", {"donor": world.pooler.code, "mode": "pool"}, follow=True
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Donor {world.pooler.code} is a sponsor" in html
    assert Sponsor.objects.get(donor=world.pooler).mode == "pool"
    assert "Oh OO" in html
    assert "Poolname" not in html


def test_an_anonymous_giver_cannot_be_a_sponsor(director, world):
    anonymous = donor_services.anonymous_donor()
    response = english(director).post(
        "/hope/sponsors/new/", {"donor": anonymous.code, "mode": "own"}
    )
    assert response.status_code == 400
    assert "An anonymous giver cannot be told of a rescue" in response.content.decode()
    assert not Sponsor.objects.filter(donor=anonymous).exists()


def test_the_sponsor_list_counts_their_shares(director, world):
    html = english(director).get("/hope/sponsors/").content.decode()
    assert "Han OO" in html
    assert world.citizen.donor.code in html
    assert re.search(rf"{world.citizen.donor.code}</code></td><td[^>]*>[^<]+</td><td[^>]*>1<", html)


# Consent --------------------------------------------------------------------------------


def test_a_case_worker_records_and_withdraws_consent_from_the_person_page(case_worker, world):
    client = english(case_worker)
    person_page = client.get(f"/people/{world.unwilling.code}/").content.decode()
    assert "Hope Sharing" in person_page
    assert "no consent" in person_page
    assert f"/hope/consent/{world.unwilling.code}/" in person_page
    assert client.get(f"/hope/consent/{world.unwilling.code}/").status_code == 200

    response = client.post(
        f"/hope/consent/{world.unwilling.code}/", {"given_on": today().isoformat()}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/people/{world.unwilling.code}/"
    assert SponsorConsent.objects.get(person=world.unwilling).withdrawn_at is None
    page = client.get(response["Location"]).content.decode()
    assert f"given on {today():%d %b %Y}".replace("on 0", "on ") in page  # 2 Dec 2026

    response = client.post(f"/hope/consent/{world.unwilling.code}/withdraw/")
    assert response.status_code == 302
    assert SponsorConsent.objects.get(person=world.unwilling).withdrawn_at is not None
    again = client.post(f"/hope/consent/{world.unwilling.code}/withdraw/")
    assert again.status_code == 400
    assert "There is no consent to withdraw." in again.content.decode()


def test_the_person_page_says_a_person_is_sponsored_never_by_whom(case_worker, world):
    html = english(case_worker).get(f"/people/{world.person.code}/").content.decode()
    assert world.assigned.code in html
    assert "Han OO" not in html
    assert world.citizen.donor.code not in html
    assert "Sponsorname" not in html


def test_withdrawing_consent_releases_the_share_on_the_page(director, world):
    response = english(director).post(f"/hope/consent/{world.person.code}/withdraw/")
    assert response.status_code == 302
    world.assigned.refresh_from_db()
    assert world.assigned.person is None
    assert world.assigned.reassigned == 1


def test_consent_cannot_be_dated_in_the_future(case_worker, world):
    response = english(case_worker).post(
        f"/hope/consent/{world.unwilling.code}/",
        {"given_on": (today() + dt.timedelta(days=2)).isoformat()},
    )
    assert response.status_code == 400
    assert "Consent cannot be given in the future." in response.content.decode()
    assert not SponsorConsent.objects.filter(person=world.unwilling).exists()


def test_a_case_worker_of_another_team_gets_404_for_consent(world):
    outsider = make_member(Role.Code.CASE_WORKER)
    Team.objects.create(name="Other team").members.add(outsider.user)
    client = english(outsider)
    url = f"/hope/consent/{world.unwilling.code}/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"given_on": today().isoformat()}).status_code == 404
    assert client.post(f"{url}withdraw/").status_code == 404
    assert not SponsorConsent.objects.filter(person=world.unwilling).exists()


def test_people_without_hope_sharing_see_no_block_on_the_person_page(world):
    # Only the director and case workers see people; both have a part in Hope Sharing. The
    # block asks for it all the same: a role that sees people and nothing of Hope Sharing
    # would read no consent.
    from safepassage.fundraising.templatetags.hope import hope_for_person

    nobody = make_member(Role.Code.ADVOCACY).user
    request = SimpleNamespace(user=nobody)
    assert hope_for_person({"request": request}, world.person) is None


# The sponsor's page ---------------------------------------------------------------------


def _sponsor_page(sponsor_, client=None):
    token = sponsors.page_link(sponsor=sponsor_)
    return (client or Client()).get(f"/s/{token}/")


def test_the_sponsor_page_shows_the_general_profile_and_the_news_and_nothing_else(world):
    response = _sponsor_page(world.citizen)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "a woman in her 30s from the north-east of North Korea" in html
    assert "Your share is funded" in html
    assert "Your gift now supports a person" in html
    for secret in [*identifiers(world.person), world.person.code, world.assigned.code]:
        assert secret not in html, secret
    assert "Sponsorname" not in html
    assert world.citizen.donor.code not in html
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", html)
    assert "<script" not in html
    assert "style=" not in html
    assert response.cookies == {}
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Cache-Control"] == "no-store"


def test_the_sponsor_page_speaks_the_sponsors_language(world):
    korean = sponsor(language="ko")
    gift(korean.donor, COST // 2, world.campaign)
    signed_in = english(make_member(Role.Code.DIRECTOR))
    response = _sponsor_page(korean, signed_in)
    html = response.content.decode()
    assert '<html lang="ko">' in html
    assert "csrftoken" not in response.cookies


def test_an_old_or_made_up_link_opens_nothing(world):
    old = sponsors.page_link(sponsor=world.citizen)
    sponsors.page_link(sponsor=world.citizen)
    client = Client()
    assert client.get(f"/s/{old}/").status_code == 404
    assert client.get("/s/made-up/").status_code == 404
    assert client.get("/s/" + "x" * 43 + "/").status_code == 404


def test_guessing_sponsor_links_is_slowed_down(settings, world):
    settings.CHECKIN_GUESS_RATE = "3/h"
    client = Client()
    answers = [client.get(f"/s/{'y' * 42}{n}/").status_code for n in range(5)]
    assert answers == [404, 404, 404, 404, 429]
    token = sponsors.page_link(sponsor=world.citizen)
    assert client.get(f"/s/{token}/").status_code == 429


# The public campaign page ---------------------------------------------------------------


def test_a_public_campaign_page_shows_progress_and_nothing_identifying(world):
    response = Client().get(f"/give/{world.campaign.code}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Every gift brings someone closer to safety." in html
    assert "₩30,000,000" in html
    assert '<progress value="23" max="100">' in html
    assert "2 / 10" in html
    for secret in identifiers(world.person, world.unwilling):
        assert secret not in html, secret
    for name in ("Sponsorname", "Poolname", "Matchname", "Han OO", "Oh OO"):
        assert name not in html
    assert world.person.code not in html
    assert response.cookies == {}
    assert "<script" not in html
    assert "style=" not in html


def test_a_campaign_that_is_not_public_has_no_public_page(world):
    hidden = campaigns.campaign_create(actor=None, code="internal", name="Internal")
    assert Client().get(f"/give/{hidden.code}/").status_code == 404
    assert Client().get("/give/no-such-campaign/").status_code == 404


def test_the_dashboard_counts_funded_rescues_waiting_and_people_who_could_be_sponsored():
    campaign = hope()
    gift(sponsor().donor, COST, campaign)  # nobody waits: funded, waiting for a person
    comms = english(make_member(Role.Code.COMMUNICATIONS))
    page = comms.get("/dashboard/").content.decode()
    assert re.search(
        r'class="value">1</span><span class="label">Funded rescues waiting for a person', page
    )
    worker = english(make_member(Role.Code.CASE_WORKER))
    assert "Funded rescues waiting" not in worker.get("/dashboard/").content.decode()
