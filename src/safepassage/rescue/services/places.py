"""Safe points, routes and field partners."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from safepassage.audit.chain import record
from safepassage.base.countries import country_code
from safepassage.rescue.models import FieldPartner, Means, Route, RouteStop, SafePoint
from safepassage.rescue.services.errors import RescueError

CODE_NAME = re.compile(r"^[A-Z][A-Z0-9-]{1,29}$")


def _code_name(value: str) -> str:
    code = value.strip().upper()
    if not CODE_NAME.match(code):
        raise RescueError(
            {"code_name": _("A code name is 2 to 30 letters, digits or dashes, e.g. LOTUS.")}
        )
    return code


def _insert(obj, field: str, taken: str) -> None:
    """Save a new row whose name is unique: a concurrent twin gets the clear error too."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        raise RescueError({field: taken}) from None


def _country(value: str) -> str:
    """An ISO 3166-1 alpha-2 code ("ZZ" or a typo is refused)."""
    try:
        return country_code(value)
    except ValidationError as error:
        raise RescueError({"country": error.messages[0]}) from None


@transaction.atomic
def safe_point_create(
    *,
    actor,
    code_name: str,
    country: str,
    real_place: str = "",
    directions: str = "",
    contact: str = "",
    named_people: Iterable = (),
) -> SafePoint:
    code = _code_name(code_name)
    if SafePoint.objects.filter(code_name=code).exists():
        raise RescueError({"code_name": _("That code name is already in use.")})
    point = SafePoint(code_name=code, country=_country(country))
    point.real_place = real_place.strip()
    point.directions = directions.strip()
    point.contact = contact.strip()
    _insert(point, "code_name", _("That code name is already in use."))
    point.named_people.set(list(named_people))
    record(
        actor=actor,
        action="rescue.safe_point_created",
        target=point,
        data={"code_name": code, "country": point.country},
    )
    return point


@transaction.atomic
def safe_point_name_people(*, actor, safe_point: SafePoint, people: Iterable) -> SafePoint:
    """Who may see the real place. The list itself is audited, by user id."""
    people = list(people)
    safe_point.named_people.set(people)
    record(
        actor=actor,
        action="rescue.safe_point_named",
        target=safe_point,
        data={"people": sorted(str(p.pk) for p in people)},
    )
    return safe_point


@dataclass(frozen=True)
class Stop:
    safe_point: SafePoint
    hours: int = 0
    means: str = ""
    slack_hours: int | None = None


def default_slack(hours: int) -> int:
    """An arrival window a quarter as wide as the leg, at least two hours."""
    return max(2, round(hours / 4))


@transaction.atomic
def route_create(*, actor, name: str, stops: Sequence[Stop]) -> Route:
    name = " ".join(name.split())
    if not name:
        raise RescueError({"name": _("A route needs a name.")})
    if Route.objects.filter(name__iexact=name).exists():
        raise RescueError({"name": _("A route with that name already exists.")})
    if len(stops) < 2:
        raise RescueError({"stops": _("A route needs at least two safe points.")})
    seen = set()
    for index, stop in enumerate(stops):
        if stop.safe_point.pk in seen:
            raise RescueError(
                {"stops": _("%(code)s appears twice.") % {"code": stop.safe_point.code_name}}
            )
        seen.add(stop.safe_point.pk)
        if index > 0 and not 1 <= stop.hours <= 24 * 30:
            raise RescueError(
                {
                    "stops": _("Each leg takes between 1 hour and 30 days (%(code)s).")
                    % {"code": stop.safe_point.code_name}
                }
            )
        if stop.slack_hours is not None and not 0 <= stop.slack_hours <= 24 * 7:
            raise RescueError({"stops": _("An arrival window is between 0 hours and 7 days.")})
        if stop.means and stop.means not in Means.values:
            raise RescueError({"stops": _("Unknown means of travel.")})
    route = Route(name=name)
    _insert(route, "name", _("A route with that name already exists."))
    RouteStop.objects.bulk_create(
        RouteStop(
            route=route,
            position=index,
            safe_point=stop.safe_point,
            hours=0 if index == 0 else stop.hours,
            slack_hours=0
            if index == 0
            else (stop.slack_hours if stop.slack_hours is not None else default_slack(stop.hours)),
            means="" if index == 0 else stop.means,
        )
        for index, stop in enumerate(stops)
    )
    record(
        actor=actor,
        action="rescue.route_created",
        target=route,
        data={
            "route": name,
            "stops": [s.safe_point.code_name for s in stops],
            "hours": sum(s.hours for s in stops[1:]),
        },
    )
    return route


@transaction.atomic
def partner_create(
    *,
    actor,
    pseudonym: str,
    real_name: str = "",
    phone: str = "",
    notes: str = "",
    language: str = "ko",
) -> FieldPartner:
    pseudonym = " ".join(pseudonym.split())
    if not pseudonym:
        raise RescueError({"pseudonym": _("A field partner needs a pseudonym.")})
    if language not in dict(settings.LANGUAGES):
        raise RescueError({"language": _("Unknown language.")})
    if FieldPartner.objects.filter(pseudonym__iexact=pseudonym).exists():
        raise RescueError({"pseudonym": _("That pseudonym is already in use.")})
    partner = FieldPartner(pseudonym=pseudonym, language=language)
    partner.real_name = real_name.strip()
    partner.phone = phone.strip()
    partner.notes = notes.strip()
    _insert(partner, "pseudonym", _("That pseudonym is already in use."))
    record(actor=actor, action="rescue.partner_created", target=partner)
    return partner
