"""Hope Sharing: gifts fill shares, funded shares go to people by priority, news follows
the journey, and a person who cannot go on is replaced for the sponsor."""

from __future__ import annotations

import pytest

from safepassage.cases import services as cases
from safepassage.cases.models import Status
from safepassage.fundraising.models import (
    Contribution,
    GiftIntake,
    News,
    NewsKind,
    Share,
    ShareStatus,
)
from safepassage.fundraising.services import costs, shares
from safepassage.fundraising.services.errors import FundraisingError
from safepassage.funds.services import donations
from safepassage.testing.hope import COST, donor, gift, hope, sponsor, today, waiting

pytestmark = pytest.mark.django_db


def test_a_sponsors_gift_funds_a_share_that_goes_to_the_first_person_by_priority():
    campaign = hope()
    later = waiting(birth_year=1960, sex="male")
    first = waiting(birth_year=1998, pregnant=True)
    citizen = sponsor()
    gift(citizen.donor, COST, campaign)
    share = Share.objects.get()
    assert share.kind == Share.Kind.OWN
    assert share.sponsor == citizen
    assert share.funded_minor == COST
    assert share.status == ShareStatus.ASSIGNED
    assert share.person == first
    assert later.priority < first.priority
    # Two people in the whole population: nothing about her can be said safely.
    assert share.profile == {"level": 4}
    kinds = list(share.news.values_list("kind", flat=True))
    assert kinds == [NewsKind.FUNDED, NewsKind.ASSIGNED]


def test_several_gifts_of_one_sponsor_fill_their_own_share_and_a_large_gift_opens_more():
    campaign = hope()
    citizen = sponsor()
    gift(citizen.donor, COST // 3, campaign)
    gift(citizen.donor, COST // 3, campaign)
    share = Share.objects.get()
    assert share.status == ShareStatus.OPEN
    assert share.funded_minor == 2 * (COST // 3)
    gift(citizen.donor, COST * 2, campaign)
    statuses = sorted(Share.objects.values_list("status", "funded_minor"))
    # One filled, a second filled (nobody waits, so both funded), the rest collecting.
    assert statuses == sorted(
        [
            (ShareStatus.FUNDED, COST),
            (ShareStatus.FUNDED, COST),
            (ShareStatus.OPEN, 2 * (COST // 3) + 2 * COST - 2 * COST),
        ]
    )


def test_small_gifts_of_several_givers_pool_into_one_share():
    campaign = hope()
    person = waiting()
    givers = [donor() for _ in range(3)]
    for giver in givers[:2]:
        gift(giver, COST // 2 - 1, campaign)
    assert Share.objects.get().status == ShareStatus.OPEN
    gift(givers[2], 10, campaign)
    share = Share.objects.get(kind=Share.Kind.POOLED, status=ShareStatus.ASSIGNED)
    assert share.person == person
    assert set(shares.recipients(share)) == {g.pk for g in givers}
    leftover = Share.objects.get(status=ShareStatus.OPEN)
    assert leftover.funded_minor == 8  # 2 x (COST/2 - 1) + 10 - COST


def test_a_gift_outside_hope_sharing_fills_nothing():
    hope()
    gift(donor(), COST)
    assert not Share.objects.exists()
    assert not GiftIntake.objects.exists()


def test_nobody_is_assigned_without_consent_or_outside_the_queue():
    campaign = hope()
    refused = waiting(agree=False)
    citizen = sponsor()
    gift(citizen.donor, COST, campaign)
    share = Share.objects.get()
    assert share.status == ShareStatus.FUNDED
    assert share.person is None
    with pytest.raises(FundraisingError, match="has not agreed"):
        shares.assign(share=share, person=refused, actor=None)
    cases.person_set_status(actor=None, person=refused, to_status=Status.IN_HIDING)
    with pytest.raises(FundraisingError, match="not awaiting rescue"):
        shares.assign(share=share, person=refused, actor=None)


def test_a_coordinator_may_choose_but_never_a_person_who_already_has_a_sponsor():
    campaign = hope()
    taken = waiting(birth_year=1985)
    gift(sponsor().donor, COST, campaign)
    assert Share.objects.get().person == taken
    second = sponsor()
    gift(second.donor, COST, campaign)  # nobody else waits: funded, not assigned
    waiting_share = Share.objects.get(status=ShareStatus.FUNDED)
    with pytest.raises(FundraisingError, match="already has a sponsor"):
        shares.assign(share=waiting_share, person=taken, actor=None)
    chosen = waiting(birth_year=1970)
    # The new person became eligible: the worker's task would give the share out; a
    # coordinator may also do it by hand.
    Share.objects.filter(pk=waiting_share.pk).update(status=ShareStatus.FUNDED, person=None)
    assigned = shares.assign(share=waiting_share, person=chosen, actor=None)
    assert assigned.person == chosen
    assert assigned.assigned_how == "coordinator"


def test_a_detained_person_s_share_goes_to_the_next_person_and_the_sponsor_is_told_kindly():
    campaign = hope()
    first = waiting(birth_year=1995, pregnant=True)
    second = waiting(birth_year=1980)
    gift(sponsor().donor, COST, campaign)
    share = Share.objects.get()
    assert share.person == first
    cases.person_set_status(actor=None, person=first, to_status=Status.DETAINED)
    share.refresh_from_db()
    assert share.person == second
    assert share.reassigned == 1
    news = News.objects.filter(share=share).order_by("created_at").last()
    assert news.kind == NewsKind.REASSIGNED
    assert news.profile


def test_the_journey_is_relayed_and_arrival_marks_the_share_rescued():
    campaign = hope()
    person = waiting()
    gift(sponsor().donor, COST, campaign)
    for status in (Status.IN_TRANSIT, Status.THIRD_COUNTRY, Status.ARRIVED):
        cases.person_set_status(actor=None, person=person, to_status=status)
    share = Share.objects.get()
    assert share.status == ShareStatus.RESCUED
    assert share.rescued_at
    kinds = list(share.news.order_by("created_at").values_list("kind", flat=True))
    assert kinds == [
        NewsKind.FUNDED,
        NewsKind.ASSIGNED,
        NewsKind.THIRD_COUNTRY,
        NewsKind.ARRIVED,
    ]


def test_a_reversed_gift_leaves_its_share_and_frees_the_person_who_has_not_left():
    campaign = hope()
    person = waiting()
    citizen = sponsor()
    given = gift(citizen.donor, COST, campaign)
    assert Share.objects.get().person == person
    donations.donation_reverse(actor=None, donation=given, reason="bank returned it")
    share = Share.objects.get()
    assert share.status == ShareStatus.OPEN
    assert share.funded_minor == 0
    assert share.person is None
    assert sum(Contribution.objects.values_list("amount_minor", flat=True)) == 0
    assert shares.eligible_people().filter(pk=person.pk).exists()


def test_gifts_wait_for_a_cost_and_fill_shares_once_it_is_set():
    campaign = hope(cost=None)
    person = waiting()
    gift(sponsor().donor, COST, campaign)
    assert not Share.objects.exists()
    assert GiftIntake.objects.get().pending
    from safepassage.testing.hope import today

    costs.cost_set(
        actor=None, starts_on=today().replace(day=1).replace(year=2000), amount_minor=COST
    )
    share = Share.objects.get()
    assert share.person == person
    assert not GiftIntake.objects.get().pending


def test_a_gift_is_taken_in_once():
    campaign = hope()
    given = gift(sponsor().donor, COST // 2, campaign)
    shares.take_in(donation=given, actor=None)
    shares.take_in_all(donations=type(given).objects.all(), actor=None)
    assert Share.objects.get().funded_minor == COST // 2


def test_a_gift_in_a_currency_without_a_rate_for_its_day_is_refused_and_fills_nothing():
    from safepassage.funds.models import Donation
    from safepassage.funds.services.errors import FundsError

    campaign = hope()
    waiting()
    with pytest.raises(FundsError, match="No exchange rate for CAD"):
        donations.donation_record(
            actor=None,
            donor=sponsor().donor,
            gross_minor=500_000,
            currency="CAD",
            received_on=today(),
            channel="bank",
            campaign=campaign,
        )
    assert not Donation.objects.exists()
    assert not Share.objects.exists()


def test_a_withdrawn_consent_releases_the_share_to_the_next_person():
    from safepassage.fundraising.services import consent

    campaign = hope()
    first = waiting(birth_year=1995, pregnant=True)
    second = waiting(birth_year=1970)
    gift(sponsor().donor, COST, campaign)
    consent.consent_withdraw(actor=None, person=first)
    share = Share.objects.get()
    assert share.person == second
    assert not shares.eligible_people().filter(pk=first.pk).exists()
    with pytest.raises(FundraisingError, match="no consent to withdraw"):
        consent.consent_withdraw(actor=None, person=first)


def test_gifts_imported_from_the_platform_fill_shares_and_draw_matches_once():
    from safepassage.fundraising.models import Match
    from safepassage.fundraising.services import matching
    from safepassage.funds.importing import import_donations
    from safepassage.funds.services import rates

    campaign = hope()
    person = waiting()
    pool = matching.matching_create(
        actor=None,
        donor=donor("Matcher"),
        campaign=campaign,
        unit="money",
        total_cap_minor=10_000_000,
        starts_on=today(),
    )
    rates.rate_set(actor=None, currency="USD", on=today(), rate="1500", source="test")
    rows = [
        "transaction_id,date,donor_name,donor_email,amount,fee,currency,campaign",
        f"ch_1,{today()},Giver One,one@example.org,1000.00,0,USD,{campaign.code}",
        f"ch_2,{today()},Giver Two,two@example.org,50.00,0,USD,",
    ]
    data = ("\n".join(rows) + "\n").encode()
    report = import_donations(path_or_bytes=data, kind="platform", actor=None)
    assert report.ok, report.rejected
    # ₩1,500,000 gift + ₩1,500,000 match = one rescue; the gift outside the campaign: none.
    share = Share.objects.get()
    assert share.person == person
    assert share.funded_minor == COST
    assert list(Match.objects.values_list("amount_minor", flat=True)) == [1_500_000]
    again = import_donations(path_or_bytes=data, kind="platform", actor=None)
    assert again.already_imported_on is not None
    pool.refresh_from_db()
    assert pool.drawn_minor == 1_500_000


def test_a_gift_to_a_team_page_is_soft_credited_to_the_team():
    from safepassage.fundraising.services import campaigns

    parent = hope()
    volunteer = donor("Team Volunteer")
    team = campaigns.campaign_create(
        actor=None,
        code="team-b",
        name="Team B",
        kind="team",
        parent=parent,
        fundraiser=volunteer,
        goal_minor=1_500_000,
        goal_currency="USD",
    )
    given = gift(donor(), 100_000, team)
    assert given.soft_credit == volunteer
    other = donor()
    credited = gift(donor(), 100_000, team, soft_credit=other)
    assert credited.soft_credit == other
