"""A seized database reveals no place, no partner and no working link."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from safepassage.rescue.services import checkins, places
from safepassage.testing.rescue import make_mission
from safepassage.vault.tests.test_leak import encodings, raw_database

SECRETS = {
    "real_place": "Zhangjiatun 뒤 창고 Block-Q7",
    "directions": "Third alley past the noodle stall, 초록 문",
    "contact": "+86 139 5521 7734",
    "partner_name": "Ryomhwa Kyŏngsun-Tae",
    "partner_phone": "+86 135 8812 0943",
    "reason": "Checkpoint at Xiaolongtan ferry 검문소",
}


@pytest.mark.django_db(transaction=True)
def test_no_place_partner_identity_or_link_secret_reaches_the_database():
    mission = make_mission(started=True)
    point = places.safe_point_create(
        actor=None,
        code_name="QUINCE",
        country="CN",
        real_place=SECRETS["real_place"],
        directions=SECRETS["directions"],
        contact=SECRETS["contact"],
    )
    partner = places.partner_create(
        actor=None,
        pseudonym="Kestrel-Leak",
        real_name=SECRETS["partner_name"],
        phone=SECRETS["partner_phone"],
    )
    issued = checkins.link_issue(actor=None, mission=mission, partner=partner)
    response = Client().post(
        "/api/v1/check-ins",
        json.dumps(
            {
                "idempotency_key": "leak-test-0001",
                "kind": "delayed",
                "delay_hours": 3,
                "pin": issued.pin,
                "reason": SECRETS["reason"],
            }
        ),
        content_type="application/json",
        headers={"Authorization": f"Bearer {issued.token}"},
    )
    assert response.status_code == 201

    dump = raw_database()
    assert point.code_name.encode() in dump  # the reader really sees the stored data
    assert b"Kestrel-Leak" in dump
    values = {**SECRETS, "token": issued.token}
    leaks = [(n, form) for n, v in values.items() for form in encodings(v) if form in dump]
    assert leaks == []
    # PINs are short: look for them only where they would sit, next to the link's hashes.
    link_row = repr(type(issued.link).objects.filter(pk=issued.link.pk).values().get()).encode()
    assert issued.pin.encode() not in link_row
    assert issued.duress_pin.encode() not in link_row
