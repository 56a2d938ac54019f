"""Rescue shares: filled by gifts, assigned to one person each, told of the journey.

**Filling.** A gift to a Hope Sharing campaign (or one under it) goes, in the base
currency and net of fees (money that really arrived), into its donor's own share when the
donor sponsors alone, or into the oldest open pooled share of that campaign; a gift larger
than what a share lacks opens the next one. Matches drawn from matching pledges fill pooled
shares in the matcher's name. A share whose gifts reach its cost is funded.

**Assigning.** A funded share goes to the first person in the rescue queue (priority,
then longest waiting) who is awaiting rescue, has agreed to a sponsor being told of their
journey, and has no active share; or to the person a coordinator picks, under the same
rules. Candidates are locked with SKIP LOCKED so two gifts at the same moment take two
different people, and the database refuses a second active share for one person whatever
happens.

**News.** A share's sponsors are told when it is funded, when it is assigned (the
generalised profile), when the person reaches a third country, and when they arrive (with
any testimony whose consent covers donors). When a person cannot go on (detained, lost,
declined), the share is released and reassigned, and its sponsors are told kindly, never
why.

Row locks are taken in one order: matching pledges, the sponsor, shares (oldest first),
people; the audit head last.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.audit.chain import record, user_of
from safepassage.cases.models import Person, Status
from safepassage.fundraising import profiles
from safepassage.fundraising.models import (
    ACTIVE_SHARE,
    AssignedHow,
    Contribution,
    GiftIntake,
    Match,
    News,
    NewsDelivery,
    NewsKind,
    Share,
    ShareStatus,
    Sponsor,
    SponsorConsent,
    SponsorMode,
)
from safepassage.fundraising.services import costs, matching, pledges
from safepassage.fundraising.services.errors import FundraisingError
from safepassage.funds.models import Campaign, Donation, DonorKind

# The person cannot go on: their share goes to someone else.
RELEASING = frozenset(
    {Status.DETAINED, Status.FEARED_REPATRIATED, Status.LOST_CONTACT, Status.DECLINED}
)
CANDIDATES_AT_ONCE = 20


def chain(campaign: Campaign | None) -> list[Campaign]:
    """A campaign and those above it, nearest first (cycles are cut)."""
    found: list[Campaign] = []
    while campaign is not None and campaign not in found and len(found) < 20:
        found.append(campaign)
        campaign = campaign.parent
    return found


def hope_campaign(campaign: Campaign | None) -> Campaign | None:
    """The Hope Sharing campaign a gift to ``campaign`` counts for, or None."""
    return next((c for c in chain(campaign) if c.hope_sharing), None)


# --- taking gifts in --------------------------------------------------------------------------


def take_in_all(*, donations, actor) -> list[Share]:
    """``take_in`` for the gifts of a queryset that fundraising cares about: gifts to a
    campaign, reversals of gifts it took in, and gifts from donors with an active pledge.
    One query when there are none (an import of plain gifts)."""
    from safepassage.fundraising.models import Pledge

    pledging = Pledge.objects.filter(donor=OuterRef("donor_id"), status=Pledge.Status.ACTIVE)
    taken = GiftIntake.objects.filter(donation=OuterRef("reverses_id"))
    wanted = (
        donations.filter(Q(campaign__isnull=False) | Exists(pledging) | Exists(taken))
        .select_related("donor", "campaign", "reverses")
        .order_by("received_on", "created_at", "id")
    )
    funded: list[Share] = []
    for donation in wanted:
        funded += take_in(donation=donation, actor=actor)
    return funded


@transaction.atomic
def take_in(*, donation: Donation, actor) -> list[Share]:
    """What fundraising does with a recorded gift, once: pledge payments counted, matches
    drawn, shares filled, funded shares assigned. A reversal undoes the gift's part.
    Returns the shares that became funded."""
    intake, created = GiftIntake.objects.select_for_update().get_or_create(donation=donation)
    if not created and not intake.pending:
        return []
    if donation.reverses_id:
        _take_back(donation, actor)
        return []
    paid = pledges.count_payment(donation=donation) if created else None
    hope = hope_campaign(donation.campaign)
    if hope is not None and not costs.is_set(donation.received_on):
        # Recorded all the same: the gift fills shares once the director sets the cost.
        if not intake.pending:
            intake.pending = True
            intake.save(update_fields=["pending"])
        return []
    if intake.pending:
        intake.pending = False
        intake.save(update_fields=["pending"])
    matches = matching.draw(donation=donation, campaigns=chain(donation.campaign))
    funded: list[Share] = []
    if hope is not None:
        _fill(donation, hope, matches, funded)
    if paid or matches or hope is not None:
        record(
            actor=actor,
            action="fundraising.gift_taken_in",
            target=donation,
            data={
                "pledge": paid.pledge.code if paid else "",
                "matches": {m.matching.code: m.amount_minor for m in matches},
                "shares": sorted({c for c in _shares_filled(donation)}),
                "funded": [share.code for share in funded],
            },
        )
    for share in funded:
        assign_next(share=share, actor=actor)
    return funded


def _shares_filled(donation: Donation) -> list[str]:
    return list(
        Contribution.objects.filter(donation=donation).values_list("share__code", flat=True)
    )


def _fill(donation: Donation, hope: Campaign, matches: list[Match], funded: list[Share]) -> None:
    sponsor = (
        Sponsor.objects.select_for_update().filter(donor_id=donation.donor_id).first()
        if donation.donor.kind != DonorKind.ANONYMOUS
        else None
    )
    amount = donation.base_net_minor
    if sponsor is not None and sponsor.mode == SponsorMode.OWN:
        _fill_own(sponsor, donation, amount, hope, funded)
    else:
        _fill_pool(donation, donation.donor_id, amount, None, hope, funded)
    for match in matches:
        _fill_pool(donation, match.matching.donor_id, match.amount_minor, match, hope, funded)
    for share in funded:
        _tell(share, NewsKind.FUNDED)


def _open_share(*, kind: str, sponsor, campaign, on) -> Share:
    cost = costs.cost_on(on)
    return Share.objects.create(
        kind=kind,
        sponsor=sponsor,
        campaign=campaign,
        currency=cost.currency,
        cost_minor=cost.amount_minor,
    )


def _put(share: Share, donation, donor_id, amount: int, match, funded: list[Share]) -> int:
    """Put up to what ``share`` lacks into it; returns what was put."""
    put = min(amount, share.missing_minor)
    if put <= 0:
        return 0
    Contribution.objects.create(
        share=share, donation=donation, donor_id=donor_id, match=match, amount_minor=put
    )
    share.funded_minor += put
    fields = ["funded_minor", "updated_at"]
    if share.funded_minor >= share.cost_minor and share.status == ShareStatus.OPEN:
        share.status = ShareStatus.FUNDED
        share.funded_at = timezone.now()
        fields += ["status", "funded_at"]
        funded.append(share)
    share.save(update_fields=fields)
    return put


def _fill_own(sponsor: Sponsor, donation, amount: int, campaign, funded: list[Share]) -> None:
    while amount > 0:
        share = (
            Share.objects.select_for_update()
            .filter(sponsor=sponsor, kind=Share.Kind.OWN, status=ShareStatus.OPEN)
            .first()
        )
        if share is None:
            share = _open_share(
                kind=Share.Kind.OWN, sponsor=sponsor, campaign=campaign, on=donation.received_on
            )
        amount -= _put(share, donation, donation.donor_id, amount, None, funded)


def _fill_pool(donation, donor_id, amount: int, match, campaign, funded: list[Share]) -> None:
    while amount > 0:
        share = (
            Share.objects.select_for_update()
            .filter(kind=Share.Kind.POOLED, status=ShareStatus.OPEN, campaign=campaign)
            .order_by("created_at", "id")
            .first()
        )
        if share is None:
            share = _open_share(
                kind=Share.Kind.POOLED, sponsor=None, campaign=campaign, on=donation.received_on
            )
        amount -= _put(share, donation, donor_id, amount, match, funded)


def _take_back(reversal: Donation, actor) -> None:
    """A reversed gift leaves the shares it filled; what it took from a matching pledge
    goes back into the pool, and a pledge payment is undone. A share that falls short
    again gives its person back to the queue, unless their journey has begun (the money
    is spent or promised to people on the road: the share stays, short)."""
    original = reversal.reverses
    # A gift still waiting for a cost of rescue never fills a share now.
    GiftIntake.objects.filter(donation=original, pending=True).update(pending=False)
    unpaid = pledges.uncount_payment(reversal=reversal)
    returned = matching.give_back(reversal=reversal)
    given = (
        Contribution.objects.filter(donation=original)
        .values("share_id", "donor_id", "match_id")
        .annotate(total=Sum("amount_minor"))
        .order_by("share_id")
    )
    for row in given:
        if row["total"] <= 0:
            continue
        share = Share.objects.select_for_update().get(pk=row["share_id"])
        Contribution.objects.create(
            share=share,
            donation=reversal,
            donor_id=row["donor_id"],
            match_id=row["match_id"],
            amount_minor=-row["total"],
        )
        share.funded_minor -= row["total"]
        fields = ["funded_minor", "updated_at"]
        short = share.funded_minor < share.cost_minor
        if short and share.status == ShareStatus.FUNDED:
            _reopen(share, fields)
        elif short and share.status == ShareStatus.ASSIGNED:
            person = Person.objects.only("status").get(pk=share.person_id)
            if person.status == Status.AWAITING_RESCUE:
                share.person = None
                share.profile = {}
                share.assigned_at = None
                share.assigned_how = ""
                fields += ["person", "profile", "assigned_at", "assigned_how"]
                _reopen(share, fields)
        share.save(update_fields=sorted(set(fields)))
    record(
        actor=actor,
        action="fundraising.gift_taken_back",
        target=original,
        data={
            "reversal": reversal.code,
            "pledge": unpaid.pledge.code if unpaid else "",
            "matches": {m.matching.code: -m.amount_minor for m in returned},
        },
    )


def _reopen(share: Share, fields: list[str]) -> None:
    """Back to collecting; an own share whose sponsor opened another since absorbs it."""
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


# --- assigning --------------------------------------------------------------------------------


def eligible_people():
    """People a funded share may go to: awaiting rescue, consenting, not yet sponsored,
    not shredded; in the order of the rescue queue."""
    consenting = SponsorConsent.objects.filter(person=OuterRef("pk"), withdrawn_at__isnull=True)
    sponsored = Share.objects.filter(person=OuterRef("pk"), status__in=ACTIVE_SHARE)
    return (
        Person.objects.filter(status=Status.AWAITING_RESCUE)
        .filter(Exists(consenting), ~Exists(sponsored))
        .filter(Q(data_key__isnull=True) | Q(data_key__shredded_at__isnull=True))
        .order_by("-priority", "status_changed_at", "created_at", "id")
    )


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
    while True:
        candidates = list(
            eligible_people().select_for_update(skip_locked=True, of=("self",))[:CANDIDATES_AT_ONCE]
        )
        if not candidates:
            return None
        for person in candidates:
            try:
                with transaction.atomic():
                    _assign(share, person, AssignedHow.PRIORITY, actor, news)
                return person
            except IntegrityError:
                continue  # taken by a concurrent gift between the read and the write


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


def _assign(share: Share, person: Person, how: str, actor, news: str) -> None:
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
    _tell(share, news)
    record(
        actor=actor,
        action="fundraising.share_assigned",
        target=share,
        data={"person": person.code, "how": how, "profile_level": share.profile.get("level")},
    )


@transaction.atomic
def take_in_pending(*, actor) -> int:
    """Gifts recorded while no cost of rescue was set: fill shares with them now."""
    taken = 0
    for intake in GiftIntake.objects.filter(pending=True).select_related("donation__donor"):
        take_in(donation=intake.donation, actor=actor)
        taken += 1
    return taken


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


# --- the journey ------------------------------------------------------------------------------


def on_status(*, person: Person, actor, previous: str) -> None:
    """Called inside ``cases.services.person_set_status``; see ``hooks``."""
    share = Share.objects.select_for_update().filter(person=person, status__in=ACTIVE_SHARE).first()
    status = person.status
    if status == Status.AWAITING_RESCUE:
        if share is None and Share.objects.filter(status=ShareStatus.FUNDED).exists():
            # In its own transaction, after this one: it locks shares, and this one already
            # holds the audit head.
            from safepassage.fundraising.tasks import assign_shares

            assign_shares.enqueue()
        return
    if share is None:
        return
    if status == Status.THIRD_COUNTRY and share.status == ShareStatus.ASSIGNED:
        if not share.news.filter(kind=NewsKind.THIRD_COUNTRY).exists():
            _tell(share, NewsKind.THIRD_COUNTRY)
    elif status == Status.ARRIVED and share.status == ShareStatus.ASSIGNED:
        share.status = ShareStatus.RESCUED
        share.rescued_at = timezone.now()
        share.save(update_fields=["status", "rescued_at", "updated_at"])
        _tell(share, NewsKind.ARRIVED, testimonies=_testimonies(person))
        record(actor=actor, action="fundraising.share_rescued", target=share)
    elif status in RELEASING and share.status == ShareStatus.ASSIGNED:
        release(share=share, actor=actor)


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
        _reopen(share, fields)  # short since a gift was reversed: collecting again
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
        _tell(share, NewsKind.REASSIGNED)
    return given


def _testimonies(person: Person) -> list[str]:
    from safepassage.cases.selectors import publishable

    return list(
        publishable("donors")
        .filter(person=person)
        .order_by("created_at")
        .values_list("code", flat=True)
    )


# --- news -------------------------------------------------------------------------------------


def recipients(share: Share) -> list[int]:
    """Donors who put money into the share and may hear of it: sponsors, or donors who
    agreed to be contacted; never an anonymous giver."""
    given = (
        Contribution.objects.filter(share=share)
        .values("donor_id")
        .annotate(total=Sum("amount_minor"))
        .filter(total__gt=0)
        .values_list("donor_id", flat=True)
    )
    from safepassage.funds.models import Donor

    return list(
        Donor.objects.filter(pk__in=list(given), merged_into__isnull=True)
        .exclude(kind=DonorKind.ANONYMOUS)
        .filter(Q(sponsor__isnull=False) | Q(consent_to_contact=True))
        .values_list("pk", flat=True)
    )


def _tell(share: Share, kind: str, *, testimonies: list[str] | None = None) -> News:
    from safepassage.fundraising.tasks import send_news

    news = News.objects.create(
        share=share, kind=kind, profile=dict(share.profile), testimonies=testimonies or []
    )
    for donor_id in recipients(share):
        delivery = NewsDelivery.objects.create(news=news, donor_id=donor_id)
        send_news.enqueue(delivery_id=delivery.pk)
    return news


def share_of(donation: Donation) -> list[Share]:
    return list(
        Share.objects.filter(contributions__donation=donation).distinct().order_by("created_at")
    )


def matches_of(donation: Donation) -> list[Match]:
    return list(Match.objects.filter(donation=donation).select_related("matching"))
