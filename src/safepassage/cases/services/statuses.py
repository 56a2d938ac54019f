"""A person's status: moves the lifecycle allows, their history, the hooks other apps
listen with, and a case closing when its last person's journey ends."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.audit.chain import record
from safepassage.cases import lifecycle
from safepassage.cases.models import Case, Person, Status, StatusChange
from safepassage.cases.services.rules import CaseError, actor_user

# Called after a person's status changes to the key, inside the same transaction:
# ``hook(person=..., actor=..., previous=...)``. The advocacy app hooks "detained" here.
# A person's first status (``person_add``, ``people_import``) is where they were when
# recorded, not a change: it runs no hook.
STATUS_HOOKS: dict[str, list[Callable]] = {}


@transaction.atomic
def person_set_status(*, actor, person: Person, to_status: str) -> Person:
    """Move a person to a new status, if the lifecycle allows it; keeps the history."""
    person = Person.objects.select_for_update().select_related("case").get(pk=person.pk)
    previous = person.status
    if to_status not in Status.values:
        raise CaseError({"status": _("Unknown status.")})
    if not lifecycle.can_move(previous, to_status):
        raise CaseError(
            {
                "status": _("A person cannot go from “%(from)s” to “%(to)s”.")
                % {"from": Status(previous).label, "to": Status(to_status).label}
            }
        )
    now = timezone.now()
    person.status = to_status
    person.status_changed_at = now
    person.save(update_fields=["status", "status_changed_at", "updated_at"])
    StatusChange.objects.create(
        person=person,
        from_status=previous,
        to_status=to_status,
        actor=actor_user(actor),
        created_at=now,
    )
    record(
        actor=actor,
        action="cases.status_changed",
        target=person,
        data={"from": previous, "to": to_status},
    )
    for hook in STATUS_HOOKS.get(to_status, []):
        hook(person=person, actor=actor, previous=previous)
    case_settle(actor=actor, case=person.case)
    return person


def person_detain(*, actor, person: Person) -> Person:
    """The people concerned were arrested: the advocacy work starts from here."""
    return person_set_status(actor=actor, person=person, to_status=Status.DETAINED)


def case_settle(*, actor, case: Case, open_people: bool | None = None) -> None:
    """A case is closed when all its people are, and open again (audited, as its closing
    is) when one of them needs help again. Call inside the transaction that changed its
    people, after their rows are written. ``open_people``: whether any of its people is
    not closed, when the caller already knows (a batch); asked of the database if None."""
    if open_people is None:
        open_people = case.people.exclude(status=Status.CLOSED).exists()
    if not open_people and case.closed_at is None:
        case.closed_at = timezone.now()
        case.save(update_fields=["closed_at", "updated_at"])
        record(actor=actor, action="cases.case_closed", target=case)
    elif open_people and case.closed_at is not None:
        case.closed_at = None
        case.save(update_fields=["closed_at", "updated_at"])
        record(actor=actor, action="cases.case_reopened", target=case)
