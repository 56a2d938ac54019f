"""Everything a report is built from, read from the records for its period of whole
months: never a figure typed by hand.

``gather`` asks each app below for its part, through that app's selectors (reports never
query another app's models): the people who reached safety (``cases.selectors.arrivals``),
the money of the ledger (``funds.selectors.report_money``), matching and Hope Sharing
(``fundraising.selectors.report_hope``) and the testimonies whose consent covers the
report's audience today (``cases.selectors.report_testimonies``). What comes back is plain
data for the disclosure control (``reports.disclosure``) and the snapshot
(``reports.snapshot``); ``data_hash`` names it, so a release says which data it came from.

The grouping of people by age and sex is here and only here (``who_group``), so the
table, the list and the testimonies' headers can never cut ages differently.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.accounts import permissions
from safepassage.base import periods
from safepassage.cases import selectors as case_selectors
from safepassage.cases.selectors import Arrival
from safepassage.fundraising import selectors as hope_selectors
from safepassage.fundraising.selectors import HopeOutcomes
from safepassage.funds.selectors.report_money import ReportMoney, report_money

# The keys of the "who" table (``reports.snapshot``).
WOMEN = "women"
MEN = "men"
ADULTS_SEX_NOT_RECORDED = "adults_sex_not_recorded"
TEEN = "teen"
CHILD = "child"
AGE_NOT_RECORDED = "age_not_recorded"
WHO_GROUPS = (WOMEN, MEN, ADULTS_SEX_NOT_RECORDED, TEEN, CHILD, AGE_NOT_RECORDED)

# Where a person comes from when not a province (``reports.snapshot``'s "where" keys).
ABROAD = "abroad"
HOME_NOT_RECORDED = "not_recorded"

# Whom a report's audience is: the consent a testimony needs to be shown to them. Donors
# of one channel are donors.
CONSENT_FOR_AUDIENCE = {"public": "public", "donors": "donors", "channel": "donors"}

# Bumped when the canonical form of ``data_hash`` changes, so two hashes of different
# forms never compare equal by accident.
HASH_VERSION = 1


class FiguresError(ValueError):
    """The report cannot be computed as asked (its period or currency)."""


@dataclass(frozen=True)
class Testimony:
    """A testimony the report may show: ``person`` for its generalised header, ``sha256``
    of the text as it stands (what the snapshot keeps), and the text itself, for a preview
    only (a render reads it again, under the consent of that moment)."""

    code: str
    language: str
    person: Arrival
    sha256: str
    text: str


@dataclass(frozen=True)
class Figures:
    """What ``gather`` read, for the period ``start`` to ``end`` (whole months).

    ``months``: "2026-05", ... every month of the period, oldest first, even one without
    an arrival. ``arrivals``: one ``Arrival`` per person, oldest arrival first.
    ``money``: ``ReportMoney`` (base currency, each entry at its own rate).
    ``hope``: ``HopeOutcomes``. ``testimonies``: those whose consent covered ``scope``
    (the audience's consent: "public" or "donors") on ``on``.
    """

    start: dt.date
    end: dt.date
    months: tuple[str, ...]
    arrivals: tuple[Arrival, ...]
    money: ReportMoney
    hope: HopeOutcomes
    testimonies: tuple[Testimony, ...]
    scope: str
    on: dt.date

    @property
    def families(self) -> int:
        return len({person.family for person in self.arrivals})


def check_period(start: dt.date, end: dt.date) -> None:
    """Refuse a period that is not whole months, first to last day (``FiguresError``)."""
    last = calendar.monthrange(end.year, end.month)[1]
    if start.day != 1 or end.day != last or end < start:
        raise FiguresError(
            _("A report covers whole months: from the first day of one to the last of another.")
        )


def gather(*, user, report, on: dt.date | None = None) -> Figures:
    """Read everything ``report`` needs, as ``user`` may read it.

    ``on``: the day whose consent decides the testimonies (today by default; every render
    asks again). Raises ``PermissionDenied`` for a user who may not write reports (rather
    than figures of zero that could pass for the truth) and ``FiguresError`` for a period
    that is not whole months, or a currency the ledger is not kept in: the ledger's
    amounts are in the base currency at each entry's own rate, and converting their total
    at one rate would be a figure nobody booked.
    """
    if not permissions.has_capability(user, "reports.edit"):
        raise PermissionDenied
    start, end = report.period_start, report.period_end
    check_period(start, end)
    if report.base_currency != settings.BASE_CURRENCY:
        raise FiguresError(
            _("Money figures are kept in %(currency)s: a report shows them in it.")
            % {"currency": settings.BASE_CURRENCY}
        )
    on = on or timezone.localdate()
    scope = CONSENT_FOR_AUDIENCE[report.audience]
    testimonies = tuple(
        Testimony(
            code=found.code,
            language=found.language,
            person=found.person,
            sha256=text_hash(found.text),
            text=found.text,
        )
        for found in case_selectors.report_testimonies(
            user=user, scope=scope, on=on, start=start, end=end
        )
    )
    return Figures(
        start=start,
        end=end,
        months=tuple(periods.months(start, end)),
        arrivals=tuple(case_selectors.arrivals(user=user, start=start, end=end)),
        money=report_money(user=user, start=start, end=end),
        hope=hope_selectors.report_hope(user=user, start=start, end=end),
        testimonies=testimonies,
        scope=scope,
        on=on,
    )


def text_hash(text: str) -> str:
    """sha256 of a testimony's text as published (UTF-8), in hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- Who and where --------------------------------------------------------------------------


def who_group(
    person: Arrival,
    *,
    on_year: int | None = None,
    child_under: int | None = None,
    adult_from: int | None = None,
) -> str:
    """The "who" key of one person: ``women``, ``men``, ``adults_sex_not_recorded``,
    ``teen``, ``child`` or ``age_not_recorded``.

    The age is the one at arrival: ``on_year`` (the arrival's year by default) less the
    birth year, so it may be a year more than the person's true age; a birth year
    estimated from an age counts the same. The cut-offs default to the settings
    ``REPORT_CHILD_UNDER`` (13) and ``REPORT_ADULT_FROM`` (18). Sex splits adults only, and
    a sex not recorded is its own group, never guessed.
    """
    if person.birth_year is None:
        return AGE_NOT_RECORDED
    if on_year is None:
        on_year = int(person.month[:4])
    child_under = settings.REPORT_CHILD_UNDER if child_under is None else child_under
    adult_from = settings.REPORT_ADULT_FROM if adult_from is None else adult_from
    age = on_year - person.birth_year
    if age < child_under:
        return CHILD
    if age < adult_from:
        return TEEN
    return {"female": WOMEN, "male": MEN}.get(person.sex, ADULTS_SEX_NOT_RECORDED)


def home(person: Arrival) -> str:
    """Where a person comes from, exact: their province's code, ``abroad`` (born outside
    North Korea) or ``not_recorded``. Generalising it to a region is the disclosure
    control's (``cases.regions``)."""
    if person.born_abroad:
        return ABROAD
    return person.province or HOME_NOT_RECORDED


# --- The data's name ------------------------------------------------------------------------


def canonical(figures: Figures) -> dict:
    """The figures' data as plain JSON, in an order that depends on the data only: people
    sorted (the order rows came back in is not data), testimonies by code and named by the
    hash of their text, never the text. Neither the day of the consent check nor the
    settings are in it: they are how the data is read, not the data."""
    people = sorted(
        (asdict(person) for person in figures.arrivals),
        key=lambda row: json.dumps(row, sort_keys=True, ensure_ascii=False),
    )
    money = figures.money
    return {
        "version": HASH_VERSION,
        "period": [figures.start.isoformat(), figures.end.isoformat()],
        "months": list(figures.months),
        "scope": figures.scope,
        "arrivals": people,
        "money": {
            "currency": money.currency,
            "raised": dict(money.raised),
            "spent": dict(money.spent),
            "fees_minor": money.fees_minor,
            "donors": {
                channel: {str(n): amount for n, amount in amounts.items()}
                for channel, amounts in money.donors.items()
            },
            "rates_sources": list(money.rates_sources),
            "unsourced": money.unsourced,
            "currencies": list(money.currencies),
        },
        "hope": asdict(figures.hope),
        "testimonies": sorted(
            (
                {
                    "code": t.code,
                    "language": t.language,
                    "person": asdict(t.person),
                    "sha256": t.sha256,
                }
                for t in figures.testimonies
            ),
            key=lambda row: row["code"],
        ),
    }


def data_hash(figures: Figures) -> str:
    """sha256 (hex) of ``canonical(figures)`` as compact, key-sorted UTF-8 JSON: the same
    records give the same hash, a change to any of them another."""
    text = json.dumps(canonical(figures), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
