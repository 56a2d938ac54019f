"""What the rescue watch and the check-in API cost, against raw SQL and a bare Django view.

On 10,000 missions under way (one leg under way each, three legs a mission), besides 200
paused and 1,000 completed missions, with families travelling on each:

- the overdue scan, ``rescue.services.alerts.scan(now=...)``: once as the first scan that
  finds the ~1% of legs just past the overdue threshold and raises their alerts (committed,
  timed once), then in the steady state the two-minute worker mostly sees (the same
  ``now`` again: nothing new to raise), against the same three SELECTs (one a threshold)
  through a raw DB-API cursor;
- the check-in endpoint, ``POST /api/v1/check-ins`` (token, PIN, mission lock, idempotency
  check, leg update, timeline event, audit entry), in rounds of one check-in on each of 75
  missions with issued links, against a bare Django view that makes the same single
  INSERT of a check-in row; both through the same test ``Client`` and the whole middleware
  stack. Then one round of the same check-ins sent again (replays).

The scan's ratio is a figure to watch; the API check-in has a target (issue 13): at most
5x the bare view. ``--tiny`` runs every step on a few hundred missions in seconds, so a
benchmark that no longer runs fails at once; its figures are not judged.

    python -m bench.rescue [--tiny]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
import types

from bench import harness

UNDER_WAY = 10_000
PAUSED = 200
COMPLETED = 1_000
ROUTES = 8
PARTNERS = 25
# Legs under way whose deadline passed the overdue threshold since the last scan.
JUST_OVERDUE = UNDER_WAY // 100
# Legs long past due, already alerted by earlier scans: escalated, and silent.
ESCALATED, SILENT = 15, 5
FAMILY_SIZES, FAMILY_WEIGHTS = (1, 2, 3, 4), (3, 4, 2, 1)
BATCH = 2000
SEED = 20261124
SCAN_RUNS, SCAN_WARMUP = 30, 3
LINKED = 75
ROUNDS, ROUND_WARMUP = 4, 1
CHECK_IN_TARGET = 5.0  # the API check-in, against the bare view
TINY = False


def use_tiny_size() -> None:
    """Every step once, on a few hundred missions: seconds, not minutes; nothing judged."""
    global UNDER_WAY, PAUSED, COMPLETED, ROUTES, PARTNERS, JUST_OVERDUE, ESCALATED, SILENT
    global SCAN_RUNS, SCAN_WARMUP, LINKED, ROUNDS, TINY
    UNDER_WAY, PAUSED, COMPLETED, ROUTES, PARTNERS = 300, 10, 30, 2, 5
    JUST_OVERDUE, ESCALATED, SILENT = UNDER_WAY // 100, 2, 1
    SCAN_RUNS, SCAN_WARMUP, LINKED, ROUNDS, TINY = 3, 1, 10, 2, True


# Code name, country, hours from the previous stop, means: four stops, three legs.
ROUTE_SHAPES = [
    [("", "CN", 0, ""), ("", "CN", 9, "bus"), ("", "LA", 20, "river"), ("", "TH", 30, "car")],
    [("", "CN", 0, ""), ("", "CN", 14, "train"), ("", "VN", 26, "on_foot"), ("", "LA", 18, "car")],
]


# --- generation -------------------------------------------------------------------------


def unique_codes(rng: random.Random, count: int, *, length: int = 8, prefix: str = "") -> list:
    from safepassage.vault.models import CODE_ALPHABET

    codes: set[str] = set()
    while len(codes) < count:
        codes.add(prefix + "".join(rng.choices(CODE_ALPHABET, k=length)))
    return sorted(codes, key=lambda _code: rng.random())


def make_places(coordinator) -> tuple[list, list]:
    """Routes of four safe points and field partners, through the app's own services."""
    from safepassage.rescue.models import RouteStop
    from safepassage.rescue.services import places

    routes = []
    for number in range(ROUTES):
        shape = ROUTE_SHAPES[number % len(ROUTE_SHAPES)]
        stops = []
        for position, (_code, country, hours, means) in enumerate(shape):
            point = places.safe_point_create(
                actor=coordinator,
                code_name=f"BENCH-{number}-{position}",
                country=country,
                real_place=f"Real place {number}-{position}",
                directions="Second gate, ask for the tea seller",
                contact="+86 138 0000 0000",
            )
            stops.append(places.Stop(safe_point=point, hours=hours, means=means))
        routes.append(places.route_create(actor=coordinator, name=f"Bench {number}", stops=stops))
    stops_of = {
        route.pk: list(
            RouteStop.objects.filter(route=route).select_related("safe_point").order_by("position")
        )
        for route in routes
    }
    partners = [
        places.partner_create(
            actor=coordinator,
            pseudonym=f"Heron {number}",
            real_name=f"Partner {number}",
            phone=f"+86 138 0000 {number:04d}",
            language="en",
        )
        for number in range(PARTNERS)
    ]
    return [(route, stops_of[route.pk]) for route in routes], partners


def deadline(rng: random.Random, index: int, now: dt.datetime) -> tuple[dt.datetime, int]:
    """The current leg's deadline and its alert level, for the ``index``-th mission under way.

    The first ``JUST_OVERDUE`` crossed the overdue threshold since the last scan; the next
    ones are long past due and were alerted before; the rest are on schedule or within
    the grace period before the first threshold.
    """
    from django.conf import settings

    overdue = dt.timedelta(minutes=settings.RESCUE_OVERDUE_MINUTES)
    escalate = dt.timedelta(minutes=settings.RESCUE_ESCALATE_MINUTES)
    silent = dt.timedelta(minutes=settings.RESCUE_SILENT_MINUTES)
    minutes = dt.timedelta(minutes=1)
    if index < JUST_OVERDUE:
        return now - overdue - minutes * rng.uniform(1, 58), 0
    index -= JUST_OVERDUE
    if index < ESCALATED:
        return now - escalate - minutes * rng.uniform(10, 600), 2
    index -= ESCALATED
    if index < SILENT:
        return now - silent - minutes * rng.uniform(60, 2000), 3
    # Up to 50 minutes late (not yet overdue) through two days ahead.
    return now + minutes * rng.uniform(-50, 48 * 60), 0


def generate(coordinators, routes, now: dt.datetime) -> dict:
    """Missions with their legs, travellers (sealed people in cases), events, earlier
    check-ins and alerts, built in memory and inserted with bulk_create."""
    from django.db import transaction

    from safepassage.cases import services as cases
    from safepassage.cases.models import Case, Group, Person, Status
    from safepassage.demo import generate as demo
    from safepassage.rescue.models import (
        SILENCE_ALERTS,
        Alert,
        CheckIn,
        CheckInKind,
        Leg,
        LegStatus,
        Mission,
        MissionEvent,
        MissionStatus,
        Outcome,
        Traveller,
    )
    from safepassage.vault import records

    rng = random.Random(SEED)
    team = cases.team_create(actor=coordinators[0], name="Bench rescue team")
    total = UNDER_WAY + PAUSED + COMPLETED
    statuses = (
        [MissionStatus.UNDER_WAY] * UNDER_WAY
        + [MissionStatus.PAUSED] * PAUSED
        + [MissionStatus.COMPLETED] * COMPLETED
    )
    mission_codes = unique_codes(rng, total, length=6, prefix="M-")
    sizes = rng.choices(FAMILY_SIZES, FAMILY_WEIGHTS, k=total)
    # Cases, people and earlier check-ins.
    record_codes = unique_codes(rng, 2 * total + sum(sizes))
    year = now.year
    made = {"under_way": [], "just_overdue": [], "legs": 0, "people": 0}

    for start in range(0, total, BATCH):
        numbers = range(start, min(start + BATCH, total))
        missions, legs, cases_, groups, people, travellers = [], [], [], [], [], []
        events, check_ins, alerts = [], [], []
        for number in numbers:
            status = statuses[number]
            route, stops = routes[number % len(routes)]
            hours = [stop.hours for stop in stops[1:]]
            if status == MissionStatus.COMPLETED:
                current, level = len(hours) + 1, 0
                closes = now - dt.timedelta(days=rng.uniform(1, 300))
                opens_last = closes - dt.timedelta(hours=stops[-1].slack_hours)
                departure = opens_last - dt.timedelta(hours=sum(hours))
            else:
                current = rng.randint(1, len(hours))
                if status == MissionStatus.UNDER_WAY:
                    due, level = deadline(rng, number, now)
                else:  # paused for a while: a stale deadline, often long past
                    due, level = now + dt.timedelta(hours=rng.uniform(-72, 24)), 0
                closes = due
                slack = stops[current].slack_hours
                departure = closes - dt.timedelta(hours=slack + sum(hours[:current]))
            mission = Mission(
                code=mission_codes[number],
                route=route,
                coordinator=coordinators[number % len(coordinators)],
                status=status,
                silence=level,
                planned_start=departure - dt.timedelta(hours=rng.uniform(0, 12)),
                started_at=departure,
                ended_at=closes if status == MissionStatus.COMPLETED else None,
            )
            missions.append(mission)
            mission_legs = []
            opens = departure
            for position, stop in enumerate(stops[1:], start=1):
                opens = opens + dt.timedelta(hours=stop.hours)
                leg = Leg(
                    mission=mission,
                    position=position,
                    from_point_id=stops[position - 1].safe_point_id,
                    to_point_id=stop.safe_point_id,
                    means=stop.means,
                    hours=stop.hours,
                    slack_hours=stop.slack_hours,
                    window_opens=opens,
                    window_closes=opens + dt.timedelta(hours=stop.slack_hours),
                )
                if position < current:
                    leg.status = LegStatus.ARRIVED
                    leg.started_at = opens - dt.timedelta(hours=stop.hours)
                    leg.arrived_at = opens + dt.timedelta(hours=rng.uniform(0, stop.slack_hours))
                    leg.due_at = leg.window_closes
                elif position == current:
                    leg.status = LegStatus.UNDER_WAY
                    leg.started_at = opens - dt.timedelta(hours=stop.hours)
                    leg.due_at = leg.window_closes
                    leg.alert_level = level
                mission_legs.append(leg)
            legs.extend(mission_legs)

            case = Case(
                code=record_codes.pop(),
                team=team,
                country="CN",
                region=rng.choice(demo.REGIONS),
                urgency="high",
                opened_on=(departure - dt.timedelta(days=rng.randint(20, 400))).date(),
            )
            cases_.append(case)
            size = sizes[number]
            group = Group(case=case, label="Family A") if size > 1 else None
            if group is not None:
                groups.append(group)
            ended = status == MissionStatus.COMPLETED
            for index in range(size):
                person = Person(
                    code=record_codes.pop(),
                    case=case,
                    group=group,
                    sex="female" if index == 0 or rng.random() < 0.5 else "male",
                    birth_year=rng.randint(year - 45, year - 18)
                    if index == 0
                    else rng.randint(year - 16, year - 1),
                    province=rng.choice(["north_hamgyong", "ryanggang", "south_hamgyong"]),
                    country=stops[-1].safe_point.country if ended else "CN",
                    status=Status.ARRIVED if ended else Status.IN_TRANSIT,
                    status_changed_at=closes if ended else departure,
                )
                person.real_name = demo.korean_name(rng)
                people.append(person)
                travellers.append(
                    Traveller(
                        mission=mission,
                        person=person,
                        outcome=Outcome.ARRIVED if ended else Outcome.TRAVELLING,
                        outcome_at=closes if ended else None,
                        active=not ended,
                    )
                )
            events.append(
                MissionEvent(mission=mission, kind="started", at=departure, data={"leg": 1})
            )
            if current > 1:
                arrived = mission_legs[current - 2]
                check_ins.append(
                    CheckIn(
                        code=record_codes.pop(),
                        mission=mission,
                        idempotency_key=f"earlier-{number:06d}",
                        fingerprint="0" * 64,
                        kind=CheckInKind.ARRIVED,
                        leg=arrived,
                        safe_point_id=arrived.to_point_id,
                        effect="arrived",
                        received_at=arrived.arrived_at,
                    )
                )
                mission.last_check_in_at = arrived.arrived_at
                events.append(
                    MissionEvent(
                        mission=mission,
                        kind="check_in",
                        at=arrived.arrived_at,
                        data={"kind": "arrived", "leg": arrived.position},
                    )
                )
            if status == MissionStatus.UNDER_WAY:
                leg = mission_legs[current - 1]
                for passed in range(1, level + 1):
                    alerts.append(
                        Alert(
                            mission=mission,
                            leg=leg,
                            kind=SILENCE_ALERTS[passed],
                            level=passed,
                            deadline=leg.due_at,
                            created_at=now,
                            emailed_at=now,
                        )
                    )
                made["under_way"].append((mission, leg))
                if number < JUST_OVERDUE:
                    made["just_overdue"].append(leg)
        with transaction.atomic():
            Mission.objects.bulk_create(missions, batch_size=BATCH)
            Leg.objects.bulk_create(legs, batch_size=BATCH)
            Case.objects.bulk_create(cases_, batch_size=BATCH)
            Group.objects.bulk_create(groups, batch_size=BATCH)
            records.prepare_for_bulk(people)
            Person.objects.bulk_create(people, batch_size=BATCH)
            Traveller.objects.bulk_create(travellers, batch_size=BATCH)
            MissionEvent.objects.bulk_create(events, batch_size=BATCH)
            CheckIn.objects.bulk_create(check_ins, batch_size=BATCH)
            Alert.objects.bulk_create(alerts, batch_size=BATCH)
        made["legs"] += len(legs)
        made["people"] += len(people)
    made["just_overdue"] = {leg.pk for leg in made["just_overdue"]}
    return made


def analyse() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


# --- the overdue scan -------------------------------------------------------------------

SCAN_SQL = (
    "SELECT l.id, l.due_at FROM rescue_leg l"
    " JOIN rescue_mission m ON m.id = l.mission_id"
    " WHERE l.status = {p} AND m.status = {p} AND l.due_at < {p} AND l.alert_level < {p}"
    " ORDER BY l.due_at"
)


def raw_scanner(now: dt.datetime):
    """The three SELECTs the scan makes, one a threshold, through a raw DB-API cursor."""
    from django.db import connection

    from safepassage.rescue.services import alerts

    connection.ensure_connection()
    raw = connection.connection
    sql = SCAN_SQL.format(p="%s" if connection.vendor == "postgresql" else "?")
    params = [
        (
            "under_way",
            "under_way",
            connection.ops.adapt_datetimefield_value(now - after),
            level,
        )
        for level, after in sorted(alerts.thresholds().items())
    ]

    def scan_raw() -> list[list]:
        cursor = raw.cursor()
        try:
            found = []
            for values in params:
                cursor.execute(sql, values)
                found.append(cursor.fetchall())
            return found
        finally:
            cursor.close()

    return scan_raw


def scan_section(made: dict, now: dt.datetime) -> harness.Comparison:
    from django.db import transaction

    from safepassage.rescue.models import Alert, AlertKind, Leg
    from safepassage.rescue.services import alerts

    scan_raw = raw_scanner(now)
    before = scan_raw()
    assert {row[0] for row in before[0]} == made["just_overdue"], "raw level 1 differs"
    assert [len(rows) for rows in before[1:]] == [0, 0], [len(rows) for rows in before]

    # Counted in a dry run that is rolled back, so the timed run below is the first.
    class RollBack(Exception):
        pass

    try:
        with transaction.atomic():
            with counting() as statements:
                alerts.scan(now=now)
            dry_queries = len(statements)
            raise RollBack
    except RollBack:
        pass

    alerts_before = Alert.objects.count()
    started = time.perf_counter_ns()
    raised = alerts.scan(now=now)
    first_ms = (time.perf_counter_ns() - started) / 1e6
    assert len(raised) == JUST_OVERDUE, len(raised)
    assert {a.kind for a in raised} == {AlertKind.OVERDUE}
    assert Alert.objects.count() - alerts_before == JUST_OVERDUE
    assert Leg.objects.filter(pk__in=made["just_overdue"], alert_level=1).count() == JUST_OVERDUE
    assert alerts.scan(now=now) == []
    assert [len(rows) for rows in scan_raw()] == [0, 0, 0]

    print(
        f"\nfirst scan at a fixed now: raised {len(raised)} overdue alerts in {first_ms:.1f} ms"
        f" ({first_ms / len(raised):.2f} ms an alert; {dry_queries} statements,"
        f" {(dry_queries - 3) / len(raised):.0f} an alert, counted in a rolled-back dry run)",
        flush=True,
    )
    return harness.compare(
        f"steady-state scan, {UNDER_WAY:,} legs under way",
        baseline=scan_raw,
        real=lambda: alerts.scan(now=now),
        runs=SCAN_RUNS,
        warmup=SCAN_WARMUP,
    )


# --- check-ins --------------------------------------------------------------------------

BARE_PATH = "/bench/bare-check-ins"


def bare_check_in(request):
    """The least a check-in endpoint does: read the JSON body, INSERT one check-in row."""
    import hashlib

    from django.http import JsonResponse
    from django.utils import timezone

    from safepassage.rescue.models import CheckIn

    body = json.loads(request.body)
    check_in = CheckIn.objects.create(
        mission_id=body["mission"],
        idempotency_key=body["idempotency_key"],
        fingerprint=hashlib.sha256(request.body).hexdigest(),
        kind=body["kind"],
        delay_hours=body.get("delay_hours"),
        received_at=timezone.now(),
    )
    return JsonResponse(
        {"id": check_in.code, "kind": check_in.kind, "received_at": check_in.received_at},
        status=201,
    )


def bench_urlconf():
    """The site's own URLs, and the bare view beside them."""
    from django.urls import include, path
    from django.views.decorators.csrf import csrf_exempt
    from django.views.decorators.http import require_POST

    module = types.ModuleType("bench_rescue_urls")
    module.urlpatterns = [
        path(BARE_PATH.lstrip("/"), csrf_exempt(require_POST(bare_check_in))),
        path("", include("safepassage.urls")),
    ]
    return module


@contextlib.contextmanager
def counting():
    """Statements sent during a request (transaction control left out, which differs by
    database). CaptureQueriesContext cannot see them: each request resets the query log."""
    from django.db import connection

    statements: list[str] = []

    def count(execute, sql, params, many, context):
        if not sql.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK")):
            statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        yield statements


def checkin_section(made: dict, coordinator, partners) -> None:
    from django.test import Client, override_settings
    from django.urls import reverse

    from safepassage.rescue.models import CheckIn
    from safepassage.rescue.services import checkins

    rng = random.Random(SEED + 1)
    # Missions on schedule, none of those the scan just alerted.
    on_schedule = [
        mission for mission, _leg in made["under_way"][JUST_OVERDUE + ESCALATED + SILENT :]
    ]
    chosen = rng.sample(on_schedule, LINKED)
    issued = [
        checkins.link_issue(actor=coordinator, mission=mission, partner=partners[i % PARTNERS])
        for i, mission in enumerate(chosen)
    ]
    client = Client(enforce_csrf_checks=False)
    api_path = reverse("api:check_in")
    counter = iter(range(1_000_000))

    def bodies():
        round_number = next(counter)
        return [
            {
                "idempotency_key": f"bench-{round_number:04d}-{index:04d}",
                "kind": "delayed",
                "pin": link.pin,
                # Never the same as the link's report before: that would be a repeat.
                "delay_hours": 1 + (round_number + index) % 12,
            }
            for index, link in enumerate(issued)
        ]

    def post_api(link, body, *, expect):
        response = client.post(
            api_path,
            json.dumps(body),
            content_type="application/json",
            headers={"Authorization": f"Bearer {link.token}"},
        )
        assert response.status_code == expect, (response.status_code, response.content)
        return response

    def post_bare(link, body):
        response = client.post(
            BARE_PATH,
            json.dumps({**body, "mission": str(link.link.mission_id)}),
            content_type="application/json",
            headers={"Authorization": f"Bearer {link.token}"},
        )
        assert response.status_code == 201, (response.status_code, response.content)
        return response

    sent: list = []

    def api_round():
        batch = bodies()
        for link, body in zip(issued, batch, strict=True):
            post_api(link, body, expect=201)
        sent[:] = batch

    def bare_round():
        batch = bodies()
        for link, body in zip(issued, batch, strict=True):
            body["idempotency_key"] = "bare-" + body["idempotency_key"]
            post_bare(link, body)

    with override_settings(ROOT_URLCONF=bench_urlconf()):
        # One of each, checked and counted, before any timing.
        link, body = issued[0], bodies()[0]
        with counting() as api_queries:
            first = post_api(link, body, expect=201)
        assert first.json()["replayed"] is False
        assert first.json()["effect"] == "recorded"
        replay = post_api(link, body, expect=200)
        assert replay.json()["replayed"] is True
        assert replay.json()["id"] == first.json()["id"]
        with counting() as replay_queries:
            post_api(link, body, expect=200)
        with counting() as bare_queries:
            post_bare(link, {**body, "idempotency_key": "bare-" + body["idempotency_key"]})

        bare_ns, api_ns = harness.interleaved(
            bare_round, api_round, runs=ROUNDS, warmup=ROUND_WARMUP
        )
        replayed_before = CheckIn.objects.count()
        started = time.perf_counter_ns()
        for link, body in zip(issued, sent, strict=True):
            answer = post_api(link, body, expect=200)
        replay_ns = time.perf_counter_ns() - started
        assert answer.json()["replayed"] is True
        assert CheckIn.objects.count() == replayed_before

    per_request = {
        name: statistics.median(times) / LINKED / 1e6
        for name, times in (("bare", bare_ns), ("api", api_ns))
    }
    per_request["replay"] = replay_ns / LINKED / 1e6
    timed = ROUNDS * LINKED
    print(
        f"\ncheck-ins: {ROUNDS} timed rounds (+{ROUND_WARMUP} warm-up) of one check-in on each"
        f" of {LINKED} missions, kind delayed, {timed} timed per side; test Client, every"
        " middleware; medians of interleaved rounds"
    )
    rows = [
        ("bare view, one INSERT", "bare", len(bare_queries)),
        ("POST /api/v1/check-ins", "api", len(api_queries)),
        (f"replayed round (same {LINKED} keys, once)", "replay", len(replay_queries)),
    ]
    width = max(len(label) for label, _key, _queries in rows)
    print(f"  {'':<{width}} {'req/s':>8} {'ms/request':>11} {'vs bare':>8} {'queries':>8}")
    for label, key, queries in rows:
        ms = per_request[key]
        ratio = ms / per_request["bare"]
        print(f"  {label:<{width}} {1000 / ms:>8,.0f} {ms:>11.2f} {ratio:>7.2f}x {queries:>8}")
    print(
        "  (queries: statements of one request outside the timed rounds, BEGIN and savepoints"
        " left out)"
    )
    ratio = per_request["api"] / per_request["bare"]
    judged = "PASS" if ratio <= CHECK_IN_TARGET else "OVER"
    verdict = "tiny: not judged" if TINY else judged
    print(f"  target: API check-in <= {CHECK_IN_TARGET:.1f}x the bare view: {ratio:.2f}x {verdict}")


# --- main -------------------------------------------------------------------------------


def run() -> None:
    from django.utils import timezone

    from safepassage.accounts.models import Role
    from safepassage.testing.members import make_member

    print(harness.describe_site(), flush=True)
    load = f"{os.getloadavg()[0]:.1f}"
    coordinators = [make_member(Role.Code.RESCUE_COORDINATOR).user for _ in range(5)]
    routes, partners = make_places(coordinators[0])
    now = timezone.now()
    started = time.perf_counter()
    made = generate(coordinators, routes, now)
    seconds = time.perf_counter() - started
    print(
        f"generated {UNDER_WAY + PAUSED + COMPLETED:,} missions ({UNDER_WAY:,} under way,"
        f" {PAUSED} paused, {COMPLETED:,} completed), {made['legs']:,} legs"
        f" ({UNDER_WAY + PAUSED:,} under way; {JUST_OVERDUE} just past the overdue threshold,"
        f" {ESCALATED + SILENT} long past and alerted before), {made['people']:,} people"
        f" in {seconds:.1f} s",
        flush=True,
    )
    analyse()
    comparison = scan_section(made, now)
    print()
    harness.print_table([comparison])
    print("(baseline: the same 3 SELECTs through a raw DB-API cursor, which Django cannot count)")
    checkin_section(made, coordinators[0], partners)
    print(
        f"\nload average (1 min) of this machine: {load} at the start,"
        f" {os.getloadavg()[0]:.1f} at the end"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.rescue", description=__doc__)
    parser.add_argument("--tiny", action="store_true", help="a few hundred missions, not judged")
    if parser.parse_args(argv).tiny:
        use_tiny_size()
    with harness.throwaway_site():
        run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
