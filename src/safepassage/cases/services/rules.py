"""What every write to a person obeys, whichever path makes it: one at a time
(``people.person_add``) or in a batch (``imports.people_import``).

Builders here make unsaved rows; the callers save them (``save()`` or ``base.bulk``) and
write the audit entries.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from safepassage.cases import priority
from safepassage.cases.models import Case, Group, Person, StatusChange
from safepassage.vault.fields import protected_fields

FLAGS = (
    "pregnant",
    "trafficked",
    "forced_marriage",
    "unaccompanied_minor",
    "health_need",
    "prior_repatriation",
    "religious_contact",
)
PROTECTED_PERSON_FIELDS = ("real_name", "aliases", "phone", "whereabouts", "photo")


class CaseError(ValidationError):
    """Bad input for a case: the message names the field and is safe to show."""


def actor_user(actor):
    """The user behind ``actor``, for a foreign key; None for labels ("command line")."""
    return actor if getattr(actor, "pk", None) and hasattr(actor, "email") else None


def check_birth_year(*, birth_year: int | None, age: int | None, today: dt.date) -> tuple:
    """Returns (birth_year, estimated). An age alone gives an estimated birth year; an age
    that contradicts the birth year by more than a year is refused."""
    if birth_year is not None and birth_year > today.year:
        raise CaseError({"birth_year": _("A birth year cannot be in the future.")})
    if birth_year is not None and birth_year < 1900:
        raise CaseError({"birth_year": _("A birth year before 1900 is not plausible.")})
    if age is not None and not 0 <= age <= 120:
        raise CaseError({"age": _("An age must be between 0 and 120.")})
    if birth_year is not None and age is not None:
        implied = today.year - birth_year
        if abs(implied - age) > 1:
            raise CaseError(
                {
                    "age": _("Age %(age)s does not fit birth year %(year)s.")
                    % {"age": age, "year": birth_year}
                }
            )
        return birth_year, False
    if age is not None:
        return today.year - age, True
    return birth_year, False


def check_flags(flags) -> None:
    unknown = set(flags) - set(FLAGS)
    if unknown:
        raise TypeError(f"unknown flags: {sorted(unknown)}")


def check_person(*, real_name: str, born_abroad: bool, province: str) -> None:
    if not real_name.strip():
        raise CaseError({"real_name": _("A name is needed, even a partial one.")})
    if born_abroad and province:
        raise CaseError({"province": _("A person born outside North Korea has no home province.")})


def assess(person: Person, *, year: int | None = None) -> None:
    person.priority, person.priority_reasons = priority.assess(person, year=year)


def new_person(
    *,
    case: Case,
    group: Group | None,
    real_name: str,
    surname: str | None = None,
    sex: str,
    birth_year: int | None,
    estimated: bool,
    province: str,
    born_abroad: bool,
    languages: str = "ko",
    country: str = "",
    status: str,
    status_since: dt.datetime,
    source_key: str | None,
    flags: dict,
    year: int | None = None,
    code: str | None = None,
) -> Person:
    """An unsaved person with its name staged for sealing and its priority assessed.
    ``surname``, when the source says which part of the name it is, decides the pseudonym.
    ``code``: one made in advance (a batch draws them all at once); a new one if None."""
    person = Person(
        **({} if code is None else {"code": code}),
        case=case,
        group=group,
        sex=sex,
        birth_year=birth_year,
        birth_year_estimated=estimated,
        province=province,
        born_abroad=born_abroad,
        languages=languages,
        country=(country or case.country).upper()[:2],
        status=status,
        status_changed_at=status_since,
        source_key=source_key,
        **{flag: bool(flags.get(flag, False)) for flag in FLAGS},
    )
    protected_fields(person)["real_name"].stage(person, real_name, surname=surname or None)
    assess(person, year=year)
    return person


def first_status(person: Person, *, user) -> StatusChange:
    """The first line of a person's status history: where they were when recorded."""
    row = first_status_row(person, user=user)
    return StatusChange(**dict(zip(FIRST_STATUS_COLUMNS, row, strict=True)))


# ``first_status`` as a row of these columns, for ``base.bulk.insert_rows``.
FIRST_STATUS_COLUMNS = ("person_id", "from_status", "to_status", "actor_id", "created_at")


def first_status_row(person: Person, *, user) -> tuple:
    return (
        person.pk,
        "",
        person.status,
        None if user is None else user.pk,
        person.status_changed_at,
    )


def person_added_data(person: Person) -> dict:
    """The ``cases.person_added`` entry's data: codes and clear columns, never a name."""
    return {
        "case": person.case.code,
        "sex": person.sex,
        "birth_year": person.birth_year,
        "province": person.province,
        "status": person.status,
        "flags": sorted(f for f in FLAGS if getattr(person, f)),
    }


def case_opened_data(case: Case) -> dict:
    return {"country": case.country, "urgency": case.urgency, "team": str(case.team_id)}
