"""Two sponsors giving at the same moment are never given the same person (PostgreSQL,
real concurrent transactions)."""

from __future__ import annotations

import pytest

from safepassage.fundraising.models import Match, MatchingPledge, MatchUnit, Share, ShareStatus
from safepassage.fundraising.services import matching
from safepassage.testing.concurrency import run_together
from safepassage.testing.hope import COST, donor, gift, hope, sponsor, today, waiting
from safepassage.testing.markers import postgres_only


def on_postgres(test):
    for mark in [*postgres_only, pytest.mark.django_db(transaction=True)]:
        test = mark(test)
    return test


@on_postgres
def test_sponsors_giving_at_the_same_moment_get_different_people():
    campaign = hope()
    people = [waiting(birth_year=1980 + n) for n in range(3)]
    sponsors = [sponsor() for _ in range(6)]

    run_together(6, lambda n: gift(sponsors[n].donor, COST, campaign))

    shares = Share.objects.all()
    assert shares.count() == 6
    assigned = [s.person_id for s in shares if s.status == ShareStatus.ASSIGNED]
    assert sorted(assigned) == sorted(p.pk for p in people)  # each once, nobody twice
    assert shares.filter(status=ShareStatus.FUNDED, person__isnull=True).count() == 3


@on_postgres
def test_a_coordinator_and_a_gift_at_the_same_moment_cannot_both_take_one_person():
    from safepassage.fundraising.services import shares as service
    from safepassage.fundraising.services.errors import FundraisingError

    campaign = hope()
    gift(sponsor().donor, COST, campaign)  # nobody waits yet: funded
    waiting_share = Share.objects.get()
    person = waiting()  # the only person: the worker's task would give the share to her
    Share.objects.filter(pk=waiting_share.pk).update(status=ShareStatus.FUNDED)

    def work(n):
        if n == 0:
            try:
                return service.assign(share=waiting_share, person=person, actor=None)
            except FundraisingError as error:
                return error
        return gift(sponsor().donor, COST, campaign)

    run_together(2, work)

    held = Share.objects.filter(person=person)
    assert held.count() == 1
    assert Share.objects.filter(status=ShareStatus.FUNDED).count() == 1


@on_postgres
def test_gifts_at_the_same_moment_never_draw_a_matching_pool_past_its_cap():
    campaign = hope()
    pool = matching.matching_create(
        actor=None,
        donor=donor("Matcher"),
        campaign=campaign,
        unit=MatchUnit.MONEY,
        total_cap_minor=250_000,
        starts_on=today(),
    )
    givers = [donor() for _ in range(5)]

    run_together(5, lambda n: gift(givers[n], 100_000, campaign))

    pool = MatchingPledge.objects.get(pk=pool.pk)
    assert pool.drawn_minor == 250_000
    assert sorted(Match.objects.values_list("amount_minor", flat=True)) == [
        50_000,
        100_000,
        100_000,
    ]
    assert pool.exhausted_at is not None
