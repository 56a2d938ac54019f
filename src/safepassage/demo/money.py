"""The demo organisation's money: a year of gifts in and spending out, through ``funds.services``.

As in ``demo.organisation``, every write goes through the services (so donors are sealed,
every gift and payment posts balanced ledger entries, and the audit chain has the whole
history) with the clock set to the moment it happened. Over the twelve months up to today:

- the Bank of Korea's daily rates in won (a small random walk within realistic bands) for
  the currencies the organisation receives or spends, loaded every weekday morning (a
  weekend keeps Friday's rate);
- about 120 donors: monthly givers in Korea, supporters abroad who give through the giving
  platform, churches, two foundations, European donors with IBANs, guests of a quiz night,
  and the one anonymous donor; two of them were entered twice, for finance to merge;
- about 900 gifts: monthly bank transfers in won, platform gifts in dollars net of its fee,
  foundation grants restricted to rescue or resettlement, cheques, cash boxes, a quiz night
  with its pledges, a few gifts in Canadian dollars and euros; three of them reversed;
- about 150 expenses in every category and in won, dollars, yuan, baht and kip, most of them
  submitted by the finance officer, approved by the director and paid, a few still waiting,
  one rejected and one a draft. The rescue missions' costs (``demo.missions``) are booked as
  expenses linked to their mission. Restricted money pays for what it was given for while
  its fund holds enough, and general money otherwise (a payment from general money waits
  until it is there); once, for a critical rescue before a grant arrived, the director
  overdraws the rescue fund with an audited reason.

Two shortcuts keep the year to a few seconds, each through a service: every evening the
day's gifts are recorded in one ``services.gifts_record_many`` (saved in bulk, each posted
and audited as ``donations.donation_record`` does, except that the day's bank statement and
platform export get one audit entry each, as an import does); and a day's rates are loaded
as one table with one audit entry (``rates.rates_import``).
Expenses, donors and reversals go through their services call by call.

Names are generated (``demo.generate``); e-mail addresses are at example.org or .invalid,
Korean phone numbers are in the 010-0000 block (not given to subscribers), North American
ones in the fictional 555-01xx range, and the IBANs are the standard published examples.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from unittest import mock

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from safepassage.base import money
from safepassage.demo import generate
from safepassage.demo.organisation import Event
from safepassage.funds import services
from safepassage.funds.models import (
    Channel,
    Donation,
    Donor,
    DonorKind,
    Expense,
    ExpenseCategory,
    ExpenseStatus,
    Restriction,
)
from safepassage.funds.services import donations, donors, expenses, ledger, rates
from safepassage.rescue.models import MissionCost

R = Restriction
C = ExpenseCategory
S = ExpenseStatus
DAY = dt.timedelta(days=1)
HOUR = dt.timedelta(hours=1)
MINUTE = dt.timedelta(minutes=1)
DAYS = 365
SOURCE = "한국은행(데모)"
# Won for one unit of each currency: where the year starts, the band it stays in, and the
# largest daily step in units of the last decimal place. Rates are kept as integers of that
# place and written as decimal strings: never a float.
RATES = {
    "USD": ("1382.50", "1300.00", "1450.00", 600),
    "EUR": ("1512.40", "1450.00", "1600.00", 700),
    "CAD": ("1003.80", "950.00", "1050.00", 450),
    "JPY": ("9.3150", "8.8000", "9.8000", 480),
    "CNY": ("190.45", "185.00", "200.00", 100),
    "THB": ("38.62", "37.00", "40.00", 20),
    # ISO 4217 gives the kip two decimals (att), though none circulate: amounts are whole kip.
    "LAK": ("0.064800", "0.060000", "0.070000", 330),
}
# Gifts that arrive on a statement (the bank's, the platform's export), recorded in one go.
STATEMENTS = (Channel.BANK, Channel.PLATFORM)
# Most gifts come with no restriction; the rest are given for one kind of work.
GIFT_FUNDS = [R.UNRESTRICTED, R.RESCUE, R.RELIEF, R.RESETTLEMENT, R.ADVOCACY]
MONTHLY_WEIGHTS = [75, 10, 7, 4, 4]
PLATFORM_WEIGHTS = [50, 25, 10, 8, 7]
GIVEN_EN = [
    "Grace",
    "Daniel",
    "Sarah",
    "David",
    "Esther",
    "Joseph",
    "Hannah",
    "Paul",
    "Ruth",
    "Samuel",
    "Rachel",
    "John",
    "Emily",
    "Michael",
    "Joanna",
    "Peter",
    "Anna",
    "James",
]
SURNAMES_EN = ["Miller", "Carter", "Evans", "Brown", "Martin", "Weber", "Dubois", "Jansen"]
CHURCHES_KO = [
    "Hanbit Community Church",
    "Sarang Hill Church",
    "Morning Star Presbyterian Church",
    "Saerom Methodist Church",
]
CHURCH_CA = "Maple Grove Korean United Church"
FOUNDATION_KO = "Morning Dew Foundation"
FOUNDATION_US = "Harbour Light Foundation"
# Published example IBANs (valid check digits, no real account behind them), all in euro.
TEST_IBANS = [
    "DE89 3704 0044 0532 0130 00",
    "FR14 2004 1010 0505 0001 3M02 606",
    "NL91 ABNA 0417 1643 00",
    "AT61 1904 3002 3457 3201",
]
OVERRIDE_REASON = (
    "기다릴 수 없는 위급한 사례입니다. 다음 달 들어올 재단 지원금이 도착할 때까지"
    " 구출 기금이 부족하여, 이사회가 그동안 기금 초과 지출을 승인했습니다."
)
REVERSALS = {
    "chargeback": "카드 소지자가 카드 결제에 이의를 제기했습니다(지불 거절).",
    "twice": "실수로 두 번 이체되어 두 번째 이체액을 후원자에게 돌려드렸습니다.",
    "pledge": "퀴즈의 밤 이후 약정 카드가 두 번 입력되었습니다. 이 항목이 중복입니다.",
}
# One rescue journey's costs before the demo's missions: what, currency, low, high, step
# (whole units of the currency).
JOURNEY = [
    ("버스·기차 요금, 남쪽 경로", "CNY", 800, 2000, 50),
    ("안내인 수고비", "USD", 800, 2000, 100),
    ("배로 강 건너기", "LAK", 300_000, 900_000, 50_000),
    ("마지막 안전 지점까지 차량", "THB", 2500, 6000, 100),
    ("경로 중 숙박비", "THB", 1200, 3500, 100),
]


@dataclass
class Giver:
    """A donor as the demo plans them; created through the service at their first gift."""

    kind: str
    name: str = ""
    email: str = ""
    phone: str = ""
    iban: str = ""
    language: str = "ko"
    consent: bool = False
    donor: Donor | None = None


@dataclass
class Gift:
    """A gift as it arrived; recorded with the rest of its day's gifts that evening."""

    at: dt.datetime
    giver: Giver
    gross_minor: int
    fee_minor: int
    currency: str
    channel: str
    restriction: str
    donation: Donation | None = None


def rate_walk(rng: random.Random, days: list[dt.date]) -> dict[str, list[str]]:
    """Each currency's rate on each day, as decimal strings: a bounded random walk."""
    walks = {}
    for currency, (start, low, high, step) in RATES.items():
        places = -Decimal(start).as_tuple().exponent
        value, bottom, top = (int(Decimal(x).scaleb(places)) for x in (start, low, high))
        middle = (bottom + top) // 2
        values = []
        for _day in days:
            move = rng.randint(-step, step) + rng.randint(-step, step) + (middle - value) // 60
            value += move
            if not bottom <= value <= top:
                value -= 2 * move
            values.append(str(Decimal(value).scaleb(-places)))
        walks[currency] = values
    return walks


class Books:
    """Plans the year's gifts and spending as dated events, then plays them in order."""

    def __init__(self, rng: random.Random, *, now: dt.datetime, finance, director):
        self.rng = rng
        self.now = now
        self.finance = finance
        self.director = director
        self.today = timezone.localdate(now)
        self.first = self.today - DAY * (DAYS - 1)
        self.events: list[Event] = []
        self.order = itertools.count()
        self.gifts: list[Gift] = []
        self.phones: set[str] = set()
        self.emails = 0
        self.anonymous = Giver(DonorKind.ANONYMOUS)

    # -- time ------------------------------------------------------------------------------

    def day(self, offset: int) -> dt.date:
        return self.first + DAY * offset

    def moment(self, day: dt.date, low_hour: float, high_hour: float) -> dt.datetime:
        midnight = dt.datetime.combine(day, dt.time(), tzinfo=timezone.get_current_timezone())
        seconds = self.rng.randrange(int(low_hour * 3600), int(high_hour * 3600))
        return midnight + dt.timedelta(seconds=seconds)

    def between(self, low: dt.timedelta, high: dt.timedelta) -> dt.timedelta:
        return dt.timedelta(seconds=self.rng.uniform(low.total_seconds(), high.total_seconds()))

    def monthly(self, day_of_month: int) -> list[dt.date]:
        """That day of every month in the year, before today."""
        found = []
        year, month = self.first.year, self.first.month
        while (year, month) <= (self.today.year, self.today.month):
            day = dt.date(year, month, day_of_month)
            if self.first <= day < self.today:
                found.append(day)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return found

    def add(self, at: dt.datetime, run: Callable[[], None]) -> None:
        """Plan a step (also while playing: a payment put off to a later run)."""
        if at > self.now:
            raise AssertionError(f"a demo money event is planned in the future: {at}")
        heapq.heappush(self.events, Event(at, (next(self.order),), run))

    def play(self) -> None:
        """Each step with the clock at its moment (``organisation.clock``, patched once)."""
        with mock.patch.object(timezone, "now") as now:
            while self.events:
                event = heapq.heappop(self.events)
                now.return_value = event.at
                event.run()

    # -- exchange rates ----------------------------------------------------------------------

    def rates_at(self, day: dt.date) -> dt.datetime:
        """When the finance officer loads a day's rates: 08:30, before anything that needs
        them (today's, before now)."""
        at = dt.datetime.combine(day, dt.time(8, 30), tzinfo=timezone.get_current_timezone())
        midnight = dt.datetime.combine(day, dt.time(), tzinfo=at.tzinfo)
        return max(min(at, self.now - 10 * MINUTE), midnight)

    def plan_rates(self) -> None:
        """The bank publishes on weekdays; a weekend's rate is Friday's, loaded with it."""
        days = [self.day(offset) for offset in range(DAYS)]
        tables: list[list[dt.date]] = []
        for day in days:
            if day.weekday() < 5 or not tables or tables[-1][0].weekday() != 4:
                tables.append([day])
            else:
                tables[-1].append(day)
        walks = rate_walk(self.rng, [table[0] for table in tables])
        for index, table_days in enumerate(tables):
            table = {currency: walk[index] for currency, walk in walks.items()}
            self.add(
                self.rates_at(table_days[0]),
                lambda table_days=table_days, table=table: self.load_rates(table_days, table),
            )

    def load_rates(self, days: list[dt.date], table: dict[str, str]) -> None:
        """A day's table from the bank (on Fridays, for the weekend too), in one insert and
        one audit entry."""
        rates.rates_import(actor=self.finance, days=days, table=table, source=SOURCE)

    # -- donors --------------------------------------------------------------------------------

    def phone(self, korean: bool = True) -> str:
        while True:
            if korean:
                number = f"010-0000-{self.rng.randint(1000, 9999)}"
            else:
                area = self.rng.choice(["213", "416", "604", "718"])
                number = f"+1 {area}-555-01{self.rng.randint(0, 99):02d}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def email(self, name: str, domain: str = "example.org") -> str:
        self.emails += 1
        local = ".".join(name.replace("-", "").lower().split())
        if not local.isascii() or not local.replace(".", "").isalpha():
            local = "giver"
        return f"{local}.{self.emails}@{domain}"

    def english_name(self) -> str:
        surnames = generate.SURNAMES if self.rng.random() < 0.7 else SURNAMES_EN
        return f"{self.rng.choice(GIVEN_EN)} {self.rng.choice(surnames)}"

    def person(self, *, english: bool = False, email: float = 0.7, phone: float = 0.5) -> Giver:
        rng = self.rng
        name = self.english_name() if english else generate.korean_name(rng)
        return Giver(
            DonorKind.PERSON,
            name=name,
            email=(
                self.email(name, rng.choice(["example.org", "mail.invalid"]))
                if rng.random() < email
                else ""
            ),
            phone=self.phone(korean=not english) if rng.random() < phone else "",
            language="en" if english else "ko",
            consent=rng.random() < 0.6,
        )

    def organisation(self, name: str, language: str, *, korean_phone: bool = True) -> Giver:
        return Giver(
            DonorKind.ORGANISATION,
            name=name,
            email=self.email("office", "example.org"),
            phone=self.phone(korean=korean_phone),
            language=language,
            consent=True,
        )

    def donor(self, giver: Giver) -> Donor:
        if giver.donor is None:
            if giver.kind == DonorKind.ANONYMOUS:
                giver.donor = donors.anonymous_donor()
            else:
                giver.donor = donors.donor_create(
                    actor=self.finance,
                    kind=giver.kind,
                    name=giver.name,
                    email=giver.email,
                    phone=giver.phone,
                    iban=giver.iban,
                    language=giver.language,
                    consent_to_contact=giver.consent,
                )
        return giver.donor

    # -- gifts -----------------------------------------------------------------------------------

    def gift(
        self,
        at: dt.datetime,
        giver: Giver,
        major: int,
        currency: str,
        channel: str,
        restriction: str = R.UNRESTRICTED,
        *,
        reversed_after: dt.timedelta | None = None,
        reason: str = "",
    ) -> None:
        gross = money.to_minor(major, currency)
        # The platform keeps 2.9% + $0.30 of every gift.
        fee = (gross * 29 + 500) // 1000 + 30 if channel == Channel.PLATFORM else 0
        gift = Gift(at, giver, gross, fee, currency, channel, restriction)
        self.gifts.append(gift)
        if reversed_after is not None:
            self.add(
                at + reversed_after,
                lambda: donations.donation_reverse(
                    actor=self.finance, donation=gift.donation, reason=reason
                ),
            )

    def plan_recording(self) -> None:
        """Every evening the finance officer records the day's gifts (bank statement,
        platform export, cash book, event sheet) in one go."""
        days: dict[dt.date, list[Gift]] = {}
        for gift in sorted(self.gifts, key=lambda g: g.at):
            days.setdefault(timezone.localdate(gift.at), []).append(gift)
        for day, gifts in days.items():
            evening = self.moment(day, 17.5, 18.5)
            at = max(evening, gifts[-1].at + self.between(10 * MINUTE, 40 * MINUTE))
            self.add(min(at, self.now - MINUTE), lambda gifts=gifts: self.record_gifts(gifts))

    def record_gifts(self, gifts: list[Gift]) -> None:
        """The day's gifts in one ``services.gifts_record_many``: each gift with a ledger
        transaction of its own as when recorded by hand (an import of a file would post one
        summary a day instead). Gifts entered by hand are audited one by one; the day's bank
        statement and platform export get one entry each, listing their gifts, as an import
        would."""
        recorded = services.gifts_record_many(
            actor=self.finance,
            gifts=[
                {
                    "donor": self.donor(gift.giver),
                    "gross_minor": gift.gross_minor,
                    "fee_minor": gift.fee_minor,
                    "currency": gift.currency,
                    "received_on": timezone.localdate(gift.at),
                    "channel": gift.channel,
                    "restriction": gift.restriction,
                }
                for gift in gifts
            ],
            statements=STATEMENTS,
        )
        for gift, donation in zip(gifts, recorded, strict=True):
            gift.donation = donation

    def fund(self, weights: list[int]) -> str:
        return self.rng.choices(GIFT_FUNDS, weights=weights)[0]

    def plan_gifts(self) -> None:
        rng = self.rng
        monthly = self.plan_monthly()
        platform = self.plan_platform()
        self.plan_institutions()
        self.plan_abroad()
        self.plan_quiz_night(monthly)
        self.plan_cash(monthly)
        self.plan_duplicates(monthly, platform)
        # A monthly giver's bank sent one month's transfer twice; the second was refunded.
        middle = dt.datetime.combine(
            self.day(120), dt.time(), tzinfo=timezone.get_current_timezone()
        )
        giver, amount, twice = next(
            (giver, amount, at)
            for giver, amount, fund, moments in monthly
            for at in moments
            if fund == R.UNRESTRICTED and at > middle
        )
        self.gift(
            twice + HOUR * rng.uniform(1, 3),
            giver,
            amount,
            "KRW",
            Channel.BANK,
            reversed_after=DAY * rng.randint(3, 6),
            reason=REVERSALS["twice"],
        )

    def plan_monthly(self) -> list[tuple[Giver, int, str, list[dt.datetime]]]:
        """Korean individuals giving every month by bank transfer, in round amounts."""
        rng = self.rng
        made = []
        for _ in range(62):
            giver = self.person()
            amount = rng.choices([10_000, 20_000, 30_000, 50_000, 100_000], [2, 4, 4, 4, 2])[0]
            restriction = self.fund(MONTHLY_WEIGHTS)
            days = self.monthly(rng.choice([5, 10, 15, 20, 25]))
            if rng.random() < 0.25:
                days = days[rng.randint(1, 9) :]
            if rng.random() < 0.12:
                days = days[: rng.randint(3, len(days) - 1)]
            moments = [self.moment(day, 9, 16) for day in days]
            for at in moments:
                self.gift(at, giver, amount, "KRW", Channel.BANK, restriction)
            made.append((giver, amount, restriction, moments))
        return made

    def plan_platform(self) -> list[Giver]:
        """Supporters abroad, through the giving platform in US dollars."""
        rng = self.rng
        made = []
        for number in range(28):
            giver = self.person(english=number % 5 != 0, email=1.0, phone=0.2)
            giver.consent = rng.random() < 0.7
            made.append(giver)
            if number < 8:
                amount = rng.choice([20, 25, 50, 100])
                restriction = self.fund(PLATFORM_WEIGHTS)
                for day in self.monthly(rng.randint(1, 28)):
                    self.gift(
                        self.moment(day, 1, 23.5),
                        giver,
                        amount,
                        "USD",
                        Channel.PLATFORM,
                        restriction,
                    )
                continue
            for offset in sorted(rng.sample(range(1, DAYS - 1), rng.randint(1, 4))):
                self.gift(
                    self.moment(self.day(offset), 1, 23.5),
                    giver,
                    rng.choice([25, 30, 50, 75, 100, 150, 200, 250, 500]),
                    "USD",
                    Channel.PLATFORM,
                    self.fund(PLATFORM_WEIGHTS),
                )
        # One card payment was disputed a fortnight later and taken back by the platform.
        self.gift(
            self.moment(self.day(rng.randint(180, 220)), 1, 23.5),
            made[-1],
            150,
            "USD",
            Channel.PLATFORM,
            reversed_after=DAY * rng.randint(10, 16),
            reason=REVERSALS["chargeback"],
        )
        return made

    def plan_institutions(self) -> None:
        """Churches every quarter (one in Canada, by cheque) and foundation grants."""
        rng = self.rng
        for name in CHURCHES_KO:
            church = self.organisation(name, "ko")
            # The first gift of the year is for general use (it pays the first months' rent);
            # later ones are often given for rescue or relief.
            restriction = R.UNRESTRICTED
            for offset in range(rng.randint(2, 10), DAYS - 1, 91):
                self.gift(
                    self.moment(self.day(offset), 10, 15),
                    church,
                    rng.randrange(1_000_000, 5_000_001, 500_000),
                    "KRW",
                    Channel.BANK,
                    restriction,
                )
                restriction = rng.choices([R.UNRESTRICTED, R.RESCUE, R.RELIEF], [50, 35, 15])[0]
        canada = self.organisation(CHURCH_CA, "en", korean_phone=False)
        for offset in (rng.randint(30, 60), rng.randint(210, 240)):
            self.gift(
                self.moment(self.day(offset), 10, 15),
                canada,
                rng.randrange(1500, 4001, 250),
                "CAD",
                Channel.CHEQUE,
            )
        korean = self.organisation(FOUNDATION_KO, "ko")
        american = self.organisation(FOUNDATION_US, "en", korean_phone=False)
        grants = [
            (american, 20, 15_000, "USD", R.RESETTLEMENT),
            # The rescue grant the director overdraws the rescue fund against (day ~50).
            (korean, 75, 20_000_000, "KRW", R.RESCUE),
            (korean, 230, 15_000_000, "KRW", R.RESCUE),
            (american, 300, 10_000, "USD", R.RESCUE),
        ]
        for giver, offset, amount, currency, restriction in grants:
            at = self.moment(self.day(offset + rng.randint(-3, 3)), 10, 15)
            self.gift(at, giver, amount, currency, Channel.BANK, restriction)

    def plan_abroad(self) -> None:
        """European donors by bank transfer in euros; Canadians by e-transfer ("other")."""
        rng = self.rng
        for iban in TEST_IBANS:
            giver = self.person(english=True, email=1.0, phone=0)
            giver.iban = iban
            for offset in sorted(rng.sample(range(5, DAYS - 1), 2)):
                self.gift(
                    self.moment(self.day(offset), 9, 17),
                    giver,
                    rng.choice([50, 100, 150, 200, 300, 500]),
                    "EUR",
                    Channel.BANK,
                    self.fund(PLATFORM_WEIGHTS),
                )
        for _ in range(2):
            giver = self.person(english=True, email=1.0, phone=0.5)
            giver.phone = giver.phone and self.phone(korean=False)
            for offset in sorted(rng.sample(range(5, DAYS - 1), 2)):
                self.gift(
                    self.moment(self.day(offset), 8, 22),
                    giver,
                    rng.choice([50, 100, 200, 300]),
                    "CAD",
                    Channel.OTHER,
                    self.fund(PLATFORM_WEIGHTS),
                )

    def quiz_night(self) -> dt.date:
        """A Saturday about five months ago."""
        day = self.today - DAY * 150
        return day + DAY * ((5 - day.weekday()) % 7)

    def plan_quiz_night(self, monthly) -> None:
        """The benefit quiz night: gifts on the night, then the pledge cards paid after it."""
        rng = self.rng
        night = self.quiz_night()
        guests = [self.person(email=0.6, phone=0.8) for _ in range(15)]
        for guest in guests:
            guest.consent = rng.random() < 0.85
        regulars = [giver for giver, *_rest in rng.sample(monthly, 10)]
        amounts = [10_000, 20_000, 30_000, 50_000, 100_000, 200_000]
        for _ in range(45):
            who = rng.choices(["anonymous", "guest", "regular"], [40, 35, 25])[0]
            giver = (
                self.anonymous
                if who == "anonymous"
                else rng.choice(guests if who == "guest" else regulars)
            )
            self.gift(
                self.moment(night, 19, 22.5),
                giver,
                rng.choice(amounts),
                "KRW",
                Channel.EVENT,
                rng.choices([R.UNRESTRICTED, R.RESCUE], [70, 30])[0],
            )
        for _ in range(20):
            self.gift(
                self.moment(night + DAY * rng.randint(2, 12), 9, 18),
                rng.choice(guests),
                rng.choice(amounts[2:]),
                "KRW",
                Channel.EVENT,
                rng.choices([R.UNRESTRICTED, R.RESCUE], [70, 30])[0],
            )
        self.gift(
            self.moment(night + DAY * 3, 10, 12),
            guests[0],
            50_000,
            "KRW",
            Channel.EVENT,
            reversed_after=DAY * rng.randint(4, 8),
            reason=REVERSALS["pledge"],
        )

    def plan_cash(self, monthly) -> None:
        """Cash boxes after talks in churches and schools, and a few givers who bring cash."""
        rng = self.rng
        for offset in sorted(rng.sample(range(3, DAYS - 1), 10)):
            self.gift(
                self.moment(self.day(offset), 12, 20),
                self.anonymous,
                rng.randrange(30_000, 400_001, 10_000),
                "KRW",
                Channel.CASH,
                rng.choice([R.UNRESTRICTED, R.RELIEF]),
            )
        for giver, amount, restriction, _moments in rng.sample(monthly, 4):
            self.gift(
                self.moment(self.day(rng.randint(3, DAYS - 2)), 10, 17),
                giver,
                amount * 2,
                "KRW",
                Channel.CASH,
                restriction,
            )

    def plan_duplicates(self, monthly, platform) -> None:
        """Two donors entered twice, for finance to find by blind index and merge: a monthly
        giver who filled in a card at the quiz night (same name and phone), and a supporter
        abroad who once gave by bank transfer (the same e-mail, typed differently)."""
        rng = self.rng
        regular = next(giver for giver, *_rest in monthly if giver.phone)
        card = Giver(
            DonorKind.PERSON,
            name=regular.name,
            phone=regular.phone,
            language="ko",
            consent=True,
        )
        self.gift(self.moment(self.quiz_night(), 19, 22), card, 50_000, "KRW", Channel.EVENT)
        abroad = platform[1]
        local, domain = abroad.email.split("@")
        visitor = Giver(
            DonorKind.PERSON,
            name=abroad.name,
            email=f"{local.title()}@{domain.title()} ",
            language="en",
            consent=abroad.consent,
        )
        self.gift(
            self.moment(self.day(rng.randint(200, 300)), 10, 16),
            visitor,
            200_000,
            "KRW",
            Channel.BANK,
            R.RESCUE,
        )

    # -- spending ---------------------------------------------------------------------------------

    def pending(self, restriction: str) -> int:
        """What expenses not yet paid (nor rejected) will take from a fund."""
        waiting = Expense.objects.filter(
            restriction=restriction, status__in=[S.DRAFT, S.SUBMITTED, S.APPROVED]
        )
        return waiting.aggregate(total=Sum("base_amount_minor"))["total"] or 0

    def available(self, restriction: str) -> int:
        return ledger.fund_balance(restriction) - self.pending(restriction)

    def paid_from(self, restriction: str, minor: int, currency: str, on: dt.date) -> str:
        """The fund the money was given for, while it holds enough; general money otherwise."""
        if restriction == R.UNRESTRICTED:
            return restriction
        rate = rates.rate_for(currency, on)
        needed = money.convert(minor, currency, rate, settings.BASE_CURRENCY)
        return restriction if needed <= self.available(restriction) else R.UNRESTRICTED

    def emergency(self, currency: str, on: dt.date) -> int:
        """The critical rescue's cost, in hundreds: at least 2,500, and ₩2,000,000 more
        than the rescue fund holds that day."""
        needed = Decimal(max(self.available(R.RESCUE), 0) + 2_000_000)
        hundreds = needed / rates.rate_for(currency, on) / 100
        major = max(2500, int(hundreds.to_integral_value(rounding=ROUND_CEILING)) * 100)
        return money.to_minor(major, currency)

    def spend(
        self,
        spent_on: dt.date,
        category: str,
        description: str,
        currency: str,
        major: int | Decimal,
        restriction: str = R.UNRESTRICTED,
        *,
        status: str = S.PAID,
        mission=None,
        created: dt.datetime | None = None,
        override: str = "",
        note: str = "",
        until_now: bool = False,
    ) -> None:
        """Entered and submitted by the finance officer, decided by the director, paid by
        finance; ``until_now`` stops at the first step that would be in the future."""
        if created is None:
            created = self.moment(spent_on + DAY * self.rng.randint(0, 3), 9.5, 17.5)
        state = {}

        def create():
            if override:
                amount, paid_from = self.emergency(currency, spent_on), restriction
            else:
                amount = money.to_minor(major, currency)
                paid_from = self.paid_from(restriction, amount, currency, spent_on)
            state["expense"] = expenses.expense_create(
                actor=self.finance,
                category=category,
                description=description,
                amount_minor=amount,
                currency=currency,
                spent_on=spent_on,
                restriction=paid_from,
                mission=mission,
            )

        def step(run: Callable) -> Callable[[], None]:
            def go():
                state["expense"] = run(expense=state["expense"])

            return go

        steps = [(created, create)]
        at = created
        if status != S.DRAFT:
            at += self.between(2 * MINUTE, 20 * MINUTE)
            steps.append((at, step(self.submit)))
        if status == S.REJECTED:
            at += self.between(3 * HOUR, 2 * DAY)
            steps.append((at, step(lambda expense: self.reject(expense, note))))
        elif status in (S.APPROVED, S.PAID):
            at += self.between(3 * HOUR, 3 * DAY)
            steps.append((at, step(lambda expense: self.approve(expense, override))))
            if status == S.PAID:
                at += self.between(HOUR, 2 * DAY)
                steps.append((at, lambda: self.pay(state)))
        for when, run in steps:
            if until_now and when > self.now:
                break
            self.add(when, run)

    def submit(self, expense):
        return expenses.expense_submit(actor=self.finance, expense=expense)

    def approve(self, expense, override: str = ""):
        return expenses.expense_approve(
            actor=self.director, expense=expense, override_reason=override
        )

    def reject(self, expense, note: str):
        return expenses.expense_reject(actor=self.director, expense=expense, note=note)

    def pay(self, state: dict) -> None:
        """Paid in the next payment run; general money is not spent before it is there (no
        service checks that fund), so such a payment waits for the next run after gifts."""
        expense = state["expense"]
        general = expense.restriction == R.UNRESTRICTED
        if general and expense.base_amount_minor > ledger.fund_balance(R.UNRESTRICTED):
            later = timezone.now() + self.between(2 * DAY, 4 * DAY)
            if later <= self.now:
                self.add(later, lambda: self.pay(state))
            return
        state["expense"] = expenses.expense_pay(actor=self.finance, expense=expense)

    def some_days(self, count: int, low: int = 14, high: int = DAYS - 12) -> list[dt.date]:
        return [self.day(offset) for offset in sorted(self.rng.sample(range(low, high), count))]

    def plan_spending(self) -> None:
        rng = self.rng
        settled = self.today - DAY * 10  # everything spent before this is paid by now
        every = {
            "month": lambda day: [d for d in self.monthly(day) if self.day(10) <= d <= settled],
            "quarter": lambda start: [self.day(o) for o in range(start, DAYS - 12, 91)],
        }
        # Administration
        for day in every["month"](1):
            self.spend(day, C.ADMINISTRATION, "사무실 임대료", "KRW", 1_200_000)
        for day in every["month"](18)[::2]:
            amount = rng.randrange(150_000, 250_001, 10_000)
            self.spend(day, C.ADMINISTRATION, "공과금 및 인터넷", "KRW", amount)
        for day in every["quarter"](rng.randint(10, 25)):
            self.spend(day, C.ADMINISTRATION, "회계 소프트웨어 구독료", "USD", 135)
        for day in every["quarter"](rng.randint(30, 60)):
            amount = rng.randrange(30_000, 80_001, 5_000)
            self.spend(day, C.ADMINISTRATION, "은행 수수료, 해외 송금", "KRW", amount)
        for day in self.some_days(3):
            amount = rng.randrange(50_000, 150_001, 10_000)
            self.spend(day, C.ADMINISTRATION, "사무용품", "KRW", amount)
        (audit,) = self.some_days(1, 60, 120)
        self.spend(audit, C.ADMINISTRATION, "연간 회계 감사", "KRW", 2_500_000)
        (insurance,) = self.some_days(1, 20, 60)
        self.spend(insurance, C.ADMINISTRATION, "보험료, 연간", "KRW", 600_000)
        # Fundraising, around the quiz night and the newsletters
        night = self.quiz_night()
        self.spend(night - DAY * 20, C.FUNDRAISING, "퀴즈의 밤 대관료", "KRW", 800_000)
        self.spend(night - DAY * 12, C.FUNDRAISING, "행사 전단 인쇄", "KRW", 150_000)
        amount = rng.randrange(300_000, 500_001, 10_000)
        self.spend(night, C.FUNDRAISING, "퀴즈의 밤 상품 및 다과", "KRW", amount)
        for day in every["quarter"](rng.randint(40, 70)):
            amount = rng.randrange(300_000, 600_001, 10_000)
            self.spend(day, C.FUNDRAISING, "후원자 소식지 인쇄 및 우편료", "KRW", amount)
        (photos,) = self.some_days(1, 250, 320)
        self.spend(photos, C.FUNDRAISING, "연차 보고서 사진 촬영", "KRW", 400_000)
        # Advocacy: paid from its fund while it holds enough
        for day in self.some_days(3):
            amount = rng.randrange(200_000, 500_001, 50_000)
            self.spend(day, C.ADVOCACY, "증언 번역", "KRW", amount, R.ADVOCACY)
        report, travel = self.some_days(1, 90, 130)[0], self.some_days(1, 150, 200)[0]
        self.spend(report, C.ADVOCACY, "연간 인권 보고서 인쇄", "KRW", 1_800_000, R.ADVOCACY)
        amount = rng.randrange(2000, 2801, 50)
        self.spend(travel, C.ADVOCACY, "유엔 부대 행사 출장", "USD", amount, R.ADVOCACY)
        for day in self.some_days(2):
            amount = rng.randrange(150, 401, 50)
            self.spend(day, C.ADVOCACY, "회의 등록비", "USD", amount)
        for day in every["quarter"](rng.randint(10, 40))[::2]:
            amount = rng.randrange(60, 121, 10)
            self.spend(day, C.ADVOCACY, "캠페인 웹사이트 호스팅", "USD", amount)
        (briefing,) = self.some_days(1)
        self.spend(briefing, C.ADVOCACY, "기자 간담회장 대관료", "KRW", 400_000, R.ADVOCACY)
        # Relief for people in hiding, bought and delivered by the field partners
        for day in every["month"](12):
            amount = rng.randrange(1500, 4001, 100)
            self.spend(day, C.RELIEF, "식료품 및 의약품 꾸러미", "CNY", amount, R.RELIEF)
        for day in self.monthly(rng.randint(3, 10)):
            if day.month in (11, 12) and day <= settled:
                amount = rng.randrange(2000, 4001, 100)
                self.spend(day, C.RELIEF, "숨어 지내는 가족을 위한 겨울옷", "CNY", amount, R.RELIEF)
        for day in self.some_days(4):
            amount = rng.randrange(800, 3001, 50)
            self.spend(day, C.RELIEF, "진료비 및 약값", "CNY", amount, R.RELIEF)
        for day in every["quarter"](rng.randint(25, 60)):
            amount = rng.randrange(1500, 3001, 100)
            self.spend(day, C.RELIEF, "숨어 지내는 가족 월세 지원", "CNY", amount, R.RELIEF)
        # Resettlement in Korea
        for day in every["quarter"](rng.randint(15, 30))[:3]:
            self.spend(day, C.RESETTLEMENT, "법률 지원 착수금", "KRW", 1_000_000, R.RESETTLEMENT)
        for day in self.some_days(2, 30):
            amount = rng.randrange(2_000_000, 3_000_001, 500_000)
            self.spend(
                day,
                C.RESETTLEMENT,
                "첫 집 보증금 지원",
                "KRW",
                amount,
                R.RESETTLEMENT,
            )
        for day in self.some_days(2, 30):
            amount = rng.randrange(300_000, 600_001, 50_000)
            self.spend(day, C.RESETTLEMENT, "학용품 및 교복", "KRW", amount, R.RESETTLEMENT)
        for day in every["quarter"](rng.randint(30, 60)):
            self.spend(day, C.RESETTLEMENT, "한국어 개인 교습", "KRW", 400_000, R.RESETTLEMENT)
        for day in every["quarter"](rng.randint(20, 50)):
            amount = rng.randrange(300_000, 500_001, 50_000)
            self.spend(day, C.RESETTLEMENT, "상담 치료", "KRW", amount, R.RESETTLEMENT)
        for day in self.some_days(2, 30):
            self.spend(day, C.RESETTLEMENT, "직업 훈련 과정 수강료", "KRW", 600_000, R.RESETTLEMENT)
        self.plan_rescue_spending()
        self.plan_waiting()

    def plan_rescue_spending(self) -> None:
        """Journeys before the demo's missions, the safe house, phones, one emergency."""
        rng = self.rng
        for start in range(30, DAYS - 45, 36):
            day = self.day(start + rng.randint(-4, 4))
            legs = [*rng.sample(JOURNEY[:3], 3), rng.choice(JOURNEY[3:])]
            for what, currency, low, high, step in legs:
                self.spend(
                    day + DAY * rng.randint(0, 3),
                    C.RESCUE,
                    what,
                    currency,
                    rng.randrange(low, high + 1, step),
                    R.RESCUE,
                )
        for day in [self.day(offset) for offset in range(rng.randint(10, 20), DAYS - 12, 91)]:
            amount = rng.randrange(4500, 7501, 500)
            self.spend(day, C.RESCUE, "은신처 임대료, 분기", "CNY", amount, R.RESCUE)
        for day in self.some_days(3):
            amount = rng.randrange(400, 901, 50)
            self.spend(day, C.RESCUE, "휴대 전화 및 SIM 카드", "CNY", amount, R.RESCUE)
        # Before the rescue grant arrives (day ~75), a critical case cannot wait.
        emergency = self.day(rng.randint(48, 55))
        self.spend(
            emergency,
            C.RESCUE,
            "긴급 구출: 안내인 및 교통",
            "USD",
            0,
            R.RESCUE,
            override=OVERRIDE_REASON,
        )

    def plan_waiting(self) -> None:
        """What is still on finance's desk: a draft, two to approve, one to pay; and one
        rejected months ago."""
        rng = self.rng
        recent = [
            (2, S.DRAFT, C.ADVOCACY, "증언 번역", "KRW", 350_000, R.ADVOCACY),
            (4, S.SUBMITTED, C.ADMINISTRATION, "공과금 및 인터넷", "KRW", 210_000, ""),
            (3, S.SUBMITTED, C.RELIEF, "식료품 및 의약품 꾸러미", "CNY", 2800, R.RELIEF),
            (7, S.APPROVED, C.RESETTLEMENT, "법률 지원 착수금", "KRW", 1_000_000, ""),
        ]
        for ago, status, category, what, currency, major, fund in recent:
            day = self.today - DAY * ago
            created = self.moment(day + DAY, 9.5, 11)
            self.spend(
                day,
                category,
                what,
                currency,
                major,
                fund or R.UNRESTRICTED,
                status=status,
                created=created,
            )
        (rejected,) = self.some_days(1, 180, 220)
        self.spend(
            rejected,
            C.RESETTLEMENT,
            "정착 지원 방문 택시비",
            "KRW",
            rng.randrange(150_000, 250_001, 5_000),
            status=S.REJECTED,
            note="영수증이 첨부되지 않았습니다. 영수증과 함께 다시 제출하세요.",
        )

    def plan_missions(self) -> None:
        """The rescue missions' costs, booked as expenses linked to their mission; the most
        recent are still waiting for a decision or for payment."""
        costs = MissionCost.objects.select_related("mission").order_by("created_at", "id")
        for cost in costs:
            latest = self.now - self.between(5 * MINUTE, 40 * MINUTE)
            created = min(cost.created_at + self.between(4 * HOUR, 30 * HOUR), latest)
            created = max(created, cost.created_at, self.rates_at(cost.spent_on)) + MINUTE
            if created > self.now:
                continue  # spent minutes ago: not on finance's desk yet
            self.spend(
                cost.spent_on,
                C.RESCUE,
                cost.description,
                cost.currency,
                money.to_major(cost.amount_minor, cost.currency),
                R.RESCUE,
                mission=cost.mission,
                created=created,
                until_now=True,
            )


def create_money(rng: random.Random, *, now: dt.datetime, finance, director) -> None:
    """Plan the year's rates, gifts and spending, then play them all in date order. The
    demo's money is in won: with another base currency there is none."""
    if settings.BASE_CURRENCY != "KRW":
        return
    books = Books(rng, now=now, finance=finance, director=director)
    books.plan_rates()
    books.plan_gifts()
    books.plan_recording()
    books.plan_spending()
    books.plan_missions()
    books.play()


def summary() -> str:
    """The line the demo prints: gifts that stand, and what was paid out, in the base
    currency (reversed gifts and their reversals cancel out)."""
    base = settings.BASE_CURRENCY
    gifts = Donation.objects.filter(reverses__isnull=True, reversal__isnull=True)
    raised = Donation.objects.aggregate(total=Sum("base_gross_minor"))["total"] or 0
    paid = Expense.objects.filter(status=S.PAID)
    spent = paid.aggregate(total=Sum("base_amount_minor"))["total"] or 0
    return (
        f"Money in the demo: {gifts.count()} gifts ({money.display(raised, base)} raised), "
        f"{paid.count()} expenses ({money.display(spent, base)} spent) over 12 months"
    )
