"""``people_import`` writes what the one-at-a-time services write for the same people:
``case_intake`` for a new case and its people, ``person_add`` for someone joining a case
that exists, ``group_create`` for a family. Same rows, same status history, same hooks run,
and the same audit entries, except that the rows an import creates are counted in its one
``cases.imported`` entry instead of logged one by one (``services.imports`` says why).

Each example imports twice into two teams of one database, one team a world: the second
import repeats some people (skipped) and adds people to the first one's families and
cases (which may close or reopen them). Then every imported person who can move, moves,
in both worlds, to show that imported rows go on as hand-made ones do.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from unittest import mock

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from safepassage.audit.models import AuditEntry
from safepassage.cases import lifecycle, services
from safepassage.cases.models import Case, Person, Status, Team
from safepassage.cases.services.imports import family_label
from safepassage.vault import records

ACTOR = "property"
TODAY = timezone.localdate()
SINCE = dt.datetime(2019, 5, 1, 3, tzinfo=dt.UTC)
NAMES = [("Kim", "Kim Test-{n}"), ("최", "최시험{n}"), ("Lee", "Lee Test-{n}")]
# Some open, some closed, some with hooks in other apps: every kind of case settling.
STATUSES = [Status.CLOSED, Status.CLOSED, Status.ARRIVED, Status.DETAINED, Status.INTAKE]

person_st = st.fixed_dictionaries(
    {
        "id": st.integers(min_value=0, max_value=11),
        "family": st.none() | st.integers(min_value=0, max_value=2),
        "name": st.integers(min_value=0, max_value=len(NAMES) - 1),
        "sex": st.sampled_from(["female", "male"]),
        "birth_year": st.none() | st.integers(min_value=1940, max_value=TODAY.year),
        "estimated": st.booleans(),
        "province": st.sampled_from(["", "ryanggang", "north_hamgyong"]),
        "born_abroad": st.booleans(),
        "status": st.sampled_from(STATUSES),
        "dated": st.booleans(),
        "trafficked": st.booleans(),
    }
)


def someone(n: int, family: int | None, status: str) -> dict:
    return {
        "id": n,
        "family": family,
        "name": n % len(NAMES),
        "sex": "female",
        "birth_year": 1990,
        "estimated": bool(n % 2),
        "province": "",
        "born_abroad": False,
        "status": status,
        "dated": True,
        "trafficked": False,
    }


def arrival(world: str, row: dict) -> services.Arrival:
    surname, name = NAMES[row["name"]]
    born_abroad = row["born_abroad"] and not row["province"]
    key = f"{world}:p{row['id']}"
    return services.Arrival(
        source_key=key,
        case_key=f"{world}:f{row['family']}" if row["family"] is not None else key + ":case",
        in_family=row["family"] is not None,
        real_name=name.format(n=row["id"]),
        surname=surname,
        sex=row["sex"],
        birth_year=row["birth_year"],
        estimated=row["estimated"] and row["birth_year"] is not None,
        province=row["province"],
        born_abroad=born_abroad,
        status=row["status"],
        status_since=SINCE if row["dated"] else None,
        opened_on=TODAY - dt.timedelta(days=row["id"]),
        flags={"trafficked": row["trafficked"]},
    )


def unique(rows: list[dict]) -> list[dict]:
    """A file names each person once (the reader refuses a repeated source id)."""
    seen: dict[int, dict] = {}
    for row in rows:
        seen.setdefault(row["id"], row)
    return list(seen.values())


def person_fields(one: services.Arrival) -> dict:
    """``person_add``'s keywords for ``one``: an estimated birth year is an age given."""
    estimated = one.estimated and one.birth_year is not None
    return {
        "real_name": one.real_name,
        "sex": one.sex,
        "birth_year": None if estimated else one.birth_year,
        "age": TODAY.year - one.birth_year if estimated else None,
        "province": one.province,
        "born_abroad": one.born_abroad,
        "status": one.status,
        "status_since": one.status_since,
        "source_key": one.source_key,
        **one.flags,
    }


def one_at_a_time(*, team: Team, people: list[services.Arrival]) -> dict:
    """The same people through the one-at-a-time services; returns the counts an import's
    entry would hold."""
    done = set(Person.objects.filter(source_key__isnull=False).values_list("source_key", flat=True))
    by_case: dict[str, list[services.Arrival]] = {}
    for one in people:
        if one.source_key not in done:
            by_case.setdefault(one.case_key, []).append(one)
    counts = Counter()
    for key, arrivals in by_case.items():
        case = Case.objects.filter(source_key=key).first()
        if case is None:
            case = services.case_intake(
                actor=ACTOR,
                team=team,
                country="KR",
                opened_on=arrivals[0].opened_on,
                source_key=key,
                people=[person_fields(one) for one in arrivals],
            )
            added = list(case.people.all())
        else:
            group = case.groups.order_by("created_at").first() if arrivals[0].in_family else None
            added = [
                services.person_add(actor=ACTOR, case=case, group=group, **person_fields(one))
                for one in arrivals
            ]
        if arrivals[0].in_family and not case.groups.exists():
            counts["new_groups"] += 1
            services.group_create(
                actor=ACTOR, case=case, label=family_label(counts["new_groups"]), people=added
            )
    return counts


def world_rows(world: str) -> dict:
    """Everything the world's team holds, by source key (codes and ids differ)."""
    people = {}
    for person in Person.objects.filter(case__team__name=world).select_related("case", "group"):
        people[person.source_key] = (
            person.case.source_key.removeprefix(world + ":"),
            person.group.label if person.group else None,
            person.sex,
            person.birth_year,
            person.birth_year_estimated,
            person.province,
            person.born_abroad,
            person.languages,
            person.country,
            person.status,
            person.status_changed_at if person.status_changed_at == SINCE else "now",
            person.priority,
            person.priority_reasons,
            person.trafficked,
            records.read(person, "real_name"),
            str(person.real_name),
            [(c.from_status, c.to_status) for c in person.status_changes.all()],
        )
    cases = {
        case.source_key: (case.country, case.opened_on, case.closed_at is None, case.urgency)
        for case in Case.objects.filter(team__name=world)
    }
    return {"people": strip(world, people), "cases": strip(world, cases)}


def strip(world: str, found: dict) -> dict:
    return {key.removeprefix(world + ":"): value for key, value in found.items()}


def entries_since(seq: int, world: str) -> list[tuple[str, str]]:
    """(action, source key of the target) of the entries after ``seq`` on ``world``."""
    keys = {str(p.pk): p.source_key for p in Person.objects.filter(case__team__name=world)}
    keys |= {str(c.pk): c.source_key for c in Case.objects.filter(team__name=world)}
    keys[str(Team.objects.get(name=world).pk)] = world + ":team"
    found = []
    for entry in AuditEntry.objects.filter(seq__gt=seq).order_by("seq"):
        if entry.target_id in keys:
            found.append((entry.action, keys[entry.target_id].removeprefix(world + ":")))
    return found


def last_seq() -> int:
    return AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


class PeopleImportProperties(TestCase):
    @settings(max_examples=30, deadline=None)
    # A closed family that someone on their way joins (reopened); one that stays closed; a
    # family half closed; a file imported again.
    @example(first=[someone(0, 0, Status.CLOSED)], second=[someone(1, 0, Status.ARRIVED)])
    @example(first=[someone(0, 0, Status.CLOSED)], second=[someone(1, 0, Status.CLOSED)])
    @example(
        first=[someone(0, 1, Status.CLOSED), someone(1, 1, Status.DETAINED)],
        second=[someone(0, 1, Status.CLOSED), someone(2, None, Status.CLOSED)],
    )
    @given(
        first=st.lists(person_st, min_size=1, max_size=6),
        second=st.lists(person_st, max_size=6),
    )
    def test_an_import_writes_what_one_at_a_time_writes(self, first, second):
        first, second = unique(first), unique(second)
        batch_team = services.team_create(actor=ACTOR, name="A")
        single_team = services.team_create(actor=ACTOR, name="B")
        heard = []

        def hook(*, person, actor, previous):
            heard.append((person.case.team.name, person.source_key.split(":")[1], previous))

        with mock.patch.dict(services.STATUS_HOOKS, {s: [hook] for s in Status.values}, clear=True):
            for rows in (first, second):
                seq = last_seq()
                plan = services.people_import(
                    actor=ACTOR,
                    team=batch_team,
                    country="KR",
                    people=[arrival("A", row) for row in rows],
                )
                middle = last_seq()
                counts = one_at_a_time(team=single_team, people=[arrival("B", row) for row in rows])
                self.assert_same_entries(
                    entries_since(seq, "A"), entries_since(middle, "B"), plan, counts
                )
                assert world_rows("A") == world_rows("B")

            # Imported people go on as people entered by hand do.
            seq = last_seq()
            for world in ("A", "B"):
                for person in Person.objects.filter(case__team__name=world).order_by("source_key"):
                    moves = lifecycle.next_statuses(person.status)
                    if moves:
                        services.person_set_status(actor=ACTOR, person=person, to_status=moves[0])
            assert world_rows("A") == world_rows("B")
            assert entries_since(seq, "A") == entries_since(seq, "B")
        assert [h[1:] for h in heard if h[0] == "A"] == [h[1:] for h in heard if h[0] == "B"]

    def assert_same_entries(self, batch, single, plan, counts):
        """The import's own entry counts what one at a time logs entry by entry; every
        other entry (a case that existed closing or reopening) is the same."""
        (summary,) = [e for e in batch if e[0] == "cases.imported"]
        assert summary == ("cases.imported", "team")
        entry = AuditEntry.objects.filter(action="cases.imported").order_by("-seq").first()
        opened = {key for action, key in single if action == "cases.case_opened"}
        created = Counter(
            "new_cases_closed" if action == "cases.case_closed" else action
            for action, key in single
            if action in ("cases.case_opened", "cases.person_added", "cases.group_created")
            or (action == "cases.case_closed" and key in opened)
        )
        assert entry.data["new_cases"] == created["cases.case_opened"] == plan.new_cases
        assert entry.data["people"] == created["cases.person_added"] == len(plan.new)
        assert entry.data["new_groups"] == created["cases.group_created"] == counts["new_groups"]
        assert entry.data["new_cases_closed"] == created["new_cases_closed"]
        rest_single = [
            (action, key)
            for action, key in single
            if action not in ("cases.case_opened", "cases.person_added", "cases.group_created")
            and not (action == "cases.case_closed" and key in opened)
        ]
        rest_batch = [e for e in batch if e[0] != "cases.imported"]
        assert rest_batch == rest_single


def test_a_person_added_to_a_closed_case_reopens_it_and_the_reopening_is_logged(db):
    from safepassage.testing.people import make_case

    case = make_case()
    person = services.person_add(
        actor=ACTOR, case=case, real_name="Kim Test-90", sex="female", status=Status.CLOSED
    )
    case.refresh_from_db()
    assert case.closed_at is not None

    services.person_add(actor=ACTOR, case=case, real_name="Kim Test-91", sex="female")

    case.refresh_from_db()
    assert case.closed_at is None
    actions = list(
        AuditEntry.objects.filter(target_id=str(case.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["cases.case_opened", "cases.case_closed", "cases.case_reopened"]
    assert person.status == Status.CLOSED


def test_case_intake_is_all_or_nothing(db):
    from safepassage.testing.members import default_team

    with pytest.raises(services.CaseError):
        services.case_intake(
            actor=ACTOR,
            team=default_team(),
            country="CN",
            people=[{"real_name": "Kim Test-92", "sex": "female"}, {"real_name": " ", "sex": "f"}],
        )
    assert not Case.objects.exists()


@pytest.mark.parametrize("service", ["case_intake", "people_import"])
def test_the_top_level_services_refuse_to_be_wrapped(service, transactional_db):
    from safepassage.testing.members import default_team

    call = {
        "case_intake": lambda: services.case_intake(
            actor=ACTOR, team=default_team(), country="CN", people=[]
        ),
        "people_import": lambda: services.people_import(
            actor=ACTOR, team=default_team(), country="CN", people=[]
        ),
    }[service]
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        call()
