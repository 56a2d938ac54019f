"""Hope Sharing's cost on a gift, and the disclosure control behind every assignment.

A site with a Hope Sharing campaign, a money matching pledge and PEOPLE people (families of
one to three) awaiting rescue or further along, most of whom agreed to sponsorship.

- **A sponsor's gift** recorded with ``donations.donation_record`` to the Hope Sharing
  campaign (pledge check, match drawn, the sponsor's share filled and funded, the share
  given to the first person in the queue with a profile under disclosure control, news
  queued, audited), against the same gift to no campaign in the same run (the gift alone:
  conversion, ledger posting, audit). The ratio is what Hope Sharing adds to a gift;
  target <= 3x (issue 13).
- **A profile**: ``profiles.profile_for`` on the whole population, against a raw cursor
  reading the same columns of the same people (the least any k-anonymity check must read).

    python -m bench.hope [--people N]
"""

from __future__ import annotations

import argparse
import random
import sys

from bench import harness

PEOPLE = 5_000
RUNS = 40


def populate(count: int, rng: random.Random) -> None:
    """People in families, written in bulk (the bench measures the gift, not the set-up)."""
    from safepassage.cases.models import Group, Person, Province, Status
    from safepassage.fundraising.models import SponsorConsent
    from safepassage.testing.people import make_case

    case = make_case()
    provinces = list(Province.values)
    statuses = [Status.AWAITING_RESCUE] * 3 + [Status.IN_HIDING, Status.ARRIVED, Status.IN_TRANSIT]
    people, groups = [], []
    while len(people) < count:
        group = Group(case=case, label=f"F{len(groups)}")
        groups.append(group)
        size = rng.choice([1, 1, 2, 2, 3])
        status = rng.choice(statuses)
        for n in range(size):
            child = n > 0
            people.append(
                Person(
                    case=case,
                    group=group,
                    sex="female" if not child or rng.random() < 0.5 else "male",
                    birth_year=rng.randint(2012, 2024) if child else rng.randint(1960, 2004),
                    province=rng.choice(provinces),
                    status=status,
                    priority=rng.randint(0, 120),
                )
            )
    Group.objects.bulk_create(groups)
    Person.objects.bulk_create(people, batch_size=1000)
    waiting = Person.objects.filter(status=Status.AWAITING_RESCUE).values_list("pk", flat=True)
    SponsorConsent.objects.bulk_create(
        SponsorConsent(person_id=pk, given_on=harness_today()) for pk in waiting
    )


def harness_today():
    from django.utils import timezone

    return timezone.localdate()


def run(people: int) -> None:
    from django.db import connection

    from safepassage.cases.models import Person, Status
    from safepassage.fundraising import profiles
    from safepassage.fundraising.models import Share, ShareStatus
    from safepassage.fundraising.services import matching
    from safepassage.funds.services import donations
    from safepassage.testing.hope import COST, donor, hope, sponsor

    print(harness.describe_site(), flush=True)
    rng = random.Random(20261125)
    populate(people, rng)
    # As a live database's autovacuum would leave it: bulk-inserted rows have no statistics.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    campaign = hope()
    matching.matching_create(
        actor=None,
        donor=donor("Matcher"),
        campaign=campaign,
        unit="money",
        percent=10,
        total_cap_minor=10**12,
        starts_on=harness_today(),
    )
    plain_giver = donor()
    sponsors = [sponsor() for _ in range(RUNS * 2 + 10)]
    turn = iter(sponsors)

    def gift(giver, to):
        return donations.donation_record(
            actor=None,
            donor=giver,
            gross_minor=COST,
            currency="KRW",
            received_on=harness_today(),
            channel="bank",
            restriction="rescue",
            campaign=to,
        )

    waiting = Person.objects.filter(status=Status.AWAITING_RESCUE).count()
    print(
        f"{people:,} people, {waiting:,} awaiting rescue with consent;"
        f" k = {profiles.minimum_group()}"
    )
    comparisons = [
        harness.compare(
            "a sponsor's gift: Hope Sharing vs a plain gift",
            baseline=lambda: gift(plain_giver, None),
            real=lambda: gift(next(turn).donor, campaign),
            runs=RUNS,
            warmup=2,
            target=3.0,
        )
    ]
    assigned = Share.objects.filter(status=ShareStatus.ASSIGNED).count()
    person = Person.objects.filter(status=Status.AWAITING_RESCUE).first()

    statuses = [str(status) for status in profiles.POPULATION]
    marks = ", ".join(["%s"] * len(statuses))

    def raw_population():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, sex, birth_year, province, born_abroad, group_id FROM cases_person"
                f" WHERE status IN ({marks})",
                statuses,
            )
            return cursor.fetchall()

    comparisons.append(
        harness.compare(
            "a profile under disclosure control vs reading the population",
            baseline=raw_population,
            real=lambda: profiles.profile_for(person),
            runs=10,
            warmup=1,
        )
    )
    harness.print_table(comparisons)
    print(f"shares given to people during the run: {assigned} (each gift funded one rescue)")
    print(f"a profile at this size: {profiles.profile_for(person)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.hope", description=__doc__)
    parser.add_argument("--people", type=int, default=PEOPLE, help=f"default {PEOPLE:,}")
    harness.add_tiny_option(parser)
    args = parser.parse_args(argv)
    if args.tiny:  # a few hundred people, a few gifts; no target is judged anyway
        global RUNS
        args.people, RUNS = 300, 4
    with harness.throwaway_site():
        run(args.people)
    return 0


if __name__ == "__main__":
    sys.exit(main())
