"""Reads of people, always filtered by the asking user."""

from __future__ import annotations

from django.db.models import QuerySet

from safepassage.accounts import permissions
from safepassage.cases.models import Person
from safepassage.vault import records


def people_for(user, *, action: str = "people.view") -> QuerySet[Person]:
    return permissions.visible(user, action, Person.objects.all())


def people_list(user, *, query: str = "") -> QuerySet[Person]:
    """Search by code, pseudonym, or (through the blind index) exact full name or phone."""
    people = people_for(user).defer(
        "real_name_sealed", "aliases_sealed", "whereabouts_sealed", "photo_sealed", "phone_sealed"
    )
    query = query.strip()
    if not query:
        return people
    by_code = people.filter(code=query.upper())
    if by_code.exists():
        return by_code
    by_name = records.filter_by(people, "real_name", query)
    by_phone = (
        records.filter_by(people, "phone", query) if any(c.isdigit() for c in query) else None
    )
    result = by_name | people.filter(real_name_masked__iexact=query)
    if by_phone is not None:
        result = result | by_phone
    return result
