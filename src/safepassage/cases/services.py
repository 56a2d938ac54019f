"""Writes to people: keyword-only, atomic, audited."""

from __future__ import annotations

from django.db import transaction

from safepassage.audit.chain import record
from safepassage.cases.models import Person


@transaction.atomic
def person_create(
    *,
    actor,
    real_name: str,
    sex: str,
    birth_year: int | None = None,
    province: str = "",
    country: str = "",
    phone: str = "",
    aliases: str = "",
    whereabouts: str = "",
    photo: bytes | None = None,
) -> Person:
    person = Person(sex=sex, birth_year=birth_year, province=province, country=country)
    person.real_name = real_name
    person.phone = phone
    person.aliases = aliases
    person.whereabouts = whereabouts
    person.photo = photo
    person.full_clean(exclude=["data_key"])
    person.save()
    record(
        actor=actor,
        action="cases.person_created",
        target=person,
        data={"sex": sex, "birth_year": birth_year, "province": province},
    )
    return person
