"""A report composed from the records: the figures (``figures.gather``) passed through
the disclosure control (``disclosure``) against everything released before
(``selectors.history``), in the shape every output reads (``snapshot``).

Composing writes nothing. The staff page shows a composition to the author and the
reviewer (with what the control did, and why); ``services.workflow`` approves its
``digest`` and, at publication, composes again and freezes the result only if the digest
is unchanged.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.reports import disclosure as dc
from safepassage.reports import figures as figures_mod
from safepassage.reports import selectors
from safepassage.reports.models import Report, SectionKind
from safepassage.reports.services.errors import ReportError

# Internal expense categories → the public taxonomy a report may show (``disclosure.money``:
# a category without an entry is published as "other").
PUBLIC_SPENDING = {
    "rescue_operations": "rescue_travel",
    "relief_aid": "relief",
    "resettlement": "resettlement",
    "advocacy": "advocacy",
    "fundraising": "fundraising",
    "administration": "administration",
}
# Which section shows which of the control's tables.
TABLE_SECTION = {
    "headline": SectionKind.HEADLINE,
    "per_month": SectionKind.PER_MONTH,
    "who": SectionKind.WHO,
    "where": SectionKind.WHERE,
    "raised": SectionKind.MONEY,
    "spent": SectionKind.MONEY,
}


class _Operator(str):
    """The command line as a reader of the records: whoever can run it holds the database
    and the keys, so it reads as a director would, and is audited by its label."""

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def role_codes(self):
        return ["director"]


OPERATOR = _Operator("command line")


def disclosure_settings() -> dc.Settings:
    return dc.Settings(
        k=settings.REPORT_MIN_GROUP,
        child_under=settings.REPORT_CHILD_UNDER,
        adult_from=settings.REPORT_ADULT_FROM,
    )


@dataclass
class SectionView:
    """One section as the staff page shows it: the model, its published data, and the
    control's decisions about it."""

    section: object
    data: dict
    decisions: list[dict]
    text_form: object = None


@dataclass
class Composition:
    snapshot: dict
    figures: list[dict]
    decisions: list[dict]
    data_hash: str
    k: int
    sections: list[SectionView] = field(default_factory=list)
    intervals: dict = field(default_factory=dict)
    listed: int = 0

    @property
    def digest(self) -> str:
        """What a director approves: the snapshot, the ledger figures and the decisions
        (which name the records by ``data_hash``)."""
        return _hash(
            {
                "snapshot": self.snapshot,
                "figures": self.figures,
                "decisions": self.decisions,
                "data_hash": self.data_hash,
            }
        )

    def published_snapshot(self, now: dt.datetime) -> dict:
        published = copy.deepcopy(self.snapshot)
        published["report"]["draft"] = False
        published["report"]["published_at"] = now.isoformat()
        return published


def _hash(value) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _person(arrival) -> dc.Person:
    return dc.Person(
        family=arrival.family,
        month=arrival.month,
        sex=arrival.sex,
        birth_year=arrival.birth_year,
        province=arrival.province,
        born_abroad=arrival.born_abroad,
        surname=arrival.pseudonym,
    )


def release_label(report: Report) -> str:
    """A release's label in the ledger (no ":"; figure ids start with it)."""
    return f"{report.slug}-v{report.version}"


class ComposeError(ReportError):
    """The records cannot make this report now; the message says why, safe to show."""


def compose(*, report: Report, user, at: dt.datetime | None = None) -> Composition:
    """The report as it would be published now. ``user`` None is the command line.

    ``ComposeError`` when the records cannot make it: the ledger's currency is not the
    report's, or the records now contradict a figure already published for these months
    (a person recorded late in a month a release counted). What a correction may say
    about figures already read is a decision for the organisation, not for this code:
    it refuses rather than publish a difference that would single the late record out.
    """
    try:
        return _compose(report=report, user=user, at=at)
    except figures_mod.FiguresError as exc:
        raise ComposeError(str(exc), code="figures") from None
    except dc.InconsistentLedger:
        raise ComposeError(
            _(
                "The records no longer match figures already published for these months "
                "(something was recorded late). This report cannot be composed until the "
                "organisation decides how to correct the earlier release."
            ),
            code="inconsistent",
        ) from None


def _compose(*, report: Report, user, at: dt.datetime | None) -> Composition:
    from safepassage.reports.forms import SectionTextForm

    reader = OPERATOR if user is None else user
    on = (at.date() if at else None) or None
    found = figures_mod.gather(user=reader, report=report, on=on)
    control = disclosure_settings()
    label = release_label(report)
    people = [_person(arrival) for arrival in found.arrivals]
    history = selectors.history(excluding_label=label)
    # The transparency page publishes every complete month's and year's count: they are
    # public, so this release's control must count them as published (never hide a cell
    # they give back). They change only when a month completes or the records do.
    from safepassage.reports import transparency

    history = [
        *history,
        *transparency.public_people_figures(
            timezone.localdate(at) if at else timezone.localdate(), history=history
        ),
    ]

    listed = dc.control_list(people, release=label, settings=control)
    tables = dc.control_tables(
        people,
        [
            dc.TableSpec("headline", ()),
            dc.TableSpec("per_month", ("month",)),
            dc.TableSpec("who", ("who",)),
            dc.TableSpec("where", ("home",)),
        ],
        months=list(found.months),
        history=history,
        also_published=listed.figures,
        release=label,
        settings=control,
    )
    if not people:
        _nobody(tables)
    donors_by_channel = {
        channel: sorted(amounts.values(), reverse=True)
        for channel, amounts in found.money.donors.items()
    }
    raised, money_decisions = dc.raised_by_channel(donors_by_channel, settings=control)
    spent = dc.public_spending(found.money.spent, PUBLIC_SPENDING)

    decisions = [
        {**decision, "section": str(TABLE_SECTION.get(decision["table"], ""))}
        for decision in tables.decisions
    ]
    decisions += [
        {**decision, "section": str(SectionKind.MONEY), "table": "raised"}
        for decision in money_decisions
    ]
    if listed.held_back:
        decisions.append(
            {"section": str(SectionKind.LIST), "reason": "held_back", "count": listed.held_back}
        )

    headers = {person: entry for person, entry, _month, _group in listed.listed}
    headline_table = tables.tables["headline"]
    rescued = headline_table["total"]
    hidden_people = rescued is None
    data = {
        SectionKind.HEADLINE: {
            "figures": {
                "rescued": rescued,
                "families": None if hidden_people else found.families,
                "raised_minor": raised["total"],
                "spent_minor": spent["total"],
            }
        },
        SectionKind.PER_MONTH: {"table": tables.tables["per_month"]},
        SectionKind.WHO: {"table": tables.tables["who"]},
        SectionKind.WHERE: {"table": tables.tables["where"]},
        SectionKind.MONEY: {
            "raised": raised,
            "spent": spent,
            "currency": found.money.currency,
            "rates_source": ", ".join(found.money.rates_sources),
        },
        SectionKind.HOPE: {
            "figures": {
                "matched_minor": found.hope.matched_minor,
                "matching_pledges": found.hope.matching_pledges,
                "shares_funded": found.hope.shares_funded,
                "rescues_funded": found.hope.rescues_funded,
                "sponsors": found.hope.sponsors,
            }
        },
        SectionKind.LIST: dict(listed.section),
        SectionKind.TESTIMONIES: {
            "items": [
                {
                    "code": testimony.code,
                    "language": testimony.language,
                    "header": headers.get(_person(testimony.person), {}),
                    "sha256": testimony.sha256,
                }
                for testimony in found.testimonies
            ]
        },
    }

    snapshot_sections = []
    views = []
    for section in report.sections.all():
        content = {
            "kind": section.kind,
            "position": section.position,
            "heading": {"ko": section.heading_ko, "en": section.heading_en},
            "text": {"ko": section.text_ko, "en": section.text_en},
            **copy.deepcopy(data.get(section.kind, {})),
        }
        if section.kind == SectionKind.PHOTO:
            content["photo"] = {"section": section.pk, "type": section.photo_type}
        snapshot_sections.append(content)
        views.append(
            SectionView(
                section=section,
                data=content,
                decisions=[d for d in decisions if d.get("section") == section.kind],
                text_form=SectionTextForm(
                    initial={
                        "heading_ko": section.heading_ko,
                        "heading_en": section.heading_en,
                        "text_ko": section.text_ko,
                        "text_en": section.text_en,
                    }
                ),
            )
        )

    snapshot = {
        "report": {
            "slug": report.slug,
            "title": report.title,
            "period_start": report.period_start.isoformat(),
            "period_end": report.period_end.isoformat(),
            "audience": report.audience,
            "channel": report.channel,
            "languages": report.languages(),
            "base_currency": report.base_currency,
            "version": report.version,
            "published_at": None,
            "draft": True,
            # A correction is a later version at the same address.
            "corrects": report.slug if report.version > 1 else "",
            "changes": report.changes,
            "k": control.k,
        },
        "sections": snapshot_sections,
    }
    return Composition(
        snapshot=snapshot,
        figures=[*listed.figures, *tables.figures],
        decisions=decisions,
        data_hash=figures_mod.data_hash(found),
        k=control.k,
        sections=views,
        intervals=tables.intervals,
        listed=len(listed.listed),
    )


def _nobody(tables) -> None:
    """A period in which nobody reached safety: every count is a zero that describes no
    one, and no earlier release can be narrowed by it (any release covering these months
    counted nobody in them either), so the zeros are shown, not hidden."""
    for table in tables.tables.values():
        for row in table["rows"]:
            row.update(value=0, hidden=False)
        table.update(total=0, hidden_total=False)
    for figure in tables.figures:
        figure["value"] = 0
    tables.decisions.clear()
    tables.intervals.clear()


def describe_check(composition: Composition) -> list[str]:
    """``safepassage reports check``: every decision, with the attacker's interval."""
    lines = [
        f"k = {composition.k}; records {composition.data_hash[:16]}; "
        f"digest {composition.digest[:16]}",
        f"list: {composition.listed} listed",
    ]
    for decision in composition.decisions:
        where = f"{decision.get('table', decision.get('section', ''))}/{decision.get('row', '')}"
        parts = [f"{where:<32}", decision.get("reason", "")]
        if decision.get("protects"):
            parts.append(f"protects {decision['protects']}")
        if decision.get("release"):
            parts.append(f"release {decision['release']}")
        if "interval" in decision:
            low, high = decision["interval"]
            parts.append(f"attacker's interval [{low}, {'∞' if high is None else high}]")
        if decision.get("count"):
            parts.append(f"{decision['count']} held back")
        if decision.get("unprotectable"):
            parts.append("UNPROTECTABLE by this release alone")
        lines.append("  ".join(str(part) for part in parts))
    hidden = sum(1 for d in composition.decisions if "interval" in d)
    lines.append(f"{hidden} hidden cell(s), {len(composition.decisions)} decision(s)")
    return lines
