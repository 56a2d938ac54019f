"""Matching pledges draw from their pool gift by gift until it runs out, in money and in
rescues; the pool's state is always readable; reversals give back."""

from __future__ import annotations

import pytest

from safepassage.fundraising import selectors
from safepassage.fundraising.models import Match, MatchUnit, Share
from safepassage.fundraising.services import matching
from safepassage.fundraising.services.errors import FundraisingError
from safepassage.funds.services import donations
from safepassage.testing.hope import COST, donor, gift, hope, today

pytestmark = pytest.mark.django_db


def promise(campaign, **fields):
    fields.setdefault("unit", MatchUnit.MONEY)
    return matching.matching_create(
        actor=None, donor=donor("Matcher"), campaign=campaign, starts_on=today(), **fields
    )


def test_a_money_pool_matches_each_gift_within_its_caps_until_it_runs_out():
    campaign = hope()
    pool = promise(campaign, percent=50, per_gift_cap_minor=400_000, total_cap_minor=1_000_000)
    gift(donor(), 600_000, campaign)  # 50% = 300,000
    gift(donor(), 2_000_000, campaign)  # 50% = 1,000,000, capped per gift at 400,000
    gift(donor(), 1_000_000, campaign)  # 500,000 wanted, 300,000 left
    gift(donor(), 1_000_000, campaign)  # nothing left
    amounts = list(Match.objects.order_by("id").values_list("amount_minor", flat=True))
    assert amounts == [300_000, 400_000, 300_000]
    pool.refresh_from_db()
    assert pool.drawn_minor == 1_000_000
    assert pool.exhausted_at is not None
    state = selectors.pool(pool)
    assert state.left_minor == 0
    assert state.percent_used == 100
    assert state.matches == 3


def test_a_gift_to_a_campaign_under_the_matched_one_is_matched_but_not_the_matchers_own():
    campaign = hope()
    team = campaign_under(campaign)
    pool = promise(campaign, total_cap_minor=10_000_000)
    gift(donor(), 100_000, team)
    gift(pool.donor, 100_000, campaign)
    assert list(Match.objects.values_list("amount_minor", flat=True)) == [100_000]


def campaign_under(parent):
    from safepassage.fundraising.services import campaigns

    return campaigns.campaign_create(actor=None, code="team-a", name="Team A", parent=parent)


def test_a_rescues_pool_stops_when_gifts_and_matches_have_funded_the_promised_rescues():
    campaign = hope()
    pool = promise(campaign, unit=MatchUnit.RESCUES, rescues_target=2)
    assert pool.cost_minor == COST
    assert pool.limit_minor == 2 * COST
    for _ in range(5):
        gift(donor(), COST // 2, campaign)
    pool.refresh_from_db()
    # Two rescues = 6,000,000: two gifts of 1,500,000 and their two matches are 6,000,000.
    assert pool.matched_gifts_minor + pool.drawn_minor == 2 * COST
    assert matching.rescues_funded(pool) == 2
    assert pool.exhausted_at is not None
    assert Match.objects.count() == 2
    # Gifts 7,500,000 and matches 3,000,000 went into shares: three funded, 1,500,000
    # collecting towards a fourth; the matches in the matcher's name.
    assert Share.objects.exclude(status="open").count() == 3
    assert Share.objects.get(status="open").funded_minor == COST // 2
    assert (
        sum(
            Share.objects.get(pk=s.pk).contributions.filter(donor=pool.donor).count()
            for s in Share.objects.all()
        )
        == 2
    )


def test_the_last_gift_is_matched_in_proportion_so_the_pool_never_overshoots():
    campaign = hope()
    pool = promise(campaign, unit=MatchUnit.RESCUES, rescues_target=1)
    gift(donor(), 1_000_000, campaign)  # matched 1,000,000: 1,000,000 of room left
    gift(donor(), 1_000_000, campaign)  # room 1,000,000 → match 500,000
    pool.refresh_from_db()
    assert list(Match.objects.order_by("id").values_list("amount_minor", flat=True)) == [
        1_000_000,
        500_000,
    ]
    assert pool.matched_gifts_minor + pool.drawn_minor == 3_500_000  # the gift is counted whole
    assert pool.exhausted_at is not None


def test_a_reversed_gift_gives_its_match_back_and_reopens_the_pool():
    campaign = hope()
    pool = promise(campaign, total_cap_minor=100_000)
    given = gift(donor(), 100_000, campaign)
    pool.refresh_from_db()
    assert pool.exhausted_at is not None
    donations.donation_reverse(actor=None, donation=given, reason="refund")
    pool.refresh_from_db()
    assert pool.drawn_minor == 0
    assert pool.exhausted_at is None
    assert sum(Match.objects.values_list("amount_minor", flat=True)) == 0


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"percent": 0, "total_cap_minor": 1}, "percent"),
        ({"percent": 1001, "total_cap_minor": 1}, "percent"),
        ({"total_cap_minor": None}, "total_cap"),
        ({"total_cap_minor": -5}, "total_cap"),
        ({"unit": MatchUnit.RESCUES, "rescues_target": 0}, "rescues_target"),
        ({"unit": "hugs", "total_cap_minor": 1}, "unit"),
    ],
)
def test_impossible_promises_are_refused(fields, field):
    campaign = hope()
    with pytest.raises(FundraisingError) as caught:
        promise(campaign, **fields)
    assert field in caught.value.message_dict
