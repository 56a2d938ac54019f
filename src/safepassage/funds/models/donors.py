"""Donors: contact details sealed, with blind indexes for matching."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safepassage.vault import masks
from safepassage.vault.fields import ProtectedField, normalise_phone
from safepassage.vault.models import VaultRecord


def normalise_email(value: str) -> str:
    return value.strip().casefold()


def normalise_iban(value: str) -> str:
    return "".join(value.split()).upper()


class DonorKind(models.TextChoices):
    PERSON = "person", pgettext_lazy("kind of donor", "Person")
    ORGANISATION = "organisation", _("Organisation")
    ANONYMOUS = "anonymous", _("Anonymous")


class Donor(VaultRecord):
    """Someone who gives. Contact details are sealed; e-mail, phone and IBAN have blind
    indexes so imports can match a returning donor without decrypting anyone."""

    name = ProtectedField(_("name"), mask=masks.name, blind_index=True)
    email = ProtectedField(_("e-mail"), blind_index=True, normalise=normalise_email)
    phone = ProtectedField(
        _("phone"), mask=masks.phone, blind_index=True, normalise=normalise_phone
    )
    iban = ProtectedField(_("IBAN"), blind_index=True, normalise=normalise_iban)
    address = ProtectedField(_("postal address"))
    # For the Korean donation receipt (기부금영수증) only, and only when the donor asks
    # for a tax receipt: a Korean resident registration number (주민등록번호) or a
    # foreigner's registration number (외국인등록번호), as ``YYMMDD-NNNNNNN``. No
    # pseudonym is kept in clear: even its first seven digits (a birth date and a sex)
    # beside the surname pseudonym and the gifts would single a donor out of a dump.
    rrn = ProtectedField(_("resident registration number"))

    kind = models.CharField(
        _("kind"), max_length=12, choices=DonorKind.choices, default=DonorKind.PERSON
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="ko"
    )
    consent_to_contact = models.BooleanField(_("agrees to be contacted"), default=False)
    wants_tax_receipt = models.BooleanField(_("wants a tax receipt"), default=False)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("donor")
        verbose_name_plural = _("donors")

    def __str__(self) -> str:
        return f"{self.name.masked or self.get_kind_display()} ({self.code})"

    def get_absolute_url(self) -> str:
        return reverse("funds:donor", args=[self.code])
