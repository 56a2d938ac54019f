"""Tables of a release: what is hidden and why, the same pattern on every run, and the
awkward periods (nobody, one person, a family of nine, people with nothing recorded)."""

from __future__ import annotations

import random

from safepassage.reports.disclosure import Person, Settings, TableSpec, control_tables
from safepassage.reports.tests.disclosure_population import atomic_intervals

MONTHS = ["2026-01", "2026-02", "2026-03"]
SPECS = [
    TableSpec("headline", ()),
    TableSpec("per_month", ("month",)),
    TableSpec("who", ("who",)),
    TableSpec("where", ("home",)),
]


def crowd(n, month="2026-01", **kw) -> list[Person]:
    base = {"sex": "female", "birth_year": 1980, "province": "pyongyang", "born_abroad": False}
    base.update(kw)
    return [Person(family=f"{month}-{kw}-{i}", month=month, **base) for i in range(n)]


def rows(outcome, key) -> dict:
    return {r["key"]: r["value"] for r in outcome.tables[key]["rows"]}


def hidden_are_safe(outcome, history=()):
    intervals = atomic_intervals([*history, *outcome.figures])
    assert all(hi - lo >= Settings().width for lo, hi in intervals.values()), intervals


def test_a_small_cell_is_hidden_with_a_partner_and_each_says_why():
    people = crowd(6) + crowd(4, sex="male") + crowd(1, sex="", birth_year=None)
    outcome = control_tables(people, SPECS, months=MONTHS, release="q1")

    who = rows(outcome, "who")
    assert who["women"] == 6
    assert who["age_not_recorded"] is None
    reasons = {d["cell"]: d for d in outcome.decisions}
    assert reasons["q1:who:age_not_recorded"]["reason"] == "primary"
    partners = [d for d in outcome.decisions if d["reason"] == "secondary"]
    assert partners
    assert all(d["protects"] for d in partners)
    assert all(len(d["interval"]) == 2 for d in outcome.decisions)
    hidden_are_safe(outcome)


def test_sex_not_recorded_is_its_own_row_never_guessed():
    people = crowd(3) + crowd(3, sex="") + crowd(3, sex="male")
    outcome = control_tables(people, [TableSpec("sex", ("sex",))], months=MONTHS, release="r")
    assert rows(outcome, "sex")["not_recorded"] == 3
    assert rows(outcome, "sex")["female"] == 3


def test_a_cross_table_leaves_out_cells_nobody_can_be_in():
    people = crowd(3) + crowd(3, sex="male")
    outcome = control_tables(
        people, [TableSpec("who_sex", ("who", "sex"))], months=MONTHS, release="r"
    )
    assert "women|male" not in rows(outcome, "who_sex")
    assert "women|female" in rows(outcome, "who_sex")


def test_a_province_too_small_shows_its_region_and_a_small_region_goes_to_north_korea():
    people = (
        crowd(3, province="north_hamgyong")
        + crowd(1, province="ryanggang")
        + crowd(2, province="rason")
        + crowd(1, province="kaesong")
        + crowd(2, province="chagang")
    )
    outcome = control_tables(people, [TableSpec("where", ("home",))], months=MONTHS, release="r")
    where = rows(outcome, "where")
    assert where["north_east"] == 6
    assert "north_hamgyong" not in where
    assert "north_korea" in where  # chagang's north and kaesong's south, together
    hidden_are_safe(outcome)


def test_the_same_data_and_history_give_the_same_pattern_whatever_the_order():
    rng = random.Random(7)
    people = []
    for n in range(40):
        people += crowd(
            rng.choice([1, 1, 2, 3]),
            month=rng.choice(MONTHS),
            sex=rng.choice(["female", "male", ""]),
            birth_year=rng.choice([None, 1950, 1990, 2015, 2010]),
            province=rng.choice(["", "pyongyang", "ryanggang", "kaesong"]),
            born_abroad=n % 9 == 0,
        )
    first = control_tables(people, SPECS, months=MONTHS, release="q1")
    shuffled = people[:]
    rng.shuffle(shuffled)
    second = control_tables(shuffled, SPECS, months=MONTHS, release="q1")
    assert first.figures == second.figures
    assert first.decisions == second.decisions


def test_a_cell_an_earlier_release_hid_stays_hidden_and_says_which():
    people = crowd(5) + crowd(1, sex="male") + crowd(4, sex="male", birth_year=2015)
    before = control_tables(people, SPECS, months=MONTHS, release="q1")
    # The children's row is hidden only to protect a smaller one: not below k itself.
    assert {d["cell"]: d["reason"] for d in before.decisions}["q1:who:child"] == "secondary"
    again = control_tables(
        people,
        [TableSpec("who_again", ("who",))],
        months=MONTHS,
        history=before.figures,
        release="q1c",
    )
    reason = {d["cell"]: d for d in again.decisions}["q1c:who_again:child"]
    assert reason["reason"] == "consistency"
    assert reason["release"] == "q1"
    hidden_are_safe(again, before.figures)


def test_a_period_with_nobody_rescued_shows_no_crossing_cell():
    outcome = control_tables([], SPECS, months=MONTHS, release="r")
    assert all(value is None for value in rows(outcome, "who").values())
    hidden_are_safe(outcome)


def test_a_period_of_one_person_shows_no_cell_of_them():
    outcome = control_tables(crowd(1), SPECS, months=MONTHS, release="r")
    assert all(v is None for v in rows(outcome, "who").values())
    assert all(v is None for v in rows(outcome, "where").values())
    hidden_are_safe(outcome)


def test_a_family_of_nine_counts_once():
    family = [Person("big", "2026-02", "female", 1980, "pyongyang", False) for _ in range(9)]
    outcome = control_tables(family + crowd(4, sex="male"), SPECS, months=MONTHS, release="r")
    assert rows(outcome, "who")["women"] is None  # nine people, one contributor
    assert rows(outcome, "who")["men"] == 4
    hidden_are_safe(outcome)
