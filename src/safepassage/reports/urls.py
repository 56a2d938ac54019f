"""The reports' pages: staff pages under ``reporting/``, published ones under
``reports/`` (``public_urls``)."""

app_name = "reports"
urlpatterns: list = []
