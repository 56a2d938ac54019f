"""Reads for fundraising pages: progress, pools, the Hope Sharing board.

Pages reach these only after the view checked the user's capability (``hope.view``); what
they return never holds a person's identity: people appear as a code (only where the
``hope.assign`` rule of ``fundraising.policies`` lets the user see it) and a generalised
profile.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone

from safepassage.base import money
from safepassage.cases import selectors as case_selectors
from safepassage.cases.models import Person, Status
from safepassage.fundraising.models import (
    ACTIVE_SHARE,
    FUNDED_SHARE,
    Event,
    GiftIntake,
    Match,
    MatchingPledge,
    MatchUnit,
    NewsDelivery,
    Pledge,
    Share,
    ShareStatus,
    Sponsor,
    SponsorConsent,
)
from safepassage.fundraising.services import matching, pledges
from safepassage.funds.models import Campaign, Donation, Expense, ExpenseStatus

FUNDED = FUNDED_SHARE
SHARE_COLUMNS = (
    "id",
    "code",
    "kind",
    "status",
    "currency",
    "cost_minor",
    "funded_minor",
    "funded_at",
    "assigned_at",
    "assigned_how",
    "profile",
    "reassigned",
    "person_id",
    "sponsor_id",
    "campaign_id",
)


def subtree(campaign: Campaign) -> list:
    """The ids of a campaign and every campaign under it."""
    ids, frontier = [campaign.pk], [campaign.pk]
    while frontier and len(ids) < 1000:
        frontier = list(
            Campaign.objects.filter(parent_id__in=frontier)
            .exclude(pk__in=ids)
            .values_list("pk", flat=True)
        )
        ids += frontier
    return ids


@dataclass(frozen=True)
class Progress:
    campaign: Campaign
    gifts: int
    raised_base_minor: int
    base_currency: str
    raised_goal_minor: int | None
    percent: int | None
    rescues_funded: int
    spent_base_minor: int

    @property
    def raised(self) -> str:
        return money.display(self.raised_base_minor, self.base_currency)

    @property
    def goal(self) -> str:
        if self.campaign.goal_minor is None:
            return ""
        return money.display(self.campaign.goal_minor, self.campaign.goal_currency)

    @property
    def raised_in_goal(self) -> str:
        if self.raised_goal_minor is None:
            return ""
        return money.display(self.raised_goal_minor, self.campaign.goal_currency)

    @property
    def net_base_minor(self) -> int:
        return self.raised_base_minor - self.spent_base_minor

    @property
    def net(self) -> str:
        return money.display(self.net_base_minor, self.base_currency)

    @property
    def spent(self) -> str:
        return money.display(self.spent_base_minor, self.base_currency)


def _in_goal_currency(campaign: Campaign, ids: list, base_total: int) -> int | None:
    """What was raised, in the goal's currency: gifts in that currency count as given;
    the others are converted from their base amounts at the latest rate of the goal's
    currency (shown with "about" on pages)."""
    if campaign.goal_minor is None:
        return None
    currency = campaign.goal_currency
    if currency == settings.BASE_CURRENCY:
        return base_total
    from safepassage.funds.models import ExchangeRate

    gifts = Donation.objects.filter(campaign_id__in=ids)
    same = gifts.filter(currency=currency).aggregate(
        original=Sum("gross_minor"), base=Sum("base_gross_minor")
    )
    rest_base = base_total - (same["base"] or 0)
    rate = (
        ExchangeRate.objects.filter(currency=currency, on__lte=timezone.localdate())
        .order_by("-on")
        .values_list("rate", flat=True)
        .first()
    )
    converted = 0
    if rest_base and rate:
        from decimal import Decimal

        converted = money.convert(rest_base, settings.BASE_CURRENCY, Decimal(1) / rate, currency)
    return (same["original"] or 0) + converted


def progress(campaign: Campaign) -> Progress:
    ids = subtree(campaign)
    totals = Donation.objects.filter(campaign_id__in=ids).aggregate(
        # Gifts that stand: a reversed gift and its reversal are not counted.
        gifts=Count("id", filter=Q(reverses__isnull=True, reversal__isnull=True)),
        raised=Sum("base_gross_minor"),
    )
    raised = totals["raised"] or 0
    in_goal = _in_goal_currency(campaign, ids, raised)
    percent = None
    if in_goal is not None and campaign.goal_minor:
        percent = max(min(in_goal * 100 // campaign.goal_minor, 100), 0)
    spent = (
        Expense.objects.filter(
            campaign_id__in=ids, status__in=[ExpenseStatus.APPROVED, ExpenseStatus.PAID]
        ).aggregate(total=Sum("base_amount_minor"))["total"]
        or 0
    )
    return Progress(
        campaign=campaign,
        gifts=totals["gifts"] or 0,
        raised_base_minor=raised,
        base_currency=settings.BASE_CURRENCY,
        raised_goal_minor=in_goal,
        percent=percent,
        rescues_funded=Share.objects.filter(campaign_id__in=ids, status__in=FUNDED).count(),
        spent_base_minor=spent,
    )


def campaigns(*, kind: str = "") -> list[Progress]:
    found = Campaign.objects.select_related("parent").order_by("parent__name", "name")
    if kind:
        found = found.filter(kind=kind)
    return [progress(c) for c in found]


def public_campaign(code: str) -> Campaign | None:
    return Campaign.objects.filter(code=code, public=True).first()


# --- matching ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pool:
    pledge: MatchingPledge
    left_minor: int
    matches: int
    rescues_funded: int | None

    @property
    def drawn(self) -> str:
        return money.display(self.pledge.drawn_minor, self.pledge.currency)

    @property
    def left(self) -> str:
        return money.display(self.left_minor, self.pledge.currency)

    @property
    def limit(self) -> str:
        return money.display(self.pledge.limit_minor, self.pledge.currency)

    @property
    def state(self) -> str:
        """What the pool is today: "ran_out", "ended" (past its end date, so it matches no
        more gifts), "upcoming" (before its start) or "open". Read from the dates at each
        showing, never stored, so a pledge past its end is never shown open."""
        today = timezone.localdate()
        if self.pledge.exhausted_at:
            return "ran_out"
        if self.pledge.ends_on is not None and self.pledge.ends_on < today:
            return "ended"
        if self.pledge.starts_on > today:
            return "upcoming"
        return "open"

    @property
    def percent_used(self) -> int:
        if self.pledge.unit == MatchUnit.RESCUES:
            target = self.pledge.rescues_target or 1
            return min((self.rescues_funded or 0) * 100 // target, 100)
        return min(self.pledge.drawn_minor * 100 // max(self.pledge.limit_minor, 1), 100)


def pool(pledge: MatchingPledge) -> Pool:
    return Pool(
        pledge=pledge,
        left_minor=matching.room(pledge),
        matches=pledge.matches.filter(amount_minor__gt=0).count()
        - pledge.matches.filter(amount_minor__lt=0).count(),
        rescues_funded=matching.rescues_funded(pledge)
        if pledge.unit == MatchUnit.RESCUES
        else None,
    )


def pools() -> list[Pool]:
    return [pool(p) for p in MatchingPledge.objects.select_related("donor", "campaign")]


# --- pledges and events -----------------------------------------------------------------------


@dataclass(frozen=True)
class PledgeRow:
    pledge: Pledge
    next_due: pledges.Instalment | None

    @property
    def total(self) -> str:
        return money.display(self.pledge.total_minor, self.pledge.currency)

    @property
    def paid(self) -> str:
        return money.display(self.pledge.paid_minor, self.pledge.currency)

    @property
    def overdue(self) -> bool:
        return self.next_due is not None and self.next_due.due_on < timezone.localdate()


def pledge_rows(*, status: str = "") -> list[PledgeRow]:
    found = Pledge.objects.select_related("donor", "campaign")
    if status:
        found = found.filter(status=status)
    return [PledgeRow(p, pledges.next_due(p)) for p in found]


def events() -> list[tuple[Event, Progress]]:
    return [(e, progress(e.campaign)) for e in Event.objects.select_related("campaign__parent")]


# --- the Hope Sharing board -------------------------------------------------------------------


@dataclass(frozen=True)
class WaitingPerson:
    rank: int
    person: Person
    consent: bool


@dataclass
class Board:
    cost: object  # RescueCost or None
    actual: ActualCost
    counts: dict
    open_shares: list[Share]
    funded_waiting: list[Share]
    assigned: list[Share]
    waiting: list[WaitingPerson]
    waiting_total: int
    unmatched: int
    without_consent: int
    awaiting_news: list[Share]
    undelivered: int
    pending_gifts: int
    sponsors: int
    pools: list[Pool]

    @property
    def cost_display(self) -> str:
        if self.cost is None:
            return ""
        return money.display(self.cost.amount_minor, self.cost.currency)

    @property
    def actual_display(self) -> str:
        per = self.actual.per_person_minor
        return "" if per is None else money.display(per, self.actual.currency)


# --- the rescue queue and the cost of rescues ------------------------------------------------


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


def waiting_people_count() -> int:
    """How many people a funded share could go to now (``eligible_people``)."""
    return eligible_people().count()


def shares_of(donation: Donation) -> list[Share]:
    """The shares a gift went into, oldest first."""
    return list(
        Share.objects.filter(contributions__donation=donation).distinct().order_by("created_at")
    )


def matches_of(donation: Donation) -> list[Match]:
    """The matches a gift drew from matching pledges."""
    return list(Match.objects.filter(donation=donation).select_related("matching"))


@dataclass(frozen=True)
class ActualCost:
    since: dt.date
    until: dt.date
    missions: int
    people: int
    spent_minor: int
    currency: str

    @property
    def per_person_minor(self) -> int | None:
        if not self.people or not self.spent_minor:
            return None  # nothing booked yet: "—", not a misleading ₩0
        # Half up on whole minor units, in integers: never a float.
        return (self.spent_minor * 2 + self.people) // (self.people * 2)


def actual_cost(*, since: dt.date, until: dt.date) -> ActualCost:
    """Average cost per person of the missions completed between two days: approved and
    paid expenses linked to them, over everyone who travelled on them."""
    from safepassage.funds.models import Expense, ExpenseStatus
    from safepassage.rescue.models import Mission, MissionStatus, Traveller

    missions = Mission.objects.filter(
        status=MissionStatus.COMPLETED, ended_at__date__gte=since, ended_at__date__lte=until
    )
    spent = Expense.objects.filter(
        mission__in=missions, status__in=[ExpenseStatus.APPROVED, ExpenseStatus.PAID]
    ).aggregate(total=Sum("base_amount_minor"))["total"]
    counted = Traveller.objects.filter(mission__in=missions).aggregate(
        people=Count("person", distinct=True), missions=Count("mission", distinct=True)
    )
    return ActualCost(
        since=since,
        until=until,
        missions=counted["missions"],
        people=counted["people"],
        spent_minor=spent or 0,
        currency=settings.BASE_CURRENCY,
    )


WAITING_SHOWN = 50


def assignable_people(user):
    """The people ``user`` may give a funded share to by hand (``fundraising.policies``)."""
    return case_selectors.people_for(user, action="hope.assign")


def board(user) -> Board:
    """Funded vs waiting, who is unmatched, which sponsors await news."""
    from safepassage.fundraising.models import RescueCost

    today = timezone.localdate()
    cost = RescueCost.objects.filter(starts_on__lte=today).order_by("-starts_on").first()
    counts = dict(Share.objects.values_list("status").annotate(n=Count("id")).order_by("status"))
    sponsored = Share.objects.filter(status__in=ACTIVE_SHARE).values("person_id")
    waiting_people = Person.objects.filter(status=Status.AWAITING_RESCUE).exclude(pk__in=sponsored)
    consenting = set(
        SponsorConsent.objects.filter(withdrawn_at__isnull=True).values_list("person_id", flat=True)
    )
    eligible = eligible_people()
    ordered = waiting_people.order_by("-priority", "status_changed_at", "created_at", "id")
    top = list(ordered.only("id", "code", "priority")[:WAITING_SHOWN])
    # Everyone with the board sees the ranks; a code only where the user may give that
    # person a share (no query at all for those who may not).
    named = set(
        assignable_people(user).filter(pk__in=[p.pk for p in top]).values_list("pk", flat=True)
    )
    listed = [
        WaitingPerson(
            rank=rank,
            person=person if person.pk in named else None,
            consent=person.pk in consenting,
        )
        for rank, person in enumerate(top, start=1)
    ]
    assigned = list(
        Share.objects.filter(status=ShareStatus.ASSIGNED)
        .select_related("person")
        .only(*SHARE_COLUMNS, "person__id", "person__code")
        .order_by("assigned_at")[:200]
    )
    # Sponsors awaiting news: shares funded but not yet given to anyone, and assigned
    # shares with no news for 90 days.
    quiet_since = timezone.now() - dt.timedelta(days=90)
    awaiting_news = list(
        Share.objects.filter(
            Q(status=ShareStatus.FUNDED)
            | Q(status=ShareStatus.ASSIGNED, assigned_at__lt=quiet_since)
            & ~Q(news__created_at__gte=quiet_since)
        )
        .distinct()
        .order_by("funded_at")[:200]
    )
    return Board(
        cost=cost,
        actual=actual_cost(since=today - dt.timedelta(days=365), until=today),
        counts=counts,
        open_shares=list(Share.objects.filter(status=ShareStatus.OPEN).order_by("created_at")),
        funded_waiting=list(Share.objects.filter(status=ShareStatus.FUNDED).order_by("funded_at")),
        assigned=assigned,
        waiting=listed,
        waiting_total=waiting_people.count(),
        unmatched=eligible.count(),
        without_consent=waiting_people.exclude(pk__in=consenting).count(),
        awaiting_news=awaiting_news,
        undelivered=NewsDelivery.objects.filter(sent_at__isnull=True).count(),
        pending_gifts=GiftIntake.objects.filter(pending=True).count(),
        sponsors=Sponsor.objects.count(),
        pools=[pool(p) for p in MatchingPledge.objects.filter(exhausted_at__isnull=True)],
    )


def sponsor_page(sponsor: Sponsor) -> list[tuple[Share, list]]:
    """A sponsor's shares (own, or pooled ones they gave to) with their news: only what
    the e-mails said."""
    found = (
        Share.objects.filter(contributions__donor=sponsor.donor)
        .exclude(status=ShareStatus.CANCELLED)
        .distinct()
        .order_by("created_at")
    )
    return [(share, list(share.news.order_by("created_at"))) for share in found]


# --- pages ------------------------------------------------------------------------------------


def children(campaign: Campaign) -> list[Progress]:
    """The campaigns directly under ``campaign`` (sub-campaigns, team pages, events)."""
    return [
        progress(child)
        for child in campaign.children.select_related("event").order_by("kind", "name")
    ]


def campaign_pools(campaign: Campaign) -> list[Pool]:
    return [pool(p) for p in campaign.matching_pledges.select_related("donor", "campaign")]


def sponsors_list():
    """Sponsors with their donor and the number of shares they gave to (not cancelled)."""
    from django.db.models import OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from safepassage.fundraising.models import Contribution

    given = (
        Contribution.objects.filter(donor=OuterRef("donor_id"))
        .exclude(share__status=ShareStatus.CANCELLED)
        .order_by()
        .values("donor")
        .annotate(n=Count("share", distinct=True))
        .values("n")
    )
    return Sponsor.objects.select_related("donor").annotate(
        share_count=Coalesce(Subquery(given), 0)
    )


@dataclass(frozen=True)
class PersonHope:
    """What the person page says of Hope Sharing: consent, and whether a share is theirs
    (never who sponsors it)."""

    consent: SponsorConsent | None
    share: Share | None

    @property
    def consenting(self) -> bool:
        return self.consent is not None and self.consent.withdrawn_at is None


def person_hope(person: Person) -> PersonHope:
    return PersonHope(
        consent=SponsorConsent.objects.filter(person=person).first(),
        share=Share.objects.filter(person=person, status__in=ACTIVE_SHARE)
        .only("id", "code", "status")
        .first(),
    )


def dashboard_cards(user) -> list:
    """The dashboard's Hope Sharing figures, for a user who holds ``hope.view``: funded
    shares still waiting for a person, and the people waiting who could be sponsored."""
    from django.utils.translation import gettext

    from safepassage.base.shell import Card

    return [
        Card(
            title=gettext("Funded rescues waiting for a person"),
            value=Share.objects.filter(status=ShareStatus.FUNDED).count(),
            url_name="fundraising:board",
        ),
        Card(
            title=gettext("People waiting who could be sponsored"),
            value=waiting_people_count(),
            url_name="fundraising:board",
        ),
    ]


def today_items(user) -> list:
    """What needs a user who holds ``hope.view`` today: active pledges whose next
    instalment is due today or was due before (a reminder or a call to the donor)."""
    from django.utils.translation import ngettext

    from safepassage.accounts import permissions
    from safepassage.base.shell import TodayItem

    today = timezone.localdate()
    active = permissions.visible(user, "hope.view", Pledge.objects.all()).filter(
        status=Pledge.Status.ACTIVE
    )
    due = sum(
        1
        for pledge in active
        if (instalment := pledges.next_due(pledge)) is not None and instalment.due_on <= today
    )
    return [
        TodayItem(
            count=due,
            text=ngettext(
                "%(count)s pledge has an instalment due",
                "%(count)s pledges have an instalment due",
                due,
            )
            % {"count": due},
            url_name="fundraising:pledges",
            query=f"status={Pledge.Status.ACTIVE}",
        )
    ]


# --- A report's matching and Hope Sharing outcomes --------------------------------------------


@dataclass(frozen=True)
class HopeOutcomes:
    """What matching and Hope Sharing did in a period, in minor units of ``currency`` (the
    base currency, in which matches are drawn) and counts; never a name or a code.

    ``matched_minor``: matches drawn by gifts received in the period, less those taken
    back by reversals in it. ``matching_pledges``: the matching pledges that matched at
    least one gift in it. ``shares_funded``: shares paid in full in it (``FUNDED_SHARE``:
    given to a person since or not; a cancelled one is not). ``rescues_funded``: shares
    whose person reached safety in it (the rescues Hope Sharing paid for; the share turns
    "rescued" at the person's arrival). ``sponsors``: sponsors who put money into a share
    with gifts received in it.
    """

    currency: str
    matched_minor: int = 0
    matching_pledges: int = 0
    shares_funded: int = 0
    rescues_funded: int = 0
    sponsors: int = 0


def report_hope(*, user, start: dt.date, end: dt.date) -> HopeOutcomes:
    """The outcomes of the days ``start`` to ``end`` (both included, cut in the
    organisation's time zone). Nothing for a user who neither writes reports nor sees
    Hope Sharing."""
    from safepassage.accounts import permissions
    from safepassage.base import periods
    from safepassage.fundraising.models import Contribution

    currency = settings.BASE_CURRENCY
    if not (
        permissions.has_capability(user, "reports.edit")
        or permissions.has_capability(user, "hope.view")
    ):
        return HopeOutcomes(currency=currency)
    lo, hi = periods.bounds(start, end)
    matches = Match.objects.filter(
        donation__received_on__gte=start, donation__received_on__lte=end
    ).order_by()
    given = (
        Contribution.objects.filter(
            donation__received_on__gte=start,
            donation__received_on__lte=end,
            donor__sponsor__isnull=False,
        )
        .order_by()
        .values("donor_id")
        .annotate(total=Sum("amount_minor"))
        .filter(total__gt=0)
    )
    return HopeOutcomes(
        currency=currency,
        matched_minor=matches.aggregate(t=Sum("amount_minor"))["t"] or 0,
        matching_pledges=matches.filter(amount_minor__gt=0)
        .values("matching_id")
        .distinct()
        .count(),
        shares_funded=Share.objects.filter(
            status__in=FUNDED, funded_at__gte=lo, funded_at__lt=hi
        ).count(),
        rescues_funded=Share.objects.filter(
            status=ShareStatus.RESCUED, rescued_at__gte=lo, rescued_at__lt=hi
        ).count(),
        sponsors=given.count(),
    )
