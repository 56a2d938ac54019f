"""Snapshots of published reports for the outputs' tests (page, PDF, feed), and the rows
that make them public, written directly: the workflow's services are tested elsewhere.

Generated data only: Hangul, Chinese and Latin pseudonyms, people without a sex or a
birth year, hidden cells in every table.
"""

from __future__ import annotations

import copy
import datetime as dt

from django.utils import timezone

from safepassage.reports.testimonies import published_hash


def table(key: str, rows: list[tuple[str, int | None]], *, unit: str = "people") -> dict:
    """A table; a value None is a hidden cell, and any hidden cell hides the total too."""
    hidden = any(value is None for _key, value in rows)
    return {
        "key": key,
        "rows": [{"key": k, "value": v, "hidden": v is None} for k, v in rows],
        "total": None if hidden else sum(v for _k, v in rows),
        "hidden_total": hidden,
        "unit": unit,
    }


def entry(surname="", sex="", born="", home="") -> dict:
    return {"surname": surname, "sex": sex, "born": born, "home": home}


def make_snapshot(
    *,
    slug: str = "summer-2026",
    title: str = "Rescues, May to August 2026",
    draft: bool = False,
    testimonies: list[dict] | None = None,
    **report,
) -> dict:
    """A realistic public report over May to August 2026, every kind of section."""
    snapshot = {
        "report": {
            "slug": slug,
            "title": title,
            "period_start": "2026-05-01",
            "period_end": "2026-08-31",
            "audience": "public",
            "channel": "",
            "languages": ["ko", "en"],
            "base_currency": "KRW",
            "version": 1,
            "published_at": None if draft else "2026-09-03T10:00:00+09:00",
            "draft": draft,
            "corrects": "",
            "changes": "",
            "k": 3,
        },
        "sections": [
            {
                "kind": "headline",
                "position": 1,
                "heading": {"ko": "", "en": ""},
                "text": {
                    "ko": "여러분의 후원 덕분에 올여름 많은 분이 자유를 찾았습니다.",
                    "en": "Thanks to you, many found freedom this summer.",
                },
                "figures": {
                    "rescued": 47,
                    "families": 9,
                    "raised_minor": 182_450_000,
                    "spent_minor": None,
                },
            },
            {
                "kind": "per_month",
                "position": 2,
                "heading": {"ko": "", "en": ""},
                "text": {"ko": "", "en": ""},
                "table": table(
                    "per_month",
                    [("2026-05", 32), ("2026-06", None), ("2026-07", 11), ("2026-08", None)],
                ),
            },
            {
                "kind": "who",
                "position": 3,
                "heading": {"ko": "", "en": ""},
                "text": {"ko": "", "en": ""},
                "table": table(
                    "who",
                    [
                        ("women", 28),
                        ("men", 9),
                        ("adults_sex_not_recorded", None),
                        ("teen", 4),
                        ("child", None),
                        ("age_not_recorded", 3),
                    ],
                ),
            },
            {
                "kind": "where",
                "position": 4,
                "heading": {"ko": "", "en": ""},
                "text": {"ko": "", "en": ""},
                "table": table(
                    "where",
                    [
                        ("north_hamgyong", 21),
                        ("ryanggang", 8),
                        ("west", None),
                        ("north_korea", 5),
                        ("abroad", None),
                        ("not_recorded", 4),
                    ],
                ),
            },
            {
                "kind": "money",
                "position": 5,
                "heading": {"ko": "", "en": ""},
                "text": {"ko": "", "en": ""},
                "raised": table(
                    "raised",
                    [("platform", 98_000_000), ("bank", 80_450_000), ("event", 4_000_000)],
                    unit="money",
                ),
                "spent": table(
                    "spent",
                    [("rescue_travel", 120_000_000), ("safe_houses", None), ("relief", None)],
                    unit="money",
                ),
                "currency": "KRW",
                "rates_source": "Bank of Korea",
            },
            {
                "kind": "list",
                "position": 6,
                "heading": {"ko": "", "en": ""},
                "text": {"ko": "", "en": ""},
                "months": [
                    {
                        "month": "2026-05",
                        "people": 32,
                        "families": 3,
                        "groups": [
                            {
                                "size": 2,
                                "entries": [
                                    entry("Kim OO", "female", "1971", "north_hamgyong"),
                                    entry("Kim OO", "male", "child", "north_hamgyong"),
                                ],
                            },
                            {
                                "size": 1,
                                "entries": [entry("김OO", "female", "1980-1984", "north_east")],
                            },
                            {"size": 1, "entries": [entry("王OO", "", "adult", "abroad")]},
                            {"size": 1, "entries": [entry("Sunhee", "", "", "")]},
                        ],
                    }
                ],
                "held_back": 2,
            },
            {
                "kind": "testimonies",
                "position": 7,
                "heading": {"ko": "", "en": ""},
                "text": {"ko": "", "en": ""},
                "items": testimonies or [],
            },
            {
                "kind": "text",
                "position": 8,
                "heading": {"ko": "감사의 말씀", "en": "Thank you"},
                "text": {
                    "ko": "모든 후원자께 감사드립니다.\n다음 보고서에서 뵙겠습니다.",
                    "en": "Thank you to every donor.\nUntil the next report.",
                },
            },
        ],
    }
    snapshot["report"].update(report)
    return snapshot


def published_testimony(code: str, text: str, *, header: dict | None = None) -> dict:
    return {
        "code": code,
        "language": "ko",
        "header": header or entry("이OO", "female", "1990-1994", ""),
        "sha256": published_hash(text),
    }


def make_public_report(
    snapshot: dict | None = None,
    *,
    state: str = "published",
    audience: str = "public",
    releases: tuple[str, ...] = ("published",),
):
    """A report row with its releases (each holding ``snapshot``), written directly."""
    from safepassage.accounts.models import Role
    from safepassage.reports.models import Release, Report
    from safepassage.testing.members import make_member

    snapshot = copy.deepcopy(snapshot or make_snapshot())
    head = snapshot["report"]
    author = make_member(Role.Code.COMMUNICATIONS).user
    report = Report.objects.create(
        slug=head["slug"],
        title=head["title"],
        period_start=dt.date.fromisoformat(head["period_start"]),
        period_end=dt.date.fromisoformat(head["period_end"]),
        audience=audience,
        channel="bank" if audience == "channel" else "",
        base_currency=head["base_currency"],
        state=state,
        author=author,
        published_at=timezone.now() if releases else None,
    )
    now = timezone.now()
    for index, kind in enumerate(releases):
        Release.objects.create(
            report=report,
            kind=kind,
            version=1 if kind == "published" else index + 1,
            snapshot=snapshot,
            data_hash="0" * 64,
            actor=author,
            created_at=now + dt.timedelta(minutes=index),
        )
    return report
