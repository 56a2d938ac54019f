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
        self._register_actions()

    def _register_actions(self) -> None:
        """The questions about people that reports answer (``permissions.ACTIONS``)."""
        from safepassage.accounts import permissions
        from safepassage.cases.models import Case, Person
        from safepassage.reports import policies

        permissions.register_action("reports.count", Person, policies.countable_people)
        permissions.register_action("reports.count", Case, policies.no_cases)
