import datetime as dt

from django.apps import AppConfig
from django.db.backends.signals import connection_created


class AuditConfig(AppConfig):
    name = "safepassage.audit"
    label = "audit"

    def register_in_shell(self) -> None:
        """The hourly anchor of the head outside the database (see base.schedule)."""
        from safepassage.base import schedule

        schedule.periodic("safepassage.audit.tasks.anchor_head", dt.timedelta(hours=1), order=70)

    def ready(self) -> None:
        self.register_in_shell()

        from safepassage.audit.flushing import register

        connection_created.connect(register, dispatch_uid="safepassage.audit.flushing")
