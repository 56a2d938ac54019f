"""What a page says must hold today: a matching pledge past its end is "ended", not
"open"; early in a month the dashboard says the month has just begun; a campaign and its
matching pledge count rescues funded the same way."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from safepassage.fundraising import selectors
from safepassage.fundraising.models import MatchUnit
from safepassage.fundraising.services import costs, matching
from safepassage.funds.selectors.dashboard import dashboard_cards
from safepassage.testing.hope import COST, donor, gift, hope, today

pytestmark = pytest.mark.django_db


def promise(campaign, **fields):
    fields.setdefault("unit", MatchUnit.MONEY)
    fields.setdefault("starts_on", today())
    return matching.matching_create(actor=None, donor=donor("Matcher"), campaign=campaign, **fields)


def pools_html(pools) -> str:
    with translation.override("en"):
        return render_to_string("fundraising/_pools.html", {"pools": pools})


def test_a_matching_pledge_past_its_end_is_shown_ended_not_open():
    campaign = hope()
    over = promise(
        campaign,
        total_cap_minor=1_000_000,
        starts_on=today() - dt.timedelta(days=30),
        ends_on=today() - dt.timedelta(days=1),
    )
    running = promise(campaign, total_cap_minor=1_000_000)
    assert selectors.pool(over).state == "ended"
    assert selectors.pool(running).state == "open"
    html = pools_html([selectors.pool(over)])
    assert "ended on" in html
    assert ">open<" not in html
    assert ">open<" in pools_html([selectors.pool(running)])


def test_a_matching_pledge_not_yet_started_says_when_it_starts():
    later = promise(hope(), total_cap_minor=1_000_000, starts_on=today() + dt.timedelta(days=5))
    assert selectors.pool(later).state == "upcoming"
    assert "starts on" in pools_html([selectors.pool(later)])


def test_a_campaign_and_its_matching_pledge_agree_on_the_rescues_funded():
    campaign = hope()
    pledge = promise(campaign, unit=MatchUnit.RESCUES, rescues_target=5)
    # The cost of a rescue rises after the promise: the pledge keeps its cost for its cap,
    # but a rescue funded is a share paid in full at the cost of the day.
    costs.cost_set(actor=None, starts_on=today(), amount_minor=COST * 4 // 3)
    gift(donor(), COST // 2, campaign)
    gift(donor(), COST // 2, campaign)
    pledge.refresh_from_db()
    # Gifts and matches hold 6,000,000: two rescues at the pledge's cost of 3,000,000, but
    # only one share of 4,000,000 is paid in full, and that is what both must say.
    campaign_count = selectors.progress(campaign).rescues_funded
    assert campaign_count == 1
    assert matching.rescues_funded(pledge) == campaign_count
    assert selectors.pool(pledge).rescues_funded == campaign_count


@pytest.mark.parametrize(
    ("day", "note"),
    [
        (1, "The month began today; last month: ₩500,000."),
        (2, "The month began 1 day ago; last month: ₩500,000."),
        (5, "The month began 4 days ago; last month: ₩500,000."),
        (8, ""),
    ],
)
def test_early_in_a_month_the_raised_card_says_the_month_has_just_begun(day, note):
    giver = donor()
    gift(giver, 500_000, on=today().replace(day=1) - dt.timedelta(days=3))
    first = today().replace(day=1)
    with translation.override("en"):
        [raised, _awaiting] = dashboard_cards(None, today=first.replace(day=day))
    assert raised.title == "Raised this month"
    assert raised.note == note
