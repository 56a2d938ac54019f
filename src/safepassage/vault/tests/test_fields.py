"""Protected fields: sealed before the database, bound to their row, opened only with keys."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.db import connection
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from safepassage.audit.sealing import opened
from safepassage.cases.models import Person
from safepassage.testing.people import make_case, make_person
from safepassage.vault import keyring, records, services
from safepassage.vault.errors import Shredded, VaultIntegrityError, VaultKeyMissing
from safepassage.vault.models import DataKey, Secret

pytestmark = pytest.mark.django_db
PROPERTY_SETTINGS = hsettings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def make(name="Kim Young-hee", **extra) -> Person:
    extra.setdefault("sex", "female")
    return make_person(real_name=name, **extra)


def fresh(person: Person) -> Person:
    return Person.objects.get(pk=person.pk)


def test_a_value_round_trips_through_the_database():
    person = make("박선희", phone="+86 139 1234 5678", whereabouts="두만강 근처 농가")
    again = fresh(person)
    assert records.read(again, "real_name") == "박선희"
    assert records.read(again, "phone") == "+86 139 1234 5678"
    assert records.read(again, "whereabouts") == "두만강 근처 농가"
    assert records.read(again, "aliases") is None


def test_the_attribute_shows_only_the_pseudonym():
    person = fresh(make("Kim Young-hee", phone="+86 139 1234 5678"))
    assert str(person.real_name) == "Kim OO"
    assert str(person.phone) == "•••78"
    assert "Young" not in repr(person.real_name)
    assert "Young" not in str(person)
    assert str(fresh(make("김영희")).real_name) == "김OO"


def test_a_photo_is_sealed_as_bytes():
    person = make(photo=b"\x89PNG fake image bytes")
    assert records.read(fresh(person), "photo") == b"\x89PNG fake image bytes"
    assert str(fresh(person).photo) == "•••"


def test_ciphertext_moved_to_another_row_does_not_open():
    first, second = make("Choi Mi-ran"), make("Ryu Ok-sun")
    stolen = fresh(first).real_name_sealed
    Person.objects.filter(pk=second.pk).update(real_name_sealed=stolen)
    with pytest.raises(VaultIntegrityError, match="failed authentication"):
        records.read(fresh(second), "real_name")


def test_ciphertext_moved_to_another_field_does_not_open():
    person = make("Choi Mi-ran", whereabouts="a farm")
    Person.objects.filter(pk=person.pk).update(aliases_sealed=fresh(person).real_name_sealed)
    with pytest.raises(VaultIntegrityError):
        records.read(fresh(person), "aliases")


def test_tampered_ciphertext_does_not_open():
    person = make()
    blob = bytearray(fresh(person).real_name_sealed)
    blob[-1] ^= 0x01
    Person.objects.filter(pk=person.pk).update(real_name_sealed=bytes(blob))
    with pytest.raises(VaultIntegrityError):
        records.read(fresh(person), "real_name")


def test_a_data_key_swapped_between_records_does_not_open():
    first, second = make("Choi Mi-ran"), make("Ryu Ok-sun")
    key_first = DataKey.objects.get(pk=first.data_key_id)
    DataKey.objects.filter(pk=second.data_key_id).update(wrapped=key_first.wrapped)
    with pytest.raises(VaultIntegrityError, match="data key"):
        records.read(fresh(second), "real_name")


def test_a_missing_master_key_is_named(settings, tmp_path):
    person = make()
    other = tmp_path / "other.json"
    settings.VAULT_KEYRING_FILE = str(other)
    settings.VAULT_KEYRING = ""
    keyring._cache.clear()
    try:
        with pytest.raises(VaultKeyMissing, match="mk-"):
            records.read(fresh(person), "real_name")
    finally:
        keyring._cache.clear()


def test_a_broken_keyring_gives_a_clear_error(settings, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    settings.VAULT_KEYRING_FILE = str(broken)
    settings.VAULT_KEYRING = ""
    keyring._cache.clear()
    try:
        with pytest.raises(VaultKeyMissing, match="not valid"):
            make()
    finally:
        keyring._cache.clear()


def test_the_blind_index_finds_exact_values_only():
    person = make("Kim Young-hee", phone="+86 139-1234-5678")
    people = Person.objects.all()
    assert list(records.filter_by(people, "real_name", "  kim   YOUNG-HEE ")) == [person]
    assert list(records.filter_by(people, "phone", "+86 139 1234 5678")) == [person]
    assert not records.filter_by(people, "real_name", "Kim Young").exists()


def test_the_blind_index_depends_on_a_key_outside_the_database(settings):
    person = make("Kim Young-hee")
    digest = fresh(person).real_name_bidx
    settings.BLIND_INDEX_KEY = "another key entirely 0123456789"
    assert records.blind_index(Person, "real_name", "Kim Young-hee") != digest


def test_there_is_no_blind_index_over_low_entropy_fields():
    with pytest.raises(ValueError, match="no blind index"):
        records.blind_index(Person, "whereabouts", "a farm")


def test_a_protected_value_cannot_be_copied_by_assignment():
    person = make()
    other = Person(sex="female", case=person.case)
    with pytest.raises(TypeError):
        other.real_name = person.real_name


def test_a_failure_after_the_save_leaves_nothing_half_written(monkeypatch):
    from safepassage.cases.services import people as case_services  # where person_add audits

    case = make_case()
    keys, people = DataKey.objects.count(), Person.objects.count()

    def audit_down(**kwargs):
        raise RuntimeError("audit unavailable")

    monkeypatch.setattr(case_services, "record", audit_down)
    with pytest.raises(RuntimeError):
        make_person(case=case, real_name="Kim Half-written")
    assert Person.objects.count() == people
    assert DataKey.objects.count() == keys  # the person's data key was rolled back too


def test_updating_one_field_keeps_the_others():
    person = make("Kim Young-hee", phone="+86 139 1234 5678")
    person = fresh(person)
    person.whereabouts = "a new place"
    person.save(update_fields=["whereabouts"])
    again = fresh(person)
    assert records.read(again, "whereabouts") == "a new place"
    assert records.read(again, "real_name") == "Kim Young-hee"


def test_clearing_a_value_clears_its_mask_and_index():
    person = fresh(make("Kim Young-hee", phone="+86 139 1234 5678"))
    person.phone = ""
    person.save()
    again = fresh(person)
    assert records.read(again, "phone") is None
    assert again.phone_masked == ""
    assert again.phone_bidx is None


@hsettings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=500).map(str.strip).filter(bool))
def test_any_text_round_trips(text):
    person = Person(sex="female", case=make_case())
    person.real_name = text
    person.aliases = text
    person.save()
    again = Person.objects.get(pk=person.pk)
    assert records.read(again, "real_name") == text
    assert records.read(again, "aliases") == text


@hsettings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=4096))
def test_any_bytes_round_trip(data):
    secret = Secret(purpose="hypothesis")
    secret.value = data
    secret.save()
    again = Secret.objects.get(pk=secret.pk)
    assert records.read(again, "value") == (data or None)


def test_reveal_is_audited_with_reason_and_no_plaintext():
    from safepassage.audit.models import AuditEntry

    person = make("Kim Young-hee")
    value = services.reveal(
        record_obj=fresh(person),
        field_name="real_name",
        actor="tester",
        reason="arranging a safe house",
    )
    assert value == "Kim Young-hee"
    entry = AuditEntry.objects.get(action="vault.revealed")
    assert opened(entry) == {"field": "real_name", "reason": "arranging a safe house"}
    assert "Young-hee" not in json.dumps(entry.data, ensure_ascii=False)


def test_reveal_needs_a_reason():
    person = make()
    with pytest.raises(ValueError, match="reason"):
        services.reveal(record_obj=person, field_name="real_name", actor="tester", reason="  ")


def test_shredding_destroys_values_but_keeps_statistics():
    people = [
        make(f"Kim Person-{n}", birth_year=1980 + n, province="ryanggang", phone=f"+86 13{n} 1234")
        for n in range(3)
    ]
    target = fresh(people[1])
    services.shred(record_obj=target, actor="tester", reason="retention period over")
    assert str(target.real_name) == "•••"  # the object in hand says nothing either
    shredded = fresh(target)
    with pytest.raises(Shredded):
        records.read(shredded, "real_name")
    assert shredded.real_name.is_shredded
    # No index to confirm a guessed name or phone, no letter or digit in a pseudonym.
    assert (shredded.real_name_bidx, shredded.phone_bidx) == (None, None)
    assert (shredded.real_name_masked, shredded.phone_masked) == ("•••", "•••")
    assert (str(shredded.real_name), str(shredded.aliases)) == ("•••", "")
    assert not records.filter_by(Person.objects.all(), "real_name", "Kim Person-1").exists()
    assert not records.filter_by(Person.objects.all(), "phone", "+86 131 1234").exists()
    assert DataKey.objects.get(pk=shredded.data_key_id).wrapped is None
    assert str(fresh(people[0]).real_name) == "Kim OO"
    assert Person.objects.filter(province="ryanggang").count() == 3
    assert sorted(Person.objects.values_list("birth_year", flat=True)) == [1980, 1981, 1982]
    assert records.read(fresh(people[0]), "real_name") == "Kim Person-0"


def test_shredding_a_donor_leaves_no_pseudonym_or_index():
    from safepassage.funds.models import Donor
    from safepassage.funds.services import donors

    donor = donors.donor_create(
        actor=None,
        name="Oh Seoyeon",
        email="oh@example.org",
        phone="+82 10 0000 1234",
        iban="DE89370400440532013000",
    )
    services.shred(record_obj=donor, actor="tester", reason="asked to be forgotten")
    row = Donor.objects.values(
        "name_masked", "phone_masked", "name_bidx", "email_bidx", "phone_bidx", "iban_bidx"
    ).get(pk=donor.pk)
    assert row == {
        "name_masked": "•••",
        "phone_masked": "•••",
        "name_bidx": None,
        "email_bidx": None,
        "phone_bidx": None,
        "iban_bidx": None,
    }
    assert not records.filter_by(Donor.objects.all(), "email", "oh@example.org").exists()


def test_revealing_a_shredded_value_is_refused_and_the_attempt_audited():
    from safepassage.audit.models import AuditEntry

    person = make()
    services.shred(record_obj=person, actor="tester", reason="asked to be forgotten")
    with pytest.raises(Shredded):
        services.reveal(record_obj=fresh(person), field_name="real_name", actor="t", reason="r")
    assert AuditEntry.objects.filter(action="vault.revealed", data__field="real_name").exists()


def _use_keyring_file(settings, tmp_path) -> Path:
    path = tmp_path / "keyring.json"
    settings.VAULT_KEYRING_FILE = str(path)
    settings.VAULT_KEYRING = ""
    settings.VAULT_CREATE_KEYRING = True
    keyring._cache.clear()
    return path


def test_rotation_then_deleting_the_old_key_keeps_everything_readable(settings, tmp_path):
    _use_keyring_file(settings, tmp_path)
    try:
        case = make_case()
        people = [
            make(f"Kim Rotation-{n}", phone=f"+86 139 0000 {n:04d}", case=case) for n in range(7)
        ]
        Secret.objects.create(purpose="x")  # a record without values has no data key
        old = keyring.load().current
        new = keyring.add_key().current
        assert old != new
        result = services.rotate(batch_size=3)
        assert result.rewrapped == 8  # seven people and their case
        assert result.remaining == 0
        assert result.retired_candidates == [old]
        services.retire(key_id=old)
        assert old not in keyring.load().keys
        for n, person in enumerate(people):
            again = fresh(person)
            assert records.read(again, "real_name") == f"Kim Rotation-{n}"
    finally:
        keyring._cache.clear()


def test_an_interrupted_rotation_resumes(settings, tmp_path):
    _use_keyring_file(settings, tmp_path)
    try:
        case = make_case()
        for n in range(4):
            make(f"Kim Resume-{n}", case=case)
        keyring.add_key()
        from safepassage.vault.services import _rewrap_batch

        current = keyring.load().current
        assert _rewrap_batch(current, 2) == 2  # then the process "dies"
        result = services.rotate(batch_size=2)
        assert result.rewrapped == 3
        assert not DataKey.objects.exclude(master_key_id=current).exists()
    finally:
        keyring._cache.clear()


def test_an_old_key_still_in_use_cannot_be_retired(settings, tmp_path):
    _use_keyring_file(settings, tmp_path)
    try:
        make()
        old = keyring.load().current
        keyring.add_key()
        with pytest.raises(VaultKeyMissing, match="still wrapped"):
            services.retire(key_id=old)
    finally:
        keyring._cache.clear()


def test_the_keys_command_rotates_and_reports(settings, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    _use_keyring_file(settings, tmp_path)
    try:
        Secret.objects.create(purpose="x", value=b"one record, one data key")
        out = StringIO()
        call_command("keys", "rotate", "--new", stdout=out, stderr=StringIO())
        assert "re-wrapped 1 data keys" in out.getvalue()
        assert "no longer needed" in out.getvalue()
        status = StringIO()
        call_command("keys", "status", stdout=status)
        assert "(current): 1 data keys" in status.getvalue()
    finally:
        keyring._cache.clear()


def test_the_database_holds_no_data_key_in_clear():
    person = make()
    data_key = DataKey.objects.get(pk=person.data_key_id)
    plain = records.unwrap(data_key)
    with connection.cursor() as cursor:
        cursor.execute("SELECT wrapped FROM vault_datakey")
        stored = [bytes(row[0]) for row in cursor.fetchall()]
    assert all(plain not in blob for blob in stored)


def test_a_pickled_record_carries_no_plain_data_key():
    import pickle

    person = fresh(make("Kim Pickle"))
    records.read(person, "real_name")
    plain = records.unwrap(DataKey.objects.get(pk=person.data_key_id))
    assert plain not in pickle.dumps(person)
    assert records.read(pickle.loads(pickle.dumps(person)), "real_name") == "Kim Pickle"


def test_a_record_with_unsaved_plain_values_refuses_to_be_pickled():
    import pickle

    person = Person(sex="female")
    person.real_name = "Kim Unsaved"
    with pytest.raises(TypeError, match="save a vault record"):
        pickle.dumps(person)


def test_bulk_preparation_seals_many_records_with_one_insert_for_their_keys(
    django_assert_num_queries,
):
    case = make_case()
    people = []
    for n in range(20):
        person = Person(case=case, sex="female")
        person.real_name = f"Kim Bulk-{n}"
        people.append(person)
    with django_assert_num_queries(1):
        records.prepare_for_bulk(people)
    Person.objects.bulk_create(people)
    assert [records.read(fresh(p), "real_name") for p in people] == [
        f"Kim Bulk-{n}" for n in range(20)
    ]
