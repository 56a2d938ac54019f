import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "safepassage.cases"
    label = "cases"
    verbose_name = _("Cases")

    def register_in_shell(self) -> None:
        """Navigation entries, dashboard cards and periodic tasks (see base.shell)."""
        from safepassage.base import schedule, shell
        from safepassage.cases import selectors

        shell.register_nav_group(order=100, key="cases", label=_("Cases"))
        shell.register_nav(
            order=100,
            url_name="cases:cases",
            label=_("Cases"),
            capability="cases.view",
            group="cases",
        )
        shell.register_nav(
            order=110,
            url_name="cases:queue",
            label=_("Queue"),
            capability="people.view",
            group="cases",
        )
        shell.register_nav(
            order=120,
            url_name="cases:people",
            label=_("People"),
            capability="people.view",
            group="cases",
        )
        # Teams sit beside Staff (accounts, 500), with the other staff management.
        shell.register_nav(
            order=510,
            url_name="cases:teams",
            label=_("Teams"),
            capability="staff.manage",
            group="admin",
        )
        shell.register_cards(order=100, capability="people.view", cards=selectors.dashboard_cards)
        shell.register_today(order=100, capability="people.view", items=selectors.today_items)
        schedule.periodic("safepassage.cases.tasks.retention_sweep", dt.timedelta(days=1), order=20)
        schedule.periodic(
            "safepassage.cases.tasks.priority_refresh", dt.timedelta(days=1), order=30
        )

    def ready(self) -> None:
        self.register_in_shell()

        from safepassage.accounts import permissions
        from safepassage.cases import policies
        from safepassage.cases.models import Case, CaseNote, ContactEntry, Person, Team, Testimony

        permissions.register(Case, policies.CASE)
        permissions.register(Person, policies.PERSON)
        permissions.register(Testimony, policies.TESTIMONY)
        permissions.register(CaseNote, policies.CASE_RECORD)
        permissions.register(ContactEntry, policies.CASE_RECORD)
        permissions.register(Team, permissions.CAPABILITY_ONLY)
