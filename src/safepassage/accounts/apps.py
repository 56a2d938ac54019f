from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "safepassage.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from safepassage.accounts import permissions
        from safepassage.accounts.models import User

        permissions.register(User, permissions.CAPABILITY_ONLY)
