"""The outputs of a published report: its words, the page, the PDF, the feed, and who may
reach them (only what is published, only for the public)."""

from __future__ import annotations

import copy
import io
import re

import pytest
from django.test import Client
from django.utils import timezone, translation
from pypdf import PdfReader

from safepassage.cases.services import testimonies as testimony_services
from safepassage.reports import charts, labels, public_views, render, testimonies
from safepassage.testing.people import make_person
from safepassage.testing.reports_snapshots import (
    entry,
    make_public_report,
    make_snapshot,
    published_testimony,
    table,
)

pytestmark = pytest.mark.django_db

# A value left in a hidden cell by mistake: the outputs must never show it.
SECRET = 7717


@pytest.fixture(autouse=True)
def _fresh_memo():
    testimonies.forget()
    public_views.forget()
    yield
    testimonies.forget()
    public_views.forget()


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def pdf_fonts(pdf: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def with_leaky_hidden_cells(snapshot: dict) -> dict:
    """Every hidden cell also carries SECRET as its value: only ``hidden`` may decide."""
    snapshot = copy.deepcopy(snapshot)
    for section in snapshot["sections"]:
        for key in ("table", "raised", "spent"):
            for row in section.get(key, {}).get("rows", []):
                if row["hidden"]:
                    row["value"] = SECRET
    return snapshot


def a_testimony(text: str, *, scope: str = "public"):
    person = make_person(real_name="증언 사람", sex="female", birth_year=1992)
    testimony = testimony_services.record_testimony(
        actor=None, person=person, raw_text="원문 " + text, publishable_text=text
    )
    testimony_services.consent_record(
        actor=None, testimony=testimony, scope=scope, given_on=timezone.localdate()
    )
    return testimony


# ---------------------------------------------------------------------------------------
# Words


class TestLabels:
    def test_months_read_in_both_languages(self):
        with translation.override("en"):
            assert labels.month("2026-05") == "May 2026"
            assert labels.month_name("2026-05") == "May"
        with translation.override("ko"):
            assert labels.month("2026-05") == "2026년 5월"
            assert labels.month_name("2026-05") == "5월"

    def test_codes_become_words_and_unknown_codes_stay_codes(self):
        with translation.override("ko"):
            assert labels.home("north_hamgyong") == "함경북도"
            assert labels.sex("female") == "여성"
            assert labels.home("north_east", short=True) == "북동부"
            assert labels.channel("bank") == "계좌 이체"
        with translation.override("en"):
            assert labels.home("north_east", short=True) == "North-east"
            assert labels.home("north_east").startswith("North-east (")
            assert labels.who("adults_sex_not_recorded") == "Adults, sex not recorded"
            assert labels.spending("rescue_travel") == "Rescue journeys"
            assert labels.spending("administration") == "Running the organisation"
            assert labels.spending("a_later_code") == "a_later_code"
            assert labels.home("atlantis") == "atlantis"
            assert labels.month("not-a-month") == "not-a-month"

    def test_an_entry_reads_in_the_published_style_with_blanks_left_out(self):
        with translation.override("en"):
            assert (
                labels.entry(entry("Kim OO", "female", "1971", "north_hamgyong"))
                == "Kim OO, Female, born in 1971, North Hamgyong Province"
            )
            assert labels.entry(entry("王OO", "", "1970-1974", "north_east")) == (
                "王OO, born 1970\u20131974, North-east"
            )
            assert labels.entry(entry("", "male", "adult", "")) == "Male, adult"
            assert labels.entry(entry("Sunhee")) == "Sunhee"
        with translation.override("ko"):
            korean = labels.entry(entry("김OO", "female", "", "north_hamgyong"))
            assert korean == "김OO, 여성, 함경북도"
            assert labels.entry(entry("王OO", "", "adult", "north_east")) == "王OO, 성인, 북동부"

    def test_the_list_heading_and_what_was_held_back(self):
        with translation.override("en"):
            group = {"month": "2026-05", "people": 32, "families": 3}
            assert labels.list_heading(group) == "32 People Rescued in May: 3 Families"
            assert labels.list_heading({"month": "", "people": 1, "families": 0}) == (
                "1 Person Rescued"
            )
            assert labels.held_back(2) == "2 people are not listed, to protect them."
            assert labels.held_back(1) == "1 person is not listed, to protect them."

    def test_a_hidden_cell_is_not_shown_never_fewer_than_k(self):
        with translation.override("en"):
            assert labels.not_shown() == "not shown"
            assert "3" in labels.hidden_note(3)


# ---------------------------------------------------------------------------------------
# Charts


class TestCharts:
    def test_a_hidden_month_is_a_full_height_empty_box_whatever_its_value(self):
        months = table("per_month", [("2026-05", 30), ("2026-06", None), ("2026-07", 3)])
        months["rows"][1]["value"] = SECRET
        with translation.override("en"):
            svg = str(charts.monthly_bars(months, title="Per month"))
        boxes = re.findall(r'<rect class="hidden-cell"[^>]* height="([\d.]+)"', svg)
        bars = [float(h) for h in re.findall(r'<rect class="bar"[^>]* height="([\d.]+)"', svg)]
        assert boxes == ["150.0"]
        assert max(bars) == 150.0  # the scale is the shown months' alone
        assert str(SECRET) not in svg
        assert "not shown" in svg
        assert "<title" in svg
        assert "<desc" in svg
        assert "Jun 2026: not shown" in svg

    def test_the_who_chart_draws_hidden_groups_as_boxes_the_full_width(self):
        who = table("who", [("women", 12), ("child", None)])
        with translation.override("en"):
            svg = str(charts.who_bars(who, title="Who"))
        # The box spans all the room a bar may take: as long as the longest shown bar.
        assert re.findall(r'class="hidden-cell"[^>]* width="([\d.]+)"', svg) == ["308.0"]
        assert re.findall(r'class="bar"[^>]* width="([\d.]+)"', svg) == ["308.0"]
        assert "Children" in svg
        assert "Women" in svg
        assert "script" not in svg
        assert "style=" not in svg
        assert "href" not in svg


# ---------------------------------------------------------------------------------------
# Page and PDF, rendered from a snapshot


class TestRender:
    def test_the_page_shows_every_section_in_words(self):
        html = render.render_html(make_snapshot(), language="en", testimony_texts={})
        assert "32 People Rescued in May: 3 Families" in html
        assert "Kim OO, Female, born in 1971, North Hamgyong Province" in html
        assert "2 people are not listed, to protect them." in html
        assert "₩182,450,000" in html
        assert "North Hamgyong Province" in html
        assert "Rescue journeys" in html
        assert html.count("<svg") == 2
        assert "Thank you to every donor." in html
        assert "DRAFT" not in html

    def test_hidden_cells_never_show_a_number_on_the_page_or_in_the_pdf(self):
        snapshot = with_leaky_hidden_cells(make_snapshot())
        html = render.render_html(snapshot, language="en", testimony_texts={})
        pdf = render.render_pdf(snapshot, language="en", testimony_texts={})
        text = pdf_text(pdf)
        assert str(SECRET) not in html
        assert f"{SECRET:,}" not in html
        assert f"{SECRET:,}" not in text
        assert str(SECRET) not in text
        hidden_rows = re.findall(
            r'<tr class="hidden-cell"><th scope="row">[^<]*</th><td[^>]*>([^<]*)<', html
        )
        assert hidden_rows
        assert set(hidden_rows) == {"not shown"}
        assert "Jun 2026 not shown" in text

    def test_a_korean_pdf_has_korean_text_in_nanum_gothic_and_no_metadata(self):
        pdf = render.render_pdf(make_snapshot(), language="ko", testimony_texts={})
        text = pdf_text(pdf)
        assert "함경북도" in text
        assert "2026년 5월" in text
        assert "감사의 말씀" in text
        assert any("NanumGothic" in name for name in pdf_fonts(pdf))
        metadata = PdfReader(io.BytesIO(pdf)).metadata
        assert set(metadata) == {"/Title"}
        assert metadata["/Title"].startswith("Rescues, May to August 2026")
        assert b"WeasyPrint" not in pdf
        assert b"/Producer" not in pdf
        assert b"/Author" not in pdf

    def test_a_draft_is_marked_on_the_page_and_on_every_pdf_page(self):
        snapshot = make_snapshot(draft=True)
        html = render.render_html(snapshot, language="en", testimony_texts={})
        assert "DRAFT" in html
        assert 'class="draft"' in html
        assert "noindex" in html
        pages = PdfReader(
            io.BytesIO(render.render_pdf(snapshot, language="en", testimony_texts={}))
        ).pages
        assert len(pages) > 1
        assert all("DRAFT" in page.extract_text() for page in pages)

    def test_a_withdrawn_testimony_leaves_no_trace_but_the_notice(self):
        shown = published_testimony("T1", "자유를 찾았습니다.", header=entry("이OO", "female"))
        gone = published_testimony("T2", "감사합니다 모두.", header=entry("박OO", "male", "1960"))
        snapshot = make_snapshot(testimonies=[shown, gone])
        texts = {"T1": "자유를 찾았습니다.", "T2": None}
        html = render.render_html(snapshot, language="en", testimony_texts=texts)
        pdf = pdf_text(render.render_pdf(snapshot, language="en", testimony_texts=texts))
        for output in (html, pdf):
            assert "자유를 찾았습니다." in output
            assert "감사합니다" not in output
            assert "박OO" not in output
            assert "A message was withdrawn." in output

    def test_a_retracted_report_shows_the_notice_and_no_figures(self):
        retraction = render.Retraction(on=timezone.localdate(), correction_url="/reports/fixed/")
        html = render.render_html(
            make_snapshot(), language="en", testimony_texts={}, retraction=retraction
        )
        assert "Retracted on" in html
        assert 'href="/reports/fixed/"' in html
        assert "182,450,000" not in html
        assert "Kim OO" not in html
        assert "<svg" not in html


# ---------------------------------------------------------------------------------------
# The public pages


def get(url: str, **headers):
    return Client().get(url, headers=headers)


class TestPublicPages:
    def test_a_published_report_is_open_to_all_in_either_language(self):
        make_public_report()
        english = get("/reports/summer-2026/?lang=en")
        korean = get("/reports/summer-2026/?lang=ko")
        assert english.status_code == korean.status_code == 200
        assert "32 People Rescued in May" in english.text
        assert "2026년 5월" in korean.text
        assert 'lang="ko"' in korean.text
        assert 'href="/reports/summer-2026/?lang=ko"' in english.text
        assert 'href="/reports/summer-2026.pdf?lang=en"' in english.text
        assert "<script" not in english.text
        assert " style=" not in english.text

    def test_the_active_language_decides_without_lang(self):
        make_public_report()
        response = get("/reports/summer-2026/", **{"Accept-Language": "ko"})
        assert response["Content-Language"] == "ko"

    def test_a_report_in_one_language_is_shown_in_it(self):
        make_public_report(make_snapshot(languages=["en"]))
        response = get("/reports/summer-2026/?lang=ko")
        assert response["Content-Language"] == "en"
        assert "?lang=ko" not in response.text

    @pytest.mark.parametrize(
        ("state", "releases", "audience"),
        [
            ("draft", (), "public"),
            ("submitted", (), "public"),
            ("approved", (), "public"),
            ("published", (), "public"),
            ("published", ("published",), "donors"),
            ("published", ("published",), "channel"),
            ("draft", ("published",), "public"),
        ],
    )
    def test_anything_not_published_for_the_public_is_404(self, state, releases, audience):
        make_public_report(state=state, releases=releases, audience=audience)
        for url in ("/reports/summer-2026/", "/reports/summer-2026.pdf"):
            assert get(url).status_code == 404
        assert "summer-2026" not in get("/reports/").text
        assert "summer-2026" not in get("/reports/feed/").text

    def test_an_unknown_report_is_404(self):
        assert get("/reports/no-such-report/").status_code == 404
        assert get("/reports/no-such-report.pdf").status_code == 404

    def test_the_pdf_is_a_public_document_in_the_asked_language(self):
        make_public_report()
        response = get("/reports/summer-2026.pdf?lang=ko")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("inline;")
        assert "함경북도" in pdf_text(response.content)
        assert "no-store" not in response["Cache-Control"]

    def test_a_crowd_asking_for_the_pdf_costs_one_render(self, monkeypatch):
        make_public_report()
        first = get("/reports/summer-2026.pdf?lang=en").content
        monkeypatch.setattr(render, "render_pdf", lambda *a, **k: pytest.fail("rendered again"))
        assert get("/reports/summer-2026.pdf?lang=en").content == first

    def test_the_index_and_the_feed_list_published_reports_only(self):
        make_public_report()
        make_public_report(
            make_snapshot(slug="autumn-draft", title="Autumn draft"), state="draft", releases=()
        )
        index = get("/reports/")
        feed = get("/reports/feed/?lang=en")
        assert index.status_code == feed.status_code == 200
        assert "Rescues, May to August 2026" in index.text
        assert "Autumn draft" not in index.text
        assert feed["Content-Type"].startswith("application/atom+xml")
        assert "<entry>" in feed.text
        assert feed.text.count("<entry>") == 1
        assert "/reports/summer-2026/" in feed.text
        assert "People rescued: 47" in feed.text
        assert "Spent: not shown" in feed.text
        assert "Kim OO" not in feed.text

    def test_a_withdrawal_pulls_the_testimony_from_page_feed_and_pdf_at_once(self):
        testimony = a_testimony("이제 안전합니다. 고맙습니다.")
        item = published_testimony(testimony.code, "이제 안전합니다. 고맙습니다.")
        make_public_report(make_snapshot(testimonies=[item]))
        before = get("/reports/summer-2026/?lang=en")
        assert "이제 안전합니다." in before.text
        assert "이OO" in before.text
        testimony_services.consent_withdraw(actor=None, testimony=testimony)
        after = get("/reports/summer-2026/?lang=en", **{"If-None-Match": before["ETag"]})
        assert after.status_code == 200  # the fingerprint changed: no cache keeps the old page
        assert "이제 안전합니다." not in after.text
        assert "이OO" not in after.text
        assert "A message was withdrawn." in after.text
        assert "이제 안전합니다." not in pdf_text(get("/reports/summer-2026.pdf?lang=en").content)
        assert "이제 안전합니다." not in get("/reports/feed/").text

    def test_a_testimony_for_donors_only_is_not_on_the_public_page(self):
        testimony = a_testimony("후원자께만 드리는 말.", scope="donors")
        make_public_report(
            make_snapshot(
                testimonies=[published_testimony(testimony.code, "후원자께만 드리는 말.")]
            )
        )
        page = get("/reports/summer-2026/?lang=en").text
        assert "후원자께만" not in page
        assert "A message was withdrawn." in page

    def test_a_text_edited_after_publication_is_not_shown(self):
        testimony = a_testimony("처음 그대로의 말.")
        make_public_report(
            make_snapshot(testimonies=[published_testimony(testimony.code, "처음 그대로의 말.")])
        )
        assert "처음 그대로의 말." in get("/reports/summer-2026/").text
        testimony_services.edit_testimony(
            actor=None, testimony=testimony, publishable_text="고친 말, 이름 포함."
        )
        page = get("/reports/summer-2026/?lang=en").text
        assert "처음 그대로의 말." not in page
        assert "고친 말" not in page
        assert "A message was withdrawn." in page

    def test_a_snapshot_renders_the_same_when_the_records_change(self):
        report = make_public_report()
        before = get("/reports/summer-2026/?lang=en")
        report.title = "Renamed later"
        report.period_end = report.period_start
        report.save()
        make_person(real_name="Later Person", sex="male", birth_year=1971)
        after = get("/reports/summer-2026/?lang=en")
        assert after.content == before.content
        assert after["ETag"] == before["ETag"]

    def test_a_retracted_report_keeps_its_address_with_a_notice(self):
        make_public_report(state="retracted", releases=("published", "retraction"))
        page = get("/reports/summer-2026/?lang=en")
        assert page.status_code == 200
        assert "Retracted on" in page.text
        assert "182,450,000" not in page.text
        assert ".pdf" not in page.text
        assert get("/reports/summer-2026.pdf").status_code == 410
        feed = get("/reports/feed/?lang=en").text
        assert "Retracted: Rescues, May to August 2026" in feed

    def test_a_correction_is_the_later_version_at_the_same_address(self):
        fixed = make_snapshot(slug="summer-2026")
        fixed["report"].update(version=2, corrects="summer-2026", changes="June corrected.")
        make_public_report(fixed, releases=("published", "correction"))
        page = get("/reports/summer-2026/?lang=en").text
        assert "This report corrects an earlier one." in page
        assert "June corrected." in page

    def test_public_pages_may_be_kept_only_if_asked_again_and_answer_304(self):
        make_public_report()
        first = get("/reports/summer-2026/?lang=en")
        assert "public" in first["Cache-Control"]
        assert "no-cache" in first["Cache-Control"]
        assert "no-store" not in first["Cache-Control"]
        again = get("/reports/summer-2026/?lang=en", **{"If-None-Match": first["ETag"]})
        assert again.status_code == 304
        korean = get("/reports/summer-2026/?lang=ko", **{"If-None-Match": first["ETag"]})
        assert korean.status_code == 200

    def test_a_signed_in_visitor_is_never_cached(self, director, sign_in):
        make_public_report()
        response = sign_in(director).get("/reports/summer-2026/")
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]


def test_a_sex_the_source_did_not_give_reads_as_not_recorded_in_both_languages():
    from django.utils import translation

    entry = {"surname": "Lee OO", "sex": "not_recorded", "born": "2003", "home": ""}
    with translation.override("en"):
        assert labels.entry(entry) == "Lee OO, Not recorded, born in 2003"
    with translation.override("ko"):
        assert "기록 없음" in labels.entry(entry)
