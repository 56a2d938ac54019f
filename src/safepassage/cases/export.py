"""CSV export of people: pseudonyms and statistics only, generalised as lists are
(``cases.lists``: every row's sex, birth year, province and pseudonym shared by at
least ``SAFEPASSAGE_EXPORT_MIN_GROUP`` rows, unless exact values were revealed), spreadsheet
formulas neutralised."""

from __future__ import annotations

import csv

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from safepassage.accounts.decorators import recent_auth_required, staff_required
from safepassage.audit.chain import record
from safepassage.base.csv_out import Echo, neutralise
from safepassage.cases import lists, selectors

COLUMNS = ["code", "pseudonym", "case", "sex", "birth_year", "province", "status", "priority"]


@staff_required("cases.export")
@recent_auth_required
@require_safe
def people_csv(request):
    people = selectors.people_list(request.user).select_related("case").order_by("created_at")
    shown = lists.shown_by_code(request, people)
    record(
        actor=request.user,
        action="cases.people_exported",
        data={"rows": len(shown), "columns": COLUMNS, "exact": lists.exact_granted(request)},
    )
    writer = csv.writer(Echo())

    def rows():
        yield writer.writerow(COLUMNS)
        for person in people.iterator(chunk_size=2000):
            row = shown.get(person.code)
            if row is None:  # added since the rows were generalised: not in this export
                continue
            yield writer.writerow(
                neutralise(v)
                for v in (
                    person.code,
                    row.surname,
                    person.case.code,
                    row.sex,
                    row.born,
                    row.home,
                    row.status,
                    person.priority,
                )
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="people-{stamp}.csv"'
    return response
