from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from safepassage.api import api
from safepassage.base.admin_site import install_admin_guard

install_admin_guard(admin.site)

urlpatterns = [
    path("", include("safepassage.web.urls")),
    path("accounts/", include("safepassage.accounts.urls")),
    path("", include("safepassage.cases.urls")),
    path("rescue/", include("safepassage.rescue.urls")),
    path("funds/", include("safepassage.funds.urls")),
    path("hope/", include("safepassage.fundraising.urls")),
    path("", include("safepassage.fundraising.public_urls")),
    path("reporting/", include("safepassage.reports.urls")),
    path("c/", include("safepassage.rescue.checkin_urls")),
    # Before the public report pages (reports/<slug>/): "subscribe" is no report's slug.
    path("reports/", include("safepassage.reports.subscription_urls")),
    path("reports/", include("safepassage.reports.public_urls")),
    path("api/", api.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
]

handler400 = "safepassage.web.views.bad_request"
handler403 = "safepassage.web.views.permission_denied"
handler404 = "safepassage.web.views.page_not_found"
handler500 = "safepassage.web.views.server_error"
