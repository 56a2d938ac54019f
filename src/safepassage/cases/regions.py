"""North Korea's provinces grouped into regions: the step between a province and the
country when a list, an export, a publication or a sponsor's profile must say less.

One table for every app that generalises a home province (``cases.disclosure`` for lists
and exports, ``fundraising.profiles`` for sponsors, the reports to come)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from safepassage.cases.models import Province


class Region(models.TextChoices):
    NORTH_EAST = "north_east", _("North-east (North Hamgyong, Ryanggang, Rason)")
    NORTH = "north", _("North (Chagang, North Pyongan)")
    EAST = "east", _("East (South Hamgyong, Kangwon)")
    WEST = "west", _("West (Pyongyang, South Pyongan, Nampo)")
    SOUTH = "south", _("South (North and South Hwanghae, Kaesong)")


_REGIONS = {
    Province.NORTH_HAMGYONG: Region.NORTH_EAST,
    Province.RYANGGANG: Region.NORTH_EAST,
    Province.RASON: Region.NORTH_EAST,
    Province.CHAGANG: Region.NORTH,
    Province.NORTH_PYONGAN: Region.NORTH,
    Province.SOUTH_HAMGYONG: Region.EAST,
    Province.KANGWON: Region.EAST,
    Province.PYONGYANG: Region.WEST,
    Province.SOUTH_PYONGAN: Region.WEST,
    Province.NAMPO: Region.WEST,
    Province.NORTH_HWANGHAE: Region.SOUTH,
    Province.SOUTH_HWANGHAE: Region.SOUTH,
    Province.KAESONG: Region.SOUTH,
}
# Plain strings: the values go into JSON (a sponsor's profile) and CSV cells.
REGION_OF: dict[str, str] = {str(p): str(r) for p, r in _REGIONS.items()}
