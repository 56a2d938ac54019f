"""The demo's reports, made through ``reports.services`` once the people, missions and
money exist.

Communications drafts a public report in both languages for the four months that hold
most of the demo's arrivals, writes around two of its sections and sends it for review:
the demo director's job is to review and publish it (``/reporting/<slug>/``). The quarter
before it was published a week ago, so the public feed and the release ledger already
hold something the new report is checked against. One reader has confirmed a
subscription (confirmed directly through the service, as pressing the e-mail's button
would), so publishing queues an e-mail. If no testimony with public consent was told by
someone arriving in the chosen months, a case worker records one (generated text).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from safepassage.cases import selectors as case_selectors
from safepassage.cases import services as case_services
from safepassage.cases.models import ConsentScope, Person, Status, StatusChange
from safepassage.demo import generate
from safepassage.demo.organisation import clock
from safepassage.reports import compose
from safepassage.reports.models import Report, SectionKind
from safepassage.reports.services import sections, subscriptions, workflow

MONTHS = 4
SUBSCRIBER = "reader@example.org"
# What communications writes around two sections, in Korean and English.
TEXTS = {
    SectionKind.HEADLINE: {
        "heading_ko": "넉 달 동안의 구출",
        "heading_en": "Four months of rescues",
        "text_ko": "후원해 주신 분들 덕분에 이 기간에 많은 분들이 안전한 곳에 도착했습니다."
        " 아래의 숫자는 그분들의 안전을 지키기 위해 묶거나 가린 것입니다.",
        "text_en": "Thanks to our supporters, many people reached safety in these months."
        " The figures below are grouped or held back to keep them safe.",
    },
    SectionKind.TESTIMONIES: {
        "heading_ko": "도착한 분의 말",
        "heading_en": "In their own words",
        "text_ko": "본인이 공개에 동의한 말만 싣습니다.",
        "text_en": "Only words their speaker agreed to publish are printed here.",
    },
}


def _month_start(day: dt.date, back: int) -> dt.date:
    """The first day of the month ``back`` months before ``day``'s."""
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def busiest_window(months: Counter, today: dt.date) -> dt.date:
    """The first day of the ``MONTHS`` consecutive whole months before this one that hold
    most arrivals (the latest such window on a tie)."""
    best, best_count = None, -1
    for back in range(MONTHS, 25):
        start = _month_start(today, back)
        count = sum(months.get(f"{_month_start(today, back - i):%Y-%m}", 0) for i in range(MONTHS))
        if count > best_count:
            best, best_count = start, count
    return best


def _last_day(start: dt.date, months: int) -> dt.date:
    return sections.month_bounds(start, _month_start(start, -(months - 1)))[1]


def _make(*, comms, title: str, start: dt.date, end: dt.date) -> Report:
    report = workflow.report_create(
        actor=comms,
        title=title,
        period_start=start,
        period_end=end,
        audience="public",
        language="both",
        base_currency=settings.BASE_CURRENCY,
    )
    for section in report.sections.all():
        if section.kind in TEXTS:
            sections.section_write(actor=comms, section=section, **TEXTS[section.kind])
    return workflow.submit(actor=comms, report=report)


def _ensure_testimony(rng, *, worker, director, start: dt.date, end: dt.date, on) -> None:
    if case_selectors.report_testimonies(
        user=director, scope=ConsentScope.PUBLIC, on=on, start=start, end=end
    ):
        return
    first = StatusChange.objects.filter(to_status=Status.ARRIVED).order_by("created_at")
    # A day inside each end, whatever the time zone cuts.
    lo, hi = start + dt.timedelta(days=1), end - dt.timedelta(days=1)
    arrived = first.filter(created_at__date__gte=lo, created_at__date__lt=hi)
    change = arrived.first()
    if change is None:
        return
    person = Person.objects.get(pk=change.person_id)
    raw, edited = generate.TESTIMONIES[rng.randrange(len(generate.TESTIMONIES))]
    testimony = case_services.record_testimony(
        actor=worker, person=person, raw_text=raw, publishable_text=edited
    )
    case_services.consent_record(
        actor=worker, testimony=testimony, scope=ConsentScope.PUBLIC, given_on=on
    )


def _subscribe() -> None:
    subscriptions.subscribe(email=SUBSCRIBER, language="ko")
    # The reader's own click on the e-mail's link, done here directly.
    subscriber = subscriptions._find(SUBSCRIBER)
    links = subscriptions.confirmation_links(subscriber=subscriber)
    if links is not None:
        subscriptions.confirm(token=links[0])


def create_reports(rng: random.Random, *, now: dt.datetime, staff: dict) -> dict:
    """The published earlier quarter and the four months waiting for review; returns
    the waiting report's staff page and the public reports page (paths)."""
    director, comms, worker = staff["director"], staff["comms"], staff["caseworker"]
    today = timezone.localdate(now)
    arrivals = case_selectors.arrivals(user=director, start=_month_start(today, 25), end=today)
    start = busiest_window(Counter(arrival.month for arrival in arrivals), today)
    end = _last_day(start, MONTHS)
    earlier = _month_start(start, 3)

    with clock(now - dt.timedelta(days=8)):
        _subscribe()
    with clock(now - dt.timedelta(days=7)):
        report = _make(
            comms=comms,
            title=(
                f"Quarterly report {earlier:%Y-%m} · {earlier.year}년 {earlier.month}월부터 석 달"
            ),
            start=earlier,
            end=_last_day(earlier, 3),
        )
        digest = compose.compose(report=report, user=director).digest
        workflow.approve(actor=director, report=report, reviewed_hash=digest)
        workflow.publish(actor=director, report=report)
    with clock(now - dt.timedelta(days=2)):
        _ensure_testimony(rng, worker=worker, director=director, start=start, end=end, on=today)
    with clock(now - dt.timedelta(hours=3)):
        waiting = _make(
            comms=comms,
            title=(
                f"Report {start:%Y-%m} to {end:%Y-%m} · "
                f"{start.year}년 {start.month}월부터 {end.year}년 {end.month}월까지의 보고서"
            ),
            start=start,
            end=end,
        )
    return {
        "review": reverse("reports:report", args=[waiting.slug]),
        "public": reverse("reports_public:index"),
    }
