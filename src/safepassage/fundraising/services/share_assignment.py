"""Giving a funded share to one person, taking it back, and reopening a short one.

A funded share goes to the first person in the rescue queue (priority, then longest
waiting) who is awaiting rescue, has agreed to a sponsor being told of their journey, and
has no active share (``selectors.eligible_people``); or to the person a coordinator picks,
under the same rules. Candidates are locked with SKIP LOCKED so two gifts at the same
moment take two different people, and the database refuses a second active share for one
person whatever happens. When a person cannot go on, the share is released and given to
the next person.

Row locks are taken in one order: matching pledges, the sponsor, shares (oldest first),
people; the audit head last.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.audit.chain import record, user_of
from safepassage.cases.models import Person, Status
from safepassage.fundraising import profiles, selectors
from safepassage.fundraising.models import (
    ACTIVE_SHARE,
    AssignedHow,
    Contribution,
    NewsKind,
    Share,
    ShareStatus,
    SponsorConsent,
)
from safepassage.fundraising.services.errors import FundraisingError
from safepassage.fundraising.services.share_news import tell

CANDIDATES_AT_ONCE = 20
# What an assignment reads of a candidate (the profile's attributes, the code for the
# audit): never the sealed fields, a photo among them.
CANDIDATE_FIELDS = ("id", "code", "status", "sex", "birth_year", "province", "born_abroad", "group")


def why_not(person: Person) -> str | None:
    """Why a share cannot go to ``person``, in words; None if it can."""
    if person.status != Status.AWAITING_RESCUE:
        return _("%(code)s is not awaiting rescue (now: %(status)s).") % {
            "code": person.code,
            "status": Status(person.status).label,
        }
    consent = SponsorConsent.objects.filter(person=person).first()
    if consent is None or consent.withdrawn_at is not None:
        return _("%(code)s has not agreed that a sponsor be told of their journey.") % {
            "code": person.code
        }
    if Share.objects.filter(person=person, status__in=ACTIVE_SHARE).exists():
        return _("%(code)s already has a sponsor.") % {"code": person.code}
    return None


@transaction.atomic
def assign_next(*, share: Share, actor, news: str = NewsKind.ASSIGNED) -> Person | None:
    """Give a funded share to the first eligible person in the queue; None if nobody
    waits (the share stays funded and is given when someone does)."""
    share = Share.objects.select_for_update().get(pk=share.pk)
    if share.status != ShareStatus.FUNDED:
        return None
    return give_next(share, actor=actor, news=news)


def give_next(
    share: Share,
    *,
    actor,
    news: str = NewsKind.ASSIGNED,
    donors: list[int] | None = None,
    audit: bool = True,
) -> Person | None:
    """``assign_next`` for a caller inside a transaction that holds ``share`` under
    SELECT FOR UPDATE, funded and as it is in the database. ``donors``: its news
    recipients, when just read. ``audit=False``: the caller's own audit entry says who
    the share went to (``assignment``)."""
    while True:
        candidates = list(
            selectors.eligible_people()
            .only(*CANDIDATE_FIELDS)
            .select_for_update(skip_locked=True, of=("self",))[:CANDIDATES_AT_ONCE]
        )
        if not candidates:
            return None
        for person in candidates:
            try:
                with transaction.atomic():
                    _assign(share, person, AssignedHow.PRIORITY, actor, news, donors, audit)
                return person
            except IntegrityError:
                continue  # taken by a concurrent gift between the read and the write


def assignment(share: Share) -> dict:
    """What the audit says of an assigned share: to whom, how, how precise a profile."""
    return {
        "person": share.person.code,
        "how": share.assigned_how,
        "profile_level": share.profile.get("level"),
    }


@transaction.atomic
def assign(*, share: Share, person: Person, actor) -> Share:
    """A coordinator gives a funded share to a person of their choice, under the rules."""
    share = Share.objects.select_for_update().get(pk=share.pk)
    if share.status != ShareStatus.FUNDED:
        raise FundraisingError(
            {"share": _("Only a funded share waiting for a person can be assigned.")}
        )
    person = Person.objects.select_for_update(of=("self",)).get(pk=person.pk)
    reason = why_not(person)
    if reason:
        raise FundraisingError({"person": reason})
    try:
        with transaction.atomic():
            _assign(share, person, AssignedHow.COORDINATOR, actor, NewsKind.ASSIGNED)
    except IntegrityError:
        raise FundraisingError(
            {"person": _("%(code)s already has a sponsor.") % {"code": person.code}}
        ) from None
    return share


def _assign(
    share: Share,
    person: Person,
    how: str,
    actor,
    news: str,
    donors: list[int] | None = None,
    audit: bool = True,
) -> None:
    share.person = person
    share.status = ShareStatus.ASSIGNED
    share.assigned_at = timezone.now()
    share.assigned_how = how
    share.assigned_by = user_of(actor) if how == AssignedHow.COORDINATOR else None
    share.profile = profiles.profile_for(person)
    share.save(
        update_fields=[
            "person",
            "status",
            "assigned_at",
            "assigned_how",
            "assigned_by",
            "profile",
            "updated_at",
        ]
    )
    tell(share, news, donors=donors)
    if audit:
        record(
            actor=actor, action="fundraising.share_assigned", target=share, data=assignment(share)
        )


@transaction.atomic
def assign_waiting(*, actor) -> int:
    """Give every funded share waiting for a person to the queue, oldest share first;
    returns how many were given. Run when people become eligible, and by the worker."""
    given = 0
    for share in Share.objects.filter(status=ShareStatus.FUNDED).order_by("funded_at", "id"):
        if assign_next(share=share, actor=actor) is None:
            break
        given += 1
    return given


@transaction.atomic
def release(*, share: Share, actor) -> Person | None:
    """The person cannot go on (or withdrew consent): the share goes to the next person.
    Sponsors are told kindly that their gift now helps someone else, never why."""
    share = Share.objects.select_for_update().get(pk=share.pk)
    if share.status != ShareStatus.ASSIGNED:
        return None
    former = share.person
    share.person = None
    share.profile = {}
    share.status = ShareStatus.FUNDED
    share.assigned_at = None
    share.assigned_how = ""
    share.assigned_by = None
    share.reassigned += 1
    fields = ["person", "profile", "status", "assigned_at", "assigned_how", "assigned_by"]
    if share.funded_minor < share.cost_minor:
        reopen(share, fields)  # short since a gift was reversed: collecting again
    share.save(update_fields=sorted({*fields, "reassigned", "updated_at"}))
    record(
        actor=actor,
        action="fundraising.share_released",
        target=share,
        data={"person": former.code if former else ""},
    )
    given = assign_next(share=share, actor=actor, news=NewsKind.REASSIGNED)
    if given is None:
        # Nobody waits now: say so kindly; the next assignment brings the new profile.
        tell(share, NewsKind.REASSIGNED)
    return given


def reopen(share: Share, fields: list[str]) -> None:
    """Back to collecting; an own share whose sponsor opened another since absorbs it.
    Adds the fields it changed to ``fields``; the caller saves ``share`` (held under
    SELECT FOR UPDATE)."""
    share.status = ShareStatus.OPEN
    share.funded_at = None
    fields += ["status", "funded_at"]
    if share.kind != Share.Kind.OWN:
        return
    newer = (
        Share.objects.select_for_update()
        .filter(sponsor_id=share.sponsor_id, kind=Share.Kind.OWN, status=ShareStatus.OPEN)
        .exclude(pk=share.pk)
        .first()
    )
    if newer is None:
        return
    moved = (
        Contribution.objects.filter(share=newer)
        .values("donation_id", "donor_id", "match_id")
        .annotate(total=Sum("amount_minor"))
    )
    for row in moved:
        if row["total"] > 0:
            for target, sign in ((newer, -1), (share, 1)):
                Contribution.objects.create(
                    share=target,
                    donation_id=row["donation_id"],
                    donor_id=row["donor_id"],
                    match_id=row["match_id"],
                    amount_minor=sign * row["total"],
                )
            share.funded_minor += row["total"]
    newer.funded_minor = 0
    newer.status = ShareStatus.CANCELLED
    newer.save(update_fields=["funded_minor", "status", "updated_at"])
    if share.funded_minor >= share.cost_minor:
        share.status = ShareStatus.FUNDED
        share.funded_at = timezone.now()
