"""The demo's reports: one waiting for the director, one published before it."""

from __future__ import annotations

import re

import pytest

from safepassage.cases import selectors as case_selectors
from safepassage.demo.management.commands.demo import DEMO_DOMAIN
from safepassage.reports import compose
from safepassage.reports.models import Release, Report, ReportState, SectionKind, Subscriber

pytestmark = pytest.mark.django_db


def director():
    from safepassage.accounts.models import User

    return User.objects.get(email=f"director@{DEMO_DOMAIN}")


def waiting() -> Report:
    return Report.objects.get(state=ReportState.SUBMITTED)


def test_a_report_over_four_months_of_arrivals_waits_for_the_director(demo):
    report = waiting()
    assert report.audience == "public"
    assert report.language == "both"
    assert report.author.email == f"comms@{DEMO_DOMAIN}"
    months = (report.period_end.year * 12 + report.period_end.month) - (
        report.period_start.year * 12 + report.period_start.month
    )
    assert months == 3
    arrived = case_selectors.arrivals(
        user=director(), start=report.period_start, end=report.period_end
    )
    assert len(arrived) >= 10
    written = report.sections.exclude(text_ko="").exclude(text_en="")
    assert written.count() == 2
    assert f"/reporting/{report.slug}/" in demo
    assert re.search(r"Published reports.*/reports/", demo)


def test_its_composition_counts_each_month_and_states_what_the_list_held_back(demo):
    report = waiting()
    composition = compose.compose(report=report, user=director())
    by_kind = {section["kind"]: section for section in composition.snapshot["sections"]}
    months = by_kind[SectionKind.PER_MONTH]["table"]["rows"]
    assert len(months) == 4
    assert any(row["value"] for row in months)
    listed = by_kind[SectionKind.LIST]
    assert isinstance(listed["held_back"], int)
    assert listed["months"][0]["groups"]
    # Everyone who arrived is either listed or counted as held back.
    arrived = case_selectors.arrivals(
        user=director(), start=report.period_start, end=report.period_end
    )
    shown = sum(month["people"] for month in listed["months"])
    assert shown + listed["held_back"] == len(arrived)
    assert shown >= composition.k
    assert by_kind[SectionKind.TESTIMONIES]["items"]


def test_an_earlier_quarter_is_published_and_a_reader_is_subscribed(demo):
    release = Release.objects.get(report__state=ReportState.PUBLISHED)
    assert release.report.period_end < waiting().period_start
    assert Subscriber.objects.filter(confirmed_at__isnull=False).count() == 1
