"""``safepassage reports``: a draft computed from the records, a report rendered to a
file, and every disclosure decision with the attacker's intervals.

    safepassage reports draft --from 2018-05 --to 2018-08 --audience public --language en --title T
    safepassage reports render SLUG --format pdf|html --out FILE [--language ko|en]
    safepassage reports check SLUG

The command line acts as the organisation's operator: whoever can run it holds the
database and the keys. It drafts (the author is "command line") but never approves or
publishes: that stays a director's step on the site.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from safepassage.audit.context import request_id_scope

ACTOR = "command line"


def _month(text: str) -> dt.date:
    from django import forms as django_forms

    from safepassage.reports.forms import parse_month

    try:
        return parse_month(text)
    except django_forms.ValidationError:
        raise CommandError(f"not a month: {text!r} (e.g. 2018-05)") from None


class Command(BaseCommand):
    help = "Draft a report from the records, render one to a file, or print its disclosure check."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        draft = sub.add_parser("draft", help="A draft computed from the records; prints its slug.")
        draft.add_argument("--from", dest="start", required=True, help="first month, e.g. 2018-05")
        draft.add_argument("--to", dest="end", required=True, help="last month, e.g. 2018-08")
        draft.add_argument("--audience", default="public", choices=["public", "donors", "channel"])
        draft.add_argument("--channel", default="", help="the channel, for --audience channel")
        draft.add_argument("--language", default="both", choices=["ko", "en", "both"])
        draft.add_argument("--title", required=True)
        render = sub.add_parser("render", help="Write a report as PDF or HTML (drafts marked).")
        render.add_argument("slug")
        render.add_argument("--format", dest="fmt", choices=["pdf", "html"], default="pdf")
        render.add_argument("--out", required=True, help="the file to write")
        render.add_argument("--language", choices=["ko", "en"], help="default: the report's first")
        check = sub.add_parser("check", help="Every disclosure decision and attacker interval.")
        check.add_argument("slug")

    def handle(self, *args, action: str, **options):
        with request_id_scope(f"reports-{action}"):
            try:
                getattr(self, f"_{action}")(**options)
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from None

    def _report(self, slug: str):
        from safepassage.reports.models import Report

        found = Report.objects.filter(slug=slug).first()
        if found is None:
            raise CommandError(f"no report has the address {slug!r}")
        return found

    def _draft(self, *, start, end, audience, channel, language, title, **_options):
        from django.conf import settings

        from safepassage.reports.services import workflow

        try:
            report = workflow.report_create(
                actor=ACTOR,
                title=title,
                period_start=_month(start),
                period_end=_month(end),
                audience=audience,
                channel=channel,
                language=language,
                base_currency=settings.BASE_CURRENCY,
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(report.slug)

    def _render(self, *, slug, fmt, out, language, **_options):
        from safepassage.reports import compose, render, selectors

        report = self._report(slug)
        language = language or report.languages()[0]
        release = selectors.latest_release(report)
        if release is not None and report.state != "draft":
            snapshot = release.snapshot
        else:
            snapshot = compose.compose(report=report, user=None).snapshot
        if fmt == "pdf":
            Path(out).write_bytes(render.render_pdf(snapshot, language=language))
        else:
            Path(out).write_text(render.render_html(snapshot, language=language), encoding="utf-8")
        self.stdout.write(f"wrote {out} ({fmt}, {language})")

    def _check(self, *, slug, **_options):
        from safepassage.reports import compose

        report = self._report(slug)
        composition = compose.compose(report=report, user=None)
        for line in compose.describe_check(composition):
            self.stdout.write(line)
