"""What the cases pages and the CSV import cost at scale, against raw SQL.

With 100,000 people in 20,000 cases (``--people N`` scales both down):

- the priority queue and a filtered people list (Ryanggang, trafficked), each three ways:
  the app's page (its view and template, called without middleware) against raw SQL that
  fetches the same rows and joins them into a string; the queries the page makes (the
  paginator's count and the page of 50) against the same two statements in raw SQL; and
  the ORM's page of 50 alone against the raw SELECT alone. Page ratio over query ratio is
  what the template and view add.
- the CSV importer (``cases.importing.import_cases``) on a generated file of as many rows
  as people, in rows/s, against writing the same rows with raw COPY on PostgreSQL (or
  ``executemany`` INSERT on SQLite, which has no COPY).

The ratios are figures to watch, not pass/fail targets.

    python -m bench.cases [--people N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time

from bench import harness

PEOPLE = 100_000
PEOPLE_PER_CASE = 5
TEAMS = 8
SEED = 20261124
BATCH = 2000
PAGE = 50
RUNS, WARMUP = 30, 3
QUERY_RUNS, QUERY_WARMUP = 60, 5
FILTER = {"province": "ryanggang", "flag": "trafficked"}
# North Hamgyong and Ryanggang border China across the Tumen and the Yalu: most people
# who escape come from there.
PROVINCE_WEIGHTS = {
    "north_hamgyong": 40,
    "ryanggang": 20,
    "south_hamgyong": 10,
    "chagang": 4,
    "north_pyongan": 5,
    "south_pyongan": 5,
    "pyongyang": 3,
    "kangwon": 3,
    "north_hwanghae": 2,
    "south_hwanghae": 2,
    "rason": 2,
    "nampo": 2,
    "kaesong": 2,
}
STATUS_WEIGHTS = {
    "intake": 5,
    "in_hiding": 18,
    "awaiting_rescue": 15,
    "in_transit": 2,
    "third_country": 3,
    "arrived": 5,
    "resettlement": 12,
    "closed": 30,
    "detained": 2,
    "feared_repatriated": 2,
    "lost_contact": 4,
    "declined": 2,
}


# --- generation -------------------------------------------------------------------------


def unique_codes(rng: random.Random, count: int) -> list[str]:
    """Record codes from the seeded generator, so a run never trips on a duplicate."""
    from safepassage.vault.models import CODE_ALPHABET

    codes: set[str] = set()
    while len(codes) < count:
        codes.add("".join(rng.choices(CODE_ALPHABET, k=8)))
    return sorted(codes, key=lambda _code: rng.random())


def generate_cases(director, *, people: int) -> dict:
    """Cases and people built in memory, sealed in bulk and inserted with bulk_create.

    The same values ``person_add`` would store (sealed identity, masks, blind indexes,
    priority and its reasons), without one service call and one audit entry per row.
    """
    from django.db import transaction
    from django.utils import timezone

    from safepassage.cases import priority, services
    from safepassage.cases.models import Case, Person
    from safepassage.demo import generate
    from safepassage.demo.organisation import SITUATIONS
    from safepassage.vault import records

    rng = random.Random(SEED)
    teams = [
        services.team_create(actor=director, name=f"Bench team {number + 1}")
        for number in range(TEAMS)
    ]
    case_count = max(1, people // PEOPLE_PER_CASE)
    codes = unique_codes(rng, case_count + people)
    now = timezone.now()
    year = timezone.localdate().year
    provinces, province_weights = zip(*PROVINCE_WEIGHTS.items(), strict=True)
    statuses, status_weights = zip(*STATUS_WEIGHTS.items(), strict=True)

    cases = []
    for start in range(0, case_count, BATCH):
        batch = []
        for _ in range(start, min(start + BATCH, case_count)):
            case = Case(
                code=codes.pop(),
                team=rng.choice(teams),
                country="CN",
                region=rng.choice(generate.REGIONS),
                urgency=rng.choices(["routine", "high", "critical"], weights=[7, 2, 1])[0],
                opened_on=(now - dt.timedelta(days=rng.randint(0, 730))).date(),
            )
            case.relayed_by = rng.choice(generate.RELAYERS)
            case.exact_place = rng.choice(generate.PLACES)
            case.situation = rng.choice(SITUATIONS)
            batch.append(case)
        with transaction.atomic():
            records.prepare_for_bulk(batch)
            Case.objects.bulk_create(batch, batch_size=BATCH)
        cases.extend(batch)

    # Every case has someone; the rest are spread at random.
    owners = cases + [rng.choice(cases) for _ in range(people - len(cases))]
    for start in range(0, people, BATCH):
        batch = []
        for case in owners[start : start + BATCH]:
            female = rng.random() < 0.8
            born_abroad = rng.random() < 0.04
            birth_year = rng.randint(year - 70, year)
            adult = year - birth_year >= 18
            status = rng.choices(statuses, weights=status_weights)[0]
            person = Person(
                code=codes.pop(),
                case=case,
                sex="female" if female else "male",
                birth_year=birth_year,
                province="" if born_abroad else rng.choices(provinces, province_weights)[0],
                born_abroad=born_abroad,
                country="KR" if status in ("arrived", "resettlement", "closed") else "CN",
                status=status,
                status_changed_at=now - dt.timedelta(seconds=rng.randint(0, 730 * 86400)),
                pregnant=female and adult and rng.random() < 0.03,
                trafficked=female and adult and rng.random() < 0.3,
                forced_marriage=female and adult and rng.random() < 0.2,
                unaccompanied_minor=not adult and rng.random() < 0.2,
                health_need=rng.random() < 0.1,
                prior_repatriation=rng.random() < 0.08,
                religious_contact=rng.random() < 0.05,
            )
            person.real_name = generate.korean_name(rng)
            person.phone = generate.fake_phone(rng) if adult and rng.random() < 0.6 else ""
            person.whereabouts = rng.choice(generate.PLACES)
            person.aliases = generate.chinese_name(rng) if rng.random() < 0.3 else ""
            person.priority, person.priority_reasons = priority.assess(person, year=year)
            batch.append(person)
        with transaction.atomic():
            records.prepare_for_bulk(batch)
            Person.objects.bulk_create(batch, batch_size=BATCH)
    return {"teams": teams, "cases": cases}


def analyse() -> None:
    """Planner statistics and (on PostgreSQL) a visibility map, as autovacuum would leave a
    live database; without them counts read every row from the table."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


# --- pages and queries ------------------------------------------------------------------

QUEUE_COLUMNS = (
    "p.code, p.real_name_masked, p.sex, p.birth_year, p.priority, p.priority_reasons,"
    " c.code, g.label"
)
LIST_COLUMNS = "p.code, p.real_name_masked, p.sex, p.birth_year, p.province, p.status, p.priority"


def raw_statements(*, team_member=None) -> dict:
    """Hand-written SQL for the queue and the filtered list: a count and a page of 50.

    With ``team_member`` (a user's id), only the cases of that user's teams, as a case
    worker sees them.
    """
    join = "JOIN cases_case c ON c.id = p.case_id"
    # Counts need the case only to find a case worker's teams, as the ORM's do.
    count_join = ""
    where_team = ""
    params_team: list = []
    if team_member is not None:
        join += " JOIN cases_team_members tm ON tm.team_id = c.team_id"
        count_join = join
        where_team = " AND tm.user_id = %s"
        params_team = [team_member]
    queue_where = f"WHERE p.status = %s{where_team}"
    list_where = f"WHERE p.province = %s AND p.trafficked = %s{where_team}"
    return {
        "queue_count": (
            f"SELECT COUNT(*) FROM cases_person p {count_join} {queue_where}",
            ["awaiting_rescue", *params_team],
        ),
        "queue_page": (
            f"SELECT {QUEUE_COLUMNS} FROM cases_person p {join}"
            " LEFT JOIN cases_group g ON g.id = p.group_id"
            f" {queue_where}"
            f" ORDER BY p.priority DESC, p.status_changed_at, p.created_at LIMIT {PAGE}",
            ["awaiting_rescue", *params_team],
        ),
        "list_count": (
            f"SELECT COUNT(*) FROM cases_person p {count_join} {list_where}",
            [FILTER["province"], True, *params_team],
        ),
        "list_page": (
            f"SELECT {LIST_COLUMNS} FROM cases_person p {join} {list_where}"
            f" ORDER BY p.priority DESC, p.created_at DESC LIMIT {PAGE}",
            [FILTER["province"], True, *params_team],
        ),
    }


def raw_rows(name: str, statements: dict) -> list:
    from django.db import connection

    sql, params = statements[name]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def raw_page(kind: str, statements: dict) -> str:
    """The count and the page of 50 in raw SQL, joined into a string: the least a page
    could cost."""
    total = raw_rows(f"{kind}_count", statements)[0][0]
    rows = raw_rows(f"{kind}_page", statements)
    return f"{total}\n" + "\n".join(" ".join(str(value) for value in row) for row in rows)


def page_comparisons(director, case_worker) -> list[harness.Comparison]:
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.paginator import Paginator
    from django.test import RequestFactory
    from django.urls import resolve, reverse
    from django.utils.csp import LazyNonce

    from safepassage.cases import selectors, views

    factory = RequestFactory()
    queue_path = reverse("cases:queue")
    list_path = reverse("cases:people")
    list_query = "&".join(f"{key}={value}" for key, value in FILTER.items())

    def request_for(path: str, user, query: str = ""):
        request = factory.get(f"{path}?{query}" if query else path)
        request.user = user
        request.session = SessionStore()
        request._csp_nonce = LazyNonce()
        request.resolver_match = resolve(path)
        return request

    def people_filter():
        return selectors.PeopleFilter(**FILTER)

    def orm_list(user):
        # The people view's own order: most urgent first, newest first.
        return selectors.people_list(user, filters=people_filter()).order_by(
            "-priority", "-created_at"
        )

    def queue_page(user):
        response = views.queue(request_for(queue_path, user))
        assert response.status_code == 200
        return response.content

    def list_page(user):
        response = views.people(request_for(list_path, user, list_query))
        assert response.status_code == 200
        return response.content

    def orm_queries(queryset):
        page = Paginator(queryset, PAGE).get_page(1)
        return page.paginator.count, list(page)

    from django.db import connection

    director_sql = raw_statements()
    worker_id = type(case_worker)._meta.pk.get_db_prep_value(case_worker.pk, connection)
    worker_sql = raw_statements(team_member=worker_id)

    # Both sides must fetch the same people, or the ratio compares different work.
    for user, statements in ((director, director_sql), (case_worker, worker_sql)):
        queue = [p.code for p in selectors.priority_queue(user)[:PAGE]]
        assert queue == [row[0] for row in raw_rows("queue_page", statements)], "queue differs"
        listed = [p.code for p in orm_list(user)[:PAGE]]
        assert listed == [row[0] for row in raw_rows("list_page", statements)], "list differs"
        assert orm_list(user).count() == raw_rows("list_count", statements)[0][0]
        if len(queue) < PAGE or len(listed) < PAGE:
            print(f"note: fewer than {PAGE} people on a page for {user}; generate more")
    html = list_page(director).decode()
    for code in [p.code for p in orm_list(director)[:PAGE]]:
        assert code in html
    html = queue_page(director).decode()
    for code in [p.code for p in selectors.priority_queue(director)[:PAGE]]:
        assert code in html

    plan = [
        (
            "queue page: view+template vs raw",
            lambda: raw_page("queue", director_sql),
            lambda: queue_page(director),
            RUNS,
            WARMUP,
        ),
        (
            "queue queries: count+50, ORM vs raw",
            lambda: (raw_rows("queue_count", director_sql), raw_rows("queue_page", director_sql)),
            lambda: orm_queries(selectors.priority_queue(director)),
            QUERY_RUNS,
            QUERY_WARMUP,
        ),
        (
            "queue SELECT of 50 only",
            lambda: raw_rows("queue_page", director_sql),
            lambda: list(selectors.priority_queue(director)[:PAGE]),
            QUERY_RUNS,
            QUERY_WARMUP,
        ),
        (
            "list page: view+template vs raw",
            lambda: raw_page("list", director_sql),
            lambda: list_page(director),
            RUNS,
            WARMUP,
        ),
        (
            "list queries: count+50, ORM vs raw",
            lambda: (raw_rows("list_count", director_sql), raw_rows("list_page", director_sql)),
            lambda: orm_queries(orm_list(director)),
            QUERY_RUNS,
            QUERY_WARMUP,
        ),
        (
            "list SELECT of 50 only",
            lambda: raw_rows("list_page", director_sql),
            lambda: list(orm_list(director)[:PAGE]),
            QUERY_RUNS,
            QUERY_WARMUP,
        ),
        (
            "list page, case worker (one team)",
            lambda: raw_page("list", worker_sql),
            lambda: list_page(case_worker),
            RUNS,
            WARMUP,
        ),
    ]
    return [
        harness.compare(name, baseline=baseline, real=real, runs=runs, warmup=warmup)
        for name, baseline, real, runs, warmup in plan
    ]


# --- import -----------------------------------------------------------------------------

# Tables whose growth an import is measured against; the audit log is counted, not copied.
COPIED_APPS = ("vault", "cases")
COUNTED_APPS = (*COPIED_APPS, "audit")


def models_of(app_labels) -> list:
    from django.apps import apps

    return [
        model
        for label in app_labels
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]


def snapshot(models) -> dict:
    """The primary keys of every row now, per model."""
    return {model: set(model._default_manager.values_list("pk", flat=True)) for model in models}


def rows_added(model, before: set) -> tuple[list[str], list[list]]:
    """The rows of ``model`` that were not there before, as the database returns them."""
    from django.db import connection

    columns = [field.column for field in model._meta.concrete_fields]
    pk_index = columns.index(model._meta.pk.column)
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quoted} FROM {connection.ops.quote_name(model._meta.db_table)}")
        fetched = cursor.fetchall()
    prep = model._meta.pk.get_db_prep_value
    known = {prep(pk, connection) for pk in before}
    return columns, [list(row) for row in fetched if row[pk_index] not in known]


def fresh_copies(written: dict) -> dict:
    """The rows an import wrote, made insertable again: new primary keys, new values in
    unique columns, foreign keys to copied rows pointed at the copies. Unchanged in size."""
    import uuid

    from django.db import connection, models

    rng = random.Random(SEED + 1)
    used_codes: set[str] = set()
    new_ids: dict = {}
    copies: dict = {}

    def new_like(value):
        if value is None:
            return None
        if isinstance(value, uuid.UUID):
            return uuid.uuid4()
        if isinstance(value, str) and len(value) == 32:
            return uuid.uuid4().hex
        return value

    for model, (columns, rows) in written.items():
        fields = {field.column: field for field in model._meta.concrete_fields}
        pk = model._meta.pk
        keep = [c for c in columns if not (c == pk.column and isinstance(pk, models.AutoField))]
        made = []
        for row in rows:
            values = dict(zip(columns, row, strict=True))
            out = []
            for column in keep:
                field, value = fields[column], values[column]
                if column == pk.column:
                    new_ids[(model, value)] = value = new_like(value)
                elif field.is_relation:
                    value = new_ids.get((field.related_model, value), value)
                elif field.unique and value is not None:
                    if field.name == "code":
                        value = "".join(rng.choices("23456789ABCDEFGHJKLMNPQRSTUVWXYZ", k=8))
                        while value in used_codes:
                            value = "".join(rng.choices("23456789ABCDEFGHJKLMNPQRSTUVWXYZ", k=8))
                        used_codes.add(value)
                    else:
                        value = (uuid.uuid4().hex * 2)[: len(value)]
                if isinstance(field, models.JSONField) and connection.vendor == "postgresql":
                    from psycopg.types.json import Jsonb

                    value = Jsonb(value)
                out.append(value)
            made.append(out)
        copies[model] = (keep, made)
    return copies


def raw_write(copies: dict, *, timed: set) -> float:
    """Seconds to write the ``timed`` models' rows of ``copies`` with COPY (PostgreSQL) or
    executemany INSERT (SQLite), in one transaction that is rolled back. The rows they
    refer to go in first, untimed, so that foreign keys find them; on PostgreSQL they are
    checked as the rows go in, not at a commit that never comes."""
    from django.db import connection, transaction

    class RollBack(Exception):
        pass

    elapsed = 0.0
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for stage in (needed_by(timed, copies) - timed, timed):
                started = time.perf_counter()
                for model, (columns, rows) in copies.items():
                    if model not in stage:
                        continue
                    table = connection.ops.quote_name(model._meta.db_table)
                    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
                    if connection.vendor == "postgresql":
                        with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                            for row in rows:
                                copy.write_row(row)
                    else:
                        marks = ", ".join(["%s"] * len(columns))
                        cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})", rows)
            elapsed = time.perf_counter() - started
            raise RollBack
    except RollBack:
        pass
    return elapsed


def needed_by(models: set, copies: dict) -> set:
    """``models`` and every model of ``copies`` they refer to, directly or not."""
    needed = set(models)
    pending = list(models)
    while pending:
        for field in pending.pop()._meta.concrete_fields:
            target = field.related_model if field.is_relation else None
            if target in copies and target not in needed:
                needed.add(target)
                pending.append(target)
    return needed


def dependency_order(models) -> list:
    """Referenced tables first, so foreign keys can be checked as rows go in."""
    ordered: list = []

    def visit(model, path=()):
        if model in ordered or model in path:
            return
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model in models:
                visit(field.related_model, (*path, model))
        ordered.append(model)

    for model in models:
        visit(model)
    return ordered


def measure_import(run_import, *, rows: int, size: int, runs: int = 3) -> None:
    """Time ``run_import`` once, then raw writes of the rows it added, ``runs`` times."""
    from django.db import connection

    counted = models_of(COUNTED_APPS)
    before = snapshot(counted)
    started = time.perf_counter()
    run_import()
    seconds = time.perf_counter() - started

    grown = {m: m._default_manager.count() - len(before[m]) for m in counted}
    grown = {m: n for m, n in grown.items() if n > 0}
    written = {
        model: rows_added(model, before[model])
        for model in dependency_order([m for m in grown if m._meta.app_label in COPIED_APPS])
    }
    from safepassage.cases.models import Person

    copies = fresh_copies(written)
    raw_name = "COPY" if connection.vendor == "postgresql" else "executemany INSERT (no COPY)"
    print(
        f"\nimport: {rows:,} CSV rows ({size / 1e6:.1f} MB) in {seconds:.1f} s"
        f" = {rows / seconds:,.0f} rows/s (one run, committed)"
    )
    print("  it wrote: " + ", ".join(f"{n:,} {m._meta.db_table}" for m, n in grown.items()))
    for label, timed in (
        ("the same people rows", {Person} & set(copies)),
        ("everything it wrote but the audit log", set(copies)),
    ):
        if not timed:
            continue
        total = sum(len(copies[model][1]) for model in timed)
        times = sorted(raw_write(copies, timed=timed) for _ in range(runs))
        median = times[len(times) // 2]
        print(
            f"  raw {raw_name} of {label} ({total:,} rows): {median:.2f} s"
            f" = {rows / median:,.0f} CSV rows/s; import / raw = {seconds / median:.1f}x"
            f" (median of {runs})"
        )


# Spellings of the kind found in NGOs' own sheets; the importer's vocabulary reads them all.
CSV_PROVINCES = {
    "north_hamgyong": ["North Hamgyong", "함경북도", "함북", "Hamgyong-bukto", "N. Hamgyong"],
    "ryanggang": ["Ryanggang", "양강도", "량강도", "Yanggang-do"],
    "south_hamgyong": ["South Hamgyong", "함남", "Hamgyong-namdo"],
    "chagang": ["Chagang", "자강도"],
    "north_pyongan": ["North Pyongan", "평북"],
    "south_pyongan": ["South Pyongan", "평남"],
    "pyongyang": ["Pyongyang", "평양시"],
    "kangwon": ["Kangwon", "강원도"],
    "north_hwanghae": ["North Hwanghae", "황북"],
    "south_hwanghae": ["South Hwanghae", "황남"],
    "rason": ["Rason", "나선"],
    "nampo": ["Nampo", "남포"],
    "kaesong": ["Kaesong", "개성"],
}
CSV_SEX = {"female": ["F", "여", "female", "여성"], "male": ["M", "남", "male"]}
CSV_ARRIVED_STATUS = ["", "", "", "arrived", "정착", "resettlement", "closed", "종결"]
CSV_WAITING_STATUS = [
    "in hiding",
    "은신",
    "awaiting rescue",
    "구출대기",
    "intake",
    "detained",
    "lost contact",
    "연락두절",
]


def make_csv(rows: int) -> bytes:
    """A spreadsheet such as an NGO keeps: one person a row, families sharing a group,
    mixed spellings (English and Korean), ages in place of birth years, month-only dates."""
    import csv
    import io

    from django.utils import timezone

    from safepassage.cases.importing import COLUMNS
    from safepassage.demo import generate

    rng = random.Random(SEED + 2)
    today = timezone.localdate()
    provinces, weights = zip(*PROVINCE_WEIGHTS.items(), strict=True)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    written = families = 0
    while written < rows:
        size = min(rows - written, rng.choice([1, 1, 1, 1, 1, 2, 2, 3, 4]))
        group = ""
        if size > 1:
            families += 1
            group = f"F{families:05d}"
        arrived = None
        if rng.random() < 0.7:
            arrived = today - dt.timedelta(days=rng.randint(30, 8 * 365))
        for _ in range(size):
            written += 1
            sex = "female" if rng.random() < 0.8 else "male"
            name = generate.korean_name(rng)
            surname, given = (name[0], name[1:]) if " " not in name else name.split(" ", 1)
            reference = (arrived or today).year
            year = rng.randint(reference - 70, reference)
            born_abroad = rng.random() < 0.04
            row = {
                "source_id": f"SP-{written:06d}",
                "group": group,
                "surname": surname,
                "given_name": given,
                "sex": rng.choice(CSV_SEX[sex]),
                "born_abroad": "yes" if born_abroad else "",
            }
            chance = rng.random()
            if chance < 0.8:
                row["birth_year"] = str(year) if rng.random() < 0.8 else f"{year}년생"
            elif chance < 0.95:
                row["age"] = f"{reference - year}세"
            if not born_abroad:
                row["province"] = rng.choice(CSV_PROVINCES[rng.choices(provinces, weights)[0]])
            if arrived:
                row["arrived_on"] = (
                    arrived.isoformat() if rng.random() < 0.8 else f"{arrived:%Y.%m}"
                )
                row["status"] = rng.choice(CSV_ARRIVED_STATUS)
            else:
                row["status"] = rng.choice(CSV_WAITING_STATUS)
            writer.writerow(row)
    return out.getvalue().encode("utf-8")


def import_section(director, *, rows: int) -> None:
    try:
        from safepassage.cases import importing
    except ImportError:
        importing = None
    if importing is None or not hasattr(importing, "import_cases"):
        print("\nimport: importer not available (safepassage.cases.importing.import_cases)")
        return
    from safepassage.cases import services

    team = services.team_create(actor=director, name="Imported")
    data = make_csv(rows)
    # Checked first, untimed: a refused file would time nothing.
    report = importing.import_cases(data, team=team, actor=director, dry_run=True)
    assert report.new_people == rows, report.summary()
    reports = []
    measure_import(
        lambda: reports.append(importing.import_cases(data, team=team, actor=director)),
        rows=rows,
        size=len(data),
    )
    print(f"  importer's report: {reports[0].summary()}")


# --- main -------------------------------------------------------------------------------


def run(people: int) -> None:
    from safepassage.accounts.models import Role
    from safepassage.testing.members import make_member

    print(harness.describe_site(), flush=True)
    director = make_member(Role.Code.DIRECTOR).user
    case_worker = make_member(Role.Code.CASE_WORKER).user

    started = time.perf_counter()
    made = generate_cases(director, people=people)
    seconds = time.perf_counter() - started
    print(
        f"generated {len(made['cases']):,} cases and {people:,} people in {seconds:.1f} s"
        f" ({people / seconds:,.0f} people/s, sealed, bulk_create in batches of {BATCH})",
        flush=True,
    )
    made["teams"][0].members.add(case_worker)
    analyse()

    comparisons = page_comparisons(director, case_worker)
    print()
    harness.print_table(comparisons)
    import_section(director, rows=people)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cases", description=__doc__)
    parser.add_argument(
        "--people", type=int, default=PEOPLE, help=f"people to generate (default {PEOPLE:,})"
    )
    harness.add_tiny_option(parser)
    args = parser.parse_args(argv)
    if args.tiny:  # the least --people allows, a few runs; no target is judged anyway
        global RUNS, WARMUP, QUERY_RUNS, QUERY_WARMUP
        args.people = PEOPLE_PER_CASE * PAGE
        RUNS, WARMUP, QUERY_RUNS, QUERY_WARMUP = 3, 1, 3, 1
    if args.people < PEOPLE_PER_CASE * PAGE:
        parser.error(f"--people must be at least {PEOPLE_PER_CASE * PAGE}")
    with harness.throwaway_site():
        run(args.people)
    return 0


if __name__ == "__main__":
    sys.exit(main())
