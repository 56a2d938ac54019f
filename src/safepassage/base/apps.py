from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Django's own catalogue leaves this label untranslated in Korean; as one of the project's
# strings it is translated in the project's catalogue like every other.
BLANK_CHOICE_LABEL = _("- Select an option -")


class BaseConfig(AppConfig):
    """Installed for its template tags (``{% load money %}``); it has no models."""

    name = "safepassage.base"
    label = "base"
    verbose_name = _("Shared base")

    def ready(self) -> None:
        # Django 6.1 reads this name when it builds a select's empty choice, and asks apps to
        # set it in ready() (django.db.models.fields.BLANK_CHOICE_LABEL).
        from django.db.models import fields

        fields.BLANK_CHOICE_LABEL = BLANK_CHOICE_LABEL
