from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "safepassage.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from safepassage.accounts import permissions
        from safepassage.reports.models import Release, Report, Section

        for model in (Release, Report, Section):
            permissions.register(model, permissions.CAPABILITY_ONLY)
