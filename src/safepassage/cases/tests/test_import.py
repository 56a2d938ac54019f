"""Importing a spreadsheet of cases: messy files in, all or nothing, nothing twice.

Every file here is generated in the test; names are test names ("Kim Test-01", "최시험").
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from safepassage.audit.models import AuditEntry
from safepassage.base.csv_in import source
from safepassage.cases import importing
from safepassage.cases.importing import vocabulary
from safepassage.cases.models import Case, Group, Person, Status, StatusChange
from safepassage.testing.members import default_team
from safepassage.testing.people import make_person
from safepassage.vault import records
from safepassage.vault.models import DataKey

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year
HEADER = [
    "source_id",
    "group",
    "surname",
    "given_name",
    "sex",
    "birth_year",
    "age",
    "province",
    "status",
    "arrived_on",
    "born_abroad",
    "notes",
]
MESSY_ROWS = [
    [
        "S-001",
        "Family Kim-Test",
        "Kim",
        "Test-01",
        "F",
        "1971",
        "",
        "North Hamgyung",
        "arrived",
        "2019-05",
        "",
        "met at the border",
    ],
    [
        "S-002",
        "Family Kim-Test",
        "Kim",
        "Test-02",
        "M",
        "2003",
        "",
        "Hamkyung-buk",
        "arrived",
        "2019-05",
        "",
        "",
    ],
    [
        "S-003",
        "family kim-test ",
        "Ryu",
        "Test-03",
        "girl",
        "2016",
        "",
        "함북",
        "",
        "2019-05",
        "",
        "",
    ],
    [],
    ["S-004", "", "최", "시험", "여", "", "45", "평양시", "은신", "", "", ""],
    [
        "S-005",
        "Family Kim-Test",
        "Park",
        "Test-05",
        "female",
        "1980",
        "",
        "Yanggangdo",
        "arrived",
        "2020-01-15",
        "",
        "",
    ],
    ["", "", "Lee", "Test-06", "Woman", "1990", "29", "Yang-kang", "", "2019-03-02", "", ""],
    ["S-007", "", "Han", "Test-07", "M", "", "", "", "detained", "", "", ""],
    [
        "S-008",
        "Choi group",
        "Choi",
        "Test-08",
        "남",
        "1985",
        "",
        "함경남도",
        "in transit",
        "",
        "",
        "",
    ],
    ["S-009", "Choi group", "Choi", "Test-09", "여아", "2015", "", "", "In transit", "", "yes", ""],
]
GIVEN_NAMES = [
    "Test-01",
    "Test-02",
    "Test-03",
    "시험",
    "Test-05",
    "Test-06",
    "Test-07",
    "Test-08",
    "Test-09",
]


def sheet(rows, *, header=HEADER, encoding="utf-8-sig", delimiter=",") -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter)  # "\r\n" line ends, as Excel writes
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def row(**cells) -> list[str]:
    base = {
        "source_id": "",
        "group": "",
        "surname": "Kim",
        "given_name": "Test-99",
        "sex": "F",
        "birth_year": "1990",
        "age": "",
        "province": "Ryanggang",
        "status": "",
        "arrived_on": "2019-05",
        "born_abroad": "",
        "notes": "",
    }
    base.update(cells)
    return [base[name] for name in HEADER]


def run(content: bytes, **options) -> importing.ImportReport:
    options.setdefault("team", default_team())
    options.setdefault("actor", "test")
    return importing.import_cases(content, **options)


def counts() -> dict[str, int]:
    models = (Person, Case, Group, StatusChange, DataKey, AuditEntry)
    return {model.__name__: model.objects.count() for model in models}


def rejected(content: bytes, **options) -> importing.ImportRejected:
    before = counts()
    with pytest.raises(importing.ImportRejected) as caught:
        run(content, **options)
    assert counts() == before, "a rejected import wrote something"
    return caught.value


def only_error(content: bytes) -> importing.RowError:
    errors = rejected(content).errors
    assert len(errors) == 1, [str(e) for e in errors]
    return errors[0]


def by_given_name() -> dict[str, Person]:
    """Imported people by given name (the part after the surname)."""
    people = {}
    for person in Person.objects.select_related("case", "group"):
        name = records.read(person, "real_name")
        people[name.split(" ", 1)[1] if " " in name else name[1:]] = person
    return people


# --- a real file -----------------------------------------------------------------------------


def test_a_messy_file_imports_with_families_provinces_ages_and_statuses():
    content = sheet(MESSY_ROWS)
    assert content.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in content

    report = run(content, country="cn")

    assert (report.rows, report.new_people, report.already_imported) == (9, 9, 0)
    assert (report.cases, report.new_cases, report.families) == (6, 6, 3)
    assert report.summary() == (
        "new people: 9 (in 6 cases, 3 families); already imported: 0; rejected rows: 0"
    )
    assert "Columns not imported: notes." in report.notes
    assert "1 blank rows skipped." in report.notes
    people = by_given_name()
    assert set(people) == set(GIVEN_NAMES)
    kim1, kim2, ryu = people["Test-01"], people["Test-02"], people["Test-03"]
    assert kim1.case == kim2.case == ryu.case
    assert kim1.group == kim2.group == ryu.group
    assert kim1.group is not None
    assert kim1.case.opened_on == dt.date(2019, 5, 1)
    assert kim1.case.country == "CN"
    assert kim1.country == "CN"
    assert people["Test-05"].case != kim1.case, "another arrival date is another family"
    assert people["Test-08"].case == people["Test-09"].case
    assert people["Test-06"].group is None
    assert people["Test-06"].case.groups.count() == 0
    assert sorted(Group.objects.values_list("label", flat=True)) == [
        "Family 1",
        "Family 2",
        "Family 3",
    ]
    assert [
        people[n].province
        for n in (
            "Test-01",
            "Test-02",
            "Test-03",
            "시험",
            "Test-05",
            "Test-06",
            "Test-07",
            "Test-08",
            "Test-09",
        )
    ] == [
        "north_hamgyong",
        "north_hamgyong",
        "north_hamgyong",
        "pyongyang",
        "ryanggang",
        "ryanggang",
        "",
        "south_hamgyong",
        "",
    ]
    assert people["Test-09"].born_abroad
    choi = people["시험"]
    assert (choi.birth_year, choi.birth_year_estimated) == (THIS_YEAR - 45, True)
    assert (kim1.birth_year, kim1.birth_year_estimated) == (1971, False)
    assert [
        people[n].status for n in ("Test-01", "Test-03", "시험", "Test-06", "Test-07", "Test-09")
    ] == [
        Status.ARRIVED,
        Status.ARRIVED,
        Status.IN_HIDING,
        Status.ARRIVED,
        Status.DETAINED,
        Status.IN_TRANSIT,
    ]
    lee = people["Test-06"]
    local = timezone.get_current_timezone()
    assert lee.status_changed_at == dt.datetime(2019, 3, 2, 12, tzinfo=local)
    assert kim1.status_changed_at == dt.datetime(2019, 5, 1, 12, tzinfo=local)
    assert list(lee.status_changes.values_list("from_status", "to_status")) == [
        ("", Status.ARRIVED)
    ]
    assert ryu.sex == "female"
    assert people["Test-08"].sex == "male"
    assert ryu.priority > 0
    assert "child" in ryu.priority_reasons
    assert records.read(choi, "real_name") == "최시험"
    assert records.read(kim1, "real_name") == "Kim Test-01"
    assert list(records.filter_by(Person.objects.all(), "real_name", "kim test-01")) == [kim1]
    assert str(choi.real_name) == "최OO"
    assert str(kim1.real_name) == "Kim OO"

    entry = AuditEntry.objects.get(action="cases.imported")
    assert entry.data["people"] == 9
    assert entry.data["families"] == 3
    assert entry.data["file_sha256"] == hashlib.sha256(content).hexdigest()
    assert entry.data["team"] == str(default_team().pk)
    assert entry.data["dry_run"] is False
    assert AuditEntry.objects.count() == 1, "one entry for the import, not one per row"


def test_the_surname_column_decides_what_the_pseudonym_shows():
    rows = [
        row(source_id="N-1", surname="Namgung", given_name="Test-Minsu"),  # two syllables
        row(source_id="N-2", surname="Smith", given_name="Test-Sunhee"),
        row(source_id="N-3", surname="", given_name="Test-Sunhee"),  # no surname: nothing
        row(source_id="N-4", surname="王", given_name="美华"),
        row(source_id="N-5", surname="Park", given_name="Test-Younghee"),
    ]
    run(sheet(rows))
    masked = sorted(Person.objects.values_list("real_name_masked", flat=True))
    assert masked == sorted(["N. OO", "S. OO", "OO", "王OO", "Park OO"])


def test_names_and_group_texts_are_nowhere_in_clear():
    run(sheet(MESSY_ROWS))

    clear = " ".join(
        str(value)
        for model in (Person, Case, Group, StatusChange)
        for row_values in model.objects.values()
        for name, value in row_values.items()
        if not isinstance(value, bytes | memoryview)
    )
    clear += " ".join(str(entry.data) for entry in AuditEntry.objects.all())
    for secret in [*GIVEN_NAMES, "Kim-Test", "kim-test", "Choi group", "choi group"]:
        assert secret not in clear
    assert "S-001" not in clear, "source ids are stored as keyed hashes only"


def test_importing_the_same_file_again_adds_nothing():
    content = sheet(MESSY_ROWS)
    run(content)
    before = counts()

    again = run(content)

    assert (again.new_people, again.already_imported, again.cases) == (0, 9, 0)
    assert "Nothing new: every row was imported before." in again.notes
    after = counts()
    assert after.pop("AuditEntry") == before.pop("AuditEntry") + 1  # the attempt is logged
    assert after == before


def test_a_new_family_member_in_a_later_import_joins_the_family():
    run(sheet(MESSY_ROWS))
    grown = [
        *MESSY_ROWS,
        [
            "S-010",
            "FAMILY KIM-TEST",
            "Kim",
            "Test-10",
            "M",
            "2012",
            "",
            "함북",
            "arrived",
            "2019-05",
            "",
            "",
        ],
    ]

    report = run(sheet(grown))

    assert (report.new_people, report.new_cases, report.families) == (1, 0, 1)
    people = by_given_name()
    assert people["Test-10"].case == people["Test-01"].case
    assert people["Test-10"].group == people["Test-01"].group


def test_the_same_rows_in_another_team_are_new_there():
    from safepassage.cases.models import Team

    run(sheet(MESSY_ROWS))
    other = Team.objects.create(name="Other test team")

    assert run(sheet(MESSY_ROWS), team=other).new_people == 9


def test_a_dry_run_reports_the_same_and_writes_nothing():
    content = sheet(MESSY_ROWS)
    before = counts()

    dry = run(content, dry_run=True)

    assert counts() == before
    real = run(content)
    assert dry.dry_run
    assert not real.dry_run
    assert dry.summary() == real.summary()
    assert dry.notes == real.notes


def test_a_korean_excel_file_in_cp949_imports():
    content = sheet(
        [
            row(
                source_id="K1",
                surname="김",
                given_name="시험일",
                sex="여",
                province="함경북도",
                status="도착",
            ),
            row(
                source_id="K2",
                surname="박",
                given_name="시험이",
                sex="남",
                province="량강도",
                status="이동중",
                arrived_on="",
            ),
        ],
        encoding="cp949",
    )
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")

    report = run(content)

    assert report.new_people == 2
    assert report.encoding == "cp949"
    assert any("CP949" in note for note in report.notes)
    assert {records.read(p, "real_name") for p in Person.objects.all()} == {"김시험일", "박시험이"}
    assert set(Person.objects.values_list("province", "status")) == {
        ("north_hamgyong", Status.ARRIVED),
        ("ryanggang", Status.IN_TRANSIT),
    }


def test_excel_unicode_text_utf16_with_tabs_imports():
    content = sheet(
        [row(source_id="U1", surname="Kim", given_name="Test-11")],
        encoding="utf-16",
        delimiter="\t",
    )
    assert content[:2] in (b"\xff\xfe", b"\xfe\xff")

    assert run(content).new_people == 1
    assert records.read(Person.objects.get(), "real_name") == "Kim Test-11"


def test_a_row_without_source_id_is_keyed_on_its_content():
    content = sheet([row(given_name="Test-12"), row(given_name="Test-13")])
    assert run(content).new_people == 2
    assert run(content).already_imported == 2
    keys = Person.objects.values_list("source_key", flat=True)
    assert all(key.startswith("csvrow:") and len(key) <= 64 for key in keys)


# --- bad input: a clear error naming row and column, and nothing written ----------------------


@pytest.mark.parametrize(
    ("cells", "column", "fragment"),
    [
        ({"birth_year": str(THIS_YEAR + 1), "arrived_on": ""}, "birth_year", "future"),
        (
            {"birth_year": "1990", "age": "10", "arrived_on": "2019-05"},
            "age",
            "does not fit birth year 1990",
        ),
        ({"birth_year": "2020", "arrived_on": "2019-05"}, "birth_year", "after the arrival"),
        ({"province": "Seoul"}, "province", "unknown province “Seoul”"),
        ({"province": "Hamgyong"}, "province", "ambiguous"),
        ({"province": "평안도"}, "province", "ambiguous"),
        ({"surname": "=cmd|' /C calc'!A0"}, "surname", "formula"),
        ({"given_name": "+SUM(A1:A9)"}, "given_name", "formula"),
        ({"given_name": "@SUM(A1)"}, "given_name", "formula"),
        ({"group": "-2+3"}, "group", "formula"),
        ({"given_name": "\tTest"}, "given_name", "formula"),
        ({"given_name": "Test\x00-14"}, "given_name", "control characters"),
        ({"given_name": "Test\u202e-15"}, "given_name", "control characters"),
        ({"given_name": "x" * 1500}, "given_name", "longer than 1000"),
        ({"sex": "X"}, "sex", "not a sex"),
        ({"sex": "banana"}, "sex", "leave the cell empty if the source does not say"),
        ({"surname": "", "given_name": ""}, "surname", "a name is needed"),
        ({"status": "somewhere"}, "status", "unknown status"),
        ({"arrived_on": "05/03/2019"}, "arrived_on", "not a date"),
        ({"arrived_on": f"{THIS_YEAR + 1}-01-01"}, "arrived_on", "in the future"),
        ({"age": "200", "birth_year": ""}, "age", "between 0 and 120"),
        ({"born_abroad": "yes", "province": "Chagang"}, "province", "born outside"),
    ],
)
def test_a_bad_cell_is_named_by_row_and_column_and_nothing_is_written(cells, column, fragment):
    content = sheet([row(source_id="A1", given_name="Test-20"), row(source_id="A2", **cells)])

    error = only_error(content)

    assert (error.row, error.column) == (3, column)
    assert fragment in error.message
    assert str(error).startswith(f"Row 3, column {column}: ")


def test_error_messages_never_quote_a_name():
    content = sheet(
        [
            row(surname="Kim", given_name="Secret-Test", province="Atlantis"),
            row(surname="=Kim", given_name="Secret-Test"),
        ]
    )

    text = " ".join(str(e) for e in rejected(content).errors)

    assert "Atlantis" in text
    assert "Secret" not in text
    assert "Kim" not in text


def test_every_bad_row_is_reported_not_just_the_first():
    rows = [row(source_id=f"R{n}", given_name=f"Test-{n}") for n in range(10)]
    rows[1][HEADER.index("province")] = "Nowhere"
    rows[4][HEADER.index("sex")] = "banana"  # "?" or "" is "not recorded", no error
    rows[7][HEADER.index("birth_year")] = "19x0"
    rows[7][HEADER.index("province")] = "Hwanghae"

    failure = rejected(sheet(rows))

    assert [(e.row, e.column) for e in failure.errors] == [
        (3, "province"),
        (6, "sex"),
        (9, "province"),
        (9, "birth_year"),
    ]
    assert (failure.error_count, failure.rejected_rows) == (4, 3)


def test_a_ten_megabyte_cell_is_refused_by_row_and_column():
    content = sheet(
        [row(source_id="B1"), row(source_id="B2", given_name="y" * 10_000_000), row(source_id="B3")]
    )

    error = only_error(content)

    assert (error.row, error.column) == (3, "given_name")
    assert "longer than" in error.message


def test_a_ten_megabyte_quoted_cell_spanning_lines_is_refused_too():
    content = sheet([row(source_id="B1", given_name="line\n" * 2_000_000)])

    error = only_error(content)

    assert (error.row, error.column) == (2, "given_name")


def test_a_quote_never_closed_is_named():
    content = sheet([row(source_id="Q1")]) + b'Q2,,Kim,"Test-30,F,1990\r\nQ3,,Kim\r\n'

    error = only_error(content)

    assert (error.row, error.column) == (3, "given_name")
    assert "never closed" in error.message


def test_missing_columns_are_listed_by_name():
    header = ["source_id", "Given Name", "province"]
    error = only_error(sheet([["M1", "Test-40", "Chagang"]], header=header))

    assert error.row == 1
    assert "surname or given_name" not in error.message
    assert "sex" in error.message

    error = only_error(sheet([["M1", "Chagang"]], header=["source_id", "province"]))
    assert "surname or given_name" in error.message
    assert "sex" in error.message


def test_a_file_without_a_header_row_does_not_quote_its_first_person():
    content = sheet([row(source_id="N2", given_name="Test-42")], header=row(given_name="Test-41"))

    failure = rejected(content)

    text = " ".join([*map(str, failure.errors), *failure.notes])
    assert "required columns missing" in text
    assert "Test-41" not in text
    assert "Kim" not in text


def test_an_old_mac_file_with_carriage_returns_only_imports():
    content = sheet([row(source_id="R1"), row(source_id="R2")]).replace(b"\r\n", b"\r")

    assert run(content).new_people == 2


def test_a_header_is_read_whatever_its_case_and_spacing():
    header = ["Source ID", "SURNAME", "Given-Name", "Sex", "Birth Year"]
    report = run(sheet([["H1", "Kim", "Test-41", "F", "1990"]], header=header))
    assert report.new_people == 1
    assert not report.notes


def test_undecodable_bytes_are_named_by_offset_and_row():
    content = sheet([row(source_id="D1")], encoding="utf-8") + b"D2,,Kim,\x80\xff\x80,F\r\n"

    error = only_error(content)

    assert error.row == 3
    assert f"byte {content.index(b'\x80')}" in error.message


def test_an_excel_workbook_is_told_apart_from_csv():
    error = only_error(b"PK\x03\x04" + b"\x00" * 100)
    assert "Excel workbook" in error.message


def test_a_file_over_the_size_limit_is_refused_unread(monkeypatch):
    monkeypatch.setattr(source, "MAX_FILE_BYTES", 1000)
    error = only_error(sheet([row(source_id=f"Z{n}") for n in range(50)]))
    assert "larger than" in error.message


def test_a_repeated_source_id_names_both_rows():
    content = sheet(
        [
            row(source_id="D1", given_name="Test-50"),
            row(source_id="D2"),
            row(source_id="D1", given_name="Test-51"),
        ]
    )

    error = only_error(content)

    assert (error.row, error.column) == (4, "source_id")
    assert "row 2" in error.message


def test_an_exactly_repeated_row_without_source_id_is_refused():
    error = only_error(sheet([row(given_name="Test-52"), row(given_name="Test-52")]))
    assert error.row == 3
    assert "repeats row 2" in error.message


def test_a_row_longer_than_the_header_is_refused():
    content = sheet([row(source_id="L1")]) + b"L2,,Kim,Test-53,F,1990,,,,,,,surplus\r\n"
    error = only_error(content)
    assert (error.row, error.column) == (3, "column 13")


# --- pieces --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("surname", "given_name", "expected"),
    [
        ("김", "영희", "김영희"),
        ("Kim", "Young-hee", "Kim Young-hee"),
        ("", "Test-60", "Test-60"),
        ("김", "Test-61", "김 Test-61"),
        ("Kim", "", "Kim"),
    ],
)
def test_full_names_put_the_surname_first(surname, given_name, expected):
    assert importing.full_name(surname, given_name) == expected


@pytest.mark.parametrize(
    ("cell", "formula"),
    [
        ("=1+1", True),
        ("+82", True),
        ("@SUM(A1)", True),
        ("-2+3", True),
        ("- x", True),
        ("\t=1", True),
        ("\rx", True),
        (" =1", True),
        ("\uff1d1", True),
        ("-Kim", False),
        ("Kim-Test", False),
        ("-", False),
        ("", False),
        ("1990", False),
    ],
)
def test_formula_cells_are_recognised(cell, formula):
    assert source.looks_like_formula(cell) is formula


@pytest.mark.parametrize(
    ("spelling", "province"),
    [
        ("North Hamgyung", "north_hamgyong"),
        ("Hamkyung-buk", "north_hamgyong"),
        ("Hamgyŏng-namdo", "south_hamgyong"),
        ("Yanggangdo", "ryanggang"),
        ("Yang-kang", "ryanggang"),
        ("Ryang-gang", "ryanggang"),
        ("양강도", "ryanggang"),
        ("Pyeongan-bukdo", "north_pyongan"),
        ("S. Pyungan", "south_pyongan"),
        ("South Hwanghai", "south_hwanghae"),
        ("황북", "north_hwanghae"),
        ("Jagang", "chagang"),
        ("Gangwon-do", "kangwon"),
        ("Pyongyang City", "pyongyang"),
        ("평양", "pyongyang"),
        ("Rajin-Sonbong", "rason"),
        ("나선", "rason"),
        ("Namp'o", "nampo"),
        ("Gaeseong", "kaesong"),
        ("개성시", "kaesong"),
    ],
)
def test_province_spellings_are_normalised(spelling, province):
    assert vocabulary.parse_province(spelling) == province


# --- the command ---------------------------------------------------------------------------


def command(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_imports_and_reports(tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(sheet(MESSY_ROWS))
    team = default_team().name

    out, _err = command("cases", str(path), "--team", team, "--dry-run")
    assert out.startswith("Dry run: nothing was written.\n")
    assert "new people: 9 (in 6 cases, 3 families)" in out
    assert Person.objects.count() == 0

    out, _err = command("cases", str(path), "--team", team, "--country", "TH")
    assert "new people: 9 (in 6 cases, 3 families); already imported: 0" in out
    assert "note: Columns not imported: notes." in out
    assert set(Case.objects.values_list("country", flat=True)) == {"TH"}
    assert AuditEntry.objects.get(action="cases.imported").actor_label == "command line"

    out, _err = command("cases", str(path), "--team", team)
    assert "new people: 0 (in 0 cases, 0 families); already imported: 9" in out


def test_the_command_fails_with_every_problem_listed_up_to_fifty(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(sheet([row(source_id=f"E{n}", province="Atlantis") for n in range(60)]))

    err = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import", "cases", str(path), "--team", default_team().name, stderr=err)

    assert caught.value.returncode == 1
    assert "rows rejected: 60" in str(caught.value)
    lines = err.getvalue().splitlines()
    assert lines[0].startswith("Row 2, column province: unknown province")
    assert lines[49].startswith("Row 51, column province")
    assert lines[50] == "… and 10 more problems."
    assert Person.objects.count() == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["pledges", "x.csv", "--team", "Test team"], "Unknown kind of import “pledges”"),
        (["cases", "x.csv", "--team", "No such team"], "No team is called “No such team”"),
        (["cases", "/nonexistent/x.csv", "--team", "Test team"], "Cannot read"),
        (["cases", "x.csv", "--team", "Test team", "--country", "Korea"], "two-letter code"),
    ],
)
def test_the_command_explains_what_it_cannot_do(args, message, tmp_path, monkeypatch):
    default_team()
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.csv").write_bytes(sheet([row(source_id="C1")]))

    with pytest.raises(CommandError, match=message):
        command(*args)


def test_people_entered_by_hand_are_left_alone():
    existing = make_person(real_name="Kim Test-70", sex="female")

    run(sheet(MESSY_ROWS))

    existing.refresh_from_db()
    assert existing.source_key is None
    assert Person.objects.count() == 10


def test_a_text_stream_or_an_uploaded_file_can_be_imported():
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = sheet([row(source_id="T1", given_name="Test-80")]).decode("utf-8-sig")
    assert run(io.StringIO(text)).new_people == 1
    upload = SimpleUploadedFile("people.csv", sheet([row(source_id="T2", given_name="Test-81")]))
    assert run(upload).new_people == 1


def test_a_case_whose_people_are_all_closed_is_closed():
    run(
        sheet(
            [
                row(source_id="X1", group="g", status="closed"),
                row(source_id="X2", group="g", status="종결"),
                row(source_id="X3", group="h", status="closed"),
                row(source_id="X4", group="h", status="arrived"),
            ]
        )
    )

    closed = dict(Case.objects.values_list("people__source_key", "closed_at"))
    assert sum(value is not None for value in closed.values()) == 2


def test_new_codes_are_unique_and_in_the_vault_alphabet():
    from safepassage.base.bulk import new_codes
    from safepassage.vault.models import CODE_ALPHABET

    codes = new_codes(5000)

    assert len(set(codes)) == 5000
    assert all(len(code) == 8 and set(code) <= set(CODE_ALPHABET) for code in codes)
    assert set("".join(codes)) == set(CODE_ALPHABET)


@pytest.mark.parametrize("country", ["ZZ", "XX", "K1", "Korea"])
def test_an_import_for_a_country_outside_iso_3166_writes_nothing(country):
    caught = rejected(sheet(MESSY_ROWS), country=country)
    assert len(caught.errors) == 1
    assert "is not a country code" in str(caught.errors[0])
