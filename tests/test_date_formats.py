"""One way to write a date per language, set once in ``safepassage.base.formats``: Korean
2026년 12월 2일 (sentences) or 2026-12-02 (tables), English 2 Dec 2026; templates name a
format, never a pattern of their own."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.utils import formats, timezone, translation

from safepassage.base import date_fields

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "safepassage"
DAY = dt.date(2026, 12, 2)
MOMENT = dt.datetime(2026, 12, 2, 14, 5, tzinfo=dt.UTC)
NAMED = {
    "DATE_FORMAT",
    "SHORT_DATE_FORMAT",
    "DATETIME_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "TIME_FORMAT",
    "YEAR_MONTH_FORMAT",
    "MONTH_DAY_FORMAT",
    "c",  # ISO 8601, for machines: <time datetime="...">
}


@pytest.mark.parametrize(
    ("language", "name", "expected"),
    [
        ("ko", "DATE_FORMAT", "2026년 12월 2일"),
        ("ko", "SHORT_DATE_FORMAT", "2026-12-02"),
        ("en", "DATE_FORMAT", "2 Dec 2026"),
        ("en", "SHORT_DATE_FORMAT", "2 Dec 2026"),
    ],
)
def test_a_date_in_each_language(language, name, expected):
    with translation.override(language):
        assert formats.date_format(DAY, name) == expected
        rendered = Template(f'{{{{ day|date:"{name}" }}}}').render(Context({"day": DAY}))
        assert rendered == expected


def test_a_moment_in_each_language(settings):
    settings.TIME_ZONE = "Asia/Seoul"
    with timezone.override("Asia/Seoul"):
        template = Template(
            '{{ at|date:"SHORT_DATETIME_FORMAT" }} · {{ at|date:"DATETIME_FORMAT" }}'
        )
        with translation.override("ko"):
            assert template.render(Context({"at": MOMENT})) == (
                "2026-12-02 23:05 · 2026년 12월 2일 23:05"
            )
        with translation.override("en"):
            assert template.render(Context({"at": MOMENT})) == (
                "2 Dec 2026, 23:05 · 2 Dec 2026, 23:05"
            )


def test_no_template_writes_its_own_date_pattern():
    own = []
    for path in PACKAGE.rglob("templates/**/*"):
        if path.suffix in {".html", ".txt"}:
            for pattern in re.findall(r"\|date:(?:\"([^\"]*)\"|'([^']*)')", path.read_text()):
                name = pattern[0] or pattern[1]
                if name not in NAMED:
                    own.append(f"{path.relative_to(PACKAGE)}: {name}")
    assert own == []


def test_a_date_field_names_its_range_in_the_readers_format():
    field = date_fields.DateField(latest=lambda: dt.date(2026, 1, 1))
    for language, expected in [("ko", "1900-01-01"), ("en", "1 Jan 1900")]:
        with translation.override(language), pytest.raises(ValidationError, match=expected):
            field.clean("2026-01-02")


@pytest.mark.django_db
def test_the_monthly_totals_name_their_months_in_the_readers_format():
    from safepassage.funds.selectors import totals_by_month

    with translation.override("ko"):
        labels = [row.label for row in totals_by_month(months=2, today=DAY)]
    assert labels == ["2026년 11월", "2026년 12월"]
    with translation.override("en"):
        labels = [row.label for row in totals_by_month(months=2, today=DAY)]
    assert labels == ["Nov 2026", "Dec 2026"]
