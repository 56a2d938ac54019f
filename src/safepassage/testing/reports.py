"""Generated reports and releases for tests: a Report and a Release with a small snapshot
in the shape of ``reports.snapshot``, written directly (the publish workflow is tested on
its own)."""

from __future__ import annotations

import datetime as dt
import secrets

from django.utils import timezone

from safepassage.reports.models import Audience, Release, ReleaseKind, Report, ReportState


def snapshot(
    *,
    slug: str,
    title: str,
    languages: tuple[str, ...] = ("ko", "en"),
    rescued: int = 12,
    families: int = 5,
    raised_minor: int | None = 48_500_000,
    spent_minor: int | None = None,
    corrects: str = "",
) -> dict:
    """A published snapshot with a headline section and a text section; ``None`` money
    is a figure the disclosure control held back."""
    return {
        "report": {
            "slug": slug,
            "title": title,
            "period_start": "2026-05-01",
            "period_end": "2026-08-31",
            "audience": "public",
            "channel": "",
            "languages": list(languages),
            "base_currency": "KRW",
            "version": 1,
            "published_at": timezone.now().isoformat(),
            "draft": False,
            "corrects": corrects,
            "changes": "",
            "k": 3,
        },
        "sections": [
            {
                "kind": "headline",
                "position": 1,
                "heading": {"ko": "한눈에 보기", "en": "At a glance"},
                "text": {"ko": "", "en": ""},
                "figures": {
                    "rescued": rescued,
                    "families": families,
                    "raised_minor": raised_minor,
                    "spent_minor": spent_minor,
                },
            },
            {
                "kind": "testimonies",
                "position": 2,
                "heading": {"ko": "구출된 분들의 말", "en": "In their words"},
                "text": {"ko": "", "en": ""},
                "items": [
                    {
                        "code": "T-TEST01",
                        "language": "ko",
                        "header": {"surname": "Kim OO", "sex": "", "born": "", "home": ""},
                        "sha256": "0" * 64,
                    }
                ],
            },
        ],
    }


def make_release(
    *,
    author,
    title: str = "2026년 여름 보고 · Summer 2026",
    audience: str = Audience.PUBLIC,
    kind: str = ReleaseKind.PUBLISHED,
    languages: tuple[str, ...] = ("ko", "en"),
    **figures,
) -> Release:
    """A published report and its release (version 1), by ``author`` (a user)."""
    slug = f"summer-2026-{secrets.token_hex(3)}"
    now = timezone.now()
    report = Report.objects.create(
        slug=slug,
        title=title,
        period_start=dt.date(2026, 5, 1),
        period_end=dt.date(2026, 8, 31),
        audience=audience,
        channel="bank" if audience == Audience.CHANNEL else "",
        language="both" if len(languages) == 2 else languages[0],
        base_currency="KRW",
        state=ReportState.PUBLISHED,
        author=author,
        approved_by=author,
        approved_at=now,
        published_at=now,
    )
    return Release.objects.create(
        report=report,
        kind=kind,
        version=1,
        snapshot=snapshot(slug=slug, title=title, languages=languages, **figures),
        figures=[],
        decisions=[],
        data_hash="0" * 64,
        actor=author,
        created_at=now,
    )
