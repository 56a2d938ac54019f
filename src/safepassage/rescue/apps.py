import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def watch_interval() -> dt.timedelta:
    """How often the overdue scan runs (``RESCUE_WATCH_MINUTES``, read at each run)."""
    from django.conf import settings

    return dt.timedelta(minutes=settings.RESCUE_WATCH_MINUTES)


class RescueConfig(AppConfig):
    name = "safepassage.rescue"
    label = "rescue"
    verbose_name = _("Rescue missions")

    def register_in_shell(self) -> None:
        """Navigation entries, dashboard cards and periodic tasks (see base.shell)."""
        from safepassage.base import schedule, shell
        from safepassage.rescue import selectors

        shell.register_nav_group(order=200, key="rescue", label=_("Rescue"))
        shell.register_nav(
            order=200,
            url_name="rescue:board",
            label=_("Missions"),
            capability="missions.view",
            group="rescue",
        )
        shell.register_nav(
            order=210,
            url_name="rescue:safe_points",
            label=_("Safe points"),
            capability="missions.view",
            group="rescue",
        )
        shell.register_nav(
            order=220,
            url_name="rescue:routes",
            label=_("Routes"),
            capability="missions.view",
            group="rescue",
        )
        shell.register_nav(
            order=230,
            url_name="rescue:partners",
            label=_("Field partners"),
            capability="missions.view",
            group="rescue",
        )
        shell.register_cards(order=200, capability="missions.view", cards=selectors.dashboard_cards)
        shell.register_today(order=200, capability="missions.view", items=selectors.today_items)
        # First at worker start: a silent mission is the most urgent thing to notice.
        schedule.periodic("safepassage.rescue.tasks.watch_missions", watch_interval, order=10)

    def ready(self) -> None:
        self.register_in_shell()

        from safepassage.cases import deliverers, person_page
        from safepassage.rescue import selectors

        person_page.register(selectors.person_page_context)
        deliverers.register(selectors.relief_deliverers)

        from safepassage.accounts import permissions
        from safepassage.rescue import policies
        from safepassage.rescue.models import (
            Alert,
            CheckInLink,
            FieldPartner,
            Mission,
            Route,
            SafePoint,
        )

        permissions.register(Mission, permissions.CAPABILITY_ONLY)
        permissions.register(Route, permissions.CAPABILITY_ONLY)
        permissions.register(Alert, permissions.CAPABILITY_ONLY)
        permissions.register(CheckInLink, permissions.CAPABILITY_ONLY)
        permissions.register(FieldPartner, permissions.CAPABILITY_ONLY)
        permissions.register(SafePoint, policies.SAFE_POINT)
        self._register_actions()

    def _register_actions(self) -> None:
        """The questions about people that rescue answers (``permissions.ACTIONS``)."""
        from safepassage.accounts import permissions
        from safepassage.cases.models import Person
        from safepassage.rescue import policies
        from safepassage.rescue.models import FieldPartner

        permissions.register_action("missions.plan", Person, policies.plannable_people)
        permissions.register_action("relief.deliver", FieldPartner, policies.relief_deliverers)
