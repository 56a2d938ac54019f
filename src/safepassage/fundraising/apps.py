from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundraisingConfig(AppConfig):
    name = "safepassage.fundraising"
    label = "fundraising"
    verbose_name = _("Fundraising and Hope Sharing")

    def ready(self) -> None:
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
