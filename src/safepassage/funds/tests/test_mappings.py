"""Column mappings for generic CSV imports are saved from a page, checked before saving."""

from __future__ import annotations

import datetime as dt

import pytest

from safepassage.accounts.models import Role
from safepassage.audit.models import AuditEntry
from safepassage.funds.importing import import_donations
from safepassage.funds.models import ColumnMapping, Donation
from safepassage.testing.members import make_member, signed_in_client

pytestmark = pytest.mark.django_db


def _post(client, **fields):
    data = {"name": "Cash book", "channel": "cash", "restriction": "relief", "currency": "KRW"}
    data.update(fields)
    return client.post("/funds/imports/mappings/", data)


def test_a_mapping_saved_on_the_page_reads_a_cash_book():
    finance = signed_in_client(make_member(Role.Code.FINANCE))
    response = _post(finance, column_date="날짜", column_amount="금액", column_name="성함")
    assert response.status_code == 302
    mapping = ColumnMapping.objects.get(name="Cash book")
    assert mapping.columns == {"date": "날짜", "amount": "금액", "name": "성함"}
    assert mapping.defaults == {"channel": "cash", "restriction": "relief", "currency": "KRW"}
    assert AuditEntry.objects.filter(action="funds.mapping_saved").exists()

    book = "날짜,금액,성함\n2026-01-05,30000,후원자 하나\n2026-01-06,50000,후원자 둘\n"
    report = import_donations(
        path_or_bytes=book.encode(), filename="book.csv", kind="csv", actor=None, mapping=mapping
    )
    assert report.ok
    assert sorted(Donation.objects.values_list("gross_minor", flat=True)) == [30_000, 50_000]
    assert set(Donation.objects.values_list("restriction", flat=True)) == {"relief"}
    assert Donation.objects.filter(received_on=dt.date(2026, 1, 5)).exists()


def test_a_mapping_without_the_amount_column_is_refused():
    finance = signed_in_client(make_member(Role.Code.FINANCE))
    response = _post(finance, column_date="날짜")
    assert response.status_code == 400
    assert not ColumnMapping.objects.exists()


def test_only_finance_and_the_director_may_see_mappings():
    worker = signed_in_client(make_member(Role.Code.CASE_WORKER))
    assert worker.get("/funds/imports/mappings/").status_code == 404
