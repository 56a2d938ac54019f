from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RescueConfig(AppConfig):
    name = "safepassage.rescue"
    label = "rescue"
    verbose_name = _("Rescue missions")

    def ready(self) -> None:
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

        permissions.register_action("missions.plan", Person, policies.plannable_people)
