"""Lists and exports of people single no one out: every row's sex, birth year, province
and pseudonym is shared by at least k rows (the status is shown as it is), unless the
user revealed exact values (audited), and the person's own page keeps them exact.

The checks count the exported values themselves; they do not call the generalising code.
"""

from __future__ import annotations

import csv
import io
import random
import unicodedata
from collections import Counter

import pytest

from safepassage.audit.models import AuditEntry
from safepassage.cases import services
from safepassage.cases.disclosure import Row, generalise
from safepassage.cases.importing.vocabulary import parse_province
from safepassage.cases.models import Person, Province, Status
from safepassage.testing.people import make_person

pytestmark = pytest.mark.django_db

QUASI = ("sex", "birth_year", "province", "pseudonym")
NAMES = [
    "김영희",
    unicodedata.normalize("NFD", "김순희"),
    "박철수",
    "리명숙",
    "王美华",
    "李明",
    "Sunhee",
    "Kim Young-hee",
    "Younghee Kim",
    "Choi Eun-ji",
    "Pak Chol",
    "Ri Hyang",
]
# The importer's vocabulary: one code, whatever the spelling.
SPELLINGS = [
    ("North Hamgyong", "함경북도"),
    ("Hamgyong-pukto", "함북"),
    ("Ryanggang", "양강도"),
    ("Pyongyang City", "평양"),
    ("South Pyongan", "평남"),
]


def population(rng: random.Random, size: int) -> list[Person]:
    people = []
    for n in range(size):
        kind = n % 10
        born_abroad = kind == 7
        spellings = rng.choice(SPELLINGS)
        province = "" if born_abroad or kind == 8 else parse_province(rng.choice(spellings))
        person = make_person(
            real_name=f"{rng.choice(NAMES)}{'' if n % 3 else f' {n}'}",
            sex=rng.choice(["female", "female", "female", "male"]),
            birth_year=None if kind == 9 else rng.randint(1940, 2024),
            province=province,
            born_abroad=born_abroad,
        )
        if kind in (3, 6):
            services.person_set_status(actor=None, person=person, to_status=Status.IN_HIDING)
        people.append(person)
    # Rows from an old spreadsheet that gave no sex.
    Person.objects.filter(pk__in=[p.pk for p in people[::11]]).update(sex="")
    return people


def export(client) -> list[dict[str, str]]:
    response = client.get("/people/export.csv")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


def table(html: str) -> str:
    """The list's rows, without the filter form (which names every province)."""
    return html[html.index("<tbody>") : html.index("</tbody>")]


def assert_k_anonymous(rows: list[dict[str, str]], k: int) -> None:
    tuples = Counter(tuple(row[q] for q in QUASI) for row in rows)
    for row in rows:
        values = tuple(row[q] for q in QUASI)
        assert not any(values) or tuples[values] >= k, (values, tuples[values])


def test_provinces_written_two_ways_are_one_code():
    for english, korean in SPELLINGS:
        assert parse_province(english) == parse_province(korean) in Province.values


def test_every_exported_row_is_shared_by_k_rows(sign_in, director, settings):
    settings.EXPORT_MIN_GROUP = 3
    population(random.Random(12), 60)

    rows = export(sign_in(director))

    assert len(rows) == 60
    assert_k_anonymous(rows, 3)
    # Still useful: most rows keep something beyond nothing at all.
    assert sum(1 for row in rows if any(row[q] for q in QUASI)) >= 30
    # Never a name; a year or province only where k rows share it.
    body = "".join(",".join(row.values()) for row in rows)
    for name in NAMES:
        assert unicodedata.normalize("NFC", name) not in body


def test_a_larger_k_is_honoured(sign_in, director, settings):
    settings.EXPORT_MIN_GROUP = 5
    population(random.Random(5), 40)

    assert_k_anonymous(export(sign_in(director)), 5)


def test_a_person_who_stands_out_is_generalised_in_lists_but_exact_on_their_page(
    sign_in, case_worker, settings
):
    settings.EXPORT_MIN_GROUP = 3
    for n in range(6):
        make_person(real_name=f"Kim Crowd-{n}", sex="female", birth_year=1990 + n)
    odd = make_person(real_name="Choi Odd", sex="male", birth_year=1931, province="kaesong")
    services.person_set_status(actor=None, person=odd, to_status=Status.IN_HIDING)
    services.person_set_status(actor=None, person=odd, to_status=Status.AWAITING_RESCUE)
    client = sign_in(case_worker)

    listed = table(client.get("/people/").content.decode())
    queued = client.get("/people/queue/").content.decode()
    page = client.get(f"/people/{odd.code}/").content.decode()

    assert odd.code in listed
    assert odd.code in queued
    for html in (listed, queued):
        assert "1931" not in html
        assert "Kaesong" not in html
        assert "Choi OO" not in html
    # Six women born 1990 to 1995: one ten-year band, not six single years.
    assert "<td>1990</td>" not in listed
    assert listed.count("<td>1990\N{EN DASH}1999</td>") == 6
    assert "1931" in page
    assert "Kaesong" in page


def test_exact_values_after_an_audited_reason_only(sign_in, case_worker, settings):
    settings.EXPORT_MIN_GROUP = 3
    odd = make_person(real_name="Ri Alone", sex="male", birth_year=1931, province="kaesong")
    client = sign_in(case_worker)

    refused = client.post("/people/exact/", {"reason": ""})
    assert refused.status_code == 302
    assert "1931" not in client.get("/people/").content.decode()

    response = client.post("/people/exact/", {"reason": "checking the intake sheet"})
    assert response.status_code == 302
    assert response["Location"] == "/people/"
    entry = AuditEntry.objects.get(action="cases.people_exact_shown")
    assert entry.actor_id == case_worker.user.pk
    listed = table(client.get("/people/").content.decode())
    assert "1931" in listed
    assert "Ri OO" in listed
    assert odd.code in listed


@pytest.mark.parametrize("k", [2, 3, 5])
def test_generalise_leaves_no_row_alone_whatever_the_population(k):
    rng = random.Random(k)
    rows = [
        Row(
            sex=rng.choice(["female", "male", ""]),
            birth_year=rng.choice([None, *range(1930, 2026)]),
            province=rng.choice(["", *Province.values]),
            born_abroad=False,
            status=rng.choice(Status.values),
            surname=rng.choice(["Kim OO", "Ri OO", "王 OO", "S OO", ""]),
        )
        for _ in range(rng.randint(1, 200))
    ]

    shown = generalise(rows, k=k, year=2026)

    counts = Counter(s.key() for s in shown)
    assert all(s.suppressed or counts[s.key()] >= k for s in shown)
    # The status is what the list is for: never blanked, never counted in the crowd.
    assert [s.status for s in shown] == [row.status for row in rows]


def test_generalise_changes_nothing_when_everyone_is_in_a_crowd():
    rows = [Row("female", 1990, "ryanggang", False, "intake", "Kim OO")] * 3
    assert [s.key() for s in generalise(rows, k=3, year=2026)] == [
        ("female", "1990", "ryanggang", "Kim OO")
    ] * 3
