"""Reads of people, always filtered by the asking user."""

from __future__ import annotations

from django.db.models import QuerySet

from safepassage.accounts import permissions
from safepassage.cases.models import Person
from safepassage.vault import records


def people_for(user, *, action: str = "people.view") -> QuerySet[Person]:
    return permissions.visible(user, action, Person.objects.all())


def people_list(user, *, query: str = "", identifying: bool = False) -> QuerySet[Person]:
    """Search by code or pseudonym; with ``identifying``, also by exact full name or phone
    through the blind indexes (the caller keeps such a query out of URLs and logs)."""
    people = people_for(user).defer(
        "real_name_sealed", "aliases_sealed", "whereabouts_sealed", "photo_sealed", "phone_sealed"
    )
    query = query.strip()
    if not query:
        return people
    by_code = people.filter(code=query.upper())
    if by_code.exists():
        return by_code
    result = people.filter(real_name_masked__iexact=query)
    if identifying:
        result = result | records.filter_by(people, "real_name", query)
        if any(c.isdigit() for c in query):
            result = result | records.filter_by(people, "phone", query)
    return result
