"""One quarterly report at scale: its figures against hand-written SQL, and the disclosure
check (with the attacker) over earlier releases.

By default 50,000 people (a fifth of them reached safety over the last 15 months, each
with a first status change to "arrived") and a ledger of about 2,000,000 entries (800,000
gifts and 100,000 paid expenses over two years, made by ``bench.funds_totals``' own
generator: ``INSERT ... SELECT`` in the database, rollups by ``rollups.rebuild``).

1. **Figures of one quarterly report**: ``reports.figures.gather`` for the last whole
   quarter, as the command line reads (``compose.OPERATOR``), against hand-written SQL
   for the same figures through ``connection.cursor()`` (arrivals and their
   quasi-identifiers by the first status change to "arrived" in the period; money raised
   by channel, spent by category, fees, currencies, each donor's gifts by channel and the
   rates used, from the ledger in the base currency; Hope Sharing's counts; the
   testimonies of the period's arrivals). Both must give the same figures. Target
   (issue 15): <= 2x.
2. **Disclosure check, 10 tables over 4 earlier releases**: the four quarters before are
   composed (``compose.compose``) and written as releases from that output; then
   ``disclosure.control_list`` and ``disclosure.control_tables`` with ten tables (the
   report's four, sex, who x home, month x who, and three year-to-date tables) against the
   history, timed. Target (issue 15): under 10 s; the hidden cells and the attacker's
   linear programmes are counted.

    python -m bench.reports [--people N] [--donations N] [--expenses N] [--tiny]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from unittest import mock

from bench import funds_totals, harness

PEOPLE, DONATIONS, EXPENSES = 50_000, 800_000, 100_000
TINY_PEOPLE, TINY_DONATIONS, TINY_EXPENSES = 300, 8_000, 1_000
ARRIVED_SHARE = 0.2
QUARTERS_BACK = 5  # the report's quarter and the four before it
RUNS, WARMUP, CHECK_RUNS = 5, 1, 3
TARGET = 2.0
CHECK_LIMIT_S = 10.0
SEED = 20261203


def quarters(today: dt.date, count: int) -> list[tuple[dt.date, dt.date]]:
    """The last ``count`` whole quarters before ``today``, oldest first."""
    index = (today.year * 12 + today.month - 1) // 3 * 3  # this quarter's first month
    found = []
    for back in range(count, 0, -1):
        first = index - 3 * back
        start = dt.date(first // 12, first % 12 + 1, 1)
        following = first + 3
        end = dt.date(following // 12, following % 12 + 1, 1) - dt.timedelta(days=1)
        found.append((start, end))
    return found


def populate(count: int, first_day: dt.date, last_day: dt.date, rng: random.Random) -> int:
    """People in families of one to four, a share of whom reached safety between the two
    days (one status change to "arrived" each, written in bulk). Returns the arrivals."""
    from django.utils import timezone

    from safepassage.cases.models import Group, Person, Province, Status, StatusChange
    from safepassage.testing.people import make_case

    case = make_case()
    provinces = list(Province.values)
    weights = [funds_weights(p) for p in provinces]
    zone = timezone.get_default_timezone()
    span = (last_day - first_day).days + 1
    people, groups, arrived_at = [], [], []
    while len(people) < count:
        group = Group(case=case, label=f"F{len(groups)}")
        groups.append(group)
        arrived = rng.random() < ARRIVED_SHARE
        when = None
        if arrived:
            day = first_day + dt.timedelta(days=rng.randrange(span))
            when = dt.datetime.combine(day, dt.time(rng.randrange(24), rng.randrange(60)), zone)
        for n in range(rng.choice([1, 1, 1, 2, 2, 3, 4])):
            child = n > 0 and rng.random() < 0.6
            abroad = rng.random() < 0.03
            people.append(
                Person(
                    case=case,
                    group=group,
                    sex=rng.choice(["female"] * 7 + ["male"] * 2 + [""]),
                    birth_year=None
                    if rng.random() < 0.03
                    else (rng.randint(2010, 2025) if child else rng.randint(1950, 2006)),
                    province=""
                    if abroad or rng.random() < 0.02
                    else rng.choices(provinces, weights)[0],
                    born_abroad=abroad,
                    status=Status.ARRIVED
                    if arrived
                    else rng.choice([Status.IN_HIDING, Status.AWAITING_RESCUE, Status.INTAKE]),
                    real_name_masked=rng.choice(["Kim OO", "Lee OO", "Park OO", "Choi OO", ""]),
                    priority=rng.randint(0, 120),
                )
            )
            arrived_at.append(when)
    Group.objects.bulk_create(groups, batch_size=2000)
    Person.objects.bulk_create(people, batch_size=2000)
    changes = [
        StatusChange(
            person=person,
            from_status=Status.THIRD_COUNTRY,
            to_status=Status.ARRIVED,
            created_at=when,
        )
        for person, when in zip(people, arrived_at, strict=True)
        if when is not None
    ]
    StatusChange.objects.bulk_create(changes, batch_size=2000)
    return len(changes)


def funds_weights(province: str) -> int:
    from bench.cases import PROVINCE_WEIGHTS

    return PROVINCE_WEIGHTS.get(province, 1)


# --- the figures by hand -------------------------------------------------------------------


def _moment(value) -> dt.datetime:
    from django.utils.dateparse import parse_datetime

    if isinstance(value, str):
        value = parse_datetime(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value


def _day(value) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def hand_figures(start: dt.date, end: dt.date, *, scope: str, on: dt.date) -> dict:
    """The figures ``gather`` reads, in hand-written SQL, as plain data."""
    from django.conf import settings
    from django.db import connection

    from safepassage.base import periods
    from safepassage.cases.models import Case, Group
    from safepassage.cases.selectors import Arrival, family_key
    from safepassage.funds.services import ledger
    from safepassage.vault import masks

    ops = connection.ops
    # The ids as the ORM hands them to ``family_key`` (a UUID, not SQLite's hex text).
    group_key, case_key = Group._meta.pk, Case._meta.pk
    lo, hi = periods.bounds(start, end)
    lo, hi = ops.adapt_datetimefield_value(lo), ops.adapt_datetimefield_value(hi)
    d_start, d_end = ops.adapt_datefield_value(start), ops.adapt_datefield_value(end)
    base = settings.BASE_CURRENCY
    on_q = ops.quote_name("on")
    expense_accounts = dict((a, c) for c, a in ledger.EXPENSE_ACCOUNTS.items())
    marks = ", ".join(["%s"] * len(expense_accounts))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.id, p.case_id, p.group_id, p.sex, p.birth_year, p.province,"
            " p.born_abroad, p.real_name_masked, a.at FROM cases_person p JOIN"
            " (SELECT person_id, MIN(created_at) AS at FROM cases_statuschange"
            " WHERE to_status = 'arrived' GROUP BY person_id) a ON a.person_id = p.id"
            " WHERE a.at >= %s AND a.at < %s ORDER BY a.at, p.id",
            [lo, hi],
        )
        rows = cursor.fetchall()
        arrivals = []
        ids = []
        for pk, case_id, group_id, sex, birth_year, province, abroad, masked, at in rows:
            ids.append(pk)
            arrivals.append(
                Arrival(
                    family=family_key(
                        group_id=group_key.to_python(group_id), case_id=case_key.to_python(case_id)
                    ),
                    month=periods.month_of(_moment(at)),
                    sex=sex or "",
                    birth_year=birth_year,
                    province=province or "",
                    born_abroad=bool(abroad),
                    pseudonym="" if (masked or "") == masks.HIDDEN else (masked or ""),
                )
            )
        period = f"{on_q} >= %s AND {on_q} <= %s"
        cursor.execute(
            f"SELECT channel, SUM(amount_minor) FROM funds_entry WHERE {period}"
            " AND account_id = %s GROUP BY channel",
            [d_start, d_end, ledger.DONATIONS],
        )
        raised = {c: -int(t) for c, t in cursor.fetchall() if t}
        cursor.execute(
            f"SELECT account_id, SUM(amount_minor) FROM funds_entry WHERE {period}"
            f" AND account_id IN ({marks}) GROUP BY account_id",
            [d_start, d_end, *expense_accounts],
        )
        spent = {expense_accounts[a]: int(t) for a, t in cursor.fetchall() if t}
        cursor.execute(
            f"SELECT SUM(amount_minor) FROM funds_entry WHERE {period} AND account_id = %s",
            [d_start, d_end, ledger.FEES],
        )
        fees = int(cursor.fetchone()[0] or 0)
        cursor.execute(
            f"SELECT DISTINCT currency FROM funds_entry WHERE {period}", [d_start, d_end]
        )
        currencies = tuple(sorted(c for (c,) in cursor.fetchall()))
        cursor.execute(
            "SELECT g.channel, COALESCE(d.merged_into_id, g.donor_id), SUM(g.base_gross_minor)"
            " FROM funds_donation g JOIN funds_donor d ON d.id = g.donor_id"
            " WHERE g.received_on >= %s AND g.received_on <= %s"
            " GROUP BY g.channel, COALESCE(d.merged_into_id, g.donor_id)",
            [d_start, d_end],
        )
        gifts = cursor.fetchall()
        cursor.execute(
            "SELECT DISTINCT g.currency, COALESCE(r.received_on, g.received_on), g.rate"
            " FROM funds_donation g LEFT JOIN funds_donation r ON r.id = g.reverses_id"
            " WHERE g.received_on >= %s AND g.received_on <= %s AND g.currency <> %s",
            [d_start, d_end, base],
        )
        used = {(c, _day(day), rate) for c, day, rate in cursor.fetchall()}
        cursor.execute(
            "SELECT DISTINCT x.currency, x.spent_on, x.rate FROM funds_entry e"
            " JOIN funds_transaction t ON t.id = e.transaction_id"
            " JOIN funds_expense x ON x.id = t.expense_id"
            f" WHERE e.{on_q} >= %s AND e.{on_q} <= %s AND e.account_id IN ({marks})"
            " AND e.currency <> %s",
            [d_start, d_end, *expense_accounts, base],
        )
        used |= {(c, _day(day), rate) for c, day, rate in cursor.fetchall()}
        table = {}
        if used:
            cursor.execute(
                f"SELECT currency, {on_q}, rate, source FROM funds_exchangerate"
                f" WHERE currency IN ({', '.join(['%s'] * len({u[0] for u in used}))})",
                sorted({u[0] for u in used}),
            )
            table = {(c, _day(day)): (r, s) for c, day, r, s in cursor.fetchall()}
        hope = hand_hope(cursor, d_start, d_end, lo, hi)
        testimonies = 0
        if ids:
            cursor.execute(
                "SELECT COUNT(*) FROM cases_testimony t"
                " JOIN vault_datakey k ON k.id = t.data_key_id"
                " WHERE t.consent_given_on <= %s AND t.consent_withdrawn_at IS NULL"
                " AND k.shredded_at IS NULL AND (t.consent_expires_on IS NULL"
                " OR t.consent_expires_on > %s) AND t.consent_scope IN ('public', %s)"
                f" AND t.person_id IN ({', '.join(['%s'] * len(ids))})",
                [ops.adapt_datefield_value(on), ops.adapt_datefield_value(on), scope, *ids],
            )
            testimonies = cursor.fetchone()[0]
    totals: dict[str, int] = {}
    for _channel, giver, total in gifts:
        totals[str(giver)] = totals.get(str(giver), 0) + int(total or 0)
    numbers = {g: n for n, g in enumerate(sorted(totals, key=lambda g: (-totals[g], g)), 1)}
    donors: dict[str, dict[int, int]] = {}
    for channel, giver, total in gifts:
        if total:
            donors.setdefault(channel, {})[numbers[str(giver)]] = int(total)
    sources, unsourced = set(), 0
    for currency, day, rate in used:
        found = table.get((currency, day))
        if found is not None and found[0] == rate:
            sources.add(found[1])
        else:
            unsourced += 1
    return {
        "arrivals": tuple(arrivals),
        "raised": dict(sorted(raised.items())),
        "spent": dict(sorted(spent.items())),
        "fees_minor": fees,
        "donors": {c: dict(sorted(a.items())) for c, a in sorted(donors.items())},
        "rates_sources": tuple(sorted(sources)),
        "unsourced": unsourced,
        "currencies": currencies,
        "hope": hope,
        "testimonies": testimonies,
    }


def hand_hope(cursor, d_start, d_end, lo, hi) -> tuple[int, ...]:
    from safepassage.fundraising.models import ShareStatus
    from safepassage.fundraising.selectors import FUNDED

    gifts = "d.received_on >= %s AND d.received_on <= %s"
    cursor.execute(
        "SELECT COALESCE(SUM(m.amount_minor), 0),"
        " COUNT(DISTINCT CASE WHEN m.amount_minor > 0 THEN m.matching_id END)"
        f" FROM fundraising_match m JOIN funds_donation d ON d.id = m.donation_id WHERE {gifts}",
        [d_start, d_end],
    )
    matched, pledges = cursor.fetchone()
    funded = list(FUNDED)
    cursor.execute(
        "SELECT COUNT(*) FROM fundraising_share"
        f" WHERE status IN ({', '.join(['%s'] * len(funded))})"
        " AND funded_at >= %s AND funded_at < %s",
        [*[str(s) for s in funded], lo, hi],
    )
    shares = cursor.fetchone()[0]
    cursor.execute(
        "SELECT COUNT(*) FROM fundraising_share WHERE status = %s AND rescued_at >= %s"
        " AND rescued_at < %s",
        [str(ShareStatus.RESCUED), lo, hi],
    )
    rescues = cursor.fetchone()[0]
    cursor.execute(
        "SELECT COUNT(*) FROM (SELECT c.donor_id FROM fundraising_contribution c"
        " JOIN funds_donation d ON d.id = c.donation_id"
        " JOIN fundraising_sponsor s ON s.donor_id = c.donor_id"
        f" WHERE {gifts} GROUP BY c.donor_id HAVING SUM(c.amount_minor) > 0) AS t",
        [d_start, d_end],
    )
    sponsors = cursor.fetchone()[0]
    return (int(matched or 0), pledges, shares, rescues, sponsors)


def app_figures(found) -> dict:
    """What ``gather`` returned, in the form of ``hand_figures``."""
    money, hope = found.money, found.hope
    return {
        "arrivals": found.arrivals,
        "raised": money.raised,
        "spent": money.spent,
        "fees_minor": money.fees_minor,
        "donors": money.donors,
        "rates_sources": money.rates_sources,
        "unsourced": money.unsourced,
        "currencies": money.currencies,
        "hope": (
            hope.matched_minor,
            hope.matching_pledges,
            hope.shares_funded,
            hope.rescues_funded,
            hope.sponsors,
        ),
        "testimonies": len(found.testimonies),
    }


# --- releases and the check ----------------------------------------------------------------


def make_report(start: dt.date, end: dt.date, title: str):
    from safepassage.reports import compose
    from safepassage.reports.services import workflow

    return workflow.report_create(
        actor=compose.OPERATOR,
        title=title,
        period_start=start,
        period_end=end,
        audience="public",
        language="both",
        base_currency="KRW",
    )


def publish_directly(report, actor) -> int:
    """The composition written as a release (what ``workflow.publish`` freezes, without
    the submit / approve round trip). Returns its figures."""
    from django.utils import timezone

    from safepassage.reports import compose
    from safepassage.reports.models import Release, ReleaseKind

    composition = compose.compose(report=report, user=None)
    now = timezone.now()
    Release.objects.create(
        report=report,
        kind=ReleaseKind.PUBLISHED,
        version=report.version,
        snapshot=composition.published_snapshot(now),
        figures=composition.figures,
        decisions=composition.decisions,
        data_hash=composition.data_hash,
        actor=actor,
        created_at=now,
    )
    return len(composition.figures)


def specs(months: list[str], ytd: list[str]):
    from safepassage.reports import disclosure as dc

    return [
        dc.TableSpec("headline", ()),
        dc.TableSpec("per_month", ("month",)),
        dc.TableSpec("who", ("who",)),
        dc.TableSpec("where", ("home",)),
        dc.TableSpec("sex", ("sex",)),
        dc.TableSpec("who_home", ("who", "home")),
        dc.TableSpec("month_who", ("month", "who")),
        dc.TableSpec("ytd_headline", (), months=tuple(ytd)),
        dc.TableSpec("ytd_who", ("who",), months=tuple(ytd)),
        dc.TableSpec("ytd_where", ("home",), months=tuple(ytd)),
    ]


def disclosure_check(report, *, runs: int) -> None:
    from safepassage.base import periods
    from safepassage.cases import selectors as case_selectors
    from safepassage.reports import compose, selectors
    from safepassage.reports import disclosure as dc
    from safepassage.reports.disclosure.attacker import Attacker

    start, end = report.period_start, report.period_end
    year_start = dt.date(end.year, 1, 1)
    months = periods.months(start, end)
    ytd = periods.months(year_start, end)
    # Everyone a table counts: the year so far (the quarter's people among them).
    people = [
        compose._person(a)
        for a in case_selectors.arrivals(user=compose.OPERATOR, start=year_start, end=end)
    ]
    in_period = [p for p in people if p.month in months]
    label = compose.release_label(report)
    history = selectors.history(excluding_label=label)
    control = compose.disclosure_settings()
    tables_specs = specs(months, ytd)
    counted = {"lp": 0}
    original = Attacker._programme

    def counting(self, *args, **kwargs):
        counted["lp"] += 1
        return original(self, *args, **kwargs)

    def check():
        listed = dc.control_list(in_period, release=label, settings=control)
        return listed, dc.control_tables(
            people,
            tables_specs,
            months=months,
            history=history,
            also_published=listed.figures,
            release=label,
            settings=control,
        )

    seconds = []
    with mock.patch.object(Attacker, "_programme", counting):
        for _run in range(runs):
            counted["lp"] = 0
            began = time.perf_counter()
            try:
                listed, outcome = check()
            except dc.InconsistentLedger:
                # Not a timing: the attacker found the ledger infeasible. Say so plainly,
                # with what it had done, and fail (the control could not publish).
                print(
                    f"disclosure check, {len(tables_specs)} tables over 4 earlier releases:"
                    f" ERROR InconsistentLedger after {time.perf_counter() - began:.2f} s and"
                    f" {counted['lp']:,} linear programmes ({len(in_period):,} people in the"
                    f" quarter, {len(people):,} in the year so far, {len(history):,} earlier"
                    " figures)",
                    flush=True,
                )
                raise
            seconds.append(time.perf_counter() - began)
            lps = counted["lp"]
    took = statistics.median(seconds)
    hidden = sum(1 for fig in outcome.figures if fig["value"] is None)
    earlier = sum(1 for d in outcome.decisions if d["reason"] == "earlier")
    if harness.is_tiny():
        judged = harness.TINY_VERDICT
    else:
        judged = "PASS" if took < CHECK_LIMIT_S else "OVER"
    print(
        f"disclosure check, {len(tables_specs)} tables over 4 earlier releases:"
        f" {took:.2f} s (median of {runs}; target < {CHECK_LIMIT_S:.0f} s: {judged})"
    )
    print(
        f"  {len(in_period):,} people in the quarter, {len(people):,} in the year so far;"
        f" {len(history):,} earlier figures; {len(outcome.figures):,} cells of this release,"
        f" {hidden:,} hidden ({len(outcome.unprotectable)} unprotectable),"
        f" {earlier:,} earlier hidden cells re-checked; the list: {len(listed.listed):,}"
        f" listed, {listed.held_back:,} held back; attacker: {lps:,} linear programmes"
        f" (milp included) in the last run"
    )


# --- main -------------------------------------------------------------------------------


def run(*, people: int, donations: int, expenses: int, runs: int, warmup: int, check_runs: int):
    from django.db import connection
    from django.utils import timezone

    from safepassage.accounts.models import Role
    from safepassage.reports import compose, figures
    from safepassage.testing.members import make_member

    print(harness.describe_site(), flush=True)
    rng = random.Random(SEED)
    today = timezone.localdate()
    periods_ = quarters(today, QUARTERS_BACK)
    began = time.perf_counter()
    arrived = populate(people, periods_[0][0], periods_[-1][1], rng)
    d = funds_totals.Dialect(connection)
    funds_totals.load(d, donations=donations, expenses=expenses)
    if not d.pg:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE cases_person, cases_statuschange")
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM funds_entry")
        entries = cursor.fetchone()[0]
    print(
        f"generated in {time.perf_counter() - began:.1f} s: {people:,} people,"
        f" {arrived:,} arrivals from {periods_[0][0]} to {periods_[-1][1]};"
        f" {donations:,} gifts and {expenses:,} expenses, {entries:,} ledger entries",
        flush=True,
    )

    director = make_member(Role.Code.DIRECTOR).user
    began = time.perf_counter()
    written = 0
    for number, (start, end) in enumerate(periods_[:-1]):
        report = make_report(start, end, f"Quarter {number + 1} report")
        written += publish_directly(report, director)
    print(
        f"4 earlier quarterly releases composed and written in"
        f" {time.perf_counter() - began:.1f} s ({written:,} ledger figures)",
        flush=True,
    )

    start, end = periods_[-1]
    report = make_report(start, end, "This quarter's report")
    found = figures.gather(user=compose.OPERATOR, report=report)
    on = found.on
    mine = app_figures(found)
    hand = hand_figures(start, end, scope=found.scope, on=on)
    for key in mine:
        assert mine[key] == hand[key], (
            f"the hand-written SQL differs from gather on {key}: {mine[key]!r:.300}"
            f" against {hand[key]!r:.300}"
        )
    print(
        f"checked: gather and the hand-written SQL give the same figures"
        f" ({len(found.arrivals):,} arrivals, {len(found.money.raised)} channels,"
        f" {len(found.money.spent)} categories, "
        f"{sum(len(a) for a in found.money.donors.values()):,} donor-channel amounts)",
        flush=True,
    )
    comparison = harness.compare(
        f"figures of one quarterly report ({start:%Y-%m} to {end:%Y-%m})",
        baseline=lambda: hand_figures(start, end, scope=found.scope, on=on),
        real=lambda: figures.gather(user=compose.OPERATOR, report=report, on=on),
        runs=runs,
        warmup=warmup,
        target=TARGET,
    )
    harness.print_table([comparison])
    print()
    disclosure_check(report, runs=check_runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reports", description=__doc__)
    parser.add_argument("--people", type=int, default=PEOPLE, help=f"default {PEOPLE:,}")
    parser.add_argument("--donations", type=int, default=DONATIONS, help=f"default {DONATIONS:,}")
    parser.add_argument("--expenses", type=int, default=EXPENSES, help=f"default {EXPENSES:,}")
    parser.add_argument("--runs", type=int, default=RUNS, help=f"timed runs (default {RUNS})")
    harness.add_tiny_option(parser)
    args = parser.parse_args(argv)
    warmup, check_runs = WARMUP, CHECK_RUNS
    if args.tiny:
        args.people, args.donations, args.expenses = TINY_PEOPLE, TINY_DONATIONS, TINY_EXPENSES
        args.runs, warmup, check_runs = 1, 0, 1
    if args.donations < funds_totals.REVERSE_EVERY or args.expenses < funds_totals.MONTHS:
        parser.error("too few gifts or expenses for the generator")
    with harness.throwaway_site():
        run(
            people=args.people,
            donations=args.donations,
            expenses=args.expenses,
            runs=args.runs,
            warmup=warmup,
            check_runs=check_runs,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
