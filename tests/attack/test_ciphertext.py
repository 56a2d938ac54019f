"""Tampering with every kind of sealed column of every vault model: each read raises.

The vault's own tests (``vault/tests/test_fields.py``) prove each rule on a person's name;
this probe plays the attacker with write access to the database over *every* protected
field of *every* model that has one: a bit flipped in the version, nonce, ciphertext and
tag of the value and of its wrapped data key, a value truncated, moved to another row or
field, a data key swapped or re-pointed. A read must raise, never return garbage or empty.
"""

from __future__ import annotations

import datetime as dt
import secrets

import pytest
from django.apps import apps

from safepassage.accounts.models import Role
from safepassage.cases import services as cases
from safepassage.funds.services import donors, expenses
from safepassage.reports.services import subscriptions
from safepassage.rescue.services import checkins
from safepassage.testing.members import make_member
from safepassage.testing.people import make_case, make_person
from safepassage.testing.rescue import make_mission, make_partner
from safepassage.vault import records
from safepassage.vault.errors import VaultIntegrityError
from safepassage.vault.fields import protected_fields
from safepassage.vault.models import DataKey, VaultRecord
from tests.attack.figures import report

pytestmark = pytest.mark.django_db

NONCE = slice(1, 13)


def vault_models() -> list[type[VaultRecord]]:
    return [
        model
        for model in apps.get_models()
        if issubclass(model, VaultRecord) and protected_fields(model)
    ]


def populate() -> None:
    """Two rows of every vault model, every protected field set where the services allow."""
    make_member(Role.Code.CASE_WORKER)  # its authenticator seed is a sealed Secret
    make_member(Role.Code.FINANCE)
    for n in range(2):
        case = make_case(relayed_by=f"Pastor 박 {n}", exact_place="창고 뒤", situation="숨어 지냄")
        person = make_person(
            case=case,
            real_name=["王美华", "Sunhee Kim"][n],
            phone="+86 139 1234 567" + str(n),
            aliases="Auntie",
            whereabouts="두만강 근처 농가",
            photo=b"\x89PNG not really",
        )
        cases.record_testimony(
            actor=None, person=person, raw_text="강을 건넜다", publishable_text="We crossed."
        )
        cases.case_note_add(actor=None, case=case, person=person, text="약을 전했다")
        cases.contact_log_add(
            actor=None, case=case, channel="phone", direction="inbound", summary="她打电话来"
        )
        donors.donor_create(
            actor=None,
            name=f"Donor 김 {n}",
            email=f"d{n}@example.org",
            phone="+82 10 1234 567" + str(n),
            iban="DE89 3704 0044 0532 0130 00",
            address="1 Hidden Lane",
        )
        expense = expenses.expense_create(
            actor=None,
            category="administration",
            description="Stamps",
            amount_minor=3_000,
            currency="KRW",
            spent_on=dt.date(2026, 1, 6),
        )
        expenses.receipt_attach(
            actor=None,
            expense=expense,
            filename=f"stamps-{n}.pdf",
            content=b"%PDF-1.4 receipt",
            content_type="application/pdf",
        )
        subscriptions.subscribe(email=f"reader{n}@example.org", language="ko")
        partner = make_partner(f"Heron {secrets.token_hex(2)}")
        mission = make_mission(started=True, partners=[partner])
        checkins.check_in_by_staff(
            actor=None,
            mission=mission,
            report=checkins.Report(
                key=secrets.token_hex(8), kind="delayed", delay_hours=2, reason="Police"
            ),
        )


def flip(blob: bytes, index: int) -> bytes:
    changed = bytearray(blob)
    changed[index] ^= 0x01
    return bytes(changed)


def value_attacks(blob: bytes, *, other_row: bytes | None, other_field: bytes | None):
    yield "version bit", flip(blob, 0)
    yield "nonce bit", flip(blob, NONCE.start + 3)
    yield "ciphertext bit", flip(blob, NONCE.stop)
    yield "tag bit", flip(blob, len(blob) - 1)
    yield "truncated by a byte", blob[:-1]
    yield "truncated to the header", blob[:13]
    yield "emptied", b""
    if other_row is not None:
        yield "moved from another row", other_row
    if other_field is not None:
        yield "moved from another field", other_field


def wrapped_key_attacks(wrapped: bytes, other: bytes):
    yield "data key: nonce bit", flip(wrapped, NONCE.start)
    yield "data key: body bit", flip(wrapped, NONCE.stop + 1)
    yield "data key: tag bit", flip(wrapped, len(wrapped) - 1)
    yield "data key: truncated", wrapped[:-4]
    yield "data key: another record's", other


def must_not_open(model, pk, name: str) -> bool:
    instance = model.objects.get(pk=pk)
    with pytest.raises(VaultIntegrityError):  # never a value, never empty
        records.read(instance, name)
    return True


def sealed(model, name: str):
    field = protected_fields(model)[name]
    return list(
        model.objects.exclude(**{f"{field.sealed_attname}__isnull": True})
        .order_by("pk")
        .values_list("pk", field.sealed_attname, "data_key_id")
    )


def test_every_tampered_ciphertext_and_data_key_raises():
    populate()
    attack_values()
    attack_data_keys()


def attack_values() -> None:
    tried = fields = 0
    untouched = []
    for model in vault_models():
        names = list(protected_fields(model))
        for name in names:
            rows = sealed(model, name)
            if not rows:
                untouched.append(f"{model.__name__}.{name}")
                continue
            fields += 1
            attname = protected_fields(model)[name].sealed_attname
            pk, blob, _key = rows[0]
            other_row = bytes(rows[1][1]) if len(rows) > 1 else None
            row = model.objects.get(pk=pk)
            neighbours = [
                bytes(value)
                for n in names
                if n != name and (value := getattr(row, protected_fields(model)[n].sealed_attname))
            ]
            other_field = neighbours[0] if neighbours else None
            for _attack, changed in value_attacks(
                bytes(blob), other_row=other_row, other_field=other_field
            ):
                model.objects.filter(pk=pk).update(**{attname: changed})
                tried += must_not_open(model, pk, name)
            model.objects.filter(pk=pk).update(**{attname: blob})
            assert records.read(model.objects.get(pk=pk), name) is not None  # restored
    # Every model's fields but the ones no service fills were attacked.
    assert fields >= 20, untouched
    report("ciphertext", **{"sealed fields attacked": fields, "tampered reads": tried, "opened": 0})


def attack_data_keys() -> None:
    tried = 0
    for model in vault_models():
        name = next(n for n in protected_fields(model) if sealed(model, n))
        rows = sealed(model, name)
        pk, _blob, key_id = rows[0]
        original = bytes(DataKey.objects.get(pk=key_id).wrapped)
        other_key = DataKey.objects.exclude(pk=key_id).exclude(wrapped=None).first()
        for _attack, changed in wrapped_key_attacks(original, bytes(other_key.wrapped)):
            DataKey.objects.filter(pk=key_id).update(wrapped=changed)
            tried += must_not_open(model, pk, name)
        DataKey.objects.filter(pk=key_id).update(wrapped=original)
        # The row pointed at another record's (intact) data key.
        if len(rows) > 1:
            model.objects.filter(pk=rows[1][0]).update(data_key_id=None)
            model.objects.filter(pk=pk).update(data_key_id=rows[1][2])
            tried += must_not_open(model, pk, name)
    report("ciphertext", **{"tampered data keys read": tried})
