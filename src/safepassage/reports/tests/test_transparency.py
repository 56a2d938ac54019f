"""The public transparency page (``reports.transparency``, ``reports_public:transparency``):
people rescued, money raised and spent per year and per month of this year, equal to the
records, through the same disclosure control as a published report.

Given generated people (Hangul, Chinese and Latin names; one without sex or birth year)
and gifts in won and dollars, when the totals are computed on 15 August 2026, then they
are the records' totals for complete months, a month one donor dominates is not shown,
and no hidden cell of a published report is narrowed by them.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.urls import reverse

from safepassage.accounts.models import Role
from safepassage.cases import services as cases
from safepassage.cases.models import Person, Status
from safepassage.funds.services import donations, donors, rates
from safepassage.reports import compose, disclosure, selectors, transparency
from safepassage.reports.services import workflow
from safepassage.testing.members import make_member
from safepassage.testing.people import make_case, make_person

pytestmark = pytest.mark.django_db

R = Role.Code
SEOUL = ZoneInfo("Asia/Seoul")
TODAY = dt.date(2026, 8, 15)
NAMES = ["김영희", "王美华", "Sunhee Park", "Lee Mina", "박순자", "陈小红", "Choi Eun", "정다은"]


@pytest.fixture(autouse=True)
def _org(settings):
    settings.TIME_ZONE = "Asia/Seoul"
    settings.BASE_CURRENCY = "KRW"
    settings.REPORT_MIN_GROUP = 3
    cache.clear()


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SEOUL)


def arrive(name, when, *, sex="female", birth_year=1980, province="north_hamgyong", **fields):
    person = make_person(
        real_name=name,
        sex=sex or "female",
        status=Status.ARRIVED,
        status_since=when,
        birth_year=birth_year,
        province=province,
        **fields,
    )
    if not sex:
        Person.objects.filter(pk=person.pk).update(sex="")
    return person


def give(name, amount, currency, on, channel="bank"):
    giver = donors.donor_create(actor=None, name=name)
    donations.donation_record(
        actor=None,
        donor=giver,
        gross_minor=amount,
        currency=currency,
        received_on=on,
        channel=channel,
    )


@pytest.fixture
def world(db):
    """2025: three women in March. 2026: a family of nine and four women in May, four
    women, a man and someone with nothing recorded in June, one woman in August (this
    month: not counted yet). May's money: four donors, won and dollars; June's: one
    donor's large gift beside two small ones."""
    for number, name in enumerate(NAMES[:3]):
        arrive(name, at(2025, 3, 5 + number, 9))
    case = make_case()
    nine = [
        arrive(f"김가족{n}", at(2026, 5, 2, 10), case=case, birth_year=1960 + 6 * n)
        for n in range(9)
    ]
    cases.group_create(actor=None, case=case, label="Family A", people=nine)
    for number, name in enumerate(NAMES):
        arrive(name, at(2026, 5 + number % 2, 10 + number, 9), birth_year=1975 + number)
    arrive("Kim Chulsoo", at(2026, 6, 3, 8), sex="male", birth_year=1970)
    arrive("Nobody Known", at(2026, 6, 20, 8), sex="", birth_year=None, province="")
    arrive("이순자", at(2026, 8, 2, 8))
    rates.rate_set(
        actor=None, currency="USD", on=dt.date(2026, 5, 12), rate="1400", source="Bank of Korea"
    )
    give("박후원", 100_000, "KRW", dt.date(2026, 5, 3))
    give("王捐赠", 120_000, "KRW", dt.date(2026, 5, 4))
    give("Jane Doe", 10_000, "USD", dt.date(2026, 5, 12), channel="platform")  # ₩140,000
    give("최기부", 90_000, "KRW", dt.date(2026, 5, 20))
    give("큰손", 5_000_000, "KRW", dt.date(2026, 6, 2))
    give("李小", 10_000, "KRW", dt.date(2026, 6, 3))
    give("Small Giver", 20_000, "KRW", dt.date(2026, 6, 4))
    give("August Giver", 1_000_000, "KRW", dt.date(2026, 8, 1))


def by_key(rows):
    return {row.key: row for row in rows}


def test_the_totals_are_the_records_for_complete_months(world):
    found = transparency.totals(TODAY, use_cache=False)
    years = by_key(found.years)
    months = by_key(found.months)
    assert list(years) == ["2025", "2026"]
    assert [row.key for row in found.months] == [f"2026-0{m}" for m in range(1, 8)]
    assert found.through == "2026-07"
    assert years["2025"].people == 3
    # 9 + 4 in May, 4 + 1 + 1 in June; August's arrival is not counted yet.
    assert (months["2026-05"].people, months["2026-06"].people) == (13, 6)
    assert months["2026-07"].people == 0
    assert years["2026"].people == 19
    assert years["2025"].raised_minor == 0
    assert months["2026-06"].spent_minor == 0
    assert found.rates_sources == ("Bank of Korea",)
    assert found.currency == "KRW"


def test_a_month_one_donor_gave_most_of_is_not_shown(world):
    found = transparency.totals(TODAY, use_cache=False)
    months = by_key(found.months)
    assert months["2026-06"].raised_minor is None
    # The year's total would give June back from May's: May is held back with it, and
    # the two together are still one donor's, so the year's raised is not shown either.
    assert months["2026-05"].raised_minor is None
    assert by_key(found.years)["2026"].raised_minor is None
    assert found.has_hidden


def test_a_month_without_a_dominant_donor_is_shown(world):
    give("另一位", 4_900_000, "KRW", dt.date(2026, 6, 9))
    give("Another One", 4_900_000, "KRW", dt.date(2026, 6, 10))
    found = transparency.totals(TODAY, use_cache=False)
    months = by_key(found.months)
    assert months["2026-06"].raised_minor == 5_000_000 + 10_000 + 20_000 + 9_800_000
    # Won and dollars (at Bank of Korea's rate of the day) in the base currency.
    assert months["2026-05"].raised_minor == 100_000 + 120_000 + 140_000 + 90_000
    assert by_key(found.years)["2026"].raised_minor == 450_000 + 14_830_000


def test_nothing_here_narrows_a_hidden_cell_of_a_published_report(world):
    author = make_member(R.COMMUNICATIONS).user
    director = make_member(R.DIRECTOR).user
    report = workflow.report_create(
        actor=author,
        title="봄 보고서 Spring report",
        period_start=dt.date(2026, 5, 1),
        period_end=dt.date(2026, 6, 30),
        audience="public",
        language="both",
        base_currency="KRW",
    )
    workflow.submit(actor=author, report=report)
    report.refresh_from_db()
    digest = compose.compose(report=report, user=director).digest
    report = workflow.approve(actor=director, report=report, reviewed_hash=digest)
    workflow.publish(actor=director, report=report)
    history = selectors.history()
    hidden = [fig["id"] for fig in history if fig["value"] is None]
    assert hidden  # the man alone, the person with nothing recorded
    width = compose.disclosure_settings().width
    before = disclosure.attack(history, targets=hidden, integral=True)
    found = transparency.totals(TODAY, use_cache=False)
    after = disclosure.attack([*history, *found.figures], targets=hidden, integral=True)
    for fid in hidden:
        low, high = after[fid]
        was_low, was_high = before[fid]
        assert high is None or high - low >= min(width, (was_high or 10**9) - was_low), fid


def test_transparency_is_never_a_reports_slug(db):
    author = make_member(R.COMMUNICATIONS).user
    report = workflow.report_create(
        actor=author,
        title="Transparency",
        period_start=dt.date(2026, 5, 1),
        period_end=dt.date(2026, 5, 31),
        audience="public",
        language="both",
        base_currency="KRW",
    )
    assert report.slug != "transparency"
    assert report.slug.startswith("transparency-")


def test_the_page_in_korean_and_english(world, client, settings, monkeypatch):
    monkeypatch.setattr(transparency.timezone, "localdate", lambda: TODAY)
    url = reverse("reports_public:transparency")
    korean = client.get(url, {"lang": "ko"})
    assert korean.status_code == 200
    assert korean["Content-Language"] == "ko"
    assert "public" in korean["Cache-Control"]
    assert "max-age=" in korean["Cache-Control"]
    page = korean.content.decode()
    assert '<html lang="ko">' in page
    assert "<svg" in page
    assert "<script" not in page
    assert "2025" in page
    assert "₩450,000" not in page
    english = client.get(url, {"lang": "en"})
    text = english.content.decode()
    assert english["Content-Language"] == "en"
    assert "Per year" in text
    assert "Jul 2026" in text
    assert "Bank of Korea" in text
    assert "Aug 2026" not in text  # the current month is left out
    assert client.get(reverse("reports_public:index")).content.decode().count(url) == 1


def test_a_crowd_of_visitors_is_answered_from_the_cache(world, django_assert_max_num_queries):
    transparency.totals(TODAY)
    with django_assert_max_num_queries(2):
        transparency.totals(TODAY)


def test_a_report_composed_later_does_not_hide_what_this_page_gives_back(world, monkeypatch):
    seen = {}
    control_tables = disclosure.control_tables

    def spy(*args, **kwargs):
        seen[kwargs["release"]] = list(kwargs["history"])
        return control_tables(*args, **kwargs)

    monkeypatch.setattr(compose.dc, "control_tables", spy)
    author = make_member(R.COMMUNICATIONS).user
    report = workflow.report_create(
        actor=author,
        title="Summer report",
        period_start=dt.date(2026, 5, 1),
        period_end=dt.date(2026, 6, 30),
        audience="public",
        language="both",
        base_currency="KRW",
    )
    composition = compose.compose(report=report, user=None, at=at(2026, 8, 15, 12))
    hidden = [fig["id"] for fig in composition.figures if fig["value"] is None]
    assert hidden
    page = transparency.public_people_figures(TODAY, history=[])
    assert page
    # The page's figures are public: the report's control counts them as published.
    assert {fig["id"] for fig in page} <= {fig["id"] for fig in seen[compose.release_label(report)]}
    width = compose.disclosure_settings().width
    found = disclosure.attack([*page, *composition.figures], targets=hidden, integral=True)
    for fid, (low, high) in found.items():
        assert high is None or high - low >= width, fid


def test_a_ledger_the_records_contradict_hides_the_counts_instead_of_failing(monkeypatch):
    """A late record in a month a release counted makes the attacker's programme
    infeasible (``InconsistentLedger``): the public page shows no count of people."""
    import datetime as dt

    from safepassage.reports import transparency as module

    real = module.dc.control_tables

    def contradicted(*args, history, **kwargs):
        if history:
            raise module.dc.InconsistentLedger("records contradict the ledger")
        return real(*args, history=history, **kwargs)

    monkeypatch.setattr(module.dc, "control_tables", contradicted)
    tables, _years, months = module._people_tables(dt.date(2026, 9, 15), [{"id": "x"}])
    assert months
    assert all(figure["value"] is None for figure in tables.figures)
    assert all(table["total"] is None for table in tables.tables.values())
