"""Published reports without a login, under ``reports/`` in the root URLconf:
``path("reports/", include("safepassage.reports.public_urls"))``."""

from django.urls import path

from safepassage.reports import feeds, public_views

app_name = "reports_public"
urlpatterns = [
    path("", public_views.index, name="index"),
    path("feed/", feeds.feed, name="feed"),
    # Before the slug patterns: "transparency" is a reserved word, never a report's slug.
    path("transparency/", public_views.transparency, name="transparency"),
    path("<slug:slug>.pdf", public_views.report_pdf, name="pdf"),
    path("<slug:slug>/", public_views.report, name="report"),
]
