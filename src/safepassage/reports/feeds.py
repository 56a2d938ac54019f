"""The Atom feed of published reports: title, period, the headline figures and the link.

Never a testimony, a list of people or any other section: a feed reader keeps what it
fetched, and a withdrawn message must not live on in it. A retracted report stays in the
feed, titled as retracted, without figures, updated on the day of the retraction.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from safepassage.reports import published, render


def headline_summary(snapshot: dict) -> str:
    """ "May 2026 to Aug 2026. People rescued: 32. Families: 3. Raised: ₩…" in the
    active language; hidden figures "not shown"."""
    report = snapshot.get("report", {})
    parts = [render.period(report)]
    for section in snapshot.get("sections", []):
        if section.get("kind") != "headline":
            continue
        context = render._section(
            section, report=report, language=translation.get_language(), texts=None, photos=None
        )
        parts.extend(f"{figure['label']}: {figure['figure']}" for figure in context["figures"])
        break
    return ". ".join(part for part in parts if part) + "."


class ReportsFeed(Feed):
    feed_type = Atom1Feed

    def title(self):
        return _("%(organisation)s: published reports") % {
            "organisation": settings.ORGANISATION_NAME
        }

    def subtitle(self):
        return _("Reports on the people rescued and the money raised and spent.")

    def link(self):
        return reverse("reports_public:index")

    def items(self):
        return published.public_reports()[:50]

    def item_title(self, item: published.Published):
        title = item.snapshot.get("report", {}).get("title", item.report.title)
        if item.retraction:
            return _("Retracted: %(title)s") % {"title": title}
        return title

    def item_description(self, item: published.Published):
        if item.retraction:
            return _(
                "This report was withdrawn by the organisation: its figures are no longer shown."
            )
        return headline_summary(item.snapshot)

    def item_link(self, item: published.Published):
        return reverse("reports_public:report", args=[item.report.slug])

    def item_guid(self, item: published.Published):
        return reverse("reports_public:report", args=[item.report.slug])

    def item_pubdate(self, item: published.Published):
        return item.first_release.created_at

    def item_updateddate(self, item: published.Published):
        return item.updated_at


def feed(request):
    from safepassage.reports.public_views import cacheable

    language = request.GET.get("lang", "")
    if language in ("ko", "en"):
        with translation.override(language):
            response = ReportsFeed()(request)
    else:
        response = ReportsFeed()(request)
    return cacheable(response)
