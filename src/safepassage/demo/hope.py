"""The demo organisation's Hope Sharing, played through ``fundraising.services``.

One citizen saves one refugee: the director sets what a rescue costs (₩2,500,000 two years
ago, ₩3,000,000 for the last year); communications launches the Hope Sharing campaign four
months ago, with a volunteer team's page under it ("US$15,000 by year end", credited to the
volunteer), a Canadian tour with two talks, and a film screening and a quiz night in Seoul
(their costs booked to them as expenses, submitted by finance, approved by the director,
paid by finance). Case workers record the consent to sponsorship of most people awaiting
rescue, a few days after each one starts waiting (the newest have not been asked yet, and
two declined). Gifts come in: sponsors who fund a rescue alone, in one gift or in
instalments of a pledge (one instalment overdue), donors from ``demo.money`` who give into
pooled rescues (some of them enrolled as pooling sponsors), the team's and the tour's
supporters, the events' guests. An anonymous matching sponsor doubles every gift (at most
₩1,000,000 a gift) until its ₩6,000,000 runs out; another matches the Canadian tour's
gifts for five rescues and is partly used when the tour ends. Every gift is entered by hand
through ``funds.services.donations.donation_record`` (so by the channels finance enters
by hand: the online giving pages, cheques, cash, events), whose hook counts pledge
payments, draws matches, fills shares and gives funded shares to people by priority.

The story: a woman who was once sent back, trafficked since, calls with her three-year-old
daughter (generated names); they come to the top of the queue, agree to a sponsor being
told of their journey, and a citizen gives enough for two rescues. Both shares go to them
by priority; the coordinator plans a mission on the Mekong route; she gives a message for
the sponsors in the third country (consent: donors); they arrive, the shares are rescued,
and the citizen is e-mailed in Korean what they may know.

As in the other demo modules, each step runs with the clock set to its moment, in date
order; after each step the worker's work that fundraising queued (news to sponsors, shares
given out, pledge reminders) runs as the worker would, so the e-mails exist (``var/mail``
in the demo). Alerts and everything else stay queued for the real worker. Existing donors
are taken from ``demo.money`` (the demo has about as many donors as its books can hold);
the seven new ones have generated names and example.org addresses.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import heapq
import itertools
import os
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from unittest import mock

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from safepassage.base import money
from safepassage.cases import services as case_services
from safepassage.cases.models import (
    ConsentScope,
    Person,
    Province,
    ReliefKind,
    Sex,
    Status,
    Team,
    Urgency,
)
from safepassage.demo import generate
from safepassage.demo import money as demo_money
from safepassage.demo.missions import COSTS, Rescue, Script, Unit
from safepassage.demo.organisation import Event
from safepassage.fundraising import selectors
from safepassage.fundraising.models import Event as FundraisingEvent
from safepassage.fundraising.models import (
    EventKind,
    Frequency,
    MatchingPledge,
    MatchUnit,
    NewsDelivery,
    NewsKind,
    Pledge,
    Share,
    ShareStatus,
    Sponsor,
    SponsorConsent,
    SponsorMode,
)
from safepassage.fundraising.services import (
    campaigns,
    consent,
    costs,
    matching,
    pledges,
    sponsors,
)
from safepassage.funds.models import (
    Campaign,
    CampaignKind,
    Channel,
    Donor,
    DonorKind,
    ExpenseCategory,
    Restriction,
)
from safepassage.funds.services import donations, donors, expenses
from safepassage.rescue.models import FieldPartner, Means, MissionCost, MissionStatus, Route
from safepassage.rescue.services import missions
from safepassage.vault import records

DAY = dt.timedelta(days=1)
HOUR = dt.timedelta(hours=1)
MINUTE = dt.timedelta(minutes=1)
R = Restriction
COST_BEFORE = 2_500_000
COST = 3_000_000
HOPE_CODE = "hope-sharing"
HOPE_DESCRIPTION = (
    "한 사람의 시민이 한 생명을 살립니다. 구출 한 번의 비용을 후원하시면"
    " 중국에 숨어 지내는 한 사람이 안전한 곳으로 갑니다. 그보다 작은 후원금은"
    " 모여서 함께 한 사람의 구출 비용이 됩니다. 후원자께는 그분의 안전을 지키는"
    " 말로 여정의 소식을 전해 드립니다. 이름, 장소, 날짜는 알려 드리지 않습니다."
)
TEAM_DESCRIPTION = (
    "Our volunteers abroad aim to raise US$15,000 for rescues by the end of the year."
)
TOUR_DESCRIPTION = (
    "Talks in Canadian cities about the journey to safety. An anonymous sponsor matches"
    " every gift until five rescues are paid for."
)
MATCHER = "익명의 매칭 후원자"
TOUR_MATCHER = "Anonymous sponsor of the Canadian tour"
# Matched at 100%, at most ₩1,000,000 a gift, until ₩6,000,000 is drawn.
POOL_CAP = 6_000_000
POOL_PER_GIFT = 1_000_000
TOUR_RESCUES = 5
# What the Seoul events' guests gave (won): about ₩800,000 together.
SCREENING_GIFTS = [50_000, 100_000, 30_000, 100_000, 70_000, 50_000]
QUIZ_GIFTS = [50_000, 30_000, 100_000, 50_000, 20_000, 100_000, 50_000]
SCREENING_COST = ("영화 상영회: 대관료 및 상영권", 150_000)
QUIZ_COST = ("퀴즈의 밤: 상품 및 다과", 100_000)
# The mother's message to the sponsors, as she said it and as edited for them.
MESSAGE = (
    "후원해 주신 분께. 아이와 함께 여기까지 무사히 왔습니다. 다시 잡혀갈까 봐 매일 밤 무서웠는데,"
    " 이제 숨지 않아도 된다는 것이 아직 믿기지 않습니다. 정말 고맙습니다.",
    "후원해 주신 분께: 아이와 함께 여기까지 무사히 왔습니다. 이제 숨지 않아도 된다는 것이 아직"
    " 믿기지 않습니다. 정말 고맙습니다.",
)
STORY_SITUATION = (
    "한 번 강제 송환되어 수감되었고, 다시 국경을 넘었다가 농가에 팔려 갔습니다. 세 살 난 딸은"
    " 중국에서 태어났으며 열이 내리지 않습니다. 브로커가 두 사람이 숨어 있는 곳을"
    " 알아냈습니다."
)
# The worker's work that the demo runs as it happens; alerts wait for the real worker.
TASKS = (
    "safepassage.fundraising.tasks.send_news",
    "safepassage.fundraising.tasks.assign_shares",
    "safepassage.fundraising.tasks.send_pledge_reminder",
)


@contextlib.contextmanager
def _committing_now():
    """Run what a step asked to do after commit (queueing its tasks) as the step ends.

    The whole demo is one transaction, so nothing would be queued before its end; a
    step's work counts as committed once the step is over, as it would be for a real
    request, and the worker's work that follows sees its tasks."""
    start = len(connection.run_on_commit)
    try:
        yield
    finally:
        callbacks = connection.run_on_commit[start:]
        del connection.run_on_commit[start:]
        for _savepoints, callback, _robust in callbacks:
            callback()


@dataclass
class Story:
    """The family the citizen's gift rescues, filled in as the steps run."""

    unit: Unit
    people: list[Person] = field(default_factory=list)
    citizen: Donor | None = None
    sponsor: Sponsor | None = None


class Hope:
    """Plans Hope Sharing as dated steps, then plays them in order with the clock set."""

    def __init__(self, rng: random.Random, *, now: dt.datetime, staff: dict):
        self.rng = rng
        self.now = now
        self.today = timezone.localdate(now)
        self.staff = staff
        self.finance = staff["finance"]
        self.director = staff["director"]
        self.comms = staff["comms"]
        self.events: list[Event] = []
        self.order = itertools.count()
        self.made: dict = {}  # campaigns, events, donors and pledges, once created
        self.story = Story(Unit([], now, now))
        self.emails = 0
        self.mail: dict[int, str] = {}  # news delivery -> the file it was written to

    # -- time ------------------------------------------------------------------------------

    def at(self, days_ago: float, low_hour: float = 9, high_hour: float = 18) -> dt.datetime:
        """A moment on the day ``days_ago`` days before today, between two local hours."""
        day = self.today - DAY * int(days_ago)
        midnight = dt.datetime.combine(day, dt.time(), tzinfo=timezone.get_current_timezone())
        seconds = self.rng.randrange(int(low_hour * 3600), int(high_hour * 3600))
        return midnight + dt.timedelta(seconds=seconds)

    def add(self, at: dt.datetime, run: Callable[[], None]) -> None:
        if at > self.now:
            raise AssertionError(f"a demo Hope Sharing step is planned in the future: {at}")
        heapq.heappush(self.events, Event(at, (next(self.order),), run))

    def play(self) -> None:
        """Each step with the clock at its moment; then what the worker would do at once."""
        with mock.patch.object(timezone, "now") as now:
            while self.events:
                event = heapq.heappop(self.events)
                now.return_value = event.at
                with _committing_now():
                    event.run()
                self.run_queued()

    def run_queued(self) -> None:
        """Fundraising's queued tasks, run as ``safepassage worker`` runs them."""
        for result in (
            DBTaskResult.objects.ready().filter(task_path__in=TASKS).order_by("enqueued_at")
        ):
            result.claim("demo")
            before = self._mail_files()
            task = result.task_result
            with _committing_now():
                outcome = result.task.call(*task.args, **task.kwargs)
            result.set_successful(outcome)
            written = set(self._mail_files().items()) - set(before.items())
            if written and result.task_path.endswith(".send_news"):
                self.mail[task.kwargs["delivery_id"]] = max(written)[0]

    def _mail_files(self) -> dict[str, int]:
        """The file backend's files and their sizes: a message sent within the second of
        the one before may be appended to its file (the backend names files by the time
        and an object's id)."""
        folder = mail_folder()
        if folder is None or not os.path.isdir(folder):
            return {}
        return {entry.path: entry.stat().st_size for entry in os.scandir(folder)}

    # -- donors ------------------------------------------------------------------------------

    def email(self, name: str) -> str:
        self.emails += 1
        local = ".".join(name.replace("-", "").lower().split())
        if not local.isascii() or not local.replace(".", "").isalpha():
            local = "sponsor"
        return f"{local}.hope{self.emails}@example.org"

    def english_name(self) -> str:
        surnames = generate.SURNAMES if self.rng.random() < 0.6 else demo_money.SURNAMES_EN
        return f"{self.rng.choice(demo_money.GIVEN_EN)} {self.rng.choice(surnames)}"

    def keep(self, key: str, make: Callable[[], object]) -> Callable[[], None]:
        """A step that makes something and keeps it under ``key`` for later steps."""

        def run():
            self.made[key] = make()

        return run

    def new_donor(self, key: str, at: dt.datetime, *, english=False, org="", consent=True):
        """A new donor (generated name, example.org address), entered by finance."""
        name = org or (self.english_name() if english else generate.korean_name(self.rng))
        email = self.email("office" if org else name)
        self.add(
            at,
            self.keep(
                key,
                lambda: donors.donor_create(
                    actor=self.finance,
                    kind=DonorKind.ORGANISATION if org else DonorKind.PERSON,
                    name=name,
                    email=email,
                    language="en" if english else "ko",
                    consent_to_contact=consent,
                ),
            ),
        )

    def donor(self, giver: str | Donor) -> Donor:
        """A donor of ``demo.money``, or the one made here under that key."""
        return self.made[giver] if isinstance(giver, str) else giver

    def enrol(self, giver: str | Donor, at: dt.datetime, mode: str = SponsorMode.OWN) -> None:
        self.add(
            at,
            lambda: sponsors.sponsor_enrol(actor=self.comms, donor=self.donor(giver), mode=mode),
        )

    def existing(self) -> dict[str, list[Donor]]:
        """Donors of ``demo.money`` who take part, in a stable order: Korean monthly givers,
        supporters abroad on the giving platform, Canadian givers, and a church. Donors
        entered twice (for finance to merge) stay out of it."""
        found = Donor.objects.filter(merged_into__isnull=True).exclude(kind=DonorKind.ANONYMOUS)
        twice = set()
        for index in ("email_bidx", "phone_bidx"):
            counted = found.exclude(**{index: None}).values(index).annotate(n=Count("pk"))
            values = [row[index] for row in counted if row["n"] > 1]
            twice |= set(found.filter(**{f"{index}__in": values}).values_list("pk", flat=True))
        found = found.exclude(pk__in=twice).annotate(
            bank=Count("donations", filter=Q(donations__channel=Channel.BANK)),
            platform=Count("donations", filter=Q(donations__channel=Channel.PLATFORM)),
            cad=Count("donations", filter=Q(donations__currency="CAD")),
        )
        ordered = sorted(found, key=lambda d: (d.created_at, records.read(d, "name") or ""))
        person = [d for d in ordered if d.kind == DonorKind.PERSON and d.email.is_set]
        return {
            "regulars": [d for d in person if d.language == "ko" and d.bank >= 6],
            "abroad": [d for d in person if d.language == "en" and d.platform],
            "canadians": [d for d in ordered if d.cad],
            "churches": [
                d
                for d in ordered
                if d.kind == DonorKind.ORGANISATION
                and records.read(d, "name") in demo_money.CHURCHES_KO
            ],
        }

    # -- gifts --------------------------------------------------------------------------------

    def gift(
        self,
        at: dt.datetime,
        giver,
        major: int,
        currency: str,
        channel: str,
        campaign: str = "hope",
        *,
        soft_credit: str = "",
        check: Callable[[], None] | None = None,
    ) -> None:
        """A gift recorded by the finance officer as it arrives (``giver`` is a donor or
        the key of one made here). Hope Sharing's gifts are entered one by one, so they
        come through the channels finance enters by hand: the campaign's and the team's
        online giving pages ("other"), cheques, cash and events (``demo.money`` records
        the bank's statements and the giving platform's exports in bulk)."""
        gross = money.to_minor(major, currency)

        def record():
            if check:
                check()
            donations.donation_record(
                actor=self.finance,
                donor=self.donor(giver),
                gross_minor=gross,
                currency=currency,
                received_on=timezone.localdate(),
                channel=channel,
                restriction=R.RESCUE,
                campaign=self.made[campaign] if campaign else None,
                soft_credit=self.made[soft_credit] if soft_credit else None,
            )

        self.add(at, record)

    # -- the plan ------------------------------------------------------------------------------

    def plan_costs(self) -> None:
        """The director's estimate two years ago, and the cost since fares went up."""
        self.add(
            self.at(720),
            lambda: costs.cost_set(
                actor=self.director,
                starts_on=self.today - DAY * 700,
                amount_minor=COST_BEFORE,
                note="첫 추정치: 남쪽 경로의 안내인, 교통비, 은신처.",
            ),
        )
        self.add(
            self.at(372),
            lambda: costs.cost_set(
                actor=self.director,
                starts_on=self.today - DAY * 365,
                amount_minor=COST,
                note="안내인 수고비와 교통비가 올랐고, 메콩강 건너기 비용이 늘었습니다.",
            ),
        )

    def plan_campaigns(self) -> None:
        """The campaign, its team page, the Canadian tour with its talks, the Seoul events,
        and the two matching sponsors."""
        year_end = dt.date(self.today.year, 12, 31)

        def create(key: str, **values) -> Callable[[], None]:
            def make():
                for name in ("parent", "fundraiser"):
                    if isinstance(values.get(name), str):
                        values[name] = self.made[values[name]]
                return campaigns.campaign_create(actor=self.comms, **values)

            return self.keep(key, make)

        self.add(
            self.at(121),
            create(
                "hope",
                code=HOPE_CODE,
                name="희망나눔",
                description=HOPE_DESCRIPTION,
                starts_on=self.today - DAY * 120,
                goal_currency="KRW",
                goal_minor=50 * COST,
                rescues_target=50,
                hope_sharing=True,
                public=True,
            ),
        )
        self.new_donor("volunteer", self.at(112), english=True)
        self.add(
            self.at(111),
            create(
                "team",
                code="team-bridge",
                name="Team Bridge: US$15,000 by year end",
                kind=CampaignKind.TEAM,
                parent="hope",
                description=TEAM_DESCRIPTION,
                starts_on=self.today - DAY * 110,
                ends_on=max(year_end, self.today),
                goal_currency="USD",
                goal_minor=1_500_000,
                fundraiser="volunteer",
                public=True,
            ),
        )
        self.new_donor("matcher", self.at(97), org=MATCHER, consent=False)
        self.add(
            self.at(96),
            self.keep(
                "pool",
                lambda: matching.matching_create(
                    actor=self.director,
                    donor=self.made["matcher"],
                    campaign=self.made["hope"],
                    unit=MatchUnit.MONEY,
                    starts_on=self.today - DAY * 95,
                    percent=100,
                    per_gift_cap_minor=POOL_PER_GIFT,
                    total_cap_minor=POOL_CAP,
                ),
            ),
        )
        tour_start, tour_end = self.today - DAY * 88, self.today - DAY * 72
        self.new_donor("tour_matcher", self.at(93), english=True, org=TOUR_MATCHER, consent=False)
        self.add(
            self.at(92),
            create(
                "tour",
                code=f"canadian-tour-{tour_start.year}",
                name=f"Canadian tour {tour_start.year}",
                parent="hope",
                description=TOUR_DESCRIPTION,
                starts_on=tour_start,
                ends_on=tour_end,
                goal_currency="CAD",
                goal_minor=1_000_000,
                public=True,
            ),
        )
        self.add(
            self.at(91),
            self.keep(
                "tour_pool",
                lambda: matching.matching_create(
                    actor=self.director,
                    donor=self.made["tour_matcher"],
                    campaign=self.made["tour"],
                    unit=MatchUnit.RESCUES,
                    starts_on=tour_start,
                    ends_on=tour_end,
                    rescues_target=TOUR_RESCUES,
                ),
            ),
        )
        # Each event is announced some days before it is held.
        for key, name, kind, days_ago, city, parent, announced in [
            ("toronto", "Toronto talk", EventKind.LECTURE, 85, "Toronto", "tour", 90),
            ("vancouver", "Vancouver talk", EventKind.LECTURE, 78, "Vancouver", "tour", 90),
            ("screening", "서울 영화 상영회", EventKind.SCREENING, 68, "Seoul", "hope", 88),
            ("quiz", "희망나눔 퀴즈의 밤", EventKind.QUIZ, 33, "Seoul", "hope", 53),
        ]:
            self.add(
                self.at(announced),
                self.keep(
                    key,
                    lambda name=name, kind=kind, days_ago=days_ago, city=city, parent=parent: (
                        campaigns.event_create(
                            actor=self.comms,
                            name=name,
                            kind=kind,
                            held_on=self.today - DAY * days_ago,
                            city=city,
                            parent=self.made[parent],
                        )
                    ),
                ),
            )
        # The matching sponsors pay what they promised once it is drawn (into the rescue
        # fund, not into shares: their matches already filled shares in their name).
        self.add(self.at(60), lambda: self.pay_match("tour_pool", "tour_matcher"))
        self.add(self.at(3), lambda: self.pay_match("pool", "matcher"))

    def pay_match(self, pledge: str, donor: str) -> None:
        drawn = MatchingPledge.objects.get(pk=self.made[pledge].pk).drawn_minor
        if drawn > 0:
            donations.donation_record(
                actor=self.finance,
                donor=self.made[donor],
                gross_minor=drawn,
                currency=settings.BASE_CURRENCY,
                received_on=timezone.localdate(),
                channel=Channel.CHEQUE,
                restriction=R.RESCUE,
            )

    def plan_events(self, existing: dict) -> None:
        """The guests' gifts on the night (cash at the door is anonymous) and the costs."""
        rng = self.rng
        guests = existing["regulars"][6:12] or [donors.anonymous_donor()]
        for key, amounts, cost in (
            ("screening", SCREENING_GIFTS, SCREENING_COST),
            ("quiz", QUIZ_GIFTS, QUIZ_COST),
        ):
            days_ago = 68 if key == "screening" else 33
            for amount in amounts:
                giver = rng.choice(guests) if rng.random() < 0.5 else None
                self.add(
                    self.at(days_ago, 19, 22),
                    lambda key=key, amount=amount, giver=giver: self.event_gift(key, giver, amount),
                )
            self.expense(days_ago, key, *cost)

    def event_gift(self, key: str, giver, amount: int) -> None:
        donations.donation_record(
            actor=self.finance,
            donor=giver or donors.anonymous_donor(),
            gross_minor=amount,
            currency="KRW",
            received_on=timezone.localdate(),
            channel=Channel.EVENT,
            restriction=R.RESCUE,
            campaign=self.made[key].campaign,
        )

    def expense(self, days_ago: int, key: str, description: str, amount: int) -> None:
        """An event's costs: entered and submitted by finance, approved by the director,
        paid by finance (from general money)."""
        state = {}
        created = self.at(days_ago - 1, 9.5, 12)

        def create():
            state["expense"] = expenses.expense_create(
                actor=self.finance,
                category=ExpenseCategory.FUNDRAISING,
                description=description,
                amount_minor=amount,
                currency="KRW",
                spent_on=self.today - DAY * days_ago,
                campaign=self.made[key].campaign,
            )
            state["expense"] = expenses.expense_submit(actor=self.finance, expense=state["expense"])

        self.add(created, create)
        self.add(
            created + HOUR * self.rng.uniform(3, 6),
            lambda: state.update(
                expense=expenses.expense_approve(actor=self.director, expense=state["expense"])
            ),
        )
        self.add(
            created + DAY + HOUR * self.rng.uniform(0, 2),
            lambda: expenses.expense_pay(actor=self.finance, expense=state["expense"]),
        )

    def plan_consents(self) -> None:
        """Most people awaiting rescue agree a few days after they start waiting (or after
        the campaign starts); the newest have not been asked yet and two declined."""
        rng = self.rng
        waiting = list(
            Person.objects.filter(status=Status.AWAITING_RESCUE)
            .select_related("case__team")
            .order_by("-priority", "status_changed_at", "created_at")
        )
        low = [p for p in waiting if p.priority < 40]
        declined = set(rng.sample(low, min(2, len(low))))
        campaign_start = self.at(120, 10, 11)
        for person in waiting:
            asked = max(person.status_changed_at, campaign_start) + DAY * rng.uniform(1, 8)
            if person in declined or asked > self.now - HOUR:
                continue
            worker = person.case.team.members.order_by("email").first()
            self.add(
                asked,
                lambda person=person, worker=worker: consent.consent_record(
                    actor=worker, person=person, given_on=timezone.localdate()
                ),
            )

    def plan_gifts(self, existing: dict) -> None:
        """Sponsors alone and pooling, pledges, the team's page, the tour, the events."""
        rng = self.rng
        regulars, abroad = existing["regulars"], existing["abroad"]
        # A sponsor who funds a rescue alone, in one gift.
        self.new_donor("own", self.at(106))
        self.enrol("own", self.at(105, 10, 11))
        self.gift(self.at(104), "own", COST, "KRW", Channel.OTHER)
        # Two sponsors who pay in instalments of a pledge: one has paid it all; the other
        # has paid three of six and the fourth is overdue.
        self.new_donor("monthly", self.at(103), english=True)
        self.enrol("monthly", self.at(102))
        self.pledge("monthly", 100, COST, 6, [100, 70, 40])
        self.new_donor("three", self.at(77))
        self.enrol("three", self.at(77, 18, 19))
        self.pledge("three", 75, COST, 3, [75, 45, 15])
        # A supporter abroad funds a rescue alone, in dollars, on the campaign's page.
        if abroad:
            self.enrol(abroad[0], self.at(66))
            self.gift(self.at(65), abroad[0], 2300, "USD", Channel.OTHER)
        # Monthly givers put a little more into pooled rescues; some enrol as poolers.
        for number, giver in enumerate(regulars[:6]):
            if number < 3:
                self.enrol(giver, self.at(110 - 10 * number), SponsorMode.POOL)
            for days_ago in sorted(rng.sample(range(8, 105), rng.randint(1, 3)), reverse=True):
                amount = rng.choice([100_000, 200_000])
                self.gift(self.at(days_ago), giver, amount, "KRW", Channel.OTHER)
        # A church pledges ₩2,000,000 over a year, quarterly; the first quarter is paid.
        if existing["churches"]:
            church = existing["churches"][0]
            self.enrol(church, self.at(59, 9, 10), SponsorMode.POOL)
            self.pledge(church, 58, 2_000_000, 4, [58], frequency=Frequency.QUARTERLY)
        # The team's page: supporters abroad, credited to the volunteer.
        for days_ago in sorted(rng.sample(range(6, 108), 12), reverse=True):
            giver = rng.choice(abroad[1:7]) if len(abroad) > 1 else "volunteer"
            amount = rng.choice([100, 150, 200, 250, 300, 500])
            self.gift(
                self.at(days_ago, 1, 23),
                giver,
                amount,
                "USD",
                Channel.OTHER,
                "team",
                soft_credit="volunteer",
            )
        self.gift(self.at(109), "volunteer", 300, "USD", Channel.OTHER, "team")
        # The Canadian tour: offerings at the two talks (cash is anonymous) and gifts after.
        canadians = existing["canadians"] or [donors.anonymous_donor()]
        for key, days_ago in (("toronto", 85), ("vancouver", 78)):
            for amount in [rng.choice([50, 100, 200, 300, 500]) for _ in range(4)]:
                giver = rng.choice(canadians) if rng.random() < 0.5 else None
                self.add(
                    self.at(days_ago, 19, 22),
                    lambda key=key, giver=giver, amount=amount: self.tour_gift(key, giver, amount),
                )
        self.plan_events(existing)

    def tour_gift(self, key: str, giver, amount: int) -> None:
        donations.donation_record(
            actor=self.finance,
            donor=giver or donors.anonymous_donor(),
            gross_minor=money.to_minor(amount, "CAD"),
            currency="CAD",
            received_on=timezone.localdate(),
            channel=Channel.EVENT,
            restriction=R.RESCUE,
            campaign=self.made[key].campaign,
        )

    def pledge(
        self,
        giver,
        days_ago: int,
        total: int,
        instalments: int,
        paid: list[int],
        *,
        frequency: str = Frequency.MONTHLY,
    ) -> None:
        """A pledge to Hope Sharing made the day before its first instalment; the gifts
        on the days in ``paid`` are counted against it as they are recorded."""

        def create():
            pledges.pledge_create(
                actor=self.comms,
                donor=self.donor(giver),
                currency="KRW",
                total_minor=total,
                instalments=instalments,
                frequency=frequency,
                starts_on=self.today - DAY * days_ago,
                campaign=self.made["hope"],
            )

        self.add(self.at(days_ago + 1), create)
        each = pledges.amounts(total, instalments)[0]
        # A church gives what its Sunday offering for Hope Sharing collects.
        channel = Channel.CASH if not isinstance(giver, str) else Channel.OTHER
        for day in paid:
            self.gift(self.at(day), giver, each, "KRW", channel)

    def plan_reminders(self) -> None:
        """The worker's daily sweep of instalments due within three days or overdue."""
        for days_ago in range(103, -1, -1):
            at = self.at(days_ago, 7, 7.1)
            self.add(min(at, self.now - 5 * MINUTE), lambda: pledges.reminders_due())

    # -- the story ---------------------------------------------------------------------------

    def plan_story(self) -> None:
        rng = self.rng
        story = self.story
        team = Team.objects.get(name="North team")
        worker = team.members.order_by("email").first()
        called = self.at(44, 8, 12)
        story.unit.waiting_since = self.at(27, 10, 16)
        story.unit.last_recorded = story.unit.waiting_since

        def call():
            year = timezone.localdate().year
            case = case_services.case_open(
                actor=worker,
                team=team,
                country="CN",
                region=rng.choice(generate.REGIONS),
                urgency=Urgency.CRITICAL,
                relayed_by="her own call, from a borrowed phone",
                exact_place=rng.choice(generate.PLACES),
                situation=STORY_SITUATION,
            )
            surname = rng.randrange(len(generate.SURNAMES))
            place = rng.choice(generate.PLACES)
            mother = case_services.person_add(
                actor=worker,
                case=case,
                real_name=generate.korean_name(rng, surname),
                sex=Sex.FEMALE,
                birth_year=year - rng.randint(27, 33),
                province=Province.NORTH_HAMGYONG,
                languages="ko",
                country="CN",
                phone=generate.fake_phone(rng),
                aliases=generate.chinese_name(rng),
                whereabouts=place,
                trafficked=True,
                forced_marriage=True,
                prior_repatriation=True,
            )
            child = case_services.person_add(
                actor=worker,
                case=case,
                real_name=generate.chinese_name(rng),
                sex=Sex.FEMALE,
                birth_year=year - 3,
                born_abroad=True,
                languages="zh",
                country="CN",
                whereabouts=place,
                health_need=True,
            )
            case_services.group_create(
                actor=worker, case=case, label="어머니와 딸", people=[mother, child]
            )
            story.people[:] = [mother, child]
            story.unit.people[:] = [mother.pk, child.pk]

        def move(status: str):
            def run():
                story.people[:] = [
                    case_services.person_set_status(actor=worker, person=p, to_status=status)
                    for p in story.people
                ]

            return run

        def relief():
            given = case_services.relief_add(
                actor=worker,
                person=story.people[0],
                kind=ReliefKind.MEDICINE,
                quantity="fever medicine for a child",
                cost_minor=12_000,
                currency="CNY",
                given_on=timezone.localdate(),
                delivered_by="Pine",
            )
            case_services.relief_confirm(actor=worker, relief=given)

        self.add(called, call)
        self.add(called + HOUR * rng.uniform(3, 20), move(Status.IN_HIDING))
        self.add(self.at(36), relief)
        self.add(story.unit.waiting_since, move(Status.AWAITING_RESCUE))
        self.add(
            self.at(25),
            lambda: [
                consent.consent_record(actor=worker, person=p, given_on=timezone.localdate())
                for p in story.people
            ],
        )
        # The citizen: a sponsor who funds rescues alone, and gives for two at once.
        self.new_donor("citizen", self.at(23, 9, 12))
        self.add(self.at(23, 13, 14), self.enrol_citizen)
        self.gift(
            self.at(22, 10, 12),
            "citizen",
            2 * COST,
            "KRW",
            Channel.OTHER,
            check=self.check_queue,
        )
        self.add(self.at(22, 13, 14), self.check_shares)
        self.plan_journey(worker)

    def enrol_citizen(self) -> None:
        self.story.citizen = self.made["citizen"]
        self.story.sponsor = sponsors.sponsor_enrol(
            actor=self.comms, donor=self.story.citizen, mode=SponsorMode.OWN
        )

    def check_queue(self) -> None:
        """The family must be first in the queue of people a share may go to."""
        first = {p.pk for p in selectors.eligible_people()[:2]}
        if first != {p.pk for p in self.story.people}:
            raise AssertionError(
                "the demo's story family is not first in the Hope Sharing queue: someone "
                "with a higher priority than the child is waiting without a sponsor"
            )

    def check_shares(self) -> None:
        given = set(
            Share.objects.filter(
                sponsor=self.story.sponsor, status=ShareStatus.ASSIGNED
            ).values_list("person_id", flat=True)
        )
        if given != {p.pk for p in self.story.people}:
            raise AssertionError("the citizen's two shares did not go to the story family")

    def plan_journey(self, worker) -> None:
        """A mission on the Mekong route: planned, started, checked in at each safe point;
        the mother's message in the third country; arrival; the costs booked."""
        rng = self.rng
        coordinator = self.staff["coordinator"]
        rescue = Rescue(rng, now=self.now, coordinator=coordinator, director=self.director)
        route = "Mekong route"
        rescue.routes[route] = Route.objects.get(name=route)
        rescue.stops[route] = list(rescue.routes[route].stops.order_by("position"))
        rescue.partners["Pine"] = FieldPartner.objects.get(pseudonym="Pine")
        script = Script("hope", route, ("Pine",), unit=self.story.unit)
        start = self.at(19, 5, 5.01)
        rescue.plan_mission(script, at=self.at(20, 15, 18), start=start)
        arrivals = rescue.journey(route, start)
        rescue.arrive(script, arrivals)
        third, last = arrivals[0][1], arrivals[-1][1]
        told = third + (last - third) * rng.uniform(0.3, 0.6)

        def testimony():
            given = case_services.record_testimony(
                actor=worker,
                person=self.story.people[0],
                raw_text=MESSAGE[0],
                publishable_text=MESSAGE[1],
            )
            case_services.consent_record(
                actor=worker,
                testimony=given,
                scope=ConsentScope.DONORS,
                given_on=timezone.localdate(),
            )

        what, currency, low, high = COSTS[4] if arrivals[-1][0].means == Means.CAR else COSTS[3]
        amount = rng.randint(low // 100, high // 100) * 100
        rescue.add(
            last - HOUR,
            lambda: missions.cost_add(
                actor=coordinator,
                mission=script.state["mission"],
                description=what,
                amount_minor=amount,
                currency=currency,
                spent_on=timezone.localdate(),
            ),
        )
        rescue.end(script, last + HOUR * rng.uniform(1, 3), MissionStatus.COMPLETED)
        for event in rescue.events:
            self.add(event.at, event.run)
        self.add(told, testimony)
        self.story_mission = script.state
        self.book_costs(script.state, last + DAY)

    def book_costs(self, state: dict, at: dt.datetime) -> None:
        """The mission's costs, as the finance officer books every mission's: linked to
        it, paid from the rescue fund."""
        booked: list = []

        def create():
            for cost in MissionCost.objects.filter(mission=state["mission"]).order_by("id"):
                expense = expenses.expense_create(
                    actor=self.finance,
                    category=ExpenseCategory.RESCUE,
                    description=cost.description,
                    amount_minor=cost.amount_minor,
                    currency=cost.currency,
                    spent_on=cost.spent_on,
                    restriction=R.RESCUE,
                    mission=cost.mission,
                )
                booked.append(expenses.expense_submit(actor=self.finance, expense=expense))

        def approve():
            booked[:] = [expenses.expense_approve(actor=self.director, expense=e) for e in booked]

        def pay():
            booked[:] = [expenses.expense_pay(actor=self.finance, expense=e) for e in booked]

        self.add(at, create)
        self.add(at + HOUR * self.rng.uniform(3, 6), approve)
        self.add(at + DAY + HOUR * self.rng.uniform(0, 3), pay)

    # -- what the demo prints -------------------------------------------------------------------

    def show(self) -> dict:
        """The citizen's arrival e-mail (the mother's, with her message) and a fresh link
        to their page, issued after every e-mail (each e-mail replaces the link)."""
        sponsor = self.story.sponsor
        arrived = NewsDelivery.objects.filter(
            donor=sponsor.donor,
            news__kind=NewsKind.ARRIVED,
            news__share__person=self.story.people[0],
        ).first()
        token = sponsors.page_link(sponsor=sponsor)
        return {
            "sponsor": sponsor.code,
            "mission": self.story_mission["mission"].code,
            "page": settings.BASE_URL + reverse("sponsor-page", args=[token]),
            "mail": self.mail.get(arrived.pk, "") if arrived else "",
        }


def mail_folder() -> str | None:
    """Where the file e-mail backend writes (the demo's ``var/mail``), or None."""
    mailer = (getattr(settings, "MAILERS", None) or {}).get("default", {})
    if not mailer.get("BACKEND", "").endswith("filebased.EmailBackend"):
        return None
    return mailer.get("OPTIONS", {}).get("file_path")


def create_hope(rng: random.Random, *, now: dt.datetime, staff: dict) -> dict:
    """Plan Hope Sharing and its story, play them in date order; returns what to print.
    The demo's money is in won: with another base currency there is none."""
    if settings.BASE_CURRENCY != "KRW":
        return {}
    hope = Hope(rng, now=now, staff=staff)
    existing = hope.existing()
    hope.plan_costs()
    hope.plan_campaigns()
    hope.plan_consents()
    hope.plan_gifts(existing)
    hope.plan_story()
    hope.plan_reminders()
    hope.play()
    return hope.show()


def summary() -> str:
    """The lines the demo prints about Hope Sharing."""
    hope = Campaign.objects.filter(code=HOPE_CODE).first()
    if hope is None:
        return ""
    state = selectors.progress(hope)
    counts = dict(Share.objects.values_list("status").annotate(n=Count("id")).order_by())
    funded = sum(counts.get(s, 0) for s in selectors.FUNDED)
    waiting = Person.objects.filter(status=Status.AWAITING_RESCUE)
    consenting = SponsorConsent.objects.filter(withdrawn_at__isnull=True).values("person_id")
    lines = [
        f"Hope Sharing in the demo: {state.raised} from {state.gifts} gifts, {funded} rescues"
        f" funded ({counts.get(ShareStatus.RESCUED, 0)} rescued,"
        f" {counts.get(ShareStatus.OPEN, 0)} collecting), {Sponsor.objects.count()} sponsors,"
        f" {Pledge.objects.count()} pledges; {waiting.exclude(pk__in=consenting).count()}"
        f" of {waiting.count()} people awaiting rescue without consent to sponsorship"
    ]
    for pool in selectors.pools():
        if pool.pledge.unit == MatchUnit.MONEY:
            state_ = "run out" if pool.pledge.exhausted_at else f"{pool.left} left"
            lines.append(
                f"  matching pool {pool.pledge.code}: {pool.drawn} of {pool.limit} drawn ({state_})"
            )
        else:
            lines.append(
                f"  matching pledge {pool.pledge.code}: {pool.rescues_funded} of"
                f" {pool.pledge.rescues_target} rescues matched ({pool.drawn} drawn)"
            )
    for campaign in Campaign.objects.filter(kind=CampaignKind.TEAM).order_by("code"):
        team = selectors.progress(campaign)
        lines.append(
            f"  team page “{campaign.name}”: about {team.raised_in_goal} raised ({team.percent}%)"
        )
    for event in FundraisingEvent.objects.select_related("campaign").order_by("held_on"):
        result = selectors.progress(event.campaign)
        lines.append(
            f"  {event.campaign.name} ({event.city}): {result.raised} raised,"
            f" {result.spent} costs, {result.net} net"
        )
    return "\n".join(lines)
