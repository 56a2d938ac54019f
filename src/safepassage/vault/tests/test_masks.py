"""Pseudonyms carry at most the surname's first syllable, in every script and order; Unicode
is composed (NFC) before masking and blind indexing; old pseudonyms are re-masked."""

from __future__ import annotations

import hashlib
import hmac
import importlib
import unicodedata

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from safepassage.cases.models import Person
from safepassage.funds.models import Donor
from safepassage.funds.services import donors
from safepassage.testing.people import make_person
from safepassage.vault import masks, records
from safepassage.vault.fields import normalise_text, protected_fields
from safepassage.vault.models import DataKey

NFD = "NFD"


def nfd(value: str) -> str:
    decomposed = unicodedata.normalize(NFD, value)
    assert decomposed != value or value.isascii()
    return decomposed


@pytest.mark.parametrize(
    ("name", "mask"),
    [
        # Hangul: the first syllable, with or without a space, composed or decomposed.
        ("김영희", "김OO"),
        ("김 영희", "김OO"),
        (nfd("김영희"), "김OO"),
        ("남궁민수", "남OO"),
        # Han characters: the first character only.
        ("王美华", "王OO"),
        ("王 美华", "王OO"),
        # Latin: a known surname first (Korean order) or last (Western order).
        ("Kim Younghee", "Kim OO"),
        ("Kim Young-hee", "Kim OO"),
        ("KIM YOUNG-HEE", "Kim OO"),
        ("Younghee Kim", "Kim OO"),
        ("Ri Sol-ju", "Ri OO"),
        ("Chŏng Sŏnhŭi", "Chŏng OO"),
        ("Meihua Wang", "Wang OO"),
        ("Lee Kim", "Lee OO"),  # a known surname at both ends: the Korean order wins
        # No known surname: nothing of the name.
        ("Sunhee", "OO"),
        ("Younghee", "OO"),
        ("Jane Smith", "OO"),
        ("Yangdokhwa Sŏnhŭi-Ul", "OO"),
        ("Ри Ён Хи", "OO"),
        ("  ", ""),
    ],
)
def test_a_pseudonym_shows_at_most_the_surnames_first_syllable(name, mask):
    assert masks.name(name) == mask


@pytest.mark.parametrize(
    ("name", "surname", "mask"),
    [
        ("Younghee Park", "Park", "Park OO"),
        ("Namgung Minsu", "Namgung", "N. OO"),  # not a known one-syllable surname
        ("남궁민수", "남궁", "남OO"),
        ("诸葛亮", "诸葛", "诸OO"),
        ("Sunhee Smith", "Smith", "S. OO"),
    ],
)
def test_an_explicit_surname_is_used_instead_of_the_guess(name, surname, mask):
    assert masks.name(name, surname) == mask


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("initial", ["K. OO", "K. OO", "김. OO", "王. OO", "OO"]),
        ("none", ["OO", "OO", "OO", "OO", "OO"]),
    ],
)
def test_the_pseudonym_style_applies_to_the_same_surname(settings, style, expected):
    settings.PSEUDONYM_STYLE = style
    names = ["Kim Younghee", "Younghee Kim", "김영희", "王美华", "Sunhee"]
    assert [masks.name(name) for name in names] == expected


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("王美华 OO", "王OO"),
        ("Sunhee OO", "OO"),
        ("Younghee OO", "OO"),
        ("Kim OO", "Kim OO"),
        ("김OO", "김OO"),
        ("K. OO", "OO"),  # an initial of a Latin name may have been the given name's
        ("김. OO", "김OO"),
        ("OO", "OO"),
        ("•••", "•••"),
    ],
)
def test_an_old_pseudonym_is_masked_again_by_the_new_rule(old, new):
    assert masks.remask_name(old) == new


@pytest.mark.django_db
def test_decomposed_hangul_gives_the_same_pseudonym_and_blind_index():
    composed = "박선희"
    person = make_person(real_name=nfd(composed), sex="female")
    stored = Person.objects.get(pk=person.pk)
    assert str(stored.real_name) == "박OO"
    assert stored.real_name_bidx == records.blind_index(Person, "real_name", composed)
    assert list(records.filter_by(Person.objects.all(), "real_name", composed)) == [person]
    assert list(records.filter_by(Person.objects.all(), "real_name", nfd(composed))) == [person]


@pytest.mark.parametrize("value", ["김영희", "Kim Young-hee", "王美华", "Chŏng Sŏnhŭi"])
def test_blind_indexes_of_composed_values_are_unchanged(value):
    """Rows indexed before NFC was added still match: NFC leaves composed text as it is."""
    key = hmac.new(
        django_settings.BLIND_INDEX_KEY.encode(), b"cases_person.real_name", hashlib.sha256
    ).digest()
    before = hmac.new(key, normalise_text(value).encode(), hashlib.sha256).hexdigest()
    assert records.blind_index(Person, "real_name", value) == before


def _migration(app: str, name: str):
    module = importlib.import_module(f"safepassage.{app}.migrations.{name}")
    state = MigrationExecutor(connection).loader.project_state((app, name))
    return module.remask, state.apps


def _old_style(model, obj, **columns) -> None:
    model.objects.filter(pk=obj.pk).update(**columns)


@pytest.mark.django_db
def test_the_migration_re_masks_people_from_their_plain_names():
    chinese = make_person(real_name="王美华", sex="female")
    given_only = make_person(real_name="Sunhee", sex="female", phone="+86 139 1234 5678")
    western = make_person(real_name="Younghee Kim", sex="female")
    decomposed = make_person(real_name=nfd("최미란"), sex="female")
    # As the old rule stored them; the decomposed one with an index over its NFD form.
    _old_style(Person, chinese, real_name_masked="王美华 OO")
    _old_style(Person, given_only, real_name_masked="Sunhee OO")
    _old_style(Person, western, real_name_masked="Younghee OO")
    _old_style(Person, decomposed, real_name_masked="최OO", real_name_bidx="0" * 64)

    remask, apps = _migration("cases", "0003_remask_pseudonyms")
    remask(apps, None)

    masked = dict(Person.objects.values_list("pk", "real_name_masked"))
    assert masked == {
        chinese.pk: "王OO",
        given_only.pk: "OO",
        western.pk: "Kim OO",
        decomposed.pk: "최OO",
    }
    assert Person.objects.get(pk=given_only.pk).phone_masked == "•••78"
    found = records.filter_by(Person.objects.all(), "real_name", "최미란")
    assert list(found) == [decomposed]


@pytest.mark.django_db
def test_the_migration_re_masks_the_stored_pseudonym_when_the_key_is_missing():
    unreadable = make_person(real_name="Sunhee Smith", sex="female")
    kept = make_person(real_name="Kim Young-hee", sex="female")
    _old_style(Person, unreadable, real_name_masked="Sunhee OO")
    _old_style(Person, kept, real_name_masked="Kim OO")
    # Wrapped by a master key the keyring no longer holds: the plain name cannot be read.
    DataKey.objects.filter(pk__in=[unreadable.data_key_id, kept.data_key_id]).update(
        master_key_id="mk-retired"
    )

    remask, apps = _migration("cases", "0003_remask_pseudonyms")
    remask(apps, None)

    assert Person.objects.get(pk=unreadable.pk).real_name_masked == "OO"
    assert Person.objects.get(pk=kept.pk).real_name_masked == "Kim OO"


@pytest.mark.django_db
def test_the_migration_gives_shredded_records_the_shredded_pseudonym():
    from safepassage.vault import services

    person = make_person(real_name="Han Ji-won", sex="female", phone="+86 139 1234 5678")
    services.shred(record_obj=person, actor="tester", reason="migration test")
    # A record shredded before shredding blanked pseudonyms, with its indexes still set.
    _old_style(
        Person, person, real_name_masked="Han OO", phone_masked="•••78", real_name_bidx="1" * 64
    )

    remask, apps = _migration("cases", "0003_remask_pseudonyms")
    remask(apps, None)

    row = Person.objects.values("real_name_masked", "phone_masked", "real_name_bidx").get()
    assert row == {"real_name_masked": "•••", "phone_masked": "•••", "real_name_bidx": None}


@pytest.mark.django_db
def test_the_migration_re_masks_donors():
    western = donors.donor_create(actor=None, name="Jane Smith", email="j@example.org")
    korean = donors.donor_create(actor=None, name="Oh Seoyeon")
    _old_style(Donor, western, name_masked="Jane OO")
    _old_style(Donor, korean, name_masked="Oh OO")

    remask, apps = _migration("funds", "0007_remask_donor_pseudonyms")
    remask(apps, None)

    assert dict(Donor.objects.values_list("pk", "name_masked")) == {
        western.pk: "OO",
        korean.pk: "Oh OO",
    }
    assert list(records.filter_by(Donor.objects.all(), "email", "J@example.org")) == [western]


def test_every_name_pseudonym_is_covered_by_a_re_masking_migration():
    """A model that masks a name and is not re-masked would keep old pseudonyms."""
    from django.apps import apps

    covered = {"cases.Person", "funds.Donor"}
    masked = {
        model._meta.label
        for model in apps.get_models()
        if any(f.mask is masks.name for f in protected_fields(model).values())
    }
    assert masked == covered
