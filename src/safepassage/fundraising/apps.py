import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundraisingConfig(AppConfig):
    name = "safepassage.fundraising"
    label = "fundraising"
    verbose_name = _("Fundraising and Hope Sharing")

    def register_in_shell(self) -> None:
        """Navigation entries, dashboard cards and periodic tasks (see base.shell)."""
        from safepassage.base import schedule, shell
        from safepassage.fundraising import selectors

        shell.register_nav_group(order=400, key="hope", label=_("Hope Sharing"))
        shell.register_nav(
            order=400,
            url_name="fundraising:board",
            label=_("Hope Sharing"),
            capability="hope.view",
            group="hope",
        )
        shell.register_nav(
            order=410,
            url_name="fundraising:campaigns",
            label=_("Campaigns"),
            capability="hope.view",
            group="hope",
        )
        shell.register_nav(
            order=420,
            url_name="fundraising:pledges",
            label=_("Pledges"),
            capability="hope.view",
            group="hope",
        )
        shell.register_cards(order=400, capability="hope.view", cards=selectors.dashboard_cards)
        shell.register_today(order=400, capability="hope.view", items=selectors.today_items)
        schedule.periodic(
            "safepassage.fundraising.tasks.remind_pledges", dt.timedelta(days=1), order=40
        )
        schedule.periodic(
            "safepassage.fundraising.tasks.assign_shares", dt.timedelta(hours=1), order=50
        )

    def ready(self) -> None:
        self.register_in_shell()

        from safepassage.accounts import permissions
        from safepassage.fundraising import hooks
        from safepassage.fundraising.models import (
            Event,
            MatchingPledge,
            Pledge,
            Share,
            Sponsor,
        )

        for model in (Event, MatchingPledge, Pledge, Share, Sponsor):
            permissions.register(model, permissions.CAPABILITY_ONLY)
        hooks.connect()
        self._register_actions()

    def _register_actions(self) -> None:
        """The questions about people that fundraising answers (``permissions.ACTIONS``)."""
        from safepassage.accounts import permissions
        from safepassage.cases.models import Person
        from safepassage.fundraising import policies

        permissions.register_action("hope.assign", Person, policies.assignable_people)
