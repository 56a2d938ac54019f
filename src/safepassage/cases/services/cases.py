"""Calls for help: opening a case, taking one in with its people, its urgency, groups."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.audit.chain import record
from safepassage.cases.models import Case, Group, Person, Status, Team
from safepassage.cases.services.people import add_to_case
from safepassage.cases.services.rules import CaseError, assess, case_opened_data
from safepassage.cases.services.statuses import case_settle


@transaction.atomic
def case_open(
    *,
    actor,
    team: Team,
    country: str,
    region: str = "",
    urgency: str = "routine",
    opened_on: dt.date | None = None,
    relayed_by: str = "",
    exact_place: str = "",
    situation: str = "",
    source_key: str | None = None,
) -> Case:
    """Record a call for help. Add the people with ``person_add``, or take the call and
    its people in one step with ``case_intake``."""
    case = Case(
        team=team,
        country=country.upper()[:2],
        region=region,
        urgency=urgency,
        opened_on=opened_on or timezone.localdate(),
        source_key=source_key,
    )
    case.relayed_by = relayed_by
    case.exact_place = exact_place
    case.situation = situation
    # Uniqueness and constraints are the database's job; asking twice costs five queries.
    case.full_clean(exclude=["data_key"], validate_unique=False, validate_constraints=False)
    case.save()
    record(actor=actor, action="cases.case_opened", target=case, data=case_opened_data(case))
    return case


@transaction.atomic(durable=True)
def case_intake(
    *,
    actor,
    team: Team,
    country: str,
    people: Sequence[Mapping],
    region: str = "",
    urgency: str = "routine",
    opened_on: dt.date | None = None,
    relayed_by: str = "",
    exact_place: str = "",
    situation: str = "",
    source_key: str | None = None,
) -> Case:
    """Take a call for help: the case and its people (``person_add``'s keywords, one
    mapping each), all or nothing. Durable: it commits on return, so a caller cannot wrap
    it; the caller has checked that ``actor`` may add cases to ``team``."""
    case = case_open(
        actor=actor,
        team=team,
        country=country,
        region=region,
        urgency=urgency,
        opened_on=opened_on,
        relayed_by=relayed_by,
        exact_place=exact_place,
        situation=situation,
        source_key=source_key,
    )
    for fields in people:
        add_to_case(actor=actor, case=case, **fields)
    # Once, when everyone is in: a case is closed only if all of them are.
    case_settle(
        actor=actor,
        case=case,
        open_people=(
            any(fields.get("status", Status.INTAKE) != Status.CLOSED for fields in people)
        ),
    )
    return case


@transaction.atomic
def case_set_urgency(*, actor, case: Case, urgency: str) -> Case:
    """Change how urgent a call is; its people's priorities follow at once."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    previous = case.urgency
    case.urgency = urgency
    case.full_clean(exclude=["data_key"], validate_unique=False, validate_constraints=False)
    case.save(update_fields=["urgency", "updated_at"])
    people = list(case.people.select_related("case"))
    for person in people:
        person.case = case
        assess(person)
    Person.objects.bulk_update(people, ["priority", "priority_reasons"])
    record(
        actor=actor,
        action="cases.urgency_changed",
        target=case,
        data={"from": previous, "to": urgency},
    )
    return case


@transaction.atomic
def group_create(*, actor, case: Case, label: str, people: Iterable[Person]) -> Group:
    people = list(people)
    if any(p.case_id != case.pk for p in people):
        raise CaseError({"people": _("Everyone in a group must belong to the case.")})
    if Group.objects.filter(case=case, label=label).exists():
        raise CaseError({"label": _("This case already has a group with that label.")})
    group = Group.objects.create(case=case, label=label)
    Person.objects.filter(pk__in=[p.pk for p in people]).update(group=group)
    record(
        actor=actor,
        action="cases.group_created",
        target=case,
        data={"group": label, "people": sorted(p.code for p in people)},
    )
    return group
