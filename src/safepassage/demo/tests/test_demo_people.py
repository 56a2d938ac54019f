"""The demo's people are like those of a real list: a few children came from a published
list that gave no sex, and they stay "not recorded", never given a guessed one."""

from __future__ import annotations

import random

import pytest
from django.utils import timezone, translation

from safepassage.cases.models import Person, Sex
from safepassage.demo import generate

pytestmark = pytest.mark.django_db


def test_a_few_demo_children_have_no_sex_recorded(demo):
    people = Person.objects.all()
    unknown = list(people.filter(sex=Sex.NOT_RECORDED))
    # About 3% of the people: enough to show on every list and count, not a crowd.
    assert 1 <= len(unknown) <= 0.06 * people.count()
    year = timezone.localdate().year
    assert all(year - person.birth_year < 18 for person in unknown)
    with translation.override("en"):
        assert {person.get_sex_display() for person in unknown} == {"Not recorded"}


def test_generated_people_are_sometimes_without_a_recorded_sex():
    rng = random.Random(7)
    sexes = [generate.person_fields(rng)["sex"] for _ in range(2000)]
    assert 0.01 < sexes.count(Sex.NOT_RECORDED) / len(sexes) < 0.06
    assert set(sexes) == {Sex.FEMALE, Sex.MALE, Sex.NOT_RECORDED}
