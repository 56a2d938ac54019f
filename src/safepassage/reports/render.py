"""A snapshot as a web page and as a PDF: one template (``reports/report.html``) for both,
the PDF with the print stylesheet inlined.

The snapshot is the whole truth of what was published (``reports.snapshot``); only the
testimony texts are read at render time (``reports.testimonies``), so a withdrawal pulls
a message from every output at once and the page says that a message was withdrawn,
not whose. A draft renders too, marked as a draft on the page and on every PDF page.

The PDF is made by WeasyPrint with a fetcher that refuses every URL (as the receipts'
are), Korean set in NanumGothic, and its metadata scrubbed: a neutral title (the
report's own, which is public), no author, no creator or producer naming the software,
no dates (a render date says when someone downloaded it, nothing the reader needs).
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.translation import gettext as _

from safepassage.base import money
from safepassage.reports import charts, labels, testimonies
from safepassage.reports.models import SectionKind

TestimonyTexts = Mapping[str, str | None] | Callable[[str], str | None]
Photos = Callable[[int], tuple[str, bytes] | None]

# A photo bigger than this is left out of the page rather than inlined.
PHOTO_MAX_BYTES = 2_000_000
PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp"}


@dataclass(frozen=True)
class Retraction:
    """A retracted report: the date it was retracted and where its correction is."""

    on: dt.date
    correction_url: str = ""


def render_html(
    snapshot: dict,
    *,
    language: str,
    request=None,
    testimony_texts: TestimonyTexts | None = None,
    retraction: Retraction | None = None,
    alternates: list[dict] | tuple = (),
    pdf_url: str = "",
    feed_url: str = "",
    photos: Photos | None = None,
) -> str:
    """The report's web page. ``testimony_texts`` gives a testimony's showable text by
    code (None when withdrawn); without it the texts are read now. ``alternates`` lists
    the other languages as {"code", "label", "url"}; ``retraction`` replaces the figures by a
    notice."""
    with translation.override(language):
        context = page_context(
            snapshot,
            language=language,
            testimony_texts=testimony_texts,
            retraction=retraction,
            photos=photos,
        )
        context.update(
            {
                "for_pdf": False,
                "alternates": alternates,
                "pdf_url": pdf_url,
                "feed_url": feed_url,
                # A correction is a later version at the same address: no link to itself.
                "corrects_url": ""
                if context["corrects"] == snapshot["report"].get("slug")
                else _public_url(context["corrects"]),
            }
        )
        return render_to_string("reports/report.html", context, request=request)


def render_pdf(
    snapshot: dict,
    *,
    language: str,
    testimony_texts: TestimonyTexts | None = None,
    retraction: Retraction | None = None,
    photos: Photos | None = None,
) -> bytes:
    """The report as a PDF, metadata scrubbed (see the module's note)."""
    from weasyprint import HTML

    with translation.override(language):
        context = page_context(
            snapshot,
            language=language,
            testimony_texts=testimony_texts,
            retraction=retraction,
            photos=photos,
        )
        context.update({"for_pdf": True, "inline_css": _stylesheet()})
        html = render_to_string("reports/report.html", context)
    return HTML(string=html, url_fetcher=_fetch_nothing()).write_pdf(finisher=_scrub)


def _public_url(slug: str) -> str:
    """The public page of the report ``slug`` corrects, if the public pages are served."""
    if not slug:
        return ""
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("reports_public:report", args=[slug])
    except NoReverseMatch:
        return ""


def _stylesheet() -> str:
    found = finders.find("reports/report.css")
    return Path(found).read_text(encoding="utf-8") if found else ""


def _fetch_nothing():
    """A WeasyPrint fetcher that refuses every URL: the PDF is made from the template
    alone (photos come inlined as data: URLs, which WeasyPrint reads without a fetch)."""
    from weasyprint.urls import URLFetcher

    class FetchNothing(URLFetcher):
        def fetch(self, url, headers=None):
            raise ValueError(f"report PDFs load nothing from outside: {url[:80]}")

    return FetchNothing(fail_on_errors=True)


SCRUBBED = ("Producer", "Creator", "Author", "Subject", "Keywords", "CreationDate", "ModDate")


def _scrub(document, pdf) -> None:
    """WeasyPrint's finisher: drop every information field but the title."""
    for key in SCRUBBED:
        pdf.info.pop(key, None)


# ---------------------------------------------------------------------------------------
# What the template shows


def page_context(
    snapshot: dict,
    *,
    language: str,
    testimony_texts: TestimonyTexts | None,
    retraction: Retraction | None,
    photos: Photos | None,
) -> dict:
    """Everything the template shows, in the active language (call inside
    ``translation.override``)."""
    report = snapshot.get("report", {})
    k = report.get("k", 3)
    if retraction is None:
        texts = _texts_lookup(snapshot, testimony_texts)
        sections = [
            _section(section, report=report, language=language, texts=texts, photos=photos)
            for section in sorted(snapshot.get("sections", []), key=lambda s: s.get("position", 0))
        ]
    else:
        sections = []
    return {
        "language": language,
        "report": report,
        "title": report.get("title", ""),
        "period": period(report),
        "published_on": _date(report.get("published_at")),
        "draft": bool(report.get("draft")),
        "version": report.get("version", 1),
        "corrects": report.get("corrects", ""),
        "changes": report.get("changes", ""),
        "retraction": retraction,
        "sections": sections,
        "has_hidden": any(section.get("has_hidden") for section in sections),
        "hidden_note": labels.hidden_note(k),
    }


def period(report: dict) -> str:
    start = report.get("period_start", "")[:7]
    end = report.get("period_end", "")[:7]
    if not start:
        return ""
    if start == end or not end:
        return labels.month(start)
    return f"{labels.month(start)} \u2013 {labels.month(end)}"


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value).date()
    except ValueError:
        return None


def _texts_lookup(snapshot: dict, given: TestimonyTexts | None) -> Callable[[str], str | None]:
    if given is None:
        given = testimonies.live_texts(snapshot)
    if callable(given):
        return given
    return given.get


def _cell(row: dict) -> dict:
    hidden = bool(row.get("hidden")) or row.get("value") is None
    return {"hidden": hidden, "value": None if hidden else row["value"]}


def _people_rows(table: dict, table_key: str) -> tuple[list[dict], dict]:
    rows = [
        {
            "label": labels.row_label(table_key, row["key"]),
            "figure": labels.not_shown() if cell["hidden"] else labels.number(cell["value"]),
            **cell,
        }
        for row in table.get("rows", [])
        for cell in [_cell(row)]
    ]
    hidden_total = table.get("hidden_total") or table.get("total") is None
    total = {
        "hidden": hidden_total,
        "figure": labels.not_shown() if hidden_total else labels.number(table["total"]),
    }
    return rows, total


def _money_rows(table: dict, table_key: str, currency: str) -> tuple[list[dict], dict]:
    locale = translation.get_language() or "en"

    def show(value, hidden):
        return labels.not_shown() if hidden else money.display(value, currency, locale)

    rows = [
        {
            "label": labels.row_label(table_key, row["key"]),
            "figure": show(cell["value"], cell["hidden"]),
            **cell,
        }
        for row in table.get("rows", [])
        for cell in [_cell(row)]
    ]
    hidden_total = table.get("hidden_total") or table.get("total") is None
    return rows, {"hidden": hidden_total, "figure": show(table.get("total"), hidden_total)}


def _figures(pairs: list[tuple[str, int | None, str]], currency: str) -> list[dict]:
    locale = translation.get_language() or "en"
    result = []
    for label, value, unit in pairs:
        if value is None:
            figure, hidden = labels.not_shown(), True
        elif unit == "money":
            figure, hidden = money.display(value, currency, locale), False
        else:
            figure, hidden = labels.number(value), False
        result.append({"label": label, "figure": figure, "hidden": hidden, "unit": unit})
    return result


def _section(section: dict, *, report, language, texts, photos) -> dict:
    kind = section.get("kind", "text")
    heading = (section.get("heading") or {}).get(language, "")
    if not heading:
        try:
            heading = str(SectionKind(kind).label)
        except ValueError:
            heading = ""
    out: dict = {
        "kind": kind,
        "heading": heading,
        "text": (section.get("text") or {}).get(language, ""),
        "anchor": f"s{section.get('position', 0)}",
    }
    currency = section.get("currency") or report.get("base_currency", "")
    if kind == "headline":
        figures = section.get("figures", {})
        out["figures"] = _figures(
            [
                (_("People rescued"), figures.get("rescued"), "people"),
                (_("Families"), figures.get("families"), "people"),
                (_("Raised"), figures.get("raised_minor"), "money"),
                (_("Spent"), figures.get("spent_minor"), "money"),
            ],
            currency,
        )
        out["has_hidden"] = any(f["hidden"] for f in out["figures"])
    elif kind in ("per_month", "who", "where"):
        table = section.get("table", {})
        out["rows"], out["total"] = _people_rows(table, kind)
        out["first_column"] = {
            "per_month": _("Month"),
            "who": _("Who"),
            "where": _("Where from"),
        }[kind]
        if kind == "per_month":
            out["chart"] = charts.monthly_bars(
                table, title=heading, chart_id=f"chart-{out['anchor']}"
            )
        elif kind == "who":
            out["chart"] = charts.who_bars(table, title=heading, chart_id=f"chart-{out['anchor']}")
        out["has_hidden"] = out["total"]["hidden"] or any(r["hidden"] for r in out["rows"])
    elif kind == "money":
        out["raised"], out["raised_total"] = _money_rows(
            section.get("raised", {}), "raised", currency
        )
        out["spent"], out["spent_total"] = _money_rows(section.get("spent", {}), "spent", currency)
        out["rates_source"] = section.get("rates_source", "")
        out["has_hidden"] = (
            any(r["hidden"] for r in [*out["raised"], *out["spent"], out["raised_total"]])
            or out["spent_total"]["hidden"]
        )
    elif kind == "hope":
        figures = section.get("figures", {})
        out["figures"] = _figures(
            [
                (_("Matched by pledges"), figures.get("matched_minor"), "money"),
                (_("Matching pledges"), figures.get("matching_pledges"), "people"),
                (_("Hope Sharing shares funded"), figures.get("shares_funded"), "people"),
                (_("Rescues funded"), figures.get("rescues_funded"), "people"),
                (_("Sponsors"), figures.get("sponsors"), "people"),
            ],
            currency,
        )
        out["has_hidden"] = any(f["hidden"] for f in out["figures"])
    elif kind == "list":
        out["months"] = [
            {
                "heading": labels.list_heading(group),
                "groups": [
                    [labels.entry(entry) for entry in family.get("entries", [])]
                    for family in group.get("groups", [])
                ],
            }
            for group in section.get("months", [])
        ]
        held = section.get("held_back", 0)
        out["held_back"] = labels.held_back(held) if held else ""
    elif kind == "testimonies":
        shown, withdrawn = [], 0
        for item in section.get("items", []):
            text = texts(item["code"])
            if text:
                shown.append({"header": labels.entry(item.get("header") or {}), "text": text})
            else:
                withdrawn += 1
        out["testimonies"] = shown
        out["empty"] = not section.get("items") and not out["text"]
        out["withdrawn"] = (
            _("A message was withdrawn.")
            if withdrawn == 1
            else (_("%(count)s messages were withdrawn.") % {"count": withdrawn})
            if withdrawn
            else ""
        )
    elif kind == "photo":
        out["photo"] = _photo(section.get("photo") or {}, photos)
    return out


def _photo(photo: dict, photos: Photos | None) -> str:
    """The photo as a data: URL (allowed by the page's policy, read by WeasyPrint without a
    fetch), or "" when there is none to show."""
    if photos is None or not photo.get("section"):
        return ""
    found = photos(photo["section"])
    if not found:
        return ""
    content_type, data = found
    if content_type not in PHOTO_TYPES or not data or len(data) > PHOTO_MAX_BYTES:
        return ""
    return f"data:{content_type};base64,{base64.b64encode(bytes(data)).decode()}"


def date_text(value: dt.date | None) -> str:
    return formats.date_format(value, "DATE_FORMAT") if value else ""
