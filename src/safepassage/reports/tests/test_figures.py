"""What a report is computed from (``reports.figures``): gathered from the records of a
period of whole months through the apps' selectors, grouped by age at arrival and sex in
one place, and named by a hash of the data. People are generated with Hangul, Chinese and
Latin names; some have no birth year, no province or no recorded sex; one family is nine.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied

from safepassage.accounts.models import Role
from safepassage.cases import services as cases
from safepassage.cases.models import Person, Status
from safepassage.cases.selectors import Arrival
from safepassage.funds.services import donations, donors, rates
from safepassage.reports import figures
from safepassage.reports.figures import FiguresError, gather, who_group
from safepassage.reports.models import Report
from safepassage.testing.members import make_member
from safepassage.testing.people import make_case, make_person

pytestmark = pytest.mark.django_db

R = Role.Code
SEOUL = ZoneInfo("Asia/Seoul")
MAY_1, MAY_31, JUNE_30 = dt.date(2026, 5, 1), dt.date(2026, 5, 31), dt.date(2026, 6, 30)
MID_MAY = dt.date(2026, 5, 20)

FAMILY = [  # name, sex, birth year: nine who crossed together
    ("김철수", "male", 1961),
    ("김영희", "female", 1963),
    ("김민수", "male", 1989),
    ("金美玲", "female", 1992),
    ("Kim Hana", "female", 2008),  # 18 in 2026: a woman
    ("Kim Dure", "male", 2009),  # 17: a teenager
    ("김세나", "female", 2013),  # 13: a teenager
    ("김네오", "", 2014),  # 12, sex not recorded: a child
    ("金小宝", "male", None),  # no birth year
]


@pytest.fixture(autouse=True)
def _org(settings):
    settings.TIME_ZONE = "Asia/Seoul"
    settings.BASE_CURRENCY = "KRW"


@pytest.fixture
def author(db):
    return make_member(R.COMMUNICATIONS).user


def report(author, *, start=MAY_1, end=MAY_31, audience="public", **fields) -> Report:
    fields.setdefault("base_currency", "KRW")
    if audience == "channel":
        fields.setdefault("channel", "bank")
    return Report.objects.create(
        slug=f"r-{start}-{end}-{audience}",
        title="Report",
        period_start=start,
        period_end=end,
        audience=audience,
        author=author,
        **fields,
    )


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SEOUL)


def arrive(name: str, when: dt.datetime, *, sex: str = "female", **fields) -> Person:
    fields.setdefault("birth_year", 1980)
    person = make_person(
        real_name=name,
        sex=sex or "female",
        status=Status.ARRIVED,
        status_since=when,
        **fields,
    )
    if not sex:
        Person.objects.filter(pk=person.pk).update(sex="")  # not recorded
    return person


@pytest.fixture
def world(author):
    """May: a family of nine on the first day, a woman alone on the last minute, a man
    who arrived and was closed since, someone with nothing recorded but the arrival;
    outside May, one in April and one in June. Money in won and dollars, testimonies."""
    case = make_case()
    nine = [
        arrive(name, at(2026, 5, 1, 0, 5), sex=sex, birth_year=year, case=case)
        for name, sex, year in FAMILY
    ]
    cases.group_create(actor=None, case=case, label="Family A", people=nine)
    last = arrive("王美华", at(2026, 5, 31, 23, 59), birth_year=1995, province="ryanggang")
    closed = arrive("Sunhee Park", at(2026, 5, 12, 9), sex="male", birth_year=1975)
    cases.person_set_status(actor=None, person=closed, to_status=Status.CLOSED)
    arrive("Nobody Known", at(2026, 5, 15), sex="", birth_year=None, province="")
    arrive("이순자", at(2026, 4, 30, 23, 59))
    arrive("陈小红", at(2026, 6, 1, 0, 0))

    rates.rate_set(actor=None, currency="USD", on=MAY_1, rate="1380", source="Bank of Korea")
    rates.rate_set(actor=None, currency="USD", on=MID_MAY, rate="1400", source="Bank of Korea")
    giver = donors.donor_create(actor=None, name="박후원")
    for amount, currency, on, channel in [
        (1_000_000, "KRW", MAY_1, "bank"),
        (10_000, "USD", MAY_1, "platform"),
        (10_000, "USD", MID_MAY, "platform"),
    ]:
        donations.donation_record(
            actor=None,
            donor=giver,
            gross_minor=amount,
            currency=currency,
            received_on=on,
            channel=channel,
        )

    public = cases.record_testimony(
        actor=None, person=last, raw_text="as said", publishable_text="이제 자유입니다"
    )
    cases.consent_record(actor=None, testimony=public, scope="public", given_on=MAY_1)
    donors_only = cases.record_testimony(
        actor=None, person=nine[1], raw_text="as said", publishable_text="감사합니다"
    )
    cases.consent_record(actor=None, testimony=donors_only, scope="donors", given_on=MAY_1)
    return {"nine": nine, "last": last, "public": public, "donors_only": donors_only}


def test_gather_reads_the_period_from_the_records(world, author):
    found = gather(user=author, report=report(author), on=MID_MAY)
    assert found.months == ("2026-05",)
    assert len(found.arrivals) == 12
    assert found.families == 4
    assert {a.month for a in found.arrivals} == {"2026-05"}
    assert found.money.raised == {"bank": 1_000_000, "platform": 138_000 + 140_000}
    assert found.money.rates_sources == ("Bank of Korea",)
    assert found.hope.shares_funded == 0
    assert [t.code for t in found.testimonies] == [world["public"].code]
    [testimony] = found.testimonies
    assert testimony.text == "이제 자유입니다"
    assert testimony.sha256 == figures.text_hash("이제 자유입니다")
    assert (testimony.person.birth_year, testimony.person.province) == (1995, "ryanggang")


def test_donors_and_one_channels_donors_read_what_donors_consented_to(world, author):
    for audience in ("donors", "channel"):
        found = gather(user=author, report=report(author, audience=audience), on=MID_MAY)
        assert found.scope == "donors"
        assert {t.code for t in found.testimonies} == {
            world["public"].code,
            world["donors_only"].code,
        }


def test_a_withdrawn_consent_takes_the_testimony_out_of_the_next_gathering(world, author):
    the_report = report(author)
    assert len(gather(user=author, report=the_report, on=MID_MAY).testimonies) == 1
    cases.consent_withdraw(actor=None, testimony=world["public"])
    assert gather(user=author, report=the_report, on=MID_MAY).testimonies == ()


def test_a_period_of_two_months_names_both_even_one_without_arrivals(world, author):
    found = gather(user=author, report=report(author, end=JUNE_30), on=MID_MAY)
    assert found.months == ("2026-05", "2026-06")
    assert len(found.arrivals) == 13


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (dt.date(2026, 5, 2), MAY_31),
        (MAY_1, dt.date(2026, 5, 30)),
        (MAY_1, dt.date(2026, 6, 1)),
    ],
)
def test_a_period_of_part_of_a_month_is_refused(author, start, end):
    with pytest.raises(FiguresError, match="whole months"):
        gather(user=author, report=report(author, start=start, end=end))


def test_the_last_day_of_february_ends_a_month(author):
    leap = report(author, start=dt.date(2028, 2, 1), end=dt.date(2028, 2, 29))
    assert gather(user=author, report=leap).months == ("2028-02",)
    with pytest.raises(FiguresError):
        gather(
            user=author, report=report(author, start=leap.period_start, end=dt.date(2028, 2, 28))
        )


def test_money_in_another_currency_than_the_ledgers_is_refused(author):
    with pytest.raises(FiguresError, match="KRW"):
        gather(user=author, report=report(author, base_currency="USD"))


@pytest.mark.parametrize("role", [R.CASE_WORKER, R.FINANCE, R.RESCUE_COORDINATOR, R.DONOR])
def test_who_does_not_write_reports_gets_nothing(world, author, role):
    the_report = report(author)
    with pytest.raises(PermissionDenied):
        gather(user=make_member(role).user, report=the_report)


def test_the_director_gathers_what_the_author_does(world, author):
    the_report = report(author)
    director = make_member(R.DIRECTOR).user
    mine = gather(user=author, report=the_report, on=MID_MAY)
    theirs = gather(user=director, report=the_report, on=MID_MAY)
    assert figures.data_hash(mine) == figures.data_hash(theirs)


# --- Who and where ----------------------------------------------------------------------------


def test_the_family_is_grouped_by_age_at_arrival_and_sex(world, author):
    found = gather(user=author, report=report(author), on=MID_MAY)
    expected = {
        1961: "men",
        1963: "women",
        1989: "men",
        1992: "women",
        2008: "women",
        2009: "teen",
        2013: "teen",
        2014: "child",
        None: "age_not_recorded",
    }
    nine = [p for p in found.arrivals if p.family == found.arrivals[0].family]
    assert len(nine) == 9
    assert {p.birth_year: who_group(p) for p in nine} == expected
    counted = sorted(who_group(p) for p in found.arrivals)
    assert counted.count("adults_sex_not_recorded") == 0  # no birth year: age not recorded
    assert counted.count("age_not_recorded") == 2


def person(**fields) -> Arrival:
    base = {
        "family": "f",
        "month": "2026-05",
        "sex": "female",
        "birth_year": 1990,
        "province": "",
        "born_abroad": False,
        "pseudonym": "",
    }
    return Arrival(**(base | fields))


@pytest.mark.parametrize(
    ("fields", "group"),
    [
        ({"sex": "female"}, "women"),
        ({"sex": "male"}, "men"),
        ({"sex": ""}, "adults_sex_not_recorded"),
        ({"sex": "", "birth_year": 2015}, "child"),
        ({"sex": "", "birth_year": None}, "age_not_recorded"),
        ({"birth_year": 2008}, "women"),  # 18 in 2026
        ({"birth_year": 2009}, "teen"),
        ({"birth_year": 2013}, "teen"),  # 13
        ({"birth_year": 2014}, "child"),  # 12
        ({"birth_year": 2014, "month": "2027-01"}, "teen"),  # 13 when they arrived
    ],
)
def test_who_group_uses_the_year_of_arrival_and_the_documented_cut_offs(fields, group):
    assert who_group(person(**fields)) == group


def test_the_cut_offs_are_settings_or_arguments(settings):
    teen = person(birth_year=2010)  # 16 in 2026
    assert who_group(teen) == "teen"
    settings.REPORT_ADULT_FROM = 16
    assert who_group(teen) == "women"
    settings.REPORT_CHILD_UNDER = 17
    assert who_group(teen, adult_from=20) == "child"
    assert who_group(teen, on_year=2030, child_under=13, adult_from=18) == "women"


def test_home_is_the_province_abroad_or_not_recorded():
    assert figures.home(person(province="north_hamgyong")) == "north_hamgyong"
    assert figures.home(person(born_abroad=True)) == "abroad"
    assert figures.home(person()) == "not_recorded"


# --- The data's name --------------------------------------------------------------------------


def test_the_hash_names_the_data_not_the_reading(world, author):
    the_report = report(author)
    first = gather(user=author, report=the_report, on=MID_MAY)
    again = gather(user=author, report=the_report, on=dt.date(2026, 5, 25))
    assert figures.data_hash(first) == figures.data_hash(again)
    shuffled = dataclasses.replace(first, arrivals=tuple(reversed(first.arrivals)))
    assert figures.data_hash(shuffled) == figures.data_hash(first)
    assert len(figures.data_hash(first)) == 64
    # Plain JSON, with the testimony's hash and never its text or anyone's name.
    text = json.dumps(figures.canonical(first), ensure_ascii=False)
    assert "이제 자유입니다" not in text
    assert "王美华" not in text
    assert "Sunhee" not in text
    assert figures.text_hash("이제 자유입니다") in text


def test_the_hash_changes_with_any_record(world, author):
    the_report = report(author)
    before = figures.data_hash(gather(user=author, report=the_report, on=MID_MAY))
    cases.edit_testimony(actor=None, testimony=world["public"], publishable_text="고쳤습니다")
    edited = figures.data_hash(gather(user=author, report=the_report, on=MID_MAY))
    assert edited != before
    arrive("최영수", at(2026, 5, 20, 12), sex="male")
    arrived = figures.data_hash(gather(user=author, report=the_report, on=MID_MAY))
    assert arrived not in {before, edited}
    giver = donors.donor_create(actor=None, name="Lee Donor")
    donations.donation_record(
        actor=None,
        donor=giver,
        gross_minor=5_000,
        currency="KRW",
        received_on=MAY_31,
        channel="cash",
    )
    assert figures.data_hash(gather(user=author, report=the_report, on=MID_MAY)) != arrived
