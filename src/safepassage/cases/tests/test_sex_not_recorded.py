"""Sex not recorded: a category of its own, never guessed.

Published lists give people without a sex ("Lee OO, Child, born in 2003"). Such a list
imports; the person form offers "Not recorded" as a choice that must be made on purpose;
lists, exports and the disclosure control keep it apart from female and male (sponsors'
profiles: ``fundraising.tests.test_profiles``). Every name here is generated for the test.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.utils import translation

from safepassage.audit.models import AuditEntry
from safepassage.cases import importing
from safepassage.cases.disclosure import NOT_RECORDED, Row, generalise
from safepassage.cases.importing import vocabulary
from safepassage.cases.models import Person, Sex
from safepassage.testing.members import default_team
from safepassage.testing.people import make_person
from safepassage.vault import records

pytestmark = pytest.mark.django_db

HEADER = ["source_id", "surname", "given_name", "sex", "birth_year", "province", "status"]
# A published list as an NGO types it up: sex missing, unknown or only an age word; the
# province written in English and in Korean.
PUBLISHED = [
    ["L-01", "Lee", "Test-OO", "Child", "2003", "North Hamgyong", "arrived"],
    ["L-02", "이", "시험아", "아동", "2005", "함북", "도착"],
    ["L-03", "王", "试华", "", "2010", "North Hamgyong", "arrived"],
    ["L-04", "Pak", "Test-02", "unknown", "1988", "함경북도", "arrived"],
    ["L-05", "최", "시험", "미상", "1971", "Ryanggang", "arrived"],
    ["L-06", "Ri", "Test-03", "N/A", "", "양강도", "arrived"],
    ["L-07", "Kim", "Test-04", "-", "2012", "North Hamgyong", "arrived"],
    ["L-08", "李", "试明", "Infant", "2019", "함북", "arrived"],
    ["L-09", "정", "시험둘", "어린이", "2015", "", "arrived"],
    ["L-10", "Kim", "Test-05", "F", "1990", "North Hamgyong", "arrived"],
    ["L-11", "한", "시험셋", "남", "1985", "량강도", "arrived"],
]


def sheet(rows, header=HEADER) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def run(content: bytes, **options) -> importing.ImportReport:
    return importing.import_cases(content, team=default_team(), actor="test", **options)


# --- the importer -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell",
    ["Child", "child", "Infant", "아동", "어린이", "미상", "unknown", "Unknown", "not given"],
)
def test_a_cell_that_gives_no_sex_reads_as_not_recorded(cell):
    assert vocabulary.parse_sex(cell) == Sex.NOT_RECORDED == ""


def test_a_published_list_without_sexes_imports_as_not_recorded():
    report = run(sheet(PUBLISHED))

    assert report.new_people == len(PUBLISHED)
    people = {records.read(p, "real_name"): p for p in Person.objects.all()}
    not_recorded = {name for name, p in people.items() if p.sex == Sex.NOT_RECORDED}
    assert not_recorded == {
        "Lee Test-OO",
        "이시험아",
        "王 试华",
        "Pak Test-02",
        "최시험",
        "Ri Test-03",
        "Kim Test-04",
        "李 试明",
        "정시험둘",
    }
    assert people["Kim Test-05"].sex == Sex.FEMALE
    assert people["한시험셋"].sex == Sex.MALE
    # The province written two ways is one code.
    assert people["Lee Test-OO"].province == people["이시험아"].province == "north_hamgyong"
    with translation.override("en"):
        assert people["Lee Test-OO"].get_sex_display() == "Not recorded"
        assert any("9 people with sex not recorded" in note for note in report.notes)


def test_a_published_list_imports_once():
    content = sheet(PUBLISHED)
    run(content)
    before = Person.objects.count()

    again = run(content)

    assert again.new_people == 0
    assert again.already_imported == len(PUBLISHED)
    assert Person.objects.count() == before


def test_a_word_that_is_no_sex_is_still_a_row_error_and_nothing_is_written():
    rows = [*PUBLISHED, ["L-12", "Lee", "Test-06", "banana", "2001", "Chagang", "arrived"]]

    with pytest.raises(importing.ImportRejected) as rejected:
        run(sheet(rows))

    errors = rejected.value.errors
    # The age words and the empty cells are fine; only the banana is named.
    assert [(e.row, e.column) for e in errors] == [(len(rows) + 1, "sex")]
    assert "not a sex" in errors[0].message
    assert Person.objects.count() == 0


# --- the person form ------------------------------------------------------------------------


def test_the_person_form_records_not_recorded_only_when_chosen(sign_in, case_worker):
    client = sign_in(case_worker)
    case = make_person(real_name="Kim Test-Mother").case
    url = f"/cases/{case.code}/people/new/"

    skipped = client.post(url, {"real_name": "Lee Test-Skipped", "birth_year": "2003"})
    assert skipped.status_code == 400
    assert Person.objects.filter(case=case).count() == 1
    page = client.get(url).content.decode()
    assert 'value="not_recorded"' in page
    assert "Not recorded" in page

    added = client.post(
        url, {"real_name": "Lee Test-Child", "sex": "not_recorded", "birth_year": "2003"}
    )

    assert added.status_code == 302
    child = Person.objects.get(case=case, birth_year=2003)
    assert child.sex == Sex.NOT_RECORDED
    entry = AuditEntry.objects.filter(action="cases.person_added").order_by("-seq")[0]
    assert entry.data["sex"] == ""
    assert "Not recorded" in client.get(f"/people/{child.code}/").content.decode()
    assert "Not recorded" in client.get(f"/cases/{case.code}/").content.decode()


def test_a_new_case_takes_a_person_whose_sex_is_not_recorded(sign_in, case_worker):
    response = sign_in(case_worker).post(
        "/cases/new/",
        {
            "case-country": "CN",
            "case-urgency": "routine",
            "case-team": str(default_team().pk),
            "person-real_name": "王 试童",
            "person-sex": "not_recorded",
        },
    )

    assert response.status_code == 302
    assert Person.objects.get().sex == Sex.NOT_RECORDED


# --- lists, exports, disclosure ---------------------------------------------------------------


def test_lists_and_exports_show_not_recorded_as_its_own_category(sign_in, director, settings):
    settings.EXPORT_MIN_GROUP = 1
    child = make_person(real_name="Lee Test-07", sex="", birth_year=2003)
    woman = make_person(real_name="Kim Test-08", sex="female", birth_year=1990)
    client = sign_in(director)

    listed = client.get("/people/").content.decode()
    body = listed[listed.index("<tbody>") : listed.index("</tbody>")]
    row = body[body.index(child.code) :].split("</tr>")[0]
    assert "Not recorded" in row
    assert "Female" not in row

    response = client.get("/people/export.csv")
    exported = {
        r["code"]: r
        for r in csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    }
    assert exported[child.code]["sex"] == "not_recorded"
    assert exported[woman.code]["sex"] == "female"


def test_disclosure_keeps_not_recorded_apart_from_sexes_and_from_held_back():
    unknown = Row("", 2003, "north_hamgyong", False, "arrived", "Lee OO")
    woman = Row("female", 2003, "north_hamgyong", False, "arrived", "Lee OO")
    lone = Row("male", 1931, "kaesong", False, "arrived", "Ri OO")

    shown = generalise([unknown] * 3 + [woman] * 3 + [lone], k=3, year=2026)

    # Three of each share all they show; the not-recorded ones only among themselves.
    assert [s.sex for s in shown[:6]] == [NOT_RECORDED] * 3 + ["female"] * 3
    assert shown[0].key() == (NOT_RECORDED, "2003", "north_hamgyong", "Lee OO")
    with translation.override("en"):
        assert shown[0].sex_label == "Not recorded"
        # A sex held back is not "not recorded": a held-back row must not seem to join them.
        assert shown[6].suppressed
        assert shown[6].sex == ""
        assert shown[6].sex_label == ""
