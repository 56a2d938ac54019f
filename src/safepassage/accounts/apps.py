import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AccountsConfig(AppConfig):
    name = "safepassage.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def register_in_shell(self) -> None:
        """Navigation entry, dashboard card and periodic task (see base.shell)."""
        from safepassage.accounts import selectors
        from safepassage.base import schedule, shell

        shell.register_nav_group(
            order=900, key="admin", label=pgettext_lazy("navigation group", "Administration")
        )
        shell.register_nav(
            order=500,
            url_name="accounts:staff",
            label=_("Staff"),
            capability="staff.view",
            group="admin",
        )
        # One's own account, last: a group of one entry shows as a plain link.
        shell.register_nav_group(order=950, key="account", label=_("Account"))
        shell.register_nav(
            order=590,
            url_name="accounts:account",
            label=_("Account"),
            capability="account.own",
            group="account",
        )
        shell.register_cards(order=500, capability="staff.view", cards=selectors.dashboard_cards)
        schedule.periodic(
            "safepassage.accounts.tasks.prune_sign_in_records", dt.timedelta(hours=1), order=60
        )

    def ready(self) -> None:
        self.register_in_shell()

        from safepassage.accounts import permissions
        from safepassage.accounts.models import User

        permissions.register(User, permissions.CAPABILITY_ONLY)
