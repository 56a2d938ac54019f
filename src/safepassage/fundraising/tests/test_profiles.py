"""What a sponsor may know: a generalised profile shared by at least k people, and words
for it in the sponsor's language."""

from __future__ import annotations

import pytest
from django.utils import translation

from safepassage.cases import services as cases
from safepassage.fundraising import profiles
from safepassage.testing.hope import waiting
from safepassage.testing.people import make_case

pytestmark = pytest.mark.django_db


def mother_and_child(birth_year: int = 2000, province: str = "north_hamgyong"):
    case = make_case()
    mother = waiting(case=case, birth_year=birth_year, province=province)
    child = waiting(case=case, birth_year=2023, born_abroad=True, province="", sex="male")
    cases.group_create(actor=None, case=case, label="Family", people=[mother, child])
    mother.refresh_from_db()
    return mother, child


def test_a_profile_shared_by_enough_people_keeps_every_attribute(settings):
    settings.HOPE_PROFILE_MIN_GROUP = 3
    families = [mother_and_child(birth_year=1999 + n, province="ryanggang") for n in range(3)]
    profile = profiles.profile_for(families[0][0])
    assert profile == {
        "level": 0,
        "sex": "female",
        "age": "20s",
        "region": "north_east",
        "with": "young_child",
    }
    with translation.override("en"):
        assert profiles.describe(profile) == (
            "a woman in her 20s from the north-east of North Korea, with a young child"
        )
    with translation.override("ko"):
        words = profiles.describe(profile)
    assert "20대" in words
    assert "북동부" in words


def test_a_rare_combination_is_generalised_until_k_people_share_it(settings):
    settings.HOPE_PROFILE_MIN_GROUP = 3
    mother, _child = mother_and_child(province="kaesong")
    for year in (1995, 1997):
        mother_and_child(birth_year=year, province="north_pyongan")
    profile = profiles.profile_for(mother)
    # Three women in their 20s or so with a young child, in three different regions: the
    # region goes first.
    assert "region" not in profile
    assert profile["level"] >= 1
    assert profile["sex"] == "female"


def test_a_person_nobody_resembles_is_described_without_a_single_attribute(settings):
    settings.HOPE_PROFILE_MIN_GROUP = 5
    alone = waiting(birth_year=1940, sex="male", province="kaesong")
    profile = profiles.profile_for(alone)
    assert profile == {"level": len(profiles.LEVELS)}
    with translation.override("en"):
        assert profiles.describe(profile) == "a person awaiting rescue"


def test_no_profile_ever_holds_a_birth_year_a_province_or_a_code(settings):
    settings.HOPE_PROFILE_MIN_GROUP = 2
    mother, _ = mother_and_child()
    mother_and_child()
    profile = profiles.profile_for(mother)
    values = {str(v) for v in profile.values()}
    assert str(mother.birth_year) not in values
    assert mother.province not in values
    assert mother.code not in values
