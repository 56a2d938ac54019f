"""Writes to cases and people: keyword-only, atomic, audited.

Callers have already checked that ``actor`` may act on the case (``permissions.can``).
Audit data never holds protected values: codes, statuses and flags only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.audit.chain import record
from safepassage.cases import lifecycle, priority
from safepassage.cases.models import (
    Case,
    Group,
    Person,
    Relief,
    Status,
    StatusChange,
    Support,
    Team,
    Testimony,
)

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

# Called after a person's status changes to the key, inside the same transaction:
# ``hook(person=..., actor=..., previous=...)``. The advocacy app hooks "detained" here.
STATUS_HOOKS: dict[str, list[Callable]] = {}


class CaseError(ValidationError):
    """Bad input for a case: the message names the field and is safe to show."""


def _actor_user(actor):
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


def _assess(person: Person) -> None:
    person.priority, person.priority_reasons = priority.assess(person)


@transaction.atomic
def team_create(*, actor, name: str, members: Iterable = ()) -> Team:
    team = Team.objects.create(name=name.strip())
    team.members.set(list(members))
    record(actor=actor, action="cases.team_created", target=team, data={"name": name})
    return team


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
    """Record a call for help. Add the people with ``person_add``."""
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
    record(
        actor=actor,
        action="cases.case_opened",
        target=case,
        data={"country": case.country, "urgency": urgency, "team": str(team.pk)},
    )
    return case


@transaction.atomic
def person_add(
    *,
    actor,
    case: Case,
    real_name: str,
    sex: str,
    birth_year: int | None = None,
    age: int | None = None,
    province: str = "",
    born_abroad: bool = False,
    languages: str = "ko",
    country: str = "",
    phone: str = "",
    aliases: str = "",
    whereabouts: str = "",
    photo: bytes | None = None,
    group: Group | None = None,
    status: str = Status.INTAKE,
    status_since: dt.datetime | None = None,
    source_key: str | None = None,
    **flags: bool,
) -> Person:
    unknown = set(flags) - set(FLAGS)
    if unknown:
        raise TypeError(f"unknown flags: {sorted(unknown)}")
    if not real_name.strip():
        raise CaseError({"real_name": _("A name is needed, even a partial one.")})
    if born_abroad and province:
        raise CaseError({"province": _("A person born outside North Korea has no home province.")})
    year, estimated = check_birth_year(birth_year=birth_year, age=age, today=timezone.localdate())
    if group is not None and group.case_id != case.pk:
        raise CaseError({"group": _("The group belongs to another case.")})
    person = Person(
        case=case,
        group=group,
        sex=sex,
        birth_year=year,
        birth_year_estimated=estimated,
        province=province,
        born_abroad=born_abroad,
        languages=languages,
        country=(country or case.country).upper()[:2],
        status=status,
        status_changed_at=status_since or timezone.now(),
        source_key=source_key,
        **{flag: bool(flags.get(flag, False)) for flag in FLAGS},
    )
    person.real_name = real_name
    person.phone = phone
    person.aliases = aliases
    person.whereabouts = whereabouts
    person.photo = photo
    _assess(person)
    person.full_clean(
        exclude=["data_key", "case", "group"], validate_unique=False, validate_constraints=False
    )
    person.save()
    StatusChange.objects.create(
        person=person,
        from_status="",
        to_status=status,
        actor=_actor_user(actor),
        created_at=person.status_changed_at,
    )
    record(
        actor=actor,
        action="cases.person_added",
        target=person,
        data={
            "case": case.code,
            "sex": sex,
            "birth_year": year,
            "province": province,
            "status": status,
            "flags": sorted(f for f in FLAGS if flags.get(f)),
        },
    )
    return person


@transaction.atomic
def person_update_flags(*, actor, person: Person, **flags: bool) -> Person:
    unknown = set(flags) - set(FLAGS)
    if unknown:
        raise TypeError(f"unknown flags: {sorted(unknown)}")
    person = Person.objects.select_for_update().select_related("case").get(pk=person.pk)
    for flag, value in flags.items():
        setattr(person, flag, bool(value))
    _assess(person)
    person.save(update_fields=[*flags, "priority", "priority_reasons", "updated_at"])
    record(
        actor=actor,
        action="cases.flags_changed",
        target=person,
        data={"flags": sorted(f for f in FLAGS if getattr(person, f)), "priority": person.priority},
    )
    return person


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
        actor=_actor_user(actor),
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
    _close_case_if_done(actor=actor, case=person.case)
    return person


def person_detain(*, actor, person: Person) -> Person:
    """The people concerned were arrested: the advocacy work starts from here."""
    return person_set_status(actor=actor, person=person, to_status=Status.DETAINED)


def _close_case_if_done(*, actor, case: Case) -> None:
    open_people = case.people.exclude(status=Status.CLOSED).exists()
    if not open_people and case.closed_at is None:
        case.closed_at = timezone.now()
        case.save(update_fields=["closed_at", "updated_at"])
        record(actor=actor, action="cases.case_closed", target=case)
    elif open_people and case.closed_at is not None:
        case.closed_at = None
        case.save(update_fields=["closed_at", "updated_at"])


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


@transaction.atomic
def relief_add(*, actor, person: Person, **fields) -> Relief:
    relief = Relief(person=person, **fields)
    relief.full_clean(exclude=["person"])
    relief.save()
    record(
        actor=actor,
        action="cases.relief_given",
        target=person,
        data={
            "kind": relief.kind,
            "cost_minor": relief.cost_minor,
            "currency": relief.currency,
            "given_on": relief.given_on.isoformat(),
        },
    )
    return relief


@transaction.atomic
def relief_confirm(*, actor, relief: Relief) -> Relief:
    relief.confirmed_received = True
    relief.save(update_fields=["confirmed_received", "updated_at"])
    record(actor=actor, action="cases.relief_confirmed", target=relief.person)
    return relief


@transaction.atomic
def support_add(*, actor, person: Person, **fields) -> Support:
    support = Support(person=person, **fields)
    support.full_clean(exclude=["person"])
    support.save()
    record(
        actor=actor,
        action="cases.support_added",
        target=person,
        data={"kind": support.kind, "started_on": support.started_on.isoformat()},
    )
    return support


@transaction.atomic
def record_testimony(
    *, actor, person: Person, raw_text: str, language: str = "ko", publishable_text: str = ""
) -> Testimony:
    if not raw_text.strip():
        raise CaseError({"raw_text": _("The message is empty.")})
    testimony = Testimony(person=person, language=language)
    testimony.raw_text = raw_text
    testimony.publishable_text = publishable_text
    testimony.save()
    record(
        actor=actor,
        action="cases.testimony_added",
        target=testimony,
        data={"person": person.code, "language": language},
    )
    return testimony


@transaction.atomic
def edit_testimony(*, actor, testimony: Testimony, publishable_text: str) -> Testimony:
    testimony.publishable_text = publishable_text
    testimony.save(update_fields=["publishable_text", "updated_at"])
    record(actor=actor, action="cases.testimony_edited", target=testimony)
    return testimony


@transaction.atomic
def consent_record(
    *,
    actor,
    testimony: Testimony,
    scope: str,
    given_on: dt.date,
    expires_on: dt.date | None = None,
) -> Testimony:
    if expires_on is not None and expires_on <= given_on:
        raise CaseError({"expires_on": _("A consent must expire after it was given.")})
    if given_on > timezone.localdate():
        raise CaseError({"given_on": _("A consent cannot be given in the future.")})
    testimony.consent_scope = scope
    testimony.consent_given_on = given_on
    testimony.consent_expires_on = expires_on
    testimony.consent_withdrawn_at = None
    testimony.full_clean(exclude=["data_key", "person"])
    testimony.save()
    record(
        actor=actor,
        action="cases.consent_recorded",
        target=testimony,
        data={
            "scope": scope,
            "given_on": given_on.isoformat(),
            "expires_on": expires_on.isoformat() if expires_on else None,
        },
    )
    return testimony


@transaction.atomic
def consent_withdraw(*, actor, testimony: Testimony) -> Testimony:
    """From this moment the text is unpublishable everywhere (selectors read the consent)."""
    testimony.consent_withdrawn_at = timezone.now()
    testimony.save(update_fields=["consent_withdrawn_at", "updated_at"])
    record(actor=actor, action="cases.consent_withdrawn", target=testimony)
    return testimony


def people_exact_shown(*, actor, reason: str) -> None:
    """Record that ``actor`` asked to see exact sex, birth year, province, status and
    pseudonyms in lists and exports for a few minutes, and why. The caller checked that
    they may reveal people."""
    record(actor=actor, action="cases.people_exact_shown", data={"reason": reason[:500]})


def retention_due(*, now: dt.datetime | None = None):
    """Closed cases past the retention period whose identities are not yet shredded."""
    from django.conf import settings

    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.RETENTION_DAYS)
    return Case.objects.filter(
        closed_at__isnull=False, closed_at__lte=cutoff, data_key__shredded_at__isnull=True
    ).order_by("closed_at")


@transaction.atomic
def retention_shred(*, actor, case: Case) -> int:
    """Crypto-shred a closed case, its people and their testimonies; returns how many
    records were shredded. Statistics (sex, birth year, province, statuses, dates) stay."""
    from safepassage.vault import services as vault

    count = 0
    records_to_shred = [case, *case.people.all()]
    records_to_shred += list(Testimony.objects.filter(person__case=case))
    for item in records_to_shred:
        if item.data_key_id is None or not item.data_key.shredded_at:
            vault.shred(record_obj=item, actor=actor, reason="retention period over")
            count += 1
    return count


@transaction.atomic
def team_set_members(*, actor, team: Team, members: Iterable) -> Team:
    members = list(members)
    before = sorted(str(pk) for pk in team.members.values_list("pk", flat=True))
    team.members.set(members)
    record(
        actor=actor,
        action="cases.team_members_changed",
        target=team,
        data={"before": before, "after": sorted(str(m.pk) for m in members)},
    )
    return team


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
        _assess(person)
    Person.objects.bulk_update(people, ["priority", "priority_reasons"])
    record(
        actor=actor,
        action="cases.urgency_changed",
        target=case,
        data={"from": previous, "to": urgency},
    )
    return case


@transaction.atomic
def person_set_country(*, actor, person: Person, country: str) -> Person:
    """Where the person is now, at country level (missions move people across borders)."""
    country = country.strip().upper()
    if len(country) != 2 or not country.isalpha():
        raise CaseError({"country": _("A country is a two-letter code, e.g. LA.")})
    if person.country == country:
        return person
    previous = person.country
    person.country = country
    person.save(update_fields=["country", "updated_at"])
    record(
        actor=actor,
        action="cases.country_changed",
        target=person,
        data={"from": previous, "to": country},
    )
    return person
