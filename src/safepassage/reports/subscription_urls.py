"""The public subscription pages: subscribe, confirm (token), unsubscribe (token).

Included under ``reports/`` before the public report pages (``reports/<slug>/``), so
"subscribe" is never read as a report's address. The tokens are declared with the
``<secret:…>`` converter, so log redaction and ``no-store`` know these paths.
"""

from django.urls import path

from safepassage.reports import subscription_views as views
from safepassage.secret_paths import TOKEN

app_name = "reports_subscriptions"

urlpatterns = [
    path("subscribe/", views.subscribe, name="subscribe"),
    path("subscribe/sent/", views.subscribe_sent, name="subscribe_sent"),
    path(f"subscribe/confirm/{TOKEN}/", views.confirm, name="confirm"),
    path(f"unsubscribe/{TOKEN}/", views.unsubscribe, name="unsubscribe"),
]
