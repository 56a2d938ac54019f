from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "safepassage.web"
    label = "web"

    def ready(self) -> None:
        from safepassage.base import shell

        shell.register_nav_group(order=0, key="home", label=_("Dashboard"))
        shell.register_nav(
            order=0,
            url_name="web:dashboard",
            label=_("Dashboard"),
            capability="dashboard.view",
            group="home",
        )
