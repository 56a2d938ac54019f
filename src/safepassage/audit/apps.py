from django.apps import AppConfig
from django.db.backends.signals import connection_created


class AuditConfig(AppConfig):
    name = "safepassage.audit"
    label = "audit"

    def ready(self) -> None:
        from safepassage.audit.flushing import register

        connection_created.connect(register, dispatch_uid="safepassage.audit.flushing")
