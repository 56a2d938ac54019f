"""Transparency totals: people rescued, money raised and money spent, per year (from the
first year with records to this one) and per month of this year, for the public page
``reports_public:transparency``.

Only totals leave this module, never a person or a donor. The records are read as the
command line reads them (``compose.OPERATOR``: the page has no user), and every figure
goes through the same control as a published report:

- People: one ``disclosure.control_tables`` run over every year's total and this year's
  months, against the whole release ledger (``selectors.history()``), so nothing shown
  here narrows a hidden cell of a published report (a cell the attacker could narrow with
  these figures is hidden here instead).
- Money raised: the dominance rule of ``disclosure.raised_by_channel`` with months (or a
  year) as the "channels" and each donor's amount in them as the gifts: a month in which
  fewer than k donors gave, or one donor gave most of it, is not shown; when the months
  not shown together still fail the rule, the smallest shown month joins them, and if
  even all of them fail, the year's total is not shown either (it would give them back).
- Money spent is shown as it is (organisation spending, no donor in it).

Only complete months are shown: the current month is left out (and so is this year's
row's share of it: the row says "to the end of" the last complete month). A figure that
grew day by day would tell, by comparing two visits, the day each person arrived.

The result is kept in the Django cache for ``CACHE_SECONDS``, keyed by the month and the
latest release, so a crowd of visitors costs one computation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from safepassage.base import periods
from safepassage.cases import selectors as case_selectors
from safepassage.funds import selectors as funds
from safepassage.funds.selectors.report_money import report_money
from safepassage.reports import compose, selectors
from safepassage.reports import disclosure as dc
from safepassage.reports.disclosure.money import OTHER
from safepassage.reports.models import Release

LABEL = "transparency"  # the figures' release label (never a report's: those end "-vN")
CACHE_SECONDS = 300
MONTHS = "per_month"


@dataclass(frozen=True)
class Row:
    """One year ("2025") or month ("2026-03"); ``None`` where a figure is not shown."""

    key: str
    people: int | None
    raised_minor: int | None
    spent_minor: int


@dataclass
class Totals:
    """``years`` oldest first, this year's last (to the end of ``through``, the last
    complete month, "" when none yet); ``months`` this year's complete months;
    ``rates_sources`` where the rates converting other currencies came from;
    ``figures`` the people figures as ledger figures (for the attacker);
    ``decisions`` why each hidden figure is hidden."""

    years: list[Row]
    months: list[Row]
    through: str
    currency: str
    rates_sources: tuple[str, ...] = ()
    figures: list[dict] = field(default_factory=list)
    decisions: list[dict] = field(default_factory=list)

    @property
    def has_hidden(self) -> bool:
        return any(
            row.people is None or row.raised_minor is None for row in [*self.years, *self.months]
        )


def totals(today: dt.date | None = None, *, use_cache: bool = True) -> Totals:
    """The page's figures as of ``today`` (the organisation's today by default)."""
    today = today or timezone.localdate()
    if not use_cache:
        return compute(today)
    latest = Release.objects.order_by("-id").values_list("id", flat=True).first() or 0
    key = f"reports:transparency:1:{today:%Y-%m}:{latest}:{settings.BASE_CURRENCY}"
    found = cache.get(key)
    if found is None:
        found = compute(today)
        cache.set(key, found, CACHE_SECONDS)
    return found


def _year_months(year: int) -> list[str]:
    return periods.months(dt.date(year, 1, 1), dt.date(year, 12, 1))


def _donor_amounts(start: dt.date, end: dt.date) -> list[int]:
    """Each donor's gifts in the days ``start`` to ``end``, all channels together."""
    by_donor: dict[int, int] = {}
    for amounts in report_money(user=compose.OPERATOR, start=start, end=end).donors.values():
        for donor, amount in amounts.items():
            by_donor[donor] = by_donor.get(donor, 0) + amount
    return sorted((a for a in by_donor.values() if a), reverse=True)


def _month_bounds(code: str) -> tuple[dt.date, dt.date]:
    first = dt.date.fromisoformat(f"{code}-01")
    following = funds.first_of_month(first + dt.timedelta(days=31))
    return first, following - dt.timedelta(days=1)


def _people_tables(today: dt.date, history: list[dict]):
    """The people tables through the control: (outcome, the past years, this year's
    complete months)."""
    control = compose.disclosure_settings()
    this_month = today.replace(day=1)
    last_day = this_month - dt.timedelta(days=1)  # of the last complete month
    current = periods.months(dt.date(today.year, 1, 1), last_day) if today.month > 1 else []
    arrivals = case_selectors.arrivals(
        user=compose.OPERATOR, start=dt.date(1900, 1, 1), end=last_day
    )
    starts = [int(a.month[:4]) for a in arrivals[:1]]
    first_money = funds.first_money_month()
    if first_money is not None and first_money < this_month:
        starts.append(first_money.year)
    first_year = min(starts, default=today.year)
    past_years = list(range(first_year, today.year))

    people = [compose._person(arrival) for arrival in arrivals]
    specs = [dc.TableSpec(f"y{year}", (), months=tuple(_year_months(year))) for year in past_years]
    if current:
        specs.append(dc.TableSpec(MONTHS, ("month",), months=tuple(current)))
    try:
        tables = dc.control_tables(
            people, specs, months=current, history=history, release=LABEL, settings=control
        )
    except dc.InconsistentLedger:
        # The records contradict a published release (a late record in a month a report
        # counted): show no count of people at all rather than one that would single the
        # late record out, until the organisation corrects the release.
        tables = dc.control_tables(
            people, specs, months=current, history=[], release=LABEL, settings=control
        )
        _hide_all(tables)
    return tables, past_years, current


def _hide_all(tables) -> None:
    for table in tables.tables.values():
        for row in table["rows"]:
            row.update(value=None, hidden=True)
        table.update(total=None, hidden_total=True)
    for figure in tables.figures:
        figure["value"] = None


def public_people_figures(today: dt.date, *, history: list[dict]) -> list[dict]:
    """The people figures this page shows as of ``today``, for the history of a report
    being composed (``compose``): this page is public, so a report must not hide a cell
    that these give back. ``history`` the ledger without that report."""
    tables, _years, _months = _people_tables(today, history)
    return [fig for fig in tables.figures if fig["value"] is not None]


def compute(today: dt.date) -> Totals:
    """The figures, uncached (``totals`` caches them)."""
    control = compose.disclosure_settings()
    tables, past_years, current = _people_tables(today, selectors.history())

    sources: set[str] = set()

    def money(first: dt.date, last: dt.date) -> funds.PeriodMoney:
        found = funds.money_in_period(first_month=first, last_month=last)
        for rate in found.rates:
            sources.update(rate.sources)
        return found

    years = []
    for year in past_years:
        found = money(dt.date(year, 1, 1), dt.date(year, 12, 1))
        raised, _ = dc.raised_by_channel(
            {str(year): _donor_amounts(dt.date(year, 1, 1), dt.date(year, 12, 31))},
            settings=control,
        )
        table = tables.tables[f"y{year}"]
        years.append(
            Row(
                key=str(year),
                people=table["total"],
                raised_minor=None if raised["hidden_total"] else found.raised.minor,
                spent_minor=found.spent.minor,
            )
        )

    months: list[Row] = []
    money_decisions: list[dict] = []
    if current:
        per_month = {row["key"]: row["value"] for row in tables.tables[MONTHS]["rows"]}
        found_months = {code: money(*_month_bounds(code)) for code in current}
        raised, money_decisions = dc.raised_by_channel(
            {code: _donor_amounts(*_month_bounds(code)) for code in current}, settings=control
        )
        shown = {row["key"] for row in raised["rows"] if not row["hidden"]} - {OTHER}
        hidden = {d["row"] for d in money_decisions} - {OTHER}
        for code in current:
            months.append(
                Row(
                    key=code,
                    people=per_month.get(code),
                    raised_minor=None
                    if code in hidden and code not in shown
                    else found_months[code].raised.minor,
                    spent_minor=found_months[code].spent.minor,
                )
            )
        years.append(
            Row(
                key=str(today.year),
                people=tables.tables[MONTHS]["total"],
                raised_minor=None
                if raised["hidden_total"]
                else sum(found_months[code].raised.minor for code in current),
                spent_minor=sum(found_months[code].spent.minor for code in current),
            )
        )
    return Totals(
        years=years,
        months=months,
        through=current[-1] if current else "",
        currency=settings.BASE_CURRENCY,
        rates_sources=tuple(sorted(sources)),
        figures=tables.figures,
        decisions=[*tables.decisions, *({**d, "table": "raised"} for d in money_decisions)],
    )
