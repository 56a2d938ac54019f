"""A report's life (``services.workflow``): composed from the records, approved by a
director who did not write it, published as a frozen release only if nothing changed
since the approval, corrected as a new version, retracted without leaving the ledger.

Given a period with generated arrivals (Hangul, Chinese and Latin names; a family of
nine; someone with no sex, birth year or province recorded), when the report moves
through its states, then each step does exactly what it says or refuses plainly.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection

from safepassage.accounts.models import Role
from safepassage.audit.models import AuditEntry
from safepassage.cases import services as cases
from safepassage.cases.models import Person, Status
from safepassage.reports import compose, selectors
from safepassage.reports.models import Release, ReleaseKind, Report, ReportState
from safepassage.reports.services import sections, workflow
from safepassage.reports.services.errors import ReportError
from safepassage.testing.markers import postgres_only
from safepassage.testing.members import make_member
from safepassage.testing.people import make_case, make_person

pytestmark = pytest.mark.django_db

R = Role.Code
S = ReportState
SEOUL = ZoneInfo("Asia/Seoul")
NAMES = ["김영희", "王美华", "Sunhee Park", "Lee Mina", "박순자", "陈小红", "Choi Eun", "정다은"]


@pytest.fixture(autouse=True)
def _org(settings):
    settings.TIME_ZONE = "Asia/Seoul"
    settings.BASE_CURRENCY = "KRW"
    settings.REPORT_MIN_GROUP = 3


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


@pytest.fixture
def arrivals(db):
    """May and June 2026: a family of nine, eight women alone, one man, one person with
    nothing recorded but the arrival."""
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


@pytest.fixture
def author(db):
    return make_member(R.COMMUNICATIONS).user


@pytest.fixture
def director(db):
    return make_member(R.DIRECTOR).user


def draft(author, **fields) -> Report:
    fields.setdefault("title", "봄 보고서 Spring report")
    return workflow.report_create(
        actor=author,
        period_start=fields.pop("start", dt.date(2026, 5, 1)),
        period_end=fields.pop("end", dt.date(2026, 6, 30)),
        audience=fields.pop("audience", "public"),
        language=fields.pop("language", "both"),
        base_currency="KRW",
        **fields,
    )


def approved(report, director) -> Report:
    report.refresh_from_db()
    workflow.submit(actor=report.author, report=report)
    report.refresh_from_db()
    digest = compose.compose(report=report, user=director).digest
    return workflow.approve(actor=director, report=report, reviewed_hash=digest)


def test_a_new_draft_covers_whole_months_with_the_default_sections(author):
    report = draft(author, start=dt.date(2026, 5, 17), end=dt.date(2026, 6, 3))
    assert (report.period_start, report.period_end) == (dt.date(2026, 5, 1), dt.date(2026, 6, 30))
    assert [s.kind for s in report.sections.all()] == list(sections.DEFAULT_SECTIONS)
    assert report.state == S.DRAFT
    assert report.slug
    assert AuditEntry.objects.filter(action="reports.report_created").count() == 1


def test_a_period_that_ends_before_it_starts_is_refused(author):
    with pytest.raises(ReportError):
        draft(author, start=dt.date(2026, 6, 1), end=dt.date(2026, 5, 1))
    assert not Report.objects.exists()


def test_the_author_cannot_approve_their_own_report(arrivals, director):
    report = draft(director)
    workflow.submit(actor=director, report=report)
    digest = compose.compose(report=report, user=director).digest
    with pytest.raises(ReportError, match="did not write"):
        workflow.approve(actor=director, report=report, reviewed_hash=digest)
    assert Report.objects.get(pk=report.pk).state == S.SUBMITTED


def test_communications_cannot_approve(arrivals, author):
    other = make_member(R.COMMUNICATIONS).user
    report = draft(author)
    workflow.submit(actor=author, report=report)
    digest = compose.compose(report=report, user=other).digest
    with pytest.raises(ReportError, match="director"):
        workflow.approve(actor=other, report=report, reviewed_hash=digest)


def test_an_approval_of_figures_that_changed_while_reviewing_is_refused(arrivals, author, director):
    report = draft(author)
    workflow.submit(actor=author, report=report)
    seen = compose.compose(report=report, user=director).digest
    arrive("Late Record", at(2026, 6, 25, 12))
    with pytest.raises(ReportError, match="changed"):
        workflow.approve(actor=director, report=report, reviewed_hash=seen)
    assert Report.objects.get(pk=report.pk).state == S.SUBMITTED


def test_second_director_approving_at_once_finds_it_approved(arrivals, author, director):
    other = make_member(R.DIRECTOR).user
    report = draft(author)
    workflow.submit(actor=author, report=report)
    digest = compose.compose(report=report, user=director).digest
    workflow.approve(actor=director, report=report, reviewed_hash=digest)
    with pytest.raises(ReportError, match="approved"):
        workflow.approve(actor=other, report=report, reviewed_hash=digest)
    assert Report.objects.get(pk=report.pk).approved_by == director


def test_publishing_freezes_the_approved_composition(arrivals, author, director):
    report = approved(draft(author), director)
    release = workflow.publish(actor=director, report=report)
    report.refresh_from_db()
    assert report.state == S.PUBLISHED
    assert release.kind == ReleaseKind.PUBLISHED
    assert release.snapshot["report"]["draft"] is False
    assert release.snapshot["report"]["published_at"]
    headline = next(s for s in release.snapshot["sections"] if s["kind"] == "headline")
    # 9 + 8 + 1 + 1 people arrived in May and June.
    assert headline["figures"]["rescued"] == 19
    assert release.figures
    assert release.data_hash
    # A snapshot does not change when the data does.
    frozen = dict(release.snapshot)
    arrive("After Publication", at(2026, 6, 26, 12))
    release.refresh_from_db()
    assert release.snapshot == frozen


def test_a_record_added_after_approval_lapses_it_and_publishes_nothing(arrivals, author, director):
    report = approved(draft(author), director)
    arrive("Recorded Late", at(2026, 5, 30, 12))
    with pytest.raises(workflow.ReportLapsed):
        workflow.publish(actor=director, report=report)
    report.refresh_from_db()
    assert report.state == S.SUBMITTED
    assert report.approved_hash == ""
    assert not Release.objects.exists()
    assert AuditEntry.objects.filter(action="reports.approval_lapsed").count() == 1


def test_an_approved_report_cannot_be_edited_until_it_is_a_draft_again(arrivals, author, director):
    report = approved(draft(author), director)
    section = report.sections.first()
    with pytest.raises(ReportError, match="draft"):
        sections.section_write(actor=author, section=section, text_en="Changed")
    workflow.reopen(actor=author, report=report)
    report.refresh_from_db()
    assert report.state == S.DRAFT
    assert report.approved_by is None
    sections.section_write(actor=author, section=section, text_en="Changed")
    with pytest.raises(ReportError):
        workflow.publish(actor=director, report=report)


def test_returned_for_revision_carries_the_comment(arrivals, author, director):
    report = draft(author)
    workflow.submit(actor=author, report=report)
    with pytest.raises(ReportError):
        workflow.return_for_revision(actor=director, report=report, comment="  ")
    workflow.return_for_revision(actor=director, report=report, comment="Add the June text")
    report.refresh_from_db()
    assert report.state == S.DRAFT
    assert report.review_comment == "Add the June text"


def test_a_correction_is_a_new_version_that_says_what_changed(arrivals, author, director):
    report = approved(draft(author), director)
    workflow.publish(actor=director, report=report)
    workflow.start_correction(actor=author, report=report)
    report.refresh_from_db()
    assert report.version == 2
    assert report.state == S.DRAFT
    with pytest.raises(ReportError, match="changes"):
        workflow.submit(actor=author, report=report)
    sections.report_update(actor=author, report=report, changes="June's count corrected")
    approved(report, director)
    second = workflow.publish(actor=director, report=report)
    assert second.kind == ReleaseKind.CORRECTION
    assert second.version == 2
    assert Release.objects.filter(report=report).count() == 2
    assert selectors.latest_release(report) == second


def test_a_retracted_report_stays_in_the_ledger(arrivals, author, director):
    report = approved(draft(author), director)
    release = workflow.publish(actor=director, report=report)
    workflow.retract(actor=director, report=report, reason="A family asked us to")
    report.refresh_from_db()
    assert report.state == S.RETRACTED
    ids = {figure["id"] for figure in selectors.history()}
    assert {figure["id"] for figure in release.figures} <= ids
    assert not any("A family asked" in str(e.data) for e in AuditEntry.objects.all())


def test_a_period_with_nobody_rescued_publishes_zeros(author, director):
    report = approved(draft(author, start=dt.date(2020, 1, 1), end=dt.date(2020, 3, 31)), director)
    release = workflow.publish(actor=director, report=report)
    headline = next(s for s in release.snapshot["sections"] if s["kind"] == "headline")
    assert headline["figures"]["rescued"] == 0


def test_a_period_of_one_person_shows_no_figure_that_singles_them_out(author, director):
    arrive("홀로선", at(2025, 2, 10, 9), birth_year=1990)
    report = approved(draft(author, start=dt.date(2025, 2, 1), end=dt.date(2025, 2, 28)), director)
    release = workflow.publish(actor=director, report=report)
    listed = next(s for s in release.snapshot["sections"] if s["kind"] == "list")
    entries = [e for month in listed["months"] for g in month["groups"] for e in g["entries"]]
    assert entries == []
    assert listed["held_back"] == 1
    # Who they are and where from: every cell that crosses a quasi-identifier is hidden
    # or zero (a month's count alone names no one).
    for kind in ("who", "where"):
        section = next(s for s in release.snapshot["sections"] if s["kind"] == kind)
        for row in section["table"]["rows"]:
            assert row["value"] in (None, 0), (kind, row)


@pytest.mark.parametrize("_engine", [pytest.param(None, marks=postgres_only)])
def test_the_release_ledger_refuses_update_and_delete(_engine, arrivals, author, director):
    from django.db import DatabaseError, transaction

    report = approved(draft(author), director)
    release = workflow.publish(actor=director, report=report)
    for statement in ("UPDATE reports_release SET data_hash = 'x'", "DELETE FROM reports_release"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert Release.objects.get(pk=release.pk).data_hash != "x"


def test_the_command_line_drafts_renders_and_checks(arrivals, tmp_path, capsys):
    call_command(
        "reports",
        "draft",
        "--from",
        "2026-05",
        "--to",
        "2026-06",
        "--audience",
        "public",
        "--language",
        "en",
        "--title",
        "CLI report",
    )
    slug = capsys.readouterr().out.strip()
    report = Report.objects.get(slug=slug)
    assert report.author is None
    assert report.language == "en"
    out = tmp_path / "r.html"
    call_command("reports", "render", slug, "--format", "html", "--out", str(out))
    assert "CLI report" in out.read_text(encoding="utf-8")
    pdf = tmp_path / "r.pdf"
    call_command("reports", "render", slug, "--format", "pdf", "--out", str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF-")
    capsys.readouterr()
    call_command("reports", "check", slug)
    printed = capsys.readouterr().out
    assert "k = 3" in printed
    assert "hidden cell(s)" in printed


def test_due_and_overdue_follow_the_cadence(director):
    from safepassage.reports.services import schedule

    schedule.cadence_set(actor=director, months=3, grace_days=30, starts_on=dt.date(2026, 1, 1))
    assert selectors.due(today=dt.date(2026, 3, 31)) is None
    owed = selectors.due(today=dt.date(2026, 4, 10))
    assert (owed.period_start, owed.period_end, owed.overdue) == (
        dt.date(2026, 1, 1),
        dt.date(2026, 3, 31),
        False,
    )
    assert selectors.due(today=dt.date(2026, 5, 1)).overdue is True
    Report.objects.create(
        slug="q1",
        title="Q1",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 3, 31),
        base_currency="KRW",
        state=S.PUBLISHED,
        author=director,
    )
    assert selectors.due(today=dt.date(2026, 5, 1)) is None
    owed = selectors.due(today=dt.date(2026, 7, 15))
    assert owed.period_start == dt.date(2026, 4, 1)
    assert not owed.overdue


def test_a_late_record_in_a_published_month_is_a_clear_refusal_not_a_crash(
    arrivals, author, director
):
    first = approved(draft(author, title="May and June"), director)
    workflow.publish(actor=director, report=first)
    arrive("Recorded Late", at(2026, 5, 30, 12))
    year = draft(author, title="The year", start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    with pytest.raises(compose.ComposeError, match="recorded late"):
        compose.compose(report=year, user=director)
    from safepassage.testing.members import signed_in_client

    page = signed_in_client(make_member(R.DIRECTOR)).get(
        f"/reporting/{year.slug}/", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert page.status_code == 200
    assert "recorded late" in page.text
    workflow.submit(actor=author, report=year)
    with pytest.raises(ReportError):
        workflow.approve(actor=director, report=year, reviewed_hash="0" * 64)
