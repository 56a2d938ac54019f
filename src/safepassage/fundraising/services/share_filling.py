"""Rescue shares filled by gifts.

A gift to a Hope Sharing campaign (or one under it) goes, in the base currency and net of
fees (money that really arrived), into its donor's own share when the donor sponsors
alone, or into the oldest open pooled share of that campaign; a gift larger than what a
share lacks opens the next one. Matches drawn from matching pledges fill pooled shares in
the matcher's name. A share whose gifts reach its cost is funded, and given to a person
(``share_assignment``). A reversed gift leaves the shares it filled.

Row locks are taken in one order: matching pledges, the sponsor, shares (oldest first),
people; the audit head last.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Sum
from django.utils import timezone

from safepassage.audit.chain import record
from safepassage.cases.models import Person, Status
from safepassage.fundraising.models import (
    Contribution,
    GiftIntake,
    Match,
    NewsKind,
    RescueCost,
    Share,
    ShareStatus,
    Sponsor,
    SponsorMode,
)
from safepassage.fundraising.services import matching, pledges
from safepassage.fundraising.services.cost_in_force import in_force
from safepassage.fundraising.services.share_assignment import assignment, give_next, reopen
from safepassage.fundraising.services.share_news import recipients, tell
from safepassage.funds.models import Campaign, Donation, DonorKind


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


def take_in_all(*, donations, actor) -> list[Share]:
    """``take_in`` for the gifts of a queryset that fundraising cares about: gifts to a
    campaign, reversals of gifts it took in, and gifts from donors with an active pledge.
    One query when there are none (an import of plain gifts)."""
    from safepassage.fundraising.models import Pledge

    pledging = Pledge.objects.filter(donor=OuterRef("donor_id"), status=Pledge.Status.ACTIVE)
    taken = GiftIntake.objects.filter(donation=OuterRef("reverses_id"))
    wanted = (
        donations.annotate(
            donor_pledging=Exists(pledging),
            taken_in=Exists(GiftIntake.objects.filter(donation=OuterRef("pk"))),
        )
        .filter(Q(campaign__isnull=False) | Q(donor_pledging=True) | Exists(taken))
        .select_related("donor", "campaign", "reverses")
        .order_by("received_on", "created_at", "id")
    )
    funded: list[Share] = []
    for donation in wanted:
        funded += take_in(donation=donation, actor=actor)
    return funded


@transaction.atomic(savepoint=False)
def take_in(*, donation: Donation, actor) -> list[Share]:
    """What fundraising does with a recorded gift, once: pledge payments counted, matches
    drawn, shares filled, funded shares assigned (one audit entry for the gift, one per
    assignment). A reversal undoes the gift's part. Returns the shares that became funded.

    No savepoint of its own: an error here undoes the gift's whole transaction, which
    is what its callers want (none of them goes on after one)."""
    # ``take_in_all`` read in the same transaction whether the gift was taken in before
    # and whether its donor has an active pledge: neither is asked again.
    intake = None
    if getattr(donation, "taken_in", True):
        intake = GiftIntake.objects.select_for_update().filter(donation=donation).first()
    created = intake is None
    if created:
        # No savepoint: only the transaction recording the gift makes its intake, so
        # nothing else can make it at the same time.
        intake = GiftIntake.objects.create(donation=donation)
    elif not intake.pending:
        return []
    if donation.reverses_id:
        _take_back(donation, actor)
        return []
    pledging = created and getattr(donation, "donor_pledging", True)
    paid = pledges.count_payment(donation=donation) if pledging else None
    hope = hope_campaign(donation.campaign)
    cost = in_force(donation.received_on) if hope is not None else None
    if hope is not None and cost is None:
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
    filled: set[str] = set()
    donors: dict = {}
    if hope is not None:
        filled, donors = _fill(donation, hope, cost, matches, funded)
    # Each share was locked (or made) by the fill and is as the database has it. The
    # gift's own entry says who each share went to: the assignment is part of the gift
    # (one entry, one lock of the audit head), as a coordinator's is of theirs.
    assigned = {}
    for share in funded:
        if give_next(share, actor=actor, donors=donors[share.pk], audit=False) is not None:
            assigned[share.code] = assignment(share)
    if paid or matches or hope is not None:
        record(
            actor=actor,
            action="fundraising.gift_taken_in",
            target=donation,
            data={
                "pledge": paid.pledge.code if paid else "",
                "matches": {m.matching.code: m.amount_minor for m in matches},
                "shares": sorted(filled),
                "funded": [share.code for share in funded],
                "assigned": assigned,
            },
        )
    return funded


@transaction.atomic
def take_in_pending(*, actor) -> int:
    """Gifts recorded while no cost of rescue was set: fill shares with them now."""
    taken = 0
    for intake in GiftIntake.objects.filter(pending=True).select_related("donation__donor"):
        take_in(donation=intake.donation, actor=actor)
        taken += 1
    return taken


def _fill(
    donation: Donation, hope: Campaign, cost: RescueCost, matches: list[Match], funded: list
) -> tuple[set[str], dict]:
    """Fill shares with the gift and its matches (written in one insert); news for those
    funded. Returns the codes of the shares filled and each funded share's recipients."""
    sponsor = (
        Sponsor.objects.select_for_update().filter(donor_id=donation.donor_id).first()
        if donation.donor.kind != DonorKind.ANONYMOUS
        else None
    )
    given: list[Contribution] = []
    fill = _Fill(donation, hope, cost, funded, given)
    amount = donation.base_net_minor
    if sponsor is not None and sponsor.mode == SponsorMode.OWN:
        fill.own(sponsor, amount)
    else:
        fill.pool(donation.donor_id, amount, None)
    for match in matches:
        fill.pool(match.matching.donor_id, match.amount_minor, match)
    Contribution.objects.bulk_create(given)
    donors = {}
    for share in funded:
        donors[share.pk] = recipients(share)
        tell(share, NewsKind.FUNDED, donors=donors[share.pk])
    return {contribution.share.code for contribution in given}, donors


class _Fill:
    """One gift's filling: the shares it puts money into, oldest open one first, and the
    contributions it makes (``given``, inserted by the caller)."""

    def __init__(self, donation, campaign, cost, funded: list, given: list):
        self.donation = donation
        self.campaign = campaign
        self.cost = cost
        self.funded = funded
        self.given = given
        # The pooled share this gift opened (made in this transaction, so held by it).
        self.opened: Share | None = None

    def own(self, sponsor: Sponsor, amount: int) -> None:
        while amount > 0:
            share = (
                Share.objects.select_for_update()
                .filter(sponsor=sponsor, kind=Share.Kind.OWN, status=ShareStatus.OPEN)
                .first()
            )
            amount -= self._put(
                share or self._open(Share.Kind.OWN, sponsor), self.donation.donor_id, amount, None
            )

    def pool(self, donor_id, amount: int, match) -> None:
        while amount > 0:
            share = self.opened
            if share is None or share.status != ShareStatus.OPEN:
                # The oldest open pooled share; once this gift opened one, that share is
                # the newest, and the only one left open (so its match goes there unread).
                share = (
                    Share.objects.select_for_update()
                    .filter(kind=Share.Kind.POOLED, status=ShareStatus.OPEN, campaign=self.campaign)
                    .order_by("created_at", "id")
                    .first()
                ) or self._open(Share.Kind.POOLED, None)
            amount -= self._put(share, donor_id, amount, match)

    def _open(self, kind: str, sponsor) -> Share:
        """A new share at the cost in force (saved by ``_put``, with its first money)."""
        share = Share(
            kind=kind,
            sponsor=sponsor,
            campaign=self.campaign,
            currency=self.cost.currency,
            cost_minor=self.cost.amount_minor,
        )
        if kind == Share.Kind.POOLED:
            self.opened = share
        return share

    def _put(self, share: Share, donor_id, amount: int, match) -> int:
        """Put up to what ``share`` lacks into it; returns what was put."""
        put = min(amount, share.missing_minor)
        if put <= 0:
            return 0
        self.given.append(
            Contribution(
                share=share,
                donation=self.donation,
                donor_id=donor_id,
                match=match,
                amount_minor=put,
            )
        )
        share.funded_minor += put
        fields = ["funded_minor", "updated_at"]
        if share.funded_minor >= share.cost_minor and share.status == ShareStatus.OPEN:
            share.status = ShareStatus.FUNDED
            share.funded_at = timezone.now()
            fields += ["status", "funded_at"]
            self.funded.append(share)
        if share._state.adding:
            share.save()
        else:
            share.save(update_fields=fields)
        return put


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
            reopen(share, fields)
        elif short and share.status == ShareStatus.ASSIGNED:
            person = Person.objects.only("status").get(pk=share.person_id)
            if person.status == Status.AWAITING_RESCUE:
                share.person = None
                share.profile = {}
                share.assigned_at = None
                share.assigned_how = ""
                fields += ["person", "profile", "assigned_at", "assigned_how"]
                reopen(share, fields)
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
