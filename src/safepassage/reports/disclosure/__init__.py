"""Disclosure control for everything a report publishes: pure functions of the people,
the money and the release ledger (no database, no settings read, no request).

How the integrator composes a release (``reports.compose``)::

    from safepassage.reports import disclosure as dc

    settings = dc.Settings(k=settings.REPORT_MIN_GROUP)          # k = 3 by default
    people = [dc.Person(family=..., month="2026-05", sex="female" | "male" | "",
                        birth_year=1987 | None, province="ryanggang" | "",
                        born_abroad=False, surname="Kim OO") for ...]
    history = [fig for release in Release.objects.all() for fig in release.figures]
    #   every earlier release, retracted and corrected ones included

    listed = dc.control_list(people_in_period, release=label, settings=settings)
    tables = dc.control_tables(
        people,                                   # the period's, plus earlier months that
        [dc.TableSpec("per_month", ("month",)),   # cumulative / year-to-date tables count
         dc.TableSpec("who", ("who",)),
         dc.TableSpec("where", ("home",)),
         dc.TableSpec("headline", ()),            # the headline "rescued"
         dc.TableSpec("ytd_who", ("who",), months=("2026-01", ..., "2026-08"))],
        months=report_months, history=history,
        also_published=listed.figures, release=label, settings=settings)
    spent = dc.public_spending(amounts_by_internal_category, taxonomy)
    raised, money_decisions = dc.raised_by_channel(gifts_by_channel, settings=settings)

    Release(figures=[*listed.figures, *tables.figures],
            decisions=tables.decisions + money_decisions, ...)
    # the snapshot: tables.tables[key] is a snapshot Table; listed.section the list's
    # "months" and "held_back"; dc.held_back_statement(n) the sentence under the list.

``label`` is a release's unique label without ":" (the slug and version); it starts
every figure id. ``tables.decisions`` has one entry per hidden cell (this release's and
every earlier release's) with ``reason`` ("primary": below k; "secondary": ``protects``
another cell; "consistency": hidden as release ``release`` hid it; "earlier": an earlier
release's cell, re-checked) and the attacker's ``interval`` [min, max] (max ``None``:
unbounded); ``unprotectable`` flags a cell the earlier releases alone narrow (a reviewer
must see it). ``dc.attack(figures)`` is the attacker alone, for ``reports check``.

Pages show a hidden figure as "not shown" whatever the reason: "fewer than k" would
tell the attacker a bound the control did not give them.

Modules: ``records`` (Person, Settings, attributes), ``ledger`` (the JSON form of a
figure), ``attacker`` (the linear programmes), ``tables``, ``people`` (the list),
``money``.
"""

from safepassage.reports.disclosure.attacker import Attacker, InconsistentLedger, attack
from safepassage.reports.disclosure.money import public_spending, raised_by_channel
from safepassage.reports.disclosure.people import ListOutcome, control_list, held_back_statement
from safepassage.reports.disclosure.records import Person, Settings
from safepassage.reports.disclosure.tables import TablesOutcome, TableSpec, control_tables

__all__ = [
    "Attacker",
    "InconsistentLedger",
    "ListOutcome",
    "Person",
    "Settings",
    "TableSpec",
    "TablesOutcome",
    "attack",
    "control_list",
    "control_tables",
    "held_back_statement",
    "public_spending",
    "raised_by_channel",
]
