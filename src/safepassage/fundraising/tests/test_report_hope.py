"""A report's matching and Hope Sharing outcomes (``selectors.report_hope``): what the
pools matched, the shares funded, the rescues they paid for and the sponsors who gave, in
a period cut in the organisation's time zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from safepassage.accounts.models import Role
from safepassage.cases import services as cases
from safepassage.cases.models import Status
from safepassage.fundraising import selectors
from safepassage.fundraising.models import MatchUnit, Share, ShareStatus
from safepassage.fundraising.services import matching
from safepassage.funds.services import donations
from safepassage.testing.hope import COST, donor, gift, hope, sponsor, today, waiting
from safepassage.testing.members import make_member

pytestmark = pytest.mark.django_db

R = Role.Code
SEOUL = ZoneInfo("Asia/Seoul")


@pytest.fixture
def author(db):
    return make_member(R.COMMUNICATIONS).user


def this_month() -> tuple[dt.date, dt.date]:
    return today().replace(day=1), today()


def test_matches_shares_rescues_and_sponsors_of_the_period(author):
    campaign = hope()
    matcher = matching.matching_create(
        actor=None,
        donor=donor("매칭 후원자"),
        campaign=campaign,
        starts_on=today(),
        unit=MatchUnit.MONEY,
        total_cap_minor=10 * COST,
    )
    travelling, staying = waiting(real_name="김선희"), waiting(real_name="王美华")
    first, second = sponsor(name="Sunhee Park"), sponsor(name="이영수")
    # The first sponsor's own share, and a pooled one filled by the matches (COST, then
    # COST / 2 with the second sponsor's match): two funded; the second's own share is
    # half full.
    gift(first.donor, COST, campaign)
    gift(second.donor, COST // 2, campaign)
    taken_back = gift(donor("Mira Kovač"), 100_000, campaign)
    donations.donation_reverse(actor=None, donation=taken_back, reason="Card dispute")
    for status in (Status.IN_TRANSIT, Status.THIRD_COUNTRY, Status.ARRIVED):
        cases.person_set_status(actor=None, person=travelling, to_status=status)

    start, end = this_month()
    found = selectors.report_hope(user=author, start=start, end=end)
    assert found.currency == "KRW"
    # COST + COST/2 matched; the reversed gift's match given back.
    assert found.matched_minor == COST + COST // 2
    assert found.matching_pledges == 1
    assert found.shares_funded == 2
    assert Share.objects.filter(status=ShareStatus.OPEN, sponsor=second).exists()
    assert found.rescues_funded == 1
    assert found.sponsors == 2  # the matcher and the one-off giver are not sponsors
    matcher.refresh_from_db()
    assert found.matched_minor == matcher.drawn_minor  # the pool agrees
    assert Share.objects.get(person=staying).status == ShareStatus.ASSIGNED

    last_month = start - dt.timedelta(days=1)
    before = selectors.report_hope(user=author, start=last_month.replace(day=1), end=last_month)
    assert before == selectors.HopeOutcomes(currency="KRW")


def test_a_share_funded_just_before_midnight_in_seoul_is_that_days(author, settings):
    settings.TIME_ZONE = "Asia/Seoul"
    campaign = hope()
    gift(sponsor().donor, COST, campaign)
    share = Share.objects.get(status=ShareStatus.FUNDED)
    start, end = this_month()
    # 23:59 in Seoul on the last day of last month is 14:59 UTC: last month's.
    edge = dt.datetime.combine(start, dt.time(), tzinfo=SEOUL) - dt.timedelta(minutes=1)
    Share.objects.filter(pk=share.pk).update(funded_at=edge)
    assert selectors.report_hope(user=author, start=start, end=end).shares_funded == 0
    last = start - dt.timedelta(days=1)
    earlier = selectors.report_hope(user=author, start=last.replace(day=1), end=last)
    assert earlier.shares_funded == 1


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        (R.COMMUNICATIONS, True),
        (R.DIRECTOR, True),
        (R.FINANCE, True),  # finance sees Hope Sharing's pages
        (R.RESCUE_COORDINATOR, True),
        (R.CASE_WORKER, False),
        (R.ADVOCACY, False),
        (R.DONOR, False),
    ],
)
def test_only_who_writes_reports_or_sees_hope_sharing_reads_it(role, sees):
    gift(sponsor().donor, COST, hope())
    start, end = this_month()
    found = selectors.report_hope(user=make_member(role).user, start=start, end=end)
    assert (found.shares_funded == 1) is sees
