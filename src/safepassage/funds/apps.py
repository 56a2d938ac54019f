from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundsConfig(AppConfig):
    name = "safepassage.funds"
    label = "funds"
    verbose_name = _("Funds")

    def ready(self) -> None:
        from safepassage.accounts import permissions
        from safepassage.funds.models import Donation, Donor, Expense, ImportBatch, Receipt

        for model in (Donation, Donor, Expense, ImportBatch, Receipt):
            permissions.register(model, permissions.CAPABILITY_ONLY)
        self._register_actions()

    def _register_actions(self) -> None:
        """The questions about cases that funds answers (``permissions.ACTIONS``)."""
        from safepassage.accounts import permissions
        from safepassage.cases.models import Case
        from safepassage.funds import policies

        permissions.register_action("funds.link", Case, policies.linkable_cases)
