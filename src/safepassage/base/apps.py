from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BaseConfig(AppConfig):
    """Installed only for its template tags (``{% load money %}``); it has no models."""

    name = "safepassage.base"
    label = "base"
    verbose_name = _("Shared base")
