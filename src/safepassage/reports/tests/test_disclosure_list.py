"""The published list: every entry shares all it shows (month or period, group size,
sex, birth year or band, home, surname) with people of at least k - 1 other families,
each entry is true of its person, and the held-back people are counted. The checks
count the published values themselves, apart from the generalising code."""

from __future__ import annotations

from collections import defaultdict

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings

from safepassage.cases.regions import REGION_OF
from safepassage.reports.disclosure import Person, Settings, control_list, held_back_statement
from safepassage.reports.tests.disclosure_population import people_of, populations

K = Settings().k


def assert_crowds(outcome, k=K):
    crowd = defaultdict(set)
    for person, entry, bucket, size in outcome.listed:
        crowd[(bucket, size, *sorted(entry.items()))].add(person.family)
    for person, entry, bucket, size in outcome.listed:
        assert len(crowd[(bucket, size, *sorted(entry.items()))]) >= k, (person, entry)


def assert_true_of(person: Person, entry: dict, bucket: str):
    assert bucket in ("", person.month)
    # "" is held back; a sex the source did not give is published as "not_recorded".
    assert entry["sex"] in ("", person.sex or "not_recorded")
    assert entry["surname"] in ("", person.surname)
    born = entry["born"]
    if born and born not in ("adult", "child"):
        first, _, last = born.partition("-")
        assert int(first) <= person.birth_year <= int(last or first)
    elif born:
        age = int(person.month[:4]) - person.birth_year
        assert (age >= 18) == (born == "adult")
    home = entry["home"]
    if person.born_abroad:
        assert home in ("", "abroad")
    elif home:
        assert home in (person.province, REGION_OF.get(person.province), "north_korea")


def published_count(outcome) -> int:
    return sum(len(g["entries"]) for m in outcome.section["months"] for g in m["groups"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(populations)
def test_every_listed_entry_hides_among_k_families_and_is_true(families):
    people = people_of(families)
    outcome = control_list(people, release="r")

    assert_crowds(outcome)
    for person, entry, bucket, _size in outcome.listed:
        assert_true_of(person, entry, bucket)
    assert published_count(outcome) + outcome.held_back == len(people)
    assert outcome.section["held_back"] == outcome.held_back


def test_a_period_with_nobody_rescued_lists_nobody():
    outcome = control_list([], release="r")
    assert outcome.section == {"months": [], "held_back": 0}
    assert outcome.figures == []


def test_one_person_alone_is_held_back_and_said_so():
    outcome = control_list(
        [Person("f1", "2026-05", "male", 1980, "ryanggang", False, "Kim OO")], release="r"
    )
    assert outcome.held_back == 1
    assert published_count(outcome) == 0
    with translation.override("en"):
        assert held_back_statement(2) == "2 people are not listed, to protect them."
        assert held_back_statement(1) == "1 person is not listed, to protect them."


def test_a_family_of_nine_does_not_hide_itself():
    family = [Person("big", "2026-02", "female", 1990, "", False, "Ri OO") for _ in range(9)]
    others = [Person(f"o{n}", "2026-02", "female", 1990, "", False, "Ri OO") for n in range(2)]
    alone = control_list(family, release="r")
    assert alone.held_back == 9  # one contributor, however many people
    mixed = control_list(family + others, release="r")
    assert_crowds(mixed)
    # The family's size would single it out: the month is listed without families.
    assert all(g["size"] == 0 for m in mixed.section["months"] for g in m["groups"])
    assert mixed.held_back == 0


def test_a_month_with_one_man_goes_to_the_period():
    people = [
        Person(f"w{n}", "2026-04", "male", 1980 + n, "north_hamgyong", False, "") for n in range(3)
    ] + [Person("m", "2026-05", "male", 1981, "north_hamgyong", False, "")]
    outcome = control_list(people, release="r")
    assert_crowds(outcome)
    assert outcome.held_back == 0
    assert [m["month"] for m in outcome.section["months"]] == [""]


def test_no_birth_year_no_province_and_no_sex_are_their_own_values_never_guessed():
    people = [Person(f"f{n}", "2026-03", "", None, "", False, "") for n in range(3)]
    outcome = control_list(people, release="r")
    entries = [e for _p, e, _b, _s in outcome.listed]
    assert entries == [{"surname": "", "sex": "not_recorded", "born": "", "home": ""}] * 3


@pytest.mark.parametrize("k", [2, 3, 5])
def test_the_list_obeys_k(k):
    people = [
        Person(f"f{n}", "2026-03", "female", 1970 + n, "pyongyang", False, "Kim OO")
        for n in range(12)
    ]
    outcome = control_list(people, release="r", settings=Settings(k=k))
    assert_crowds(outcome, k)
    assert outcome.held_back == 0


def test_the_same_people_in_another_order_give_the_same_list():
    people = people_of(
        [("2026-01", [("female", 1980 + n, "ryanggang", False, "Kim OO")]) for n in range(7)]
        + [("2026-02", [("male", 1990, "", False, ""), ("", None, "", False, "")])] * 3
    )
    first = control_list(people, release="r")
    second = control_list(list(reversed(people)), release="r")
    assert first.section == second.section
    assert first.figures == second.figures
