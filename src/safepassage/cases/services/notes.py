"""A case's notes and its contact log: what a case worker writes down, and every contact
with the people of the case. Their text is sealed; the entries' dates, channels and
directions stay in clear for the follow-up."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.audit.chain import record
from safepassage.cases.models import Case, CaseNote, ContactEntry, Person
from safepassage.cases.services.rules import CaseError, actor_user

# A phone's clock runs a little fast; a contact later than this is a typing error.
CLOCK_SLACK = dt.timedelta(minutes=10)


def _check_person(case: Case, person: Person | None) -> None:
    if person is not None and person.case_id != case.pk:
        raise CaseError({"person": _("That person is not in this case.")})


def _text(value: str, field: str, message: str) -> str:
    value = value.strip()
    if not value:
        raise CaseError({field: message})
    return value


@transaction.atomic
def case_note_add(*, actor, case: Case, text: str, person: Person | None = None) -> CaseNote:
    """Write a note on ``case`` (about ``person`` of it, or the whole case). The caller has
    checked that ``actor`` may edit the case."""
    _check_person(case, person)
    note = CaseNote(case=case, person=person, author=actor_user(actor))
    note.text = _text(text, "text", _("The note is empty."))
    note.save()
    record(
        actor=actor,
        action="cases.note_added",
        target=note,
        data={"case": case.code, "person": person.code if person else None},
    )
    return note


@transaction.atomic
def contact_log_add(
    *,
    actor,
    case: Case,
    channel: str,
    direction: str,
    summary: str,
    contacted_at: dt.datetime | None = None,
    person: Person | None = None,
) -> ContactEntry:
    """Log one contact with the people of ``case``. The caller has checked that ``actor``
    may edit the case."""
    _check_person(case, person)
    contacted_at = contacted_at or timezone.now()
    if contacted_at > timezone.now() + CLOCK_SLACK:
        raise CaseError({"contacted_at": _("A contact cannot be in the future.")})
    entry = ContactEntry(
        case=case,
        person=person,
        channel=channel,
        direction=direction,
        contacted_at=contacted_at,
        author=actor_user(actor),
    )
    entry.summary = _text(summary, "summary", _("Say in a few words what was said."))
    try:
        entry.full_clean(exclude=["data_key", "case", "person", "author"])
    except ValidationError as exc:
        raise CaseError(exc.message_dict) from None
    entry.save()
    record(
        actor=actor,
        action="cases.contact_logged",
        target=entry,
        data={
            "case": case.code,
            "person": person.code if person else None,
            "channel": channel,
            "direction": direction,
            "contacted_at": contacted_at.isoformat(),
        },
    )
    return entry
