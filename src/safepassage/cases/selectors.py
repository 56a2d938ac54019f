"""Reads of cases and people, always filtered by the asking user in the query itself."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from safepassage.accounts import permissions
from safepassage.cases import lifecycle
from safepassage.cases.models import (
    Case,
    CaseNote,
    ConsentScope,
    ContactEntry,
    Person,
    Status,
    Testimony,
)
from safepassage.cases.services import FLAGS
from safepassage.vault import records

SEALED_PERSON_COLUMNS = (
    "real_name_sealed",
    "aliases_sealed",
    "whereabouts_sealed",
    "photo_sealed",
    "phone_sealed",
)


SEALED_CASE_COLUMNS = (
    "case__relayed_by_sealed",
    "case__exact_place_sealed",
    "case__situation_sealed",
)


def cases_for(user, *, action: str = "cases.view") -> QuerySet[Case]:
    return permissions.visible(user, action, Case.objects.all())


def people_for(user, *, action: str = "people.view") -> QuerySet[Person]:
    return permissions.visible(user, action, Person.objects.all())


@dataclass(frozen=True)
class PeopleFilter:
    query: str = ""
    status: str = ""
    province: str = ""
    flag: str = ""
    min_priority: int | None = None


def people_list(
    user, *, query: str = "", identifying: bool = False, filters: PeopleFilter | None = None
) -> QuerySet[Person]:
    """Search by code or pseudonym; with ``identifying``, also by exact full name or phone
    through the blind indexes (the caller keeps such a query out of URLs and logs)."""
    people = people_for(user).defer(*SEALED_PERSON_COLUMNS)
    if filters is not None:
        people = _filtered(people, filters)
        query = query or filters.query
    query = query.strip()
    if not query:
        return people
    by_code = people.filter(code=query.upper())
    if by_code.exists():
        return by_code
    result = people.filter(real_name_masked__iexact=query)
    if identifying:
        result = result | records.filter_by(people, "real_name", query)
        if any(c.isdigit() for c in query):
            result = result | records.filter_by(people, "phone", query)
    return result


def _filtered(people: QuerySet[Person], filters: PeopleFilter) -> QuerySet[Person]:
    if filters.status in Status.values:
        people = people.filter(status=filters.status)
    if filters.province == "none":
        people = people.filter(province="")
    elif filters.province:
        people = people.filter(province=filters.province)
    if filters.flag in FLAGS:
        people = people.filter(**{filters.flag: True})
    elif filters.flag == "child":
        people = people.filter(birth_year__gt=timezone.localdate().year - 18)
    if filters.min_priority is not None:
        people = people.filter(priority__gte=filters.min_priority)
    return people


def priority_queue(user) -> QuerySet[Person]:
    """People awaiting rescue, most urgent first, then longest waiting."""
    return (
        people_for(user)
        .filter(status__in=lifecycle.WAITING)
        .select_related("case", "group")
        .defer(*SEALED_PERSON_COLUMNS, *SEALED_CASE_COLUMNS)
        .order_by("-priority", "status_changed_at", "created_at")
    )


def case_people(case: Case) -> QuerySet[Person]:
    return (
        case.people.defer(*SEALED_PERSON_COLUMNS)
        .select_related("group")
        .order_by("group__label", "-priority", "created_at")
    )


def case_notes(user, case: Case, *, person: Person | None = None) -> QuerySet[CaseNote]:
    """The notes on ``case`` that ``user`` may see (all of them or none: who sees a case
    sees its notes); with ``person``, those about them or about the whole case. The sealed
    text stays unread: it shows only after an audited reveal."""
    return _case_records(user, CaseNote.objects.filter(case=case), person, "text_sealed")


def case_contacts(user, case: Case, *, person: Person | None = None) -> QuerySet[ContactEntry]:
    """The contact log of ``case`` that ``user`` may see, as ``case_notes``."""
    return _case_records(user, ContactEntry.objects.filter(case=case), person, "summary_sealed")


def _case_records(user, records_of_case: QuerySet, person: Person | None, sealed: str):
    found = permissions.visible(user, "cases.view", records_of_case)
    if person is not None:
        found = found.about(person)
    person_columns = [f"person__{column}" for column in SEALED_PERSON_COLUMNS]
    return found.select_related("author", "person", "data_key").defer(sealed, *person_columns)


def status_counts(user) -> dict[str, int]:
    from django.db.models import Count

    rows = people_for(user).values("status").annotate(n=Count("id")).order_by()
    return {row["status"]: row["n"] for row in rows}


SCOPE_ORDER = [ConsentScope.INTERNAL, ConsentScope.DONORS, ConsentScope.PUBLIC]


def publishable(scope: str, *, on: dt.date | None = None) -> QuerySet[Testimony]:
    """Testimonies whose consent, today, covers ``scope`` (donors or public).

    Consent is read at every call, so a withdrawal or an expiry takes effect at once.
    A consent for the public also covers donors.
    """
    on = on or timezone.localdate()
    covering = SCOPE_ORDER[SCOPE_ORDER.index(scope) :]
    return Testimony.objects.filter(
        consent_scope__in=covering,
        consent_given_on__isnull=False,
        consent_given_on__lte=on,
        consent_withdrawn_at__isnull=True,
        data_key__shredded_at__isnull=True,
    ).filter(Q(consent_expires_on__isnull=True) | Q(consent_expires_on__gt=on))


def publishable_covering(codes, *, scope: str, on: dt.date) -> dict[str, str]:
    """Which testimonies among ``codes`` may be published to ``scope`` on ``on``, without
    revealing anything: by code, a token that changes whenever the edited text is sealed
    again (a hash of its ciphertext and the time it was saved). A caller that keeps a
    revealed text keys it by this token, so an edit is never hidden behind a kept copy."""
    rows = (
        publishable(scope, on=on)
        .filter(code__in=list(codes))
        .values_list("code", "publishable_text_sealed", "updated_at")
    )
    return {
        code: hashlib.sha256(bytes(sealed or b"")).hexdigest()[:32] + updated.isoformat()
        for code, sealed, updated in rows
    }


def publishable_texts(codes, *, scope: str, on: dt.date, reason: str) -> dict[str, str]:
    """The edited texts of the testimonies among ``codes`` whose consent covers ``scope``
    on ``on``, by code; a testimony withdrawn, expired, shredded or without an edited text
    is absent.

    For outputs that were approved for publication (a published report's page, feed and
    PDF): each text read is an audited reveal by ``"public"`` with ``reason``.
    """
    from safepassage.vault import services as vault
    from safepassage.vault.errors import VaultError

    texts = {}
    for testimony in publishable(scope, on=on).filter(code__in=list(codes)):
        try:
            text = vault.reveal(
                record_obj=testimony,
                field_name="publishable_text",
                actor="public",
                reason=reason,
            )
        except VaultError:
            continue
        if text:
            texts[testimony.code] = str(text)
    return texts


def dashboard_cards(user) -> list:
    """The dashboard's figures on people, for a user who holds ``people.view``: those
    awaiting rescue, detained, out of contact and in transit, and everyone helped."""
    from django.utils.translation import gettext as _

    from safepassage.base.shell import Card

    counts = status_counts(user)
    cards = [
        Card(
            title=_("Awaiting rescue"),
            value=counts.get(Status.AWAITING_RESCUE, 0),
            url_name="cases:queue",
        )
    ]
    for status in (Status.DETAINED, Status.LOST_CONTACT, Status.IN_TRANSIT):
        cards.append(
            Card(
                title=Status(status).label,
                value=counts.get(status, 0),
                url_name="cases:people",
                query=f"status={status}",
            )
        )
    cards.append(
        Card(title=_("People we help"), value=sum(counts.values()), url_name="cases:people")
    )
    return cards


def today_items(user) -> list:
    """What needs a user who holds ``people.view`` today: the people they may see who are
    still at intake (a call for help taken, nobody yet in hiding or waiting for rescue)."""
    from django.utils.translation import ngettext

    from safepassage.base.shell import TodayItem

    waiting = people_for(user).filter(status=Status.INTAKE).count()
    return [
        TodayItem(
            count=waiting,
            text=ngettext(
                "%(count)s person is awaiting intake",
                "%(count)s people are awaiting intake",
                waiting,
            )
            % {"count": waiting},
            url_name="cases:people",
            query=f"status={Status.INTAKE}",
        )
    ]


# --- What a report may count ------------------------------------------------------------------


@dataclass(frozen=True)
class Arrival:
    """One person who reached safety, as a report may use them: never a name or a code.

    ``family``: an opaque stable key of whom they travelled with (their group, else their
    case), for grouping the published list by family and counting contributors; never
    shown. ``month``: "2026-05", in the organisation's time zone. ``sex``: "" when not
    recorded (never guessed). ``pseudonym``: the stored one ("Kim OO"), "" when none or
    shredded.
    """

    family: str
    month: str
    sex: str
    birth_year: int | None
    province: str
    born_abroad: bool
    pseudonym: str


def family_key(*, group_id, case_id) -> str:
    """An opaque, stable key for a family: the same group (else case) always gives the
    same key, and the key names no row that a reader could look up."""
    import hashlib

    source = f"group:{group_id}" if group_id else f"case:{case_id}"
    return hashlib.sha256(source.encode()).hexdigest()[:16]


ARRIVAL_COLUMNS = (
    "pk",
    "case_id",
    "group_id",
    "sex",
    "birth_year",
    "province",
    "born_abroad",
    "real_name_masked",
    "arrived_at",
)


def _arrived(user, start: dt.date, end: dt.date) -> QuerySet[Person]:
    """The people ``user`` may count (``reports.count``) whose arrival falls in the days
    ``start`` to ``end`` (organisation's time zone), each annotated with ``arrived_at``."""
    from django.db.models import Min, OuterRef, Subquery

    from safepassage.base import periods
    from safepassage.cases.models import StatusChange

    lo, hi = periods.bounds(start, end)
    arrived = StatusChange.objects.filter(to_status=Status.ARRIVED)
    # Who first arrived in the period: one pass over the arrivals in the history, so the
    # per-person subquery below runs only for them, not for everyone ever recorded.
    in_period = (
        arrived.values("person_id")
        .annotate(first=Min("created_at"))
        .filter(first__gte=lo, first__lt=hi)
        .values("person_id")
    )
    first_arrival = (
        arrived.filter(person=OuterRef("pk")).order_by("created_at", "id").values("created_at")[:1]
    )
    return (
        people_for(user, action="reports.count")
        .filter(pk__in=in_period)
        .annotate(arrived_at=Subquery(first_arrival))
    )


def _arrival(row: dict) -> Arrival:
    from safepassage.base import periods
    from safepassage.vault import masks

    pseudonym = row["real_name_masked"] or ""
    return Arrival(
        family=family_key(group_id=row["group_id"], case_id=row["case_id"]),
        month=periods.month_of(row["arrived_at"]),
        sex=row["sex"] or "",
        birth_year=row["birth_year"],
        province=row["province"] or "",
        born_abroad=bool(row["born_abroad"]),
        pseudonym="" if pseudonym == masks.HIDDEN else pseudonym,
    )


def arrivals(*, user, start: dt.date, end: dt.date) -> list[Arrival]:
    """The people who reached safety between ``start`` and ``end`` (both included), oldest
    arrival first, as ``Arrival`` rows; nothing for a user without ``reports.count``.

    A person reached safety when their status first changed into ``arrived``: the status
    history (``StatusChange``) is the record of when it happened, while the person's
    current status only says where they stand now. So someone who arrived in May and was
    moved on to resettlement support or closed in June is May's arrival in every report,
    and is counted once even if the history had a second arrival (the lifecycle allows
    none, but an import might write one). The day is cut in the organisation's time zone
    (``base.periods``). A shredded person still counts (counts survive shredding); only
    their pseudonym is gone.
    """
    rows = _arrived(user, start, end).order_by("arrived_at", "pk").values(*ARRIVAL_COLUMNS)
    return [_arrival(row) for row in rows]


@dataclass(frozen=True)
class ReportTestimony:
    """A testimony a report may publish: its code, language, the teller as ``Arrival``
    (for the generalised header) and the edited text, read through the vault."""

    code: str
    language: str
    person: Arrival
    text: str


def report_testimonies(
    *, user, scope: str, on: dt.date, start: dt.date, end: dt.date
) -> list[ReportTestimony]:
    """Testimonies whose consent covers ``scope`` ("donors" or "public") on ``on``
    (``publishable``: given, not expired, not withdrawn, not shredded), told by people who
    reached safety in the period (``arrivals``), oldest first.

    Only arrivals: a person still on the way is never quoted, whatever they agreed to.
    Each text is revealed through the vault (``vault.services.reveal``, audited with
    ``user`` as the actor), as the sponsors' news reads it; a text that is empty or cannot
    be read is left out. The caller reads this again at every render, so a consent
    withdrawn or expired since takes the text out at once.
    """
    from safepassage.vault import services as vault
    from safepassage.vault.errors import VaultError

    # The publishable testimonies are few; the period's arrivals are many. So the
    # testimonies come first, and only their tellers are looked for among the arrivals.
    chosen = list(publishable(scope, on=on).select_related("data_key").order_by("created_at", "pk"))
    if not chosen:
        return []
    tellers = _arrived(user, start, end).filter(pk__in={t.person_id for t in chosen})
    people = {row["pk"]: _arrival(row) for row in tellers.values(*ARRIVAL_COLUMNS)}
    found = []
    for testimony in chosen:
        if testimony.person_id not in people:
            continue
        try:
            text = vault.reveal(
                record_obj=testimony,
                field_name="publishable_text",
                actor=user,
                reason="testimony for a report",
            )
        except VaultError:
            continue
        if text:
            found.append(
                ReportTestimony(
                    code=testimony.code,
                    language=testimony.language,
                    person=people[testimony.person_id],
                    text=text,
                )
            )
    return found
