"""PostgreSQL restarted while a check-in or a gift is being written: the request fails
cleanly (no half-written rows, no trace in the answer) and a retry records it once."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from safepassage.accounts.models import Role
from safepassage.funds.models import Donation, Donor, DonorKind, Entry
from safepassage.rescue.models import CheckIn, MissionEvent
from safepassage.rescue.services import checkins
from safepassage.testing.markers import postgres_only
from safepassage.testing.members import make_member, signed_in_client
from safepassage.testing.rescue import make_mission, make_partner
from tests.faults.postgres import restarted_during

pytestmark = [*postgres_only, pytest.mark.django_db(transaction=True)]


def test_a_check_in_cut_by_a_restart_answers_an_error_and_its_retry_is_recorded_once(
    audit_verifies,
):
    issued = checkins.link_issue(
        actor=None, mission=make_mission(started=True), partner=make_partner()
    )
    body = json.dumps({"idempotency_key": "restart-0001", "kind": "arrived", "pin": issued.pin})

    def send():
        return Client(raise_request_exception=False).post(
            "/api/v1/check-ins",
            body,
            content_type="application/json",
            headers={"Authorization": f"Bearer {issued.token}"},
        )

    events_before = MissionEvent.objects.count()
    with restarted_during(send) as outcome:
        cut = outcome["result"]
    assert cut.status_code >= 500
    assert b"Traceback" not in cut.content
    assert b"psycopg" not in cut.content
    assert CheckIn.objects.count() == 0
    assert MissionEvent.objects.count() == events_before

    retried = send()
    replayed = send()

    assert retried.status_code == 201, retried.content
    assert replayed.status_code == 200
    assert replayed.json()["id"] == retried.json()["id"]
    assert CheckIn.objects.count() == 1
    audit_verifies()


def test_a_gift_cut_by_a_restart_leaves_no_donor_or_entries_and_a_retry_records_it_once(
    audit_verifies,
):
    finance = make_member(Role.Code.FINANCE)
    form = {
        "name": "한가람 Testdonor",
        "email": "hangaram@example.org",
        "amount": "50000",
        "currency": "KRW",
        "fee": "0",
        "received_on": "2026-11-30",
        "channel": "bank",
        "restriction": "unrestricted",
        "new_donor": "on",
    }

    def give():
        client = signed_in_client(finance)
        client.raise_request_exception = False
        return client.post("/funds/donations/new/", form)

    with restarted_during(give) as outcome:
        cut = outcome["result"]
    assert cut.status_code == 500
    assert b"Traceback" not in cut.content
    assert (Donation.objects.count(), Entry.objects.count()) == (0, 0)
    assert not Donor.objects.exclude(kind=DonorKind.ANONYMOUS).exists()

    retried = give()

    assert retried.status_code == 302, retried.content
    assert Donation.objects.count() == 1
    assert Donor.objects.exclude(kind=DonorKind.ANONYMOUS).count() == 1
    assert sum(Entry.objects.values_list("amount_minor", flat=True)) == 0
    audit_verifies()
