"""What a gift or a payment is booked under: its channel and its restriction."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    PLATFORM = "platform", _("Giving platform")
    BANK = "bank", _("Bank transfer")
    CASH = "cash", _("Cash")
    CHEQUE = "cheque", _("Cheque")
    EVENT = "event", _("Event")
    OTHER = "other", _("Other")


class Restriction(models.TextChoices):
    RESCUE = "rescue", _("Rescue")
    RELIEF = "relief", _("Relief")
    RESETTLEMENT = "resettlement", _("Resettlement")
    ADVOCACY = "advocacy", _("Advocacy")
    UNRESTRICTED = "unrestricted", _("Unrestricted")
