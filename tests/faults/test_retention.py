"""kill -9 in the middle of a retention sweep: no case is left half-shredded."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from safepassage.cases import services
from safepassage.cases.models import Case, Person, Status
from safepassage.testing.people import make_case, make_person
from safepassage.vault import records
from safepassage.vault.errors import Shredded
from tests.faults.site import killed


def _closed_long_ago(*names: str) -> Case:
    case = make_case()
    for name in names:
        person = make_person(case=case, real_name=name, birth_year=1980)
        for status in (Status.DECLINED, Status.CLOSED):
            services.person_set_status(actor=None, person=person, to_status=status)
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - dt.timedelta(days=400))
    return case


def _readable(person: Person) -> bool:
    try:
        records.read(Person.objects.get(pk=person.pk), "real_name")
    except Shredded:
        return False
    return True


def test_a_sweep_killed_inside_the_second_case_leaves_it_whole_and_a_re_run_finishes(
    site, audit_verifies
):
    first = _closed_long_ago("이영희", "Younghee Lee")
    second = _closed_long_ago("박철수", "陈志明")
    first_people, second_people = list(first.people.all()), list(second.people.all())
    # Records shredded in order: case, its people. The 5th key destroyed is the second
    # case's first person: the second case's own key is destroyed too, in the same
    # transaction, when the process dies.
    killed_run = site.run("retention", fault="vault.shred.key_destroyed@5", RETENTION_DAYS="30")

    assert killed(killed_run), killed_run.stderr
    assert [_readable(p) for p in first_people] == [False, False]
    assert [_readable(p) for p in second_people] == [True, True]
    assert Case.objects.get(pk=second.pk).data_key.wrapped is not None
    assert list(services.retention_due(now=timezone.now() + dt.timedelta(days=3650))) == [
        Case.objects.get(pk=second.pk)
    ]
    audit_verifies()

    again = site.run("retention", RETENTION_DAYS="30")

    assert again.returncode == 0, again.stderr
    assert f"{second.code}" in again.stdout
    assert first.code not in again.stdout
    assert [_readable(p) for p in second_people] == [False, False]
    assert Person.objects.filter(birth_year=1980).count() == 4
    audit_verifies()


@pytest.fixture(autouse=True)
def _no_other_closed_cases(site):
    assert not Case.objects.filter(closed_at__isnull=False).exists()
