"""What lists and exports of people show of sex, birth year, home province, status and
pseudonym: the rows generalised together by ``cases.disclosure`` (every row shared by at
least ``SAFEPASSAGE_EXPORT_MIN_GROUP`` people), unless the user revealed exact values with
a reason, which is audited and lasts ``SAFEPASSAGE_REVEAL_MINUTES`` in their session.

The person's own page always shows the exact values.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from safepassage.cases.disclosure import Row, Shown, generalise
from safepassage.cases.models import Person

SESSION_KEY = "safepassage_exact_lists"
COLUMNS = ("code", "sex", "birth_year", "province", "born_abroad", "status", "real_name_masked")


def exact_granted(request) -> bool:
    until = request.session.get(SESSION_KEY)
    if until is not None and until <= time.time():
        del request.session[SESSION_KEY]
        return False
    return until is not None


def grant_exact(request) -> None:
    """After ``services.people_exact_shown`` only."""
    request.session[SESSION_KEY] = time.time() + settings.REVEAL_MINUTES * 60


def shown_by_code(request, people: QuerySet[Person]) -> dict[str, Shown]:
    """Person code → what may be shown, generalised over all of ``people`` (every row the
    user can page through, not one page: a page alone would let paging undo it)."""
    found = list(people.order_by().values_list(*COLUMNS))
    rows = [
        Row(
            sex=sex or "",
            birth_year=born,
            province=province or "",
            born_abroad=abroad,
            status=status,
            surname=mask or "",
        )
        for _code, sex, born, province, abroad, status, mask in found
    ]
    k = 1 if exact_granted(request) else settings.EXPORT_MIN_GROUP
    shown = generalise(rows, k=k, year=timezone.localdate().year)
    return {row[0]: value for row, value in zip(found, shown, strict=True)}
