"""Published reports without a login: the index, a report's page, its PDF and the feed.

Only what ``reports.published`` finds is answered; anything else is 404, the same for a
draft, a report awaiting approval, a report for donors and an address that never
existed. A retracted report keeps its address: the page says "Retracted on …", shows no
figures, and links the correction when there is one (a reader arriving from an old link
learns what happened, which a bare 410 would not tell them); its PDF answers 410 with
the same notice.

Caching: the pages are public, but a withdrawn testimony must leave them at once, so a
cache may keep a copy only if it asks again each time (``public, no-cache``) with the
ETag: a fingerprint of what the page is made of (the release, the language, which
testimonies may show now, the retraction) computed before anything is rendered, so a
revalidation costs one consent query, not a render. Signed-in visitors still get
``no-store`` (``accounts.middleware.NoStoreMiddleware``).
"""

from __future__ import annotations

import hashlib
import threading

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from safepassage.base import money
from safepassage.reports import charts, labels, published, testimonies
from safepassage.reports import render as rendering
from safepassage.reports import transparency as transparency_mod
from safepassage.reports.models import Language

# Bump when the template or the labels change what a page shows, so caches ask again.
RENDER_VERSION = "1"
LANGUAGE_NAMES = {"ko": "한국어", "en": "English"}


# Rendered PDFs by their fingerprint, in this process's memory only (never the database
# cache): a crowd asking for one report costs one render per process, not one each. A
# withdrawal changes the fingerprint, so a kept PDF with the withdrawn text is never sent.
_PDFS: dict[str, bytes] = {}
_PDFS_LOCK = threading.Lock()
_PDFS_SIZE = 8


def forget() -> None:
    """Empty the process's rendered PDFs (tests)."""
    with _PDFS_LOCK:
        _PDFS.clear()


def cacheable(response, *, etag: str | None = None):
    patch_cache_control(response, public=True, no_cache=True)
    patch_vary_headers(response, ["Accept-Language", "Cookie"])
    if etag:
        response["ETag"] = etag
    return response


def _language(request, item: published.Published) -> str:
    languages = item.languages or [Language.KOREAN]
    asked = request.GET.get("lang") or translation.get_language() or ""
    asked = asked.split("-")[0]
    return asked if asked in languages else languages[0]


def _retraction(item: published.Published) -> rendering.Retraction | None:
    if item.retraction is None:
        return None
    from django.utils import timezone

    return rendering.Retraction(on=timezone.localdate(item.retraction.created_at))


def _found(slug: str) -> published.Published:
    item = published.public_report(slug)
    if item is None:
        raise Http404
    return item


def _etag(item: published.Published, language: str, texts: dict, what: str) -> str:
    parts = [
        RENDER_VERSION,
        what,
        str(item.release.pk),
        language,
        str(item.retraction.pk if item.retraction else ""),
        *sorted(f"{code}={text is not None}" for code, text in texts.items()),
    ]
    return '"' + hashlib.sha256("|".join(parts).encode()).hexdigest()[:40] + '"'


def _texts(item: published.Published) -> dict:
    return {} if item.retraction else testimonies.live_texts(item.snapshot)


@require_safe
def index(request):
    language = (translation.get_language() or "ko").split("-")[0]
    items = [
        {
            "title": item.snapshot.get("report", {}).get("title", item.report.title),
            "period": rendering.period(item.snapshot.get("report", {})),
            "url": reverse("reports_public:report", args=[item.report.slug]),
            "retracted_on": item.retraction.created_at if item.retraction else None,
            "published_at": item.first_release.created_at,
        }
        for item in published.public_reports()
    ]
    response = render(
        request,
        "reports/index.html",
        {
            "items": items,
            "language": language,
            "feed_url": reverse("reports_public:feed"),
            "transparency_url": reverse("reports_public:transparency"),
        },
    )
    return cacheable(response)


@require_safe
def report(request, slug: str):
    item = _found(slug)
    language = _language(request, item)
    texts = _texts(item)
    etag = _etag(item, language, texts, "page")
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        return cacheable(not_modified, etag=etag)
    page_url = reverse("reports_public:report", args=[slug])
    html = rendering.render_html(
        item.snapshot,
        language=language,
        request=request,
        testimony_texts=texts,
        retraction=_retraction(item),
        alternates=[
            {
                "code": code,
                "label": LANGUAGE_NAMES.get(code, code),
                "url": f"{page_url}?lang={code}",
            }
            for code in item.languages
            if code != language
        ],
        pdf_url=""
        if item.retraction
        else reverse("reports_public:pdf", args=[slug]) + f"?lang={language}",
        feed_url=reverse("reports_public:feed"),
        photos=lambda section_id: published.photo(item.report, section_id),
    )
    response = HttpResponse(html)
    response["Content-Language"] = language
    return cacheable(response, etag=etag)


@require_safe
def report_pdf(request, slug: str):
    item = _found(slug)
    language = _language(request, item)
    if item.retraction:
        html = rendering.render_html(
            item.snapshot, language=language, request=request, retraction=_retraction(item)
        )
        return cacheable(HttpResponse(html, status=410))
    texts = _texts(item)
    etag = _etag(item, language, texts, "pdf")
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        return cacheable(not_modified, etag=etag)
    pdf = _PDFS.get(etag)
    if pdf is None:
        pdf = rendering.render_pdf(
            item.snapshot,
            language=language,
            testimony_texts=texts,
            photos=lambda section_id: published.photo(item.report, section_id),
        )
        with _PDFS_LOCK:
            if len(_PDFS) >= _PDFS_SIZE:
                _PDFS.clear()
            _PDFS[etag] = pdf
    response = HttpResponse(pdf, content_type="application/pdf")
    # Inline, not an attachment: a public document, which caches may keep (see above).
    response["Content-Disposition"] = f'inline; filename="{slug}-{language}.pdf"'
    response["Content-Language"] = language
    return cacheable(response, etag=etag)


def _transparency_rows(rows, currency: str, label) -> list[dict]:
    locale = translation.to_locale(translation.get_language() or "ko")
    return [
        {
            "label": label(row.key),
            "people": labels.not_shown() if row.people is None else labels.number(row.people),
            "people_hidden": row.people is None,
            "raised": labels.not_shown()
            if row.raised_minor is None
            else money.display(row.raised_minor, currency, locale),
            "raised_hidden": row.raised_minor is None,
            "spent": money.display(row.spent_minor, currency, locale),
        }
        for row in rows
    ]


def _people_table(rows) -> dict:
    return {"rows": [{"key": r.key, "value": r.people, "hidden": r.people is None} for r in rows]}


@require_safe
def transparency(request):
    """Raised, spent and rescued per year and per month of this year
    (``reports.transparency``): only totals, through the disclosure control, cached."""
    asked = (request.GET.get("lang") or translation.get_language() or "ko").split("-")[0]
    language = asked if asked in LANGUAGE_NAMES else "ko"
    found = transparency_mod.totals()
    with translation.override(language):
        year_label = str
        context = {
            "language": language,
            "years": _transparency_rows(found.years, found.currency, year_label),
            "months": _transparency_rows(found.months, found.currency, labels.month),
            "through": labels.month(found.through) if found.through else "",
            "currency": found.currency,
            "rates_source": ", ".join(found.rates_sources),
            "has_hidden": found.has_hidden,
            "hidden_note": labels.hidden_note(settings.REPORT_MIN_GROUP),
            "years_chart": charts.monthly_bars(
                _people_table(found.years),
                title=str(_("People who reached safety, per year")),
                chart_id="chart-years",
                axis=year_label,
                label=year_label,
            )
            if found.years
            else "",
            "months_chart": charts.monthly_bars(
                _people_table(found.months),
                title=str(_("People who reached safety, per month of this year")),
            )
            if found.months
            else "",
            "alternates": [
                {"code": code, "label": name, "url": f"{request.path}?lang={code}"}
                for code, name in LANGUAGE_NAMES.items()
                if code != language
            ],
            "index_url": reverse("reports_public:index"),
        }
        response = render(request, "reports/transparency.html", context)
    response["Content-Language"] = language
    # Recomputed at most every few minutes anyway: a short public cache, no revalidation.
    patch_cache_control(response, public=True, max_age=transparency_mod.CACHE_SECONDS)
    patch_vary_headers(response, ["Accept-Language", "Cookie"])
    return response
