from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from safepassage.vault import masks
from safepassage.vault.fields import ProtectedField, normalise_phone
from safepassage.vault.models import VaultRecord


class Province(models.TextChoices):
    """North Korea's provinces and directly governed cities, as the NGO publishes them."""

    NORTH_HAMGYONG = "north_hamgyong", _("North Hamgyong Province")
    SOUTH_HAMGYONG = "south_hamgyong", _("South Hamgyong Province")
    RYANGGANG = "ryanggang", _("Ryanggang Province")
    CHAGANG = "chagang", _("Chagang Province")
    NORTH_PYONGAN = "north_pyongan", _("North Pyongan Province")
    SOUTH_PYONGAN = "south_pyongan", _("South Pyongan Province")
    NORTH_HWANGHAE = "north_hwanghae", _("North Hwanghae Province")
    SOUTH_HWANGHAE = "south_hwanghae", _("South Hwanghae Province")
    KANGWON = "kangwon", _("Kangwon Province")
    PYONGYANG = "pyongyang", _("Pyongyang City")
    RASON = "rason", _("Rason City")
    NAMPO = "nampo", _("Nampo City")
    KAESONG = "kaesong", _("Kaesong City")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")


class Person(VaultRecord):
    """A person we help. Identity is sealed by the vault; statistics stay in clear."""

    real_name = ProtectedField(_("real name"), mask=masks.name, blind_index=True)
    aliases = ProtectedField(_("other names"))
    phone = ProtectedField(
        _("phone"), mask=masks.phone, blind_index=True, normalise=normalise_phone
    )
    whereabouts = ProtectedField(_("exact whereabouts"))
    photo = ProtectedField(_("photo"), binary=True)

    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    province = models.CharField(
        _("home province"), max_length=20, choices=Province.choices, blank=True
    )
    country = models.CharField(_("country now"), max_length=2, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(birth_year__isnull=True) | models.Q(birth_year__gte=1900),
                name="cases_person_birth_year_plausible",
            )
        ]

    def __str__(self) -> str:
        return f"{self.real_name.masked or '—'} ({self.code})"

    def get_absolute_url(self) -> str:
        return reverse("cases:person", args=[self.code])
