"""Many people at once (a spreadsheet import): the batch entry point of ``case_intake``
and ``person_add``, with the same rules and rows.

``people_import`` writes what taking each call in one at a time would write (each new
case opened with its people, a family grouped, a case whose people are all closed closed,
a closed case that gets someone still on their way reopened), with ``base.bulk`` (COPY
on PostgreSQL) in batches sealed by ``vault.records.prepare_for_bulk``. The property test
(``cases/tests/test_people_import.py``) holds it to that.

Its audit trail differs in one way, on purpose: the rows it creates (cases opened, people
added, families grouped, cases closed on arrival) are logged as one ``cases.imported``
entry with their counts, not one entry each. A 100,000-row import would otherwise add
100,000 links to a chain that serialises every audited write; each new row's source key
ties it back to the batch, and the source's hash (``source``) says what came in. A change
to a case that existed before (closed or reopened) is logged on that case, as one at a
time. A person's first status runs no status hook, as with ``person_add``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import batched

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.audit.chain import record
from safepassage.base import bulk
from safepassage.cases.models import Case, Group, Person, Status, StatusChange, Team
from safepassage.cases.services.rules import (
    FIRST_STATUS_COLUMNS,
    CaseError,
    actor_user,
    check_person,
    first_status_row,
    new_person,
)
from safepassage.cases.services.statuses import case_settle
from safepassage.vault import records as vault_records

BATCH_SIZE = 1000
GROUP_COLUMNS = ("id", "case_id", "label", "created_at", "updated_at")

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class Arrival:
    """One person to import. ``source_key`` identifies them (importing them again adds
    nothing); people with one ``case_key`` share a case (the case's source key), and travel
    together as a family when ``in_family``. ``birth_year`` and ``estimated`` come from
    ``check_birth_year``; ``surname`` is the part of ``real_name`` the pseudonym keeps;
    ``status_since`` None means now; ``opened_on`` is the case's date if it is new."""

    source_key: str
    case_key: str
    in_family: bool
    real_name: str
    surname: str
    sex: str
    birth_year: int | None
    estimated: bool
    province: str
    born_abroad: bool
    status: str
    status_since: dt.datetime | None
    opened_on: dt.date
    flags: Mapping[str, bool] = field(default_factory=dict)


def _existing(model, keys: list[str]) -> dict[str, object]:
    found: dict[str, object] = {}
    for chunk in batched(keys, BATCH_SIZE):
        for item in model.objects.filter(source_key__in=chunk):
            found[item.source_key] = item
    return found


@dataclass
class ImportPlan:
    """What ``people_import`` would write for ``people`` now: the people not imported
    before, by case, with the cases and family groups that already exist."""

    rows: int
    new: list[Arrival]
    by_case: dict[str, list[Arrival]]
    existing_cases: dict[str, Case]
    existing_groups: dict[object, Group]
    # Filled in by writing: the family groups formed, the new cases closed from the start.
    new_groups: int = 0
    new_cases_closed: int = 0

    @property
    def cases(self) -> int:
        return len(self.by_case)

    @property
    def new_cases(self) -> int:
        return len(self.by_case) - len(self.existing_cases)

    @property
    def families(self) -> int:
        return sum(1 for arrivals in self.by_case.values() if arrivals[0].in_family)

    @property
    def already_imported(self) -> int:
        return self.rows - len(self.new)


def people_import_plan(*, people: Sequence[Arrival]) -> ImportPlan:
    """A read: who of ``people`` is new, and into which cases they go (a dry run)."""
    # Keys first (one array parameter on PostgreSQL); instances only of the cases found.
    imported = bulk.existing(Person, "source_key", [arrival.source_key for arrival in people])
    new = [arrival for arrival in people if arrival.source_key not in imported]
    by_case: dict[str, list[Arrival]] = {}
    for arrival in new:
        by_case.setdefault(arrival.case_key, []).append(arrival)
    known = bulk.existing(Case, "source_key", list(by_case))
    existing_cases: dict[str, Case] = _existing(  # type: ignore[assignment]
        Case, [key for key in by_case if key in known]
    )
    existing_groups: dict[object, Group] = {}
    family_cases = [c.pk for k, c in existing_cases.items() if by_case[k][0].in_family]
    for chunk in batched(family_cases, BATCH_SIZE):
        for group in Group.objects.filter(case__in=chunk).order_by("-created_at"):
            existing_groups[group.case_id] = group  # the oldest group wins
    return ImportPlan(len(people), new, by_case, existing_cases, existing_groups)


@transaction.atomic(durable=True)
def people_import(
    *,
    actor,
    team: Team,
    country: str,
    people: Sequence[Arrival],
    source: Mapping | None = None,
    progress: Progress | None = None,
) -> ImportPlan:
    """Import ``people`` into ``team``'s cases in ``country``, all or nothing; returns the
    plan it carried out. People imported before (by source key) are skipped. ``source``
    (plain JSON: a file's hash, size, encoding) goes into the audit entry;
    ``progress(done, total)`` is called after each batch. The caller has checked that
    ``actor`` may add cases to the team. Durable: it commits on return."""
    for arrival in people:
        check_person(
            real_name=arrival.real_name, born_abroad=arrival.born_abroad, province=arrival.province
        )
        if arrival.status not in Status.values:
            raise CaseError({"status": _("Unknown status.")})
    # Two imports into one team take turns, so the second sees the first's keys and skips
    # them instead of failing on the unique constraint. (SQLite's BEGIN IMMEDIATE already
    # serialises writers.)
    if not list(Team.objects.select_for_update().filter(pk=team.pk).values_list("pk")):
        raise CaseError({"team": _("The team no longer exists.")})
    plan = people_import_plan(people=people)
    _write(plan, actor=actor, team=team, country=country, progress=progress)
    record(
        actor=actor,
        action="cases.imported",
        target=team,
        data={
            **(source or {}),
            "rows": plan.rows,
            "people": len(plan.new),
            "cases": plan.cases,
            "new_cases": plan.new_cases,
            "new_cases_closed": plan.new_cases_closed,
            "families": plan.families,
            "new_groups": plan.new_groups,
            "already_imported": plan.already_imported,
            "team": str(team.pk),
            "country": country,
            "dry_run": False,
        },
    )
    return plan


def _write(plan: ImportPlan, *, actor, team: Team, country: str, progress) -> None:
    """Write the plan's rows; settle the cases that existed."""
    now = timezone.now()
    batch = _Batch(now=now, user=actor_user(actor), year=timezone.localdate().year)
    families = closed = 0
    total, done = len(plan.new), 0
    touched: list[Case] = []
    for key, arrivals in plan.by_case.items():
        case = plan.existing_cases.get(key)
        if case is None:
            case = Case(
                code=batch.code(),
                team=team,
                country=country,
                opened_on=arrivals[0].opened_on,
                source_key=key,
            )
            # As case_intake: settled once, when everyone is in.
            if all(arrival.status == Status.CLOSED for arrival in arrivals):
                case.closed_at = now
                closed += 1
            batch.cases.append(case)
        else:
            touched.append(case)
        group_id = None
        if arrivals[0].in_family:
            group = plan.existing_groups.get(case.pk)
            if group is None:
                families += 1
                # A neutral label: the sheet's own group text may be a family's name.
                group_id = batch.add_group(case, family_label(families))
            else:
                group_id = group.pk
        for arrival in arrivals:
            batch.add_person(arrival, case, group_id)
        if len(batch.people) >= BATCH_SIZE:
            done += batch.flush()
            if progress is not None:
                progress(done, total)
    done += batch.flush()
    if progress is not None:
        progress(done, total)
    _settle(touched, actor=actor)
    plan.new_groups, plan.new_cases_closed = families, closed


def family_label(number: int) -> str:
    """The label of the ``number``-th family group an import forms."""
    return _("Family %(n)s") % {"n": number}


def _settle(cases: list[Case], *, actor) -> None:
    """``case_settle`` for each case that existed, asking the database once per batch."""
    for chunk in batched(cases, BATCH_SIZE):
        still_open = set(
            Person.objects.filter(case__in=chunk)
            .exclude(status=Status.CLOSED)
            .values_list("case_id", flat=True)
            .distinct()
        )
        for case in chunk:
            case_settle(actor=actor, case=case, open_people=case.pk in still_open)


@dataclass
class _Batch:
    now: dt.datetime
    user: object
    year: int
    cases: list[Case] = field(default_factory=list)
    groups: list[tuple] = field(default_factory=list)  # rows of GROUP_COLUMNS
    people: list[Person] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)

    def code(self) -> str:
        if not self.codes:
            self.codes = bulk.new_codes(BATCH_SIZE)
        return self.codes.pop()

    def add_group(self, case: Case, label: str) -> uuid.UUID:
        """A new family group of ``case``, as a row (``group_create`` saves the same)."""
        group_id = uuid.uuid4()
        now = timezone.now()
        self.groups.append((group_id, case.pk, label, now, now))
        return group_id

    def add_person(self, arrival: Arrival, case: Case, group_id: uuid.UUID | None) -> None:
        person = new_person(
            case=case,
            group=None,
            real_name=arrival.real_name,
            # The source says which part is the surname: the pseudonym need not guess it.
            surname=arrival.surname,
            sex=arrival.sex,
            birth_year=arrival.birth_year,
            estimated=arrival.estimated,
            province=arrival.province,
            born_abroad=arrival.born_abroad,
            status=arrival.status,
            status_since=arrival.status_since or self.now,
            source_key=arrival.source_key,
            flags=dict(arrival.flags),
            year=self.year,
            code=self.code(),
        )
        person.group_id = group_id  # a new group is a row, not an instance to link
        self.people.append(person)

    def flush(self) -> int:
        bulk.unique_codes(Case, self.cases)
        bulk.unique_codes(Person, self.people)
        # Cases keep no protected value at import, so this seals nothing today; it keeps
        # the bulk path right if the import ever fills one in.
        vault_records.prepare_for_bulk(self.cases)
        bulk.insert(Case, self.cases)
        bulk.insert_rows(Group, GROUP_COLUMNS, self.groups)
        vault_records.prepare_for_bulk(self.people)
        bulk.insert(Person, self.people)
        bulk.insert_rows(
            StatusChange,
            FIRST_STATUS_COLUMNS,
            [first_status_row(person, user=self.user) for person in self.people],
        )
        written = len(self.people)
        self.cases, self.groups, self.people = [], [], []
        return written
