"""Matching pledges: a sponsor matches others' gifts to a campaign until the pool runs out.

Each gift draws under the pledge's row lock (so two gifts at one moment cannot both take
the last of the pool), at most once (``Match`` is unique per pledge and gift). What a gift
draws: ``percent`` of it (rounded half up to a minor unit), at most the per-gift cap, at
most what is left. In rescues, what is left is the room until the matched gifts and the
matches together fund the promised number of rescues; a gift is matched in proportion to
that room, so the last gift never carries the pool past its promise. A pledge that has
nothing left is marked as run out, with the time.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from django.conf import settings
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.audit.chain import record, user_of
from safepassage.base import money
from safepassage.fundraising.models import (
    Contribution,
    Match,
    MatchingPledge,
    MatchUnit,
)
from safepassage.fundraising.services.cost_in_force import cost_on
from safepassage.fundraising.services.errors import FundraisingError
from safepassage.funds.models import Campaign, Donation, Donor, DonorKind


@transaction.atomic
def matching_create(
    *,
    actor,
    donor: Donor,
    campaign: Campaign,
    unit: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    percent: int = 100,
    per_gift_cap_minor: int | None = None,
    total_cap_minor: int | None = None,
    rescues_target: int | None = None,
) -> MatchingPledge:
    """A promise to match gifts to ``campaign`` (and to campaigns under it). Amounts in
    the base currency. In rescues, the cost of one rescue is fixed now."""
    errors = {}
    if unit not in MatchUnit.values:
        errors["unit"] = _("Match in money or in rescues.")
    if not isinstance(percent, int) or not 0 < percent <= 1000:
        errors["percent"] = _("Match between 1% and 1000% of each gift.")
    if ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = _("The end comes after the start.")
    for name, value in (("per_gift_cap", per_gift_cap_minor), ("total_cap", total_cap_minor)):
        if value is not None and (not isinstance(value, int) or not 0 < value < money.LIMIT):
            errors[name] = _("A cap must be more than zero and plausible.")
    cost = None
    if unit == MatchUnit.MONEY and not total_cap_minor:
        errors["total_cap"] = _("Say how much the sponsor promises in all.")
    if unit == MatchUnit.RESCUES:
        if not isinstance(rescues_target, int) or not 0 < rescues_target <= 100_000:
            errors["rescues_target"] = _("Say how many rescues the sponsor promises to match.")
        else:
            cost = cost_on(starts_on).amount_minor
            total_cap_minor = None
    if donor.kind == DonorKind.ANONYMOUS:
        # A matcher may stay anonymous to the public, but the promise needs a donor on
        # record (who pays it, and whose own gifts are not matched).
        errors["donor"] = _("Choose the sponsor who promises.")
    if errors:
        raise FundraisingError(errors)
    pledge = MatchingPledge.objects.create(
        donor=donor,
        campaign=campaign,
        unit=unit,
        currency=settings.BASE_CURRENCY,
        percent=percent,
        per_gift_cap_minor=per_gift_cap_minor,
        total_cap_minor=total_cap_minor if unit == MatchUnit.MONEY else None,
        rescues_target=rescues_target if unit == MatchUnit.RESCUES else None,
        cost_minor=cost,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=user_of(actor),
    )
    record(
        actor=actor,
        action="fundraising.matching_created",
        target=pledge,
        data={
            "campaign": campaign.code,
            "unit": unit,
            "percent": percent,
            "per_gift_cap_minor": per_gift_cap_minor,
            "limit_minor": pledge.limit_minor,
            "rescues_target": pledge.rescues_target,
        },
    )
    return pledge


def room(pledge: MatchingPledge) -> int:
    """What the pool can still give, in minor units of the base currency."""
    if pledge.unit == MatchUnit.RESCUES:
        left = pledge.limit_minor - pledge.matched_gifts_minor - pledge.drawn_minor
        return max(left * pledge.percent // (100 + pledge.percent), 0)
    return max(pledge.limit_minor - pledge.drawn_minor, 0)


def rescues_funded(pledge: MatchingPledge) -> int:
    """Rescues the pledge has helped pay for, in the campaign's own terms: the money its
    matches and the gifts it matched put into shares, each share's part over that share's
    cost (the cost of its day), whole rescues only. Where the money sits (one share or two,
    which pledge drew first) does not change the figure, and once the cost has risen it
    claims no rescue that the shares' costs do not cover (its money over the older cost
    fixed in the pledge would)."""
    matched = Match.objects.filter(matching=pledge).values("donation_id")
    parts = (
        Contribution.objects.filter(
            Q(match__matching=pledge) | Q(donation_id__in=matched, match__isnull=True)
        )
        .values("share_id", "share__cost_minor")
        .annotate(paid=Sum("amount_minor"))
    )
    rescues = sum(
        Fraction(min(part["paid"], part["share__cost_minor"]), part["share__cost_minor"])
        for part in parts
        if part["paid"] > 0 and part["share__cost_minor"] > 0
    )
    return int(rescues)


def draw(*, donation: Donation, campaigns: list[Campaign]) -> list[Match]:
    """Draw a gift's matches from every pledge that covers it; call inside the gift's
    transaction, which audits them. A matcher's own gifts are never matched."""
    if not campaigns or donation.gross_minor <= 0:
        return []
    on = donation.received_on
    pledges = (
        MatchingPledge.objects.select_for_update()
        .filter(campaign__in=campaigns, starts_on__lte=on, exhausted_at__isnull=True)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .exclude(donor_id=donation.donor_id)
        .order_by("id")
    )
    matches = []
    gift = donation.base_gross_minor
    for pledge in pledges:
        want = (gift * pledge.percent + 50) // 100
        if pledge.per_gift_cap_minor:
            want = min(want, pledge.per_gift_cap_minor)
        amount = min(want, room(pledge))
        if amount <= 0:
            _run_out(pledge)
            continue
        match = Match.objects.create(
            matching=pledge, donation=donation, gift_minor=gift, amount_minor=amount
        )
        pledge.drawn_minor += amount
        pledge.matched_gifts_minor += gift
        fields = ["drawn_minor", "matched_gifts_minor", "updated_at"]
        if room(pledge) <= 0:
            pledge.exhausted_at = timezone.now()
            fields.append("exhausted_at")
        pledge.save(update_fields=fields)
        matches.append(match)
    return matches


def _run_out(pledge: MatchingPledge) -> None:
    pledge.exhausted_at = timezone.now()
    pledge.save(update_fields=["exhausted_at", "updated_at"])


def give_back(*, reversal: Donation) -> list[Match]:
    """A reversed gift's matches go back into their pools (which may so open again); the
    caller audits."""
    returned = []
    for match in Match.objects.filter(donation=reversal.reverses, amount_minor__gt=0):
        pledge = MatchingPledge.objects.select_for_update().get(pk=match.matching_id)
        Match.objects.create(
            matching=pledge,
            donation=reversal,
            gift_minor=-match.gift_minor,
            amount_minor=-match.amount_minor,
        )
        pledge.drawn_minor -= match.amount_minor
        pledge.matched_gifts_minor -= match.gift_minor
        if room(pledge) > 0:
            pledge.exhausted_at = None
        pledge.save(
            update_fields=["drawn_minor", "matched_gifts_minor", "exhausted_at", "updated_at"]
        )
        returned.append(match)
    return returned
