"""The demo organisation's rescue work, played through ``rescue.services``.

Ten safe points, three routes and the six field partners who deliver relief in the cases'
history; then missions for people the cases left awaiting rescue: two completed, one
failed at a checkpoint, one under way and on time, one overdue and escalated to the
director, and one planned for a family near the top of the priority queue. The family at
the very top stays unplanned, for the demo user to plan by hand.

As in ``demo.organisation``, every step runs with the clock set to its moment, so legs,
check-ins, alerts, timelines and the people's status history agree. A mission starts only
after everything the cases recorded for its people (their last status move, relief and
its confirmation). The two missions under way are anchored on the present: the overdue
one's leg is past its window by more than the escalation threshold and less than the
silence threshold, whatever the settings say; the other one's leg is due hours from now.

Sealed values are invented and cannot be mistaken for real ones: "Safe house 14, block C,
district 3", contacts with numbers starting "+00", partners with generated names.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from safepassage.cases import lifecycle
from safepassage.cases.models import Person
from safepassage.demo import generate
from safepassage.demo.organisation import YEARS, Event, clock
from safepassage.rescue.models import (
    AlertKind,
    CheckInKind,
    Means,
    MissionStatus,
    RouteStop,
    Silence,
)
from safepassage.rescue.services import alerts, checkins, missions, places

HOUR = dt.timedelta(hours=1)
MINUTE = dt.timedelta(minutes=1)
DAY = dt.timedelta(days=1)

# Code name, country, and who is named on it (may see the real place): not everyone.
SAFE_POINTS = [
    ("MAGNOLIA", "CN", ("coordinator", "director")),
    ("CAMELLIA", "CN", ("coordinator",)),
    ("CEDAR", "CN", ()),
    ("LOTUS", "LA", ("coordinator", "director")),
    ("ORCHID", "TH", ("coordinator",)),
    ("LILAC", "CN", ()),
    ("JASMINE", "CN", ("coordinator",)),
    ("IRIS", "VN", ()),
    ("PLUM", "VN", ("director",)),
    ("BAMBOO", "KH", ()),
]
# Each stop: code name, typical hours from the previous one, means.
ROUTES = {
    "Southern route A": [
        ("MAGNOLIA", 0, ""),
        ("CAMELLIA", 9, Means.BUS),
        ("CEDAR", 14, Means.TRAIN),
        ("LOTUS", 20, Means.RIVER),
        ("ORCHID", 30, Means.CAR),
    ],
    "Southern route B": [
        ("LILAC", 0, ""),
        ("JASMINE", 12, Means.BUS),
        ("IRIS", 18, Means.ON_FOOT),
        ("PLUM", 16, Means.BUS),
        ("BAMBOO", 26, Means.CAR),
    ],
    "Mekong route": [
        ("CEDAR", 0, ""),
        ("LOTUS", 22, Means.ON_FOOT),
        ("ORCHID", 12, Means.BOAT),
    ],
}
# The partners of the cases' relief history (``generate.PARTNERS``): their page's language.
PARTNER_LANGUAGES = {
    "Magpie": "ko",
    "Pine": "ko",
    "Heron": "ko",
    "Willow": "en",
    "Lantern": "ko",
    "River": "en",
}
PARTNER_NOTES = [
    "Korean-Chinese; has guided groups since before the pandemic.",
    "Drives a delivery van; knows which roads have checkpoints on market days.",
    "Resettled herself; speaks Korean and some Lao.",
    "Church volunteer; speaks Chinese, Korean and a little Thai.",
    "Former trader; trusted by the boatmen.",
    "Nurse; carries a small medical kit on every journey.",
]
HOUSES = ["Safe house", "Flat", "Guest room", "Farmhouse", "Back room", "Upstairs room"]
ENTRANCES = [
    "Second gate on the left",
    "Blue door behind the noodle stall",
    "Side entrance past the water tower",
    "Third floor, the door without a number",
    "Path behind the school, red shutter",
    "Yard gate next to the bicycle repair",
]
SIGNALS = ["knock twice", "ask for the tea seller", "wait by the gate", "ring once and wait"]
CARETAKERS = ["Auntie", "Grandmother", "Teacher", "Deacon", "Uncle", "Sister"]
COSTS = [
    ("버스·기차표", "CNY", 60000, 180000),
    ("여정 중 식량과 물", "CNY", 15000, 40000),
    ("안내인 수고비", "USD", 80000, 200000),
    ("강을 건너는 배", "USD", 20000, 60000),
    ("마지막 안전 지점까지 차량", "THB", 250000, 600000),
]
DELAYS = [
    "버스가 고장 나서 다음 버스를 기다리고 있습니다.",
    "큰길에 경찰차가 있어 어두워질 때까지 기다립니다.",
    "비가 많이 와서 길이 물에 잠겼습니다.",
]


@dataclass
class Unit:
    """A family (or one person) awaiting rescue, as the queue shows them."""

    people: list
    waiting_since: dt.datetime
    last_recorded: dt.datetime

    @property
    def family(self) -> bool:
        return len(self.people) > 1


@dataclass
class Script:
    """A mission to play: who travels how, and its dated steps."""

    kind: str
    route: str
    partners: tuple[str, ...]
    prefer_family: bool = False
    unit: Unit | None = None
    state: dict = field(default_factory=dict)


class Rescue:
    """Plans dated steps for every mission, then plays them in order with the clock set."""

    def __init__(self, rng: random.Random, *, now: dt.datetime, coordinator, director):
        self.rng = rng
        self.now = now
        self.coordinator = coordinator
        self.director = director
        self.events: list[Event] = []
        self.stops: dict[str, list[RouteStop]] = {}
        self.routes: dict = {}
        self.partners: dict = {}

    # -- places, routes and partners -------------------------------------------------------

    def create_places(self) -> None:
        """Safe points, routes and partners, as the organisation set them up long ago."""
        rng = self.rng
        staff = {"coordinator": self.coordinator, "director": self.director}
        points = {}
        for code_name, country, named in SAFE_POINTS:
            points[code_name] = places.safe_point_create(
                actor=self.coordinator,
                code_name=code_name,
                country=country,
                real_place=(
                    f"{rng.choice(HOUSES)} {rng.randint(2, 40)}, "
                    f"block {rng.choice('ABCDEFGH')}, district {rng.randint(1, 9)}"
                ),
                directions=f"{rng.choice(ENTRANCES)}; {rng.choice(SIGNALS)}.",
                contact=(
                    f"{rng.choice(CARETAKERS)} {rng.choice('BDHJKMNS')}., "
                    f"+00 {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
                ),
                named_people=[staff[who] for who in named],
            )
        for name, stops in ROUTES.items():
            route = places.route_create(
                actor=self.coordinator,
                name=name,
                stops=[
                    places.Stop(safe_point=points[code], hours=hours, means=means)
                    for code, hours, means in stops
                ],
            )
            self.routes[name] = route
            self.stops[name] = list(route.stops.order_by("position"))
        for pseudonym in generate.PARTNERS:
            self.partners[pseudonym] = places.partner_create(
                actor=self.coordinator,
                pseudonym=pseudonym,
                real_name=(
                    generate.korean_name(rng) if rng.random() < 0.6 else generate.chinese_name(rng)
                ),
                phone=generate.fake_phone(rng),
                notes=rng.choice(PARTNER_NOTES),
                language=PARTNER_LANGUAGES.get(pseudonym, "ko"),
            )

    # -- who travels -------------------------------------------------------------------------

    def queue(self) -> list[Unit]:
        """Families and single people awaiting rescue, in the priority queue's order."""
        people = (
            Person.objects.filter(status__in=lifecycle.WAITING)
            .annotate(last_relief=Max("relief__updated_at"))
            .order_by("-priority", "status_changed_at", "created_at")
        )
        units: dict = {}
        for person in people:
            key = person.group_id or person.pk
            last = max(filter(None, [person.updated_at, person.last_relief]))
            unit = units.get(key)
            if unit is None:
                units[key] = Unit([person.pk], person.status_changed_at, last)
            else:
                unit.people.append(person.pk)
                unit.waiting_since = max(unit.waiting_since, person.status_changed_at)
                unit.last_recorded = max(unit.last_recorded, last)
        return list(units.values())

    def cast(self, scripts: list[Script], starts: dict[str, dt.datetime]) -> None:
        """The first family stays for the demo user; the second gets the planned mission;
        each other mission takes the most urgent unit that was free by its start."""
        units = self.queue()
        families = [unit for unit in units if unit.family]
        if len(families) < 2:
            raise AssertionError("the demo cases left fewer than two families awaiting rescue")
        free = [unit for unit in units if unit not in families[:2]]
        for script in sorted(scripts, key=lambda s: starts[s.kind]):
            if script.kind == "planned":
                script.unit = families[1]
                continue
            ready = [u for u in free if u.last_recorded <= starts[script.kind] - HOUR * 12]
            if script.prefer_family:
                ready = [u for u in ready if u.family] or ready
            if not ready:
                raise AssertionError(
                    f"no one in the demo queue is free for a {script.kind} mission"
                )
            script.unit = ready[0]
            free.remove(ready[0])

    # -- timing ------------------------------------------------------------------------------

    def journey(self, route: str, start: dt.datetime) -> list[tuple[RouteStop, dt.datetime]]:
        """Each stop after the first with the group's arrival there: within the window,
        sometimes a little early; the next leg starts on arrival, as the service has it."""
        arrivals = []
        departure = start
        for stop in self.stops[route][1:]:
            early = -0.1 * stop.hours
            arrived = departure + HOUR * (
                stop.hours + self.rng.uniform(early, stop.slack_hours * 0.8)
            )
            arrivals.append((stop, arrived))
            departure = arrived
        return arrivals

    def add(self, at: dt.datetime, run: Callable[[], None]) -> None:
        if at > self.now:
            raise AssertionError(f"a demo mission step is planned in the future: {at}")
        self.events.append(Event(at, (len(self.events),), run))

    def play(self) -> None:
        for event in sorted(self.events):
            with clock(event.at):
                event.run()

    # -- the steps of a mission ------------------------------------------------------------

    def plan_mission(self, script: Script, *, at: dt.datetime, start: dt.datetime) -> None:
        rng = self.rng
        unit = script.unit
        at = max(at, unit.waiting_since + HOUR)
        state = script.state

        def plan():
            state["mission"] = missions.mission_plan(
                actor=self.coordinator,
                route=self.routes[script.route],
                people=list(Person.objects.filter(pk__in=unit.people)),
                coordinator=self.coordinator,
                planned_start=start,
                partners=[self.partners[p] for p in script.partners],
            )

        def issue(pseudonym):
            state.setdefault("links", {})[pseudonym] = checkins.link_issue(
                actor=self.coordinator, mission=state["mission"], partner=self.partners[pseudonym]
            )

        self.add(at, plan)
        for index, pseudonym in enumerate(script.partners, start=1):
            self.add(at + MINUTE * (5 * index), lambda p=pseudonym: issue(p))
        if script.kind == "planned":
            return
        for description, currency, low, high in rng.sample(COSTS[:3], 2):
            amount = rng.randint(low // 100, high // 100) * 100
            self.add(
                at + HOUR * rng.uniform(1, 5),
                lambda d=description, c=currency, a=amount: missions.cost_add(
                    actor=self.coordinator,
                    mission=state["mission"],
                    description=d,
                    amount_minor=a,
                    currency=c,
                    spent_on=timezone.localdate(),
                ),
            )
        self.add(
            start,
            lambda: missions.mission_start(actor=self.coordinator, mission=state["mission"]),
        )

    def report(self, script: Script, at: dt.datetime, kind: str, **fields) -> None:
        """A check-in from the first partner's link, or, now and then, one phoned in."""
        report = checkins.Report(key=f"{self.rng.getrandbits(96):024x}", kind=kind, **fields)
        by_phone = kind == CheckInKind.ARRIVED and self.rng.random() < 0.25
        state = script.state

        def send():
            if by_phone:
                checkins.check_in_by_staff(
                    actor=self.coordinator, mission=state["mission"], report=report
                )
            else:
                link = state["links"][script.partners[0]].link
                checkins.submit(mission=state["mission"], report=report, link=link)

        self.add(at, send)

    def arrive(self, script: Script, arrivals) -> None:
        for stop, at in arrivals:
            self.report(script, at, CheckInKind.ARRIVED, point=stop.safe_point.code_name)

    def acknowledge(self, script: Script, at: dt.datetime, kind: str, actor) -> None:
        def run():
            for alert in script.state["mission"].alerts.filter(kind=kind, acknowledged_at=None):
                alerts.acknowledge(actor=actor, alert=alert)

        self.add(at, run)

    def end(self, script: Script, at: dt.datetime, status: str) -> None:
        self.add(
            at,
            lambda: missions.mission_end(
                actor=self.coordinator, mission=script.state["mission"], status=status
            ),
        )

    # -- the missions --------------------------------------------------------------------------

    def completed(self, script: Script, start: dt.datetime, *, trouble: str) -> None:
        """Every safe point reached; one leg delayed or one call for help on the way."""
        rng = self.rng
        self.plan_mission(script, at=start - DAY * rng.uniform(2, 5), start=start)
        arrivals = self.journey(script.route, start)
        troubled = rng.randrange(len(arrivals))
        departed = start if troubled == 0 else arrivals[troubled - 1][1]
        arrived = arrivals[troubled][1]
        midway = departed + (arrived - departed) * rng.uniform(0.3, 0.6)
        if trouble == "delayed":
            late = HOUR * rng.uniform(2, 5)
            # "Delayed n hours" means "expect word within n hours": silence counts from then.
            delay = math.ceil((arrived + late - midway) / HOUR) + 1
            self.report(
                script, midway, CheckInKind.DELAYED, delay_hours=delay, reason=rng.choice(DELAYS)
            )
            shifted = [(stop, at + late) for stop, at in arrivals[troubled:]]
            arrivals = arrivals[:troubled] + shifted
        else:
            self.report(
                script,
                midway,
                CheckInKind.NEED_HELP,
                reason="일행 중 한 명이 고열이 납니다. 다음 경유지에서 약이 필요합니다.",
            )
            self.acknowledge(script, midway + MINUTE * 25, AlertKind.NEED_HELP, self.coordinator)
        self.arrive(script, arrivals)
        last = arrivals[-1][1]
        # The last leg's fare, paid on the way.
        what, currency, low, high = COSTS[4] if arrivals[-1][0].means == Means.CAR else COSTS[3]
        amount = rng.randint(low // 100, high // 100) * 100
        self.add(
            last - HOUR,
            lambda: missions.cost_add(
                actor=self.coordinator,
                mission=script.state["mission"],
                description=what,
                amount_minor=amount,
                currency=currency,
                spent_on=timezone.localdate(),
            ),
        )
        self.end(script, last + HOUR * rng.uniform(1, 4), MissionStatus.COMPLETED)

    def failed(self, script: Script, start: dt.datetime) -> None:
        """Stopped on the way to the border; the partner got a message out, then nothing."""
        rng = self.rng
        self.plan_mission(script, at=start - DAY * rng.uniform(2, 5), start=start)
        arrivals = self.journey(script.route, start)
        (first, reached), (_stop, would_arrive) = arrivals[0], arrivals[1]
        self.arrive(script, [(first, reached)])
        stopped = reached + (would_arrive - reached) * rng.uniform(0.3, 0.6)
        self.report(
            script,
            stopped,
            CheckInKind.COMPROMISED,
            reason="길에서 경찰이 일행을 멈춰 세웠습니다. 저는 빠져나왔지만 일행은 잡혀갔습니다.",
        )
        self.acknowledge(script, stopped + MINUTE * 12, AlertKind.COMPROMISED, self.director)
        self.end(script, stopped + HOUR * rng.uniform(4, 8), MissionStatus.FAILED)

    def under_way(self, script: Script, *, reached: int, last_arrival: dt.datetime) -> None:
        """On the road: ``reached`` safe points behind them, the last at ``last_arrival``."""
        rng = self.rng
        arrivals = self.journey(script.route, self.now)
        shift = last_arrival - arrivals[reached - 1][1]
        start = self.now + shift
        arrivals = [(stop, at + shift) for stop, at in arrivals[:reached]]
        self.plan_mission(script, at=start - DAY * rng.uniform(1, 3), start=start)
        self.arrive(script, arrivals)

    def overdue(self, script: Script, *, reached: int) -> None:
        """Silent since the last safe point: past the window by more than the escalation
        threshold, less than the silence one. The scan runs as the worker would have."""
        limits = alerts.thresholds()
        escalated, silent = limits[Silence.ESCALATED], limits[Silence.SILENT]
        past_due = escalated + (silent - escalated) / 4
        leg = self.stops[script.route][reached + 1]
        due = self.now - past_due
        last_arrival = due - HOUR * (leg.hours + leg.slack_hours)
        self.under_way(script, reached=reached, last_arrival=last_arrival)
        for level in (Silence.OVERDUE, Silence.ESCALATED):
            at = due + limits[level] + MINUTE
            self.add(at, lambda at=at: alerts.scan(now=at))

    # -- the demo's link -----------------------------------------------------------------------

    def show_link(self, script: Script) -> dict:
        """The under-way mission's first link, for the demo to print (shown once otherwise)."""
        pseudonym = script.partners[0]
        issued = script.state["links"][pseudonym]
        return {
            "mission": script.state["mission"].code,
            "partner": pseudonym,
            "url": settings.BASE_URL + reverse("checkin:page", args=[issued.token]),
            "pin": issued.pin,
            "duress_pin": issued.duress_pin,
        }


def create_missions(rng: random.Random, *, now: dt.datetime, coordinator, director) -> dict:
    """Safe points, routes, partners and six missions; returns a check-in link to print."""
    rescue = Rescue(rng, now=now, coordinator=coordinator, director=director)
    with clock(now - DAY * (365 * YEARS - 20)):
        rescue.create_places()
    scripts = {
        "completed": Script("completed", "Southern route A", ("Heron", "Magpie"), True),
        "failed": Script("failed", "Southern route B", ("Willow",)),
        "completed_again": Script("completed_again", "Mekong route", ("Pine",)),
        "overdue": Script("overdue", "Southern route B", ("Lantern", "Willow")),
        "under_way": Script("under_way", "Southern route A", ("Heron", "River"), True),
        "planned": Script("planned", "Southern route A", ("Magpie", "Pine")),
    }
    # When each mission sets off; the two under way are anchored on their legs, and these
    # earlier moments only choose who is free to travel on them.
    starts = {
        "completed": now - DAY * rng.uniform(20, 23),
        "failed": now - DAY * rng.uniform(15, 17),
        "completed_again": now - DAY * rng.uniform(8, 10),
        "overdue": now - DAY * 3,
        "under_way": now - DAY * 2,
        "planned": now + DAY * 2,
    }
    rescue.cast(list(scripts.values()), starts)
    rescue.completed(scripts["completed"], starts["completed"], trouble="delayed")
    rescue.failed(scripts["failed"], starts["failed"])
    rescue.completed(scripts["completed_again"], starts["completed_again"], trouble="help")
    rescue.overdue(scripts["overdue"], reached=2)
    rescue.under_way(scripts["under_way"], reached=2, last_arrival=now - HOUR * rng.uniform(3, 6))
    planned_start = timezone.localtime(now + DAY * 2).replace(
        hour=5, minute=0, second=0, microsecond=0
    )
    rescue.plan_mission(scripts["planned"], at=now - HOUR * rng.uniform(3, 8), start=planned_start)
    rescue.play()
    return rescue.show_link(scripts["under_way"])
