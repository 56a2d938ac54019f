from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "safepassage.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from safepassage.accounts import permissions
        from safepassage.cases import policies
        from safepassage.cases.models import Case, Person, Team, Testimony

        permissions.register(Case, policies.CASE)
        permissions.register(Person, policies.PERSON)
        permissions.register(Testimony, policies.TESTIMONY)
        permissions.register(Team, permissions.CAPABILITY_ONLY)
