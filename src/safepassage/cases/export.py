"""CSV export of people: pseudonyms and statistics only, spreadsheet formulas neutralised."""

from __future__ import annotations

import csv

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from safepassage.accounts.decorators import recent_auth_required, staff_required
from safepassage.audit.chain import record
from safepassage.cases import selectors

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = ["code", "pseudonym", "case", "sex", "birth_year", "province", "status", "priority"]


def neutralise(value) -> str:
    """A cell a spreadsheet would run as a formula gets a leading apostrophe (OWASP)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Echo:
    def write(self, value):
        return value


@staff_required("cases.export")
@recent_auth_required
@require_GET
def people_csv(request):
    people = selectors.people_list(request.user).select_related("case").order_by("created_at")
    record(
        actor=request.user,
        action="cases.people_exported",
        data={"rows": people.count(), "columns": COLUMNS},
    )
    writer = csv.writer(_Echo())

    def rows():
        yield writer.writerow(COLUMNS)
        for person in people.iterator(chunk_size=2000):
            yield writer.writerow(
                neutralise(v)
                for v in (
                    person.code,
                    person.real_name.masked,
                    person.case.code,
                    person.sex,
                    person.birth_year,
                    person.province,
                    person.status,
                    person.priority,
                )
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="people-{stamp}.csv"'
    return response
