"""The demo organisation's cases: two years of calls for help, played through the services.

Every write goes through ``cases.services`` (so the demo has the same history, priorities
and audit trail as real use), in the order it would have happened: each story is planned
as a list of dated events (the call, each status move allowed by ``cases.lifecycle``,
relief while in hiding, support after arrival, testimonies and consent), the events of all
stories are merged by date, and each one runs with the clock set to its moment. The clock
is ``django.utils.timezone.now``, which the services, the models' ``auto_now`` fields and
the audit log all read, so history, ``status_changed_at`` and the audit chain agree.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from unittest import mock

from django.utils import timezone

from safepassage.cases import services
from safepassage.cases.models import (
    ConsentScope,
    Province,
    ReliefKind,
    Sex,
    Status,
    SupportKind,
    Urgency,
)
from safepassage.demo import generate

S = Status
F, M, NOT_RECORDED = Sex.FEMALE, Sex.MALE, Sex.NOT_RECORDED
P = Province
YEARS = 2
# The journey from a call to a new life, and its two common shortcuts.
TO_CLOSED = [
    S.IN_HIDING,
    S.AWAITING_RESCUE,
    S.IN_TRANSIT,
    S.THIRD_COUNTRY,
    S.ARRIVED,
    S.RESETTLEMENT,
    S.CLOSED,
]
# How long people stay in each status before the next move (days, low and high).
DWELL = {
    S.INTAKE: (1, 10),
    S.IN_HIDING: (20, 160),
    S.AWAITING_RESCUE: (7, 80),
    S.IN_TRANSIT: (3, 16),
    S.THIRD_COUNTRY: (7, 35),
    S.ARRIVED: (25, 80),
    S.RESETTLEMENT: (60, 220),
    S.DETAINED: (10, 50),
    S.FEARED_REPATRIATED: (20, 90),
    S.LOST_CONTACT: (10, 80),
    S.DECLINED: (20, 120),
}
# How long ago the last move was, by the status a story ends in (days).
SINCE = {
    S.INTAKE: (0, 5),
    S.IN_HIDING: (12, 150),
    S.AWAITING_RESCUE: (2, 120),
    S.IN_TRANSIT: (0, 4),
    S.THIRD_COUNTRY: (2, 20),
    S.ARRIVED: (5, 40),
    S.RESETTLEMENT: (20, 200),
    S.CLOSED: (10, 250),
    S.DETAINED: (2, 25),
    S.FEARED_REPATRIATED: (5, 100),
    S.LOST_CONTACT: (12, 100),
    S.DECLINED: (10, 250),
}
HIDDEN = {S.IN_HIDING, S.AWAITING_RESCUE}
RELIEF = [
    (ReliefKind.FOOD, "rice and oil for a month", 20000, 45000),
    (ReliefKind.MEDICINE, "antibiotics and painkillers", 8000, 30000),
    (ReliefKind.CLOTHING, "winter coats and shoes", 15000, 40000),
    (ReliefKind.SHELTER, "a month's rent", 60000, 150000),
    (ReliefKind.CASH, "cash for emergencies", 50000, 100000),
]


@dataclass
class Someone:
    """One person of a story, as the call described them."""

    sex: str
    age: int | None
    province: str = ""
    flags: tuple[str, ...] = ()
    group: str = ""
    surname: int | None = None
    born_abroad: bool = False
    phone: bool = False
    alias: bool = False


@dataclass
class Story:
    team: str
    people: list[Someone]
    # Status moves after intake; a tuple (status, indexes) moves only those people.
    journey: list
    urgency: str = Urgency.ROUTINE
    situation: str = ""
    relayed_by: str = ""
    # (person index, testimony index, consent scope or "", withdrawn later)
    testimonies: list[tuple[int, int, str, bool]] = field(default_factory=list)


@dataclass(order=True)
class Event:
    at: dt.datetime
    order: tuple
    run: Callable[[], None] = field(compare=False)


@contextlib.contextmanager
def clock(at: dt.datetime) -> Iterator[None]:
    """Everything that reads ``timezone.now()`` (or ``localdate()``) sees ``at``."""
    with mock.patch.object(timezone, "now", return_value=at):
        yield


def stories(rng: random.Random) -> list[Story]:
    """The demo's cases: hand-written ones that show every state, then ordinary ones."""
    sisters = rng.randrange(len(generate.SURNAMES))
    written = [
        Story(
            "north",
            [
                Someone(
                    F,
                    31,
                    P.NORTH_HAMGYONG,
                    ("trafficked", "forced_marriage"),
                    "Mother and child",
                    phone=True,
                    alias=True,
                ),
                Someone(F, 2, group="Mother and child", born_abroad=True),
            ],
            [S.IN_HIDING, S.AWAITING_RESCUE],
            Urgency.HIGH,
            "Sold to a farmer eight years ago; her daughter was born in China and has no"
            " papers. The man has threatened to sell her again.",
        ),
        Story(
            "south",
            [
                Someone(F, 24, P.RYANGGANG, ("trafficked", "pregnant"), "Sisters", sisters),
                Someone(F, 27, P.RYANGGANG, ("trafficked",), "Sisters", sisters, phone=True),
            ],
            [S.IN_HIDING, S.AWAITING_RESCUE, S.IN_TRANSIT],
            Urgency.HIGH,
            "Two sisters sold to two villages an hour apart; the younger is pregnant.",
        ),
        Story(
            "north",
            [
                Someone(F, 38, P.SOUTH_HAMGYONG, ("trafficked",), "Family A", phone=True),
                Someone(M, 14, P.SOUTH_HAMGYONG, group="Family A"),
                Someone(F, 29, P.RYANGGANG, ("forced_marriage",), "Family B", alias=True),
                Someone(F, 6, group="Family B", born_abroad=True),
                Someone(M, 1, group="Family B", born_abroad=True),
                Someone(F, 61, P.NORTH_HAMGYONG, ("health_need",), "Family C"),
                Someone(F, 35, P.NORTH_HAMGYONG, ("trafficked",), "Family C"),
                Someone(F, 9, P.NORTH_HAMGYONG, group="Family C"),
            ],
            [*TO_CLOSED[:-1]],
            Urgency.HIGH,
            "Three families hiding in the same village asked for help in one call.",
            testimonies=[(2, 2, ConsentScope.PUBLIC, False)],
        ),
        Story(
            "south",
            [Someone(F, 26, P.NORTH_HAMGYONG, ("pregnant", "health_need"), phone=True)],
            [S.AWAITING_RESCUE],
            Urgency.CRITICAL,
            "Seven months pregnant, bleeding, cannot go to a hospital without papers.",
        ),
        Story(
            "north",
            [Someone(M, 15, P.RYANGGANG, ("unaccompanied_minor",))],
            [S.AWAITING_RESCUE, S.IN_TRANSIT, S.THIRD_COUNTRY],
            Urgency.HIGH,
            "A boy who crossed the river alone after his mother died; sleeping in a market.",
        ),
        Story(
            "south",
            [Someone(F, 44, P.SOUTH_HAMGYONG, ("prior_repatriation", "religious_contact"))],
            [S.IN_HIDING, S.AWAITING_RESCUE],
            Urgency.CRITICAL,
            "Sent back once before and imprisoned; would face far worse if caught again.",
        ),
        Story(
            "north",
            [
                Someone(F, 23, P.NORTH_HAMGYONG, ("trafficked",), "Group of five"),
                Someone(F, 30, P.RYANGGANG, ("trafficked",), "Group of five"),
                Someone(F, 35, P.SOUTH_PYONGAN, group="Group of five", phone=True),
                Someone(M, 40, P.NORTH_HAMGYONG, group="Group of five"),
                Someone(F, 16, P.RYANGGANG, ("unaccompanied_minor",), "Group of five"),
            ],
            [
                S.IN_HIDING,
                S.AWAITING_RESCUE,
                S.IN_TRANSIT,
                S.DETAINED,
                (S.FEARED_REPATRIATED, (1, 3)),
            ],
            Urgency.CRITICAL,
            "Arrested at a checkpoint mid-route; moved twice since, last seen near the border.",
        ),
        Story(
            "south",
            [Someone(F, 33, P.CHAGANG, ("forced_marriage",), phone=True)],
            [S.IN_HIDING, S.LOST_CONTACT],
            situation="Her phone has been silent since the family she lives with moved.",
        ),
        Story(
            "north",
            [Someone(F, 41, P.NORTH_HAMGYONG, ("forced_marriage",))],
            [S.DECLINED],
            situation="Will not leave while her son is at school in the village.",
        ),
        Story(
            "south",
            [Someone(M, 52, P.KANGWON)],
            [S.DECLINED],
            situation="Has work and a place to sleep; wants help later, not now.",
        ),
        Story(
            "south",
            [
                Someone(F, 34, P.NORTH_HAMGYONG, ("trafficked",), "Mother and daughter"),
                Someone(F, 12, P.NORTH_HAMGYONG, group="Mother and daughter"),
            ],
            TO_CLOSED,
            testimonies=[(0, 0, ConsentScope.PUBLIC, False)],
        ),
        Story(
            "north",
            [Someone(F, 50, P.SOUTH_HAMGYONG, ("health_need",))],
            [*TO_CLOSED[:5], S.CLOSED],
            testimonies=[(0, 1, ConsentScope.DONORS, False)],
        ),
        Story(
            "south",
            [Someone(F, 28, P.RYANGGANG, ("trafficked",), alias=True)],
            TO_CLOSED,
            testimonies=[(0, 3, ConsentScope.PUBLIC, True)],
        ),
        Story(
            "north",
            [Someone(F, 37, P.NORTH_PYONGAN, ("religious_contact",))],
            TO_CLOSED[:-1],
            testimonies=[(0, 4, ConsentScope.DONORS, False)],
        ),
        Story(
            "south",
            [Someone(F, 29, P.NORTH_HAMGYONG, ("trafficked",))],
            [S.AWAITING_RESCUE, S.IN_TRANSIT, S.DETAINED, S.THIRD_COUNTRY, S.ARRIVED],
            Urgency.HIGH,
            "Detained in a third country, released after an appeal to its government.",
            testimonies=[(0, 5, "", False)],
        ),
        Story(
            "north",
            [Someone(F, 45, P.SOUTH_HAMGYONG, phone=True)],
            [S.IN_HIDING, S.LOST_CONTACT, S.IN_HIDING, S.AWAITING_RESCUE],
            situation="Contact lost for two months; found again through a church contact.",
        ),
        Story(
            "south",
            [Someone(F, 22, P.NORTH_HAMGYONG, ("trafficked",), phone=True)],
            [],
            Urgency.CRITICAL,
            "Called from a borrowed phone: the broker is about to sell her again.",
        ),
        Story(
            "north",
            [Someone(M, 58, P.SOUTH_PYONGAN, ("health_need",))],
            [],
            situation="Injured crossing the river; a farmer is hiding him in a shed.",
        ),
        Story(
            "south",
            [Someone(M, 34, P.NORTH_HAMGYONG, ("prior_repatriation",))],
            [S.IN_HIDING, S.AWAITING_RESCUE, S.IN_TRANSIT, S.DETAINED, S.FEARED_REPATRIATED],
            Urgency.HIGH,
            "Arrested on a bus; the authorities have not answered any enquiry since.",
        ),
        Story(
            "north",
            [
                Someone(F, 31, P.PYONGYANG, group="Two friends", phone=True),
                Someone(F, 26, P.NORTH_HAMGYONG, ("trafficked",), "Two friends"),
            ],
            TO_CLOSED[:5],
        ),
        Story(
            "south",
            [
                Someone(F, 39, P.RYANGGANG, ("forced_marriage",), "Mother and son", alias=True),
                Someone(M, 11, group="Mother and son", born_abroad=True),
            ],
            [S.IN_HIDING],
            situation="Her husband drinks and beats her; she wants to leave with her son.",
        ),
    ]
    return written + ordinary_stories(rng)


# Final states of the ordinary cases: a third awaiting rescue, the rest spread out.
ORDINARY_ENDS = (
    [S.AWAITING_RESCUE] * 12
    + [S.IN_HIDING] * 6
    + [S.CLOSED] * 5
    + [S.RESETTLEMENT] * 4
    + [S.ARRIVED, S.ARRIVED, S.IN_TRANSIT, S.THIRD_COUNTRY, S.THIRD_COUNTRY, S.INTAKE]
    + [S.INTAKE, S.LOST_CONTACT, S.LOST_CONTACT, S.DECLINED, S.DETAINED, S.FEARED_REPATRIATED]
)
SITUATIONS = [
    "Hiding since she crossed the river; the family that keeps her wants her to leave.",
    "Living with a man she was sold to; he watches her phone.",
    "Working without pay in a restaurant kitchen; the owner keeps her papers.",
    "Ill and without money for a doctor; a neighbour brings food.",
    "Crossed a month ago; police have been asking questions in the village.",
]


def ordinary_stories(rng: random.Random) -> list[Story]:
    ends = list(ORDINARY_ENDS)
    rng.shuffle(ends)
    made = []
    for number, end in enumerate(ends):
        size = rng.choices([1, 2, 3], weights=[6, 3, 1])[0]
        label = "" if size == 1 else rng.choice(["Family", "Sisters", "Mother and children"])
        people = [adult(rng, label, sex=F if label in ("Sisters", "Mother and children") else None)]
        for _ in range(size - 1):
            if label == "Sisters":
                people.append(adult(rng, label, surname=people[0].surname, sex=F))
            else:
                people.append(child(rng, label))
        made.append(
            Story(
                "north" if number % 2 else "south",
                people,
                journey_to(rng, end),
                rng.choices(list(Urgency.values), weights=[6, 3, 1])[0],
                rng.choice(SITUATIONS),
            )
        )
    return made


def adult(rng: random.Random, group: str, *, surname=None, sex=None) -> Someone:
    sex = sex or (F if rng.random() < 0.85 else M)
    odds = {
        "trafficked": 0.35 if sex == F else 0,
        "forced_marriage": 0.25 if sex == F else 0,
        "pregnant": 0.06 if sex == F else 0,
        "health_need": 0.15,
        "prior_repatriation": 0.1,
        "religious_contact": 0.1,
    }
    return Someone(
        sex,
        rng.randint(19, 62),
        rng.choice([P.NORTH_HAMGYONG, P.NORTH_HAMGYONG, P.RYANGGANG, *P.values]),
        tuple(flag for flag, chance in odds.items() if rng.random() < chance),
        group,
        surname if surname is not None else rng.randrange(len(generate.SURNAMES)),
        phone=rng.random() < 0.5,
        alias=sex == F and rng.random() < 0.3,
    )


def child(rng: random.Random, group: str) -> Someone:
    born_abroad = rng.random() < 0.5
    # One child in five, as in the published lists cases come from ("Lee OO, Child, born
    # in 2003"), has no sex recorded: about 3% of the demo's people.
    draw = rng.random()
    return Someone(
        F if draw < 0.4 else M if draw < 0.8 else NOT_RECORDED,
        rng.randint(0, 14),
        "" if born_abroad else rng.choice(P.values),
        group=group,
        born_abroad=born_abroad,
    )


def journey_to(rng: random.Random, end: str) -> list:
    """A path through ``lifecycle.ALLOWED`` that ends in ``end``."""
    start = [S.IN_HIDING] if rng.random() < 0.7 else []
    if end == S.INTAKE:
        return []
    if end in (S.IN_HIDING, S.DECLINED):
        return [end]
    if end == S.LOST_CONTACT:
        return [S.IN_HIDING, S.LOST_CONTACT]
    if end == S.DETAINED:
        return [*start, S.AWAITING_RESCUE, S.IN_TRANSIT, S.DETAINED]
    if end == S.FEARED_REPATRIATED:
        return [*start, S.AWAITING_RESCUE, S.IN_TRANSIT, S.DETAINED, S.FEARED_REPATRIATED]
    if end == S.CLOSED and rng.random() < 0.4:
        return [*start, *TO_CLOSED[1:5], S.CLOSED]
    return [*start, *TO_CLOSED[1 : TO_CLOSED.index(end) + 1]]


def country_now(rng: random.Random, status: str, journey: list) -> str:
    """Where the person is at the end of the story (there is no service to move them)."""
    arrived = S.ARRIVED in [step if isinstance(step, str) else step[0] for step in journey]
    if status in (S.ARRIVED, S.RESETTLEMENT) or (status == S.CLOSED and arrived):
        return "KR"
    if status == S.THIRD_COUNTRY:
        return rng.choice(["TH", "LA", "VN"])
    if status in (S.IN_TRANSIT, S.DETAINED):
        return rng.choice(["CN", "LA", "VN"])
    return "CN"


class Player:
    """Turns stories into dated events and plays them through the services."""

    def __init__(self, rng: random.Random, *, now: dt.datetime, teams: dict, workers: dict):
        self.rng = rng
        self.now = now
        self.teams = teams
        self.workers = workers
        self.events: list[Event] = []

    def days(self, low: float, high: float) -> dt.timedelta:
        return dt.timedelta(hours=self.rng.uniform(low * 24, high * 24))

    def plan(self, number: int, story: Story) -> None:
        steps = [s if isinstance(s, tuple) else (s, None) for s in story.journey]
        statuses = [S.INTAKE] + [status for status, _who in steps]
        gaps = [self.days(*DWELL[status]) for status in statuses[:-1]]
        since = self.days(*SINCE[statuses[-1]])
        span = sum(gaps, since)
        # A story longer than the demo's two years is told faster.
        limit = dt.timedelta(days=365 * YEARS - 10)
        if span > limit:
            gaps = [gap * (limit / span) for gap in gaps]
        moments = [self.now - min(span, limit)]
        for gap in gaps:
            moments.append(moments[-1] + gap)
        ends = [*moments[1:], self.now]

        worker = self.workers[story.team]
        state: dict = {"people": []}
        seq = iter(range(10_000))

        def add(at: dt.datetime, run: Callable[[], None]) -> None:
            self.events.append(Event(at, (number, next(seq)), run))

        add(moments[0], lambda: self.open_case(story, state, worker))
        for (status, who), at in zip(steps, moments[1:], strict=True):
            add(at, lambda status=status, who=who: self.move(state, worker, status, who))
        for status, start, end in zip(statuses, moments, ends, strict=True):
            if status in HIDDEN:
                self.plan_relief(story, state, worker, start, end, add)
            if status == S.RESETTLEMENT:
                self.plan_support(story, state, worker, start, end, add, statuses[-1])
            if status == S.ARRIVED:
                self.plan_testimonies(story, state, worker, start, end, add)

    def plan_relief(self, story, state, worker, start, end, add) -> None:
        households = {}
        for index, someone in enumerate(story.people):
            households.setdefault(someone.group or index, index)
        at = start + self.days(2, 10)
        while at < end - dt.timedelta(days=1):
            for index in households.values():
                kind, quantity, low, high = self.rng.choice(RELIEF)
                cost = self.rng.randint(low // 100, high // 100) * 100
                partner = self.rng.choice(generate.PARTNERS)
                confirmed = self.rng.random() < 0.8

                def give(
                    index=index,
                    kind=kind,
                    quantity=quantity,
                    cost=cost,
                    partner=partner,
                    confirmed=confirmed,
                ):
                    relief = services.relief_add(
                        actor=worker,
                        person=state["people"][index],
                        kind=kind,
                        quantity=quantity,
                        cost_minor=cost,
                        currency="CNY",
                        given_on=timezone.localdate(),
                        delivered_by=partner,
                    )
                    state.setdefault("relief", []).append((relief, confirmed))

                add(at, give)
            confirm_at = min(at + self.days(1, 4), end - dt.timedelta(hours=1))
            add(confirm_at, lambda: self.confirm_relief(state, worker))
            at += self.days(25, 50)

    def confirm_relief(self, state, worker) -> None:
        for relief, confirmed in state.pop("relief", []):
            if confirmed:
                services.relief_confirm(actor=worker, relief=relief)

    def plan_support(self, story, state, worker, start, end, add, final) -> None:
        quarter = (end - start) / 4
        started = start + min(self.days(3, 10), quarter)
        ended = end - min(self.days(2, 10), quarter) if final == S.CLOSED else None
        for index, someone in enumerate(story.people):
            kinds = [SupportKind.EDUCATION] if (someone.age or 0) < 18 else [SupportKind.ADJUSTMENT]
            if someone.age and someone.age >= 18 and self.rng.random() < 0.4:
                kinds.append(SupportKind.LEGAL)
            if "health_need" in someone.flags:
                kinds.append(SupportKind.MEDICAL)
            for kind in kinds:
                provider = self.rng.choice(generate.PROVIDERS[kind])

                def support(index=index, kind=kind, provider=provider):
                    services.support_add(
                        actor=worker,
                        person=state["people"][index],
                        kind=kind,
                        provider=provider,
                        started_on=timezone.localdate(started),
                        ended_on=timezone.localdate(ended) if ended else None,
                        outcome="completed" if ended else "",
                    )

                # Support that has ended is recorded when it ends, with both dates.
                add(ended or started, support)

    def plan_testimonies(self, story, state, worker, arrived, end, add) -> None:
        for index, text, scope, withdrawn in story.testimonies:
            at = arrived + min(self.days(4, 15), (end - arrived) / 2)
            raw, edited = generate.TESTIMONIES[text]

            def testify(index=index, raw=raw, edited=edited, scope=scope):
                testimony = services.record_testimony(
                    actor=worker,
                    person=state["people"][index],
                    raw_text=raw,
                    publishable_text=edited,
                )
                if scope:
                    services.consent_record(
                        actor=worker,
                        testimony=testimony,
                        scope=scope,
                        given_on=timezone.localdate(),
                    )
                state["testimony"] = testimony

            add(at, testify)
            if withdrawn:
                later = at + (self.now - at) * self.rng.uniform(0.4, 0.8)
                add(
                    later,
                    lambda: services.consent_withdraw(actor=worker, testimony=state["testimony"]),
                )

    def open_case(self, story: Story, state: dict, worker) -> None:
        rng = self.rng
        final = story.journey[-1] if story.journey else S.INTAKE
        final = final if isinstance(final, str) else final[0]
        case = services.case_open(
            actor=worker,
            team=self.teams[story.team],
            country="CN",
            region=rng.choice(generate.REGIONS),
            urgency=story.urgency,
            relayed_by=story.relayed_by or rng.choice(generate.RELAYERS),
            exact_place=rng.choice(generate.PLACES),
            situation=story.situation or rng.choice(SITUATIONS),
        )
        year = timezone.localdate().year
        place = rng.choice(generate.PLACES)
        for someone in story.people:
            adult_ = someone.age is None or someone.age >= 18
            state["people"].append(
                services.person_add(
                    actor=worker,
                    case=case,
                    real_name=(
                        generate.chinese_name(rng)
                        if someone.born_abroad
                        else generate.korean_name(rng, someone.surname)
                    ),
                    sex=someone.sex,
                    birth_year=None if someone.age is None else year - someone.age,
                    province="" if someone.born_abroad else someone.province,
                    born_abroad=someone.born_abroad,
                    languages="zh" if someone.born_abroad and someone.age else "ko",
                    country=country_now(rng, final, story.journey),
                    phone=generate.fake_phone(rng) if someone.phone and adult_ else "",
                    aliases=generate.chinese_name(rng) if someone.alias else "",
                    whereabouts=place,
                    **dict.fromkeys(someone.flags, True),
                )
            )
        groups: dict[str, list] = {}
        for someone, person in zip(story.people, state["people"], strict=True):
            if someone.group:
                groups.setdefault(someone.group, []).append(person)
        for label, members in groups.items():
            services.group_create(actor=worker, case=case, label=label, people=members)

    def move(self, state: dict, worker, status: str, who) -> None:
        people = state["people"]
        for index in range(len(people)) if who is None else who:
            people[index] = services.person_set_status(
                actor=worker, person=people[index], to_status=status
            )

    def play(self) -> None:
        for event in sorted(self.events):
            if event.at > self.now:
                raise AssertionError(f"a demo event is planned in the future: {event}")
            with clock(event.at):
                event.run()


def create_cases(rng: random.Random, *, now: dt.datetime, teams: dict, workers: dict) -> None:
    """Plan every story, then play all their events in date order."""
    player = Player(rng, now=now, teams=teams, workers=workers)
    for number, story in enumerate(stories(rng)):
        player.plan(number, story)
    player.play()
