import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class FundsConfig(AppConfig):
    name = "safepassage.funds"
    label = "funds"
    verbose_name = _("Funds")

    def register_in_shell(self) -> None:
        """Navigation entries, dashboard cards (see base.shell) and periodic tasks."""
        from safepassage.base import schedule, shell
        from safepassage.funds import selectors

        shell.register_nav_group(
            order=300, key="money", label=pgettext_lazy("navigation group", "Money")
        )
        shell.register_nav(
            order=300,
            url_name="funds:totals",
            label=_("Funds"),
            capability="funds.view",
            group="money",
        )
        shell.register_nav(
            order=310,
            url_name="funds:donations",
            label=_("Donations"),
            capability="funds.view",
            group="money",
        )
        shell.register_nav(
            order=320,
            url_name="funds:expenses",
            label=_("Expenses"),
            capability="funds.view",
            group="money",
        )
        shell.register_nav(
            order=330,
            url_name="funds:donors",
            label=_("Donors"),
            capability="funds.view",
            group="money",
        )
        shell.register_nav(
            order=340,
            url_name="funds:receipts",
            label=_("Receipts"),
            capability="funds.view",
            group="money",
        )
        shell.register_cards(order=300, capability="funds.view", cards=selectors.dashboard_cards)
        shell.register_today(
            order=300, capability="funds.view", items=selectors.dashboard.today_items
        )
        shell.register_today(
            order=310, capability="funds.approve", items=selectors.dashboard.approval_items
        )
        # Every posting inserts rollup deltas; folding them keeps the totals' queries
        # reading about one row per key. Ten minutes of gifts is a few thousand rows.
        schedule.periodic(
            "safepassage.funds.tasks.compact_rollups", dt.timedelta(minutes=10), order=80
        )

    def ready(self) -> None:
        self.register_in_shell()

        from safepassage.accounts import permissions
        from safepassage.funds.models import Donation, Donor, Expense, ImportBatch, Receipt

        for model in (Donation, Donor, Expense, ImportBatch, Receipt):
            permissions.register(model, permissions.CAPABILITY_ONLY)
        self._register_actions()

    def _register_actions(self) -> None:
        """The questions about cases and missions that funds answers (``permissions.ACTIONS``)."""
        from safepassage.accounts import permissions
        from safepassage.cases.models import Case
        from safepassage.funds import policies
        from safepassage.rescue.models import Mission

        permissions.register_action("funds.link", Case, policies.linkable_cases)
        permissions.register_action("funds.link", Mission, policies.linkable_missions)
