"""The reports' staff pages: the author writes, the reviewer sees what the disclosure
control did next to each table before approving, and publishing asks first. Anyone
else gets 404, as for a page that does not exist."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

from safepassage.accounts.models import Role
from safepassage.cases.models import Status
from safepassage.reports.models import Release, Report, ReportState
from safepassage.testing.members import make_member, signed_in_client
from safepassage.testing.people import make_person

pytestmark = pytest.mark.django_db

R = Role.Code
SEOUL = ZoneInfo("Asia/Seoul")


@pytest.fixture(autouse=True)
def _org(settings):
    settings.TIME_ZONE = "Asia/Seoul"
    settings.BASE_CURRENCY = "KRW"


@pytest.fixture
def people(db):
    names = ["김영희", "王美华", "Sunhee Park", "Lee Mina", "박순자", "陈小红", "Choi Eun"]
    for number, name in enumerate(names):
        make_person(
            real_name=name,
            sex="female",
            status=Status.ARRIVED,
            status_since=dt.datetime(2026, 5, 3 + number, 9, tzinfo=SEOUL),
            birth_year=1980 + number,
            province="north_hamgyong",
        )
    # One man alone: a who-cell of one, which the control must hide.
    make_person(
        real_name="Kim Chulsoo",
        sex="male",
        status=Status.ARRIVED,
        status_since=dt.datetime(2026, 6, 3, 9, tzinfo=SEOUL),
        birth_year=1970,
        province="ryanggang",
    )


@pytest.fixture
def author(db):
    return make_member(R.COMMUNICATIONS)


@pytest.fixture
def director(db):
    return make_member(R.DIRECTOR)


def create(client) -> Report:
    response = client.post(
        "/reporting/new/",
        {
            "title": "2026년 여름 Summer",
            "period_from": "2026-05",
            "period_to": "2026-06",
            "audience": "public",
            "channel": "",
            "language": "both",
        },
    )
    assert response.status_code == 302
    return Report.objects.get()


def test_a_draft_is_written_reviewed_and_published_through_the_pages(people, author, director):
    writer = signed_in_client(author)
    report = create(writer)
    page = writer.get(f"/reporting/{report.slug}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "Kim Chulsoo" not in page.text
    section = report.sections.get(kind="who")
    writer.post(
        f"/reporting/{report.slug}/sections/{section.pk}/",
        {"heading_en": "Who", "text_en": "Mostly women, as every year."},
    )
    assert report.sections.get(pk=section.pk).text_en == "Mostly women, as every year."
    writer.post(f"/reporting/{report.slug}/submit/")
    assert Report.objects.get().state == ReportState.SUBMITTED

    reviewer = signed_in_client(director)
    review = reviewer.get(f"/reporting/{report.slug}/", HTTP_ACCEPT_LANGUAGE="en")
    # Next to the who-table: the hidden man's cell, why, and the attacker's interval.
    assert "What the disclosure control did here" in review.text
    assert "fewer than k people" in review.text
    assert "can only tell it lies between" in review.text
    digest = re.search(r'name="reviewed" value="([0-9a-f]{64})"', review.text).group(1)
    reviewer.post(f"/reporting/{report.slug}/approve/", {"reviewed": digest})
    assert Report.objects.get().state == ReportState.APPROVED

    confirm = reviewer.get(f"/reporting/{report.slug}/publish/", HTTP_ACCEPT_LANGUAGE="en")
    assert "This cannot be undone." in confirm.text
    assert not Release.objects.exists()
    reviewer.post(f"/reporting/{report.slug}/publish/", {"confirmed": "yes"})
    assert Report.objects.get().state == ReportState.PUBLISHED
    assert Release.objects.count() == 1
    public = reviewer.get(f"/reports/{report.slug}/?lang=en")
    assert public.status_code == 200
    assert "Mostly women, as every year." in public.text


def test_the_author_is_not_offered_approval(people, director):
    client = signed_in_client(director)
    report = create(client)
    client.post(f"/reporting/{report.slug}/submit/")
    page = client.get(f"/reporting/{report.slug}/", HTTP_ACCEPT_LANGUAGE="en")
    assert 'name="reviewed"' not in page.text
    assert "A director who did not write this report approves it." in page.text


def test_the_pages_speak_korean(people, author):
    client = signed_in_client(author)
    report = create(client)
    page = client.get(f"/reporting/{report.slug}/", HTTP_ACCEPT_LANGUAGE="ko")
    assert "월별 구출 인원" in page.text
    listing = client.get("/reporting/", HTTP_ACCEPT_LANGUAGE="ko")
    assert "2026년 여름 Summer" in listing.text


def test_a_draft_previews_as_a_page_and_a_pdf_marked_draft(people, author):
    client = signed_in_client(author)
    report = create(client)
    html = client.get(f"/reporting/{report.slug}/preview.html?lang=en")
    assert html.status_code == 200
    assert "Draft" in html.text or "DRAFT" in html.text
    pdf = client.get(f"/reporting/{report.slug}/preview.pdf?lang=ko")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")


@pytest.mark.parametrize("role", [R.CASE_WORKER, R.FINANCE, R.RESCUE_COORDINATOR, R.ADVOCACY])
def test_other_roles_get_404(people, author, role):
    report = create(signed_in_client(author))
    client = signed_in_client(make_member(role))
    for path in (
        "/reporting/",
        f"/reporting/{report.slug}/",
        f"/reporting/{report.slug}/preview.pdf",
    ):
        assert client.get(path).status_code == 404
    assert client.post(f"/reporting/{report.slug}/submit/").status_code == 404
    assert Report.objects.get().state == ReportState.DRAFT


def test_a_draft_is_not_public(people, author):
    from django.test import Client

    report = create(signed_in_client(author))
    assert Client().get(f"/reports/{report.slug}/").status_code == 404
