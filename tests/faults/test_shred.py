"""kill -9 inside a shred: the record is either fully shredded or untouched."""

from __future__ import annotations

import pytest

from safepassage.cases.models import Person
from safepassage.testing.people import make_person
from safepassage.vault import records
from safepassage.vault.errors import Shredded
from tests.faults.site import killed


def test_a_shred_killed_after_destroying_the_key_leaves_the_record_untouched(site, audit_verifies):
    person = make_person(real_name="김순희", phone="+86 139 0000 5521", birth_year=1988)
    other = make_person(real_name="王美华", phone="+86 139 0000 7788")
    index_before = Person.objects.filter(pk=person.pk).values_list("real_name_bidx", "phone_bidx")[
        0
    ]
    args = ("shred", "cases.person", person.code, "--reason", "asked to be forgotten", "--yes")

    first = site.run(*args, fault="vault.shred.key_destroyed")

    assert killed(first), first.stderr
    person = Person.objects.get(pk=person.pk)
    assert records.read(person, "real_name") == "김순희"
    assert (
        Person.objects.filter(pk=person.pk).values_list("real_name_bidx", "phone_bidx")[0]
        == index_before
    )
    audit_verifies()

    second = site.run(*args)

    assert second.returncode == 0, second.stderr
    person = Person.objects.get(pk=person.pk)
    with pytest.raises(Shredded):
        records.read(person, "real_name")
    assert person.data_key.wrapped is None
    assert (person.real_name_bidx, person.phone_bidx) == (None, None)
    assert records.read(Person.objects.get(pk=other.pk), "real_name") == "王美华"
    audit_verifies()
