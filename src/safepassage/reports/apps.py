import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "safepassage.reports"
    label = "reports"
    verbose_name = _("Reports")

    def register_in_shell(self) -> None:
        """Navigation and the dashboard's "needs you today" (see base.shell)."""
        from safepassage.base import schedule, shell
        from safepassage.reports import selectors

        shell.register_nav_group(order=450, key="reports", label=_("Reports"))
        shell.register_nav(
            order=450,
            url_name="reports:list",
            label=_("Reports"),
            capability="reports.view",
            group="reports",
        )
        shell.register_today(order=450, capability="reports.view", items=selectors.today_items)
        # An address nobody confirmed is erased once its link has expired (daily).
        schedule.periodic(
            "safepassage.reports.tasks.purge_unconfirmed", dt.timedelta(days=1), order=90
        )

    def ready(self) -> None:
        self.register_in_shell()

        from safepassage.accounts import permissions
        from safepassage.reports.models import Cadence, Release, Report, Section

        for model in (Cadence, Release, Report, Section):
            permissions.register(model, permissions.CAPABILITY_ONLY)
        self._register_actions()

    def _register_actions(self) -> None:
        """The questions about people that reports answer (``permissions.ACTIONS``)."""
        from safepassage.accounts import permissions
        from safepassage.cases.models import Case, Person
        from safepassage.reports import policies

        permissions.register_action("reports.count", Person, policies.countable_people)
        permissions.register_action("reports.count", Case, policies.no_cases)
