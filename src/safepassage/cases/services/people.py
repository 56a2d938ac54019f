"""Adding people to a case and changing what is known of them."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.audit.chain import record
from safepassage.cases.models import Case, Group, Person, Status
from safepassage.cases.services.rules import (
    FLAGS,
    CaseError,
    actor_user,
    assess,
    check_birth_year,
    check_flags,
    check_person,
    first_status,
    new_person,
    person_added_data,
)
from safepassage.cases.services.statuses import case_settle


@transaction.atomic
def person_add(*, actor, case: Case, **details) -> Person:
    """Add a person to ``case``: ``details`` are ``add_to_case``'s. A closed case opens
    again if the person is not closed (see ``case_settle``)."""
    person = add_to_case(actor=actor, case=case, **details)
    # The person just written is open unless closed: only then ask the database.
    is_closed = details.get("status", Status.INTAKE) == Status.CLOSED
    case_settle(actor=actor, case=case, open_people=None if is_closed else True)
    return person


def add_to_case(
    *,
    actor,
    case: Case,
    real_name: str,
    sex: str,
    birth_year: int | None = None,
    age: int | None = None,
    province: str = "",
    born_abroad: bool = False,
    languages: str = "ko",
    country: str = "",
    phone: str = "",
    aliases: str = "",
    whereabouts: str = "",
    photo: bytes | None = None,
    group: Group | None = None,
    status: str = Status.INTAKE,
    status_since: dt.datetime | None = None,
    source_key: str | None = None,
    **flags: bool,
) -> Person:
    """``person_add`` without settling the case: for a caller that adds several people
    and then settles once (``case_intake``). Call inside its transaction."""
    check_flags(flags)
    check_person(real_name=real_name, born_abroad=born_abroad, province=province)
    year, estimated = check_birth_year(birth_year=birth_year, age=age, today=timezone.localdate())
    if group is not None and group.case_id != case.pk:
        raise CaseError({"group": _("The group belongs to another case.")})
    person = new_person(
        case=case,
        group=group,
        real_name=real_name,
        sex=sex,
        birth_year=year,
        estimated=estimated,
        province=province,
        born_abroad=born_abroad,
        languages=languages,
        country=country,
        status=status,
        status_since=status_since or timezone.now(),
        source_key=source_key,
        flags=flags,
    )
    person.phone = phone
    person.aliases = aliases
    person.whereabouts = whereabouts
    person.photo = photo
    person.full_clean(
        exclude=["data_key", "case", "group"], validate_unique=False, validate_constraints=False
    )
    person.save()
    first_status(person, user=actor_user(actor)).save()
    record(actor=actor, action="cases.person_added", target=person, data=person_added_data(person))
    return person


@transaction.atomic
def person_update_flags(*, actor, person: Person, **flags: bool) -> Person:
    check_flags(flags)
    person = Person.objects.select_for_update().select_related("case").get(pk=person.pk)
    for flag, value in flags.items():
        setattr(person, flag, bool(value))
    assess(person)
    person.save(update_fields=[*flags, "priority", "priority_reasons", "updated_at"])
    record(
        actor=actor,
        action="cases.flags_changed",
        target=person,
        data={"flags": sorted(f for f in FLAGS if getattr(person, f)), "priority": person.priority},
    )
    return person


@transaction.atomic
def person_set_country(*, actor, person: Person, country: str) -> Person:
    """Where the person is now, at country level (missions move people across borders)."""
    country = country.strip().upper()
    if len(country) != 2 or not country.isalpha():
        raise CaseError({"country": _("A country is a two-letter code, e.g. LA.")})
    if person.country == country:
        return person
    previous = person.country
    person.country = country
    person.save(update_fields=["country", "updated_at"])
    record(
        actor=actor,
        action="cases.country_changed",
        target=person,
        data={"from": previous, "to": country},
    )
    return person


def people_exact_shown(*, actor, reason: str) -> None:
    """Record that ``actor`` asked to see exact sex, birth year, province, status and
    pseudonyms in lists and exports for a few minutes, and why. The caller checked that
    they may reveal people."""
    record(actor=actor, action="cases.people_exact_shown", data={"reason": reason[:500]})
