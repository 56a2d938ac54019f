"""Reads of missions, always filtered by the asking user in the query itself.

What leaves here for a page holds codes, pseudonyms and code names only: a safe point's
real place, a field partner's identity and a person's real name stay sealed. The planning
queue and a person's journeys return small records rather than model objects, so a
template cannot wander from them to a route or to an identity.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import (
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from safepassage.accounts import permissions
from safepassage.base import money
from safepassage.cases import priority
from safepassage.cases.disclosure import Shown
from safepassage.cases.models import Person
from safepassage.cases.selectors import SEALED_PERSON_COLUMNS, people_for
from safepassage.rescue.models import (
    ACTIVE,
    ENDED,
    Alert,
    AlertKind,
    CheckIn,
    CheckInFlag,
    CheckInKind,
    CheckInLink,
    FieldPartner,
    Leg,
    LegStatus,
    Mission,
    MissionEvent,
    MissionStatus,
    Outcome,
    Route,
    Silence,
    Traveller,
)

# A partner's identity stays sealed on every mission page; only the pseudonym is read.
SEALED_PARTNER_COLUMNS = ("real_name_sealed", "phone_sealed", "notes_sealed")

# How many people the planning page lists (most urgent first); their whole families are
# always added, so a family is never cut in two by the limit.
PLANNING_LIMIT = 200
ENDED_ON_BOARD = 10
ALERTS_ON_BOARD = 50


def missions_for(user, *, action: str = "missions.view") -> QuerySet[Mission]:
    return permissions.visible(user, action, Mission.objects.all())


def alerts_for(user, *, action: str = "missions.view") -> QuerySet[Alert]:
    return permissions.visible(user, action, Alert.objects.all()).filter(
        mission__in=missions_for(user, action=action)
    )


def links_for(user, *, action: str = "missions.view") -> QuerySet[CheckInLink]:
    return permissions.visible(user, action, CheckInLink.objects.all()).filter(
        mission__in=missions_for(user, action=action)
    )


def routes_for(user, *, action: str = "missions.view") -> QuerySet[Route]:
    return permissions.visible(user, action, Route.objects.all())


def partners_for(user, *, action: str = "missions.view") -> QuerySet[FieldPartner]:
    return permissions.visible(user, action, FieldPartner.objects.all()).defer(
        *SEALED_PARTNER_COLUMNS
    )


def relief_deliverers(user) -> list[str]:
    """Pseudonyms of the field partners ``user`` may name as relief's deliverer (the
    choices of the person page's relief form, through ``cases.deliverers``)."""
    return list(
        permissions.visible(user, "relief.deliver", FieldPartner.objects.all())
        .order_by("pseudonym")
        .values_list("pseudonym", flat=True)
    )


def mission_leads():
    """Active users who may manage missions: the choices for a mission's coordinator."""
    roles = [
        code
        for code, granted in permissions.ROLE_CAPABILITIES.items()
        if "missions.manage" in granted
    ]
    return (
        get_user_model()
        .objects.filter(is_active=True, roles__code__in=roles)
        .distinct()
        .order_by("display_name", "email")
    )


# The board ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardRow:
    mission: Mission
    legs_done: int
    legs_total: int
    leg: Leg | None  # the leg under way; a planned mission's first leg
    due_at: dt.datetime | None  # the leg's deadline; a planned mission's departure
    overdue: bool
    head_count: int
    open_alerts: list[Alert]
    standing: Standing
    reported_head_count: int | None = None  # the last head-count a partner gave


@dataclass(frozen=True)
class Standing:
    """How a mission stands, in one word for the board and the mission page. ``calm`` only
    when nothing needs anyone: "on schedule" is never said of a mission that is
    compromised, failed, silent, past its deadline, short of people, or has a call for
    help or a flagged check-in nobody has acknowledged."""

    code: str
    label: str  # lazy: translated where it is shown
    calm: bool


# The worst first: the first that applies is the mission's standing.
STANDINGS = (
    ("compromised", _("Compromised")),
    ("failed", _("Failed: arrested")),
    ("silent", _("Silent")),
    ("escalated", _("Overdue: director alerted")),
    ("overdue", _("Overdue")),
    ("need_help", _("Help requested")),
    ("head_count", _("Fewer people than planned")),
    ("flagged", _("Check-in to verify")),
)
ON_SCHEDULE = Standing("on_schedule", _("On schedule"), calm=True)
SILENCE_STANDING = {
    Silence.OVERDUE: "overdue",
    Silence.ESCALATED: "escalated",
    Silence.SILENT: "silent",
}


def standing(
    mission: Mission,
    *,
    open_alerts,
    overdue: bool,
    reported_head_count: int | None,
    head_count: int,
) -> Standing:
    """``open_alerts``: the mission's unacknowledged alerts; ``overdue``: the current
    deadline has passed (the scan may not have run yet); ``reported_head_count``: the last
    head-count a partner gave, against ``head_count`` people still travelling."""
    found = set()
    kinds = {alert.kind for alert in open_alerts}
    if mission.compromised_at is not None or AlertKind.COMPROMISED in kinds:
        found.add("compromised")
    if mission.status == MissionStatus.FAILED:
        found.add("failed")
    if mission.status in ACTIVE and mission.silence in SILENCE_STANDING:
        found.add(SILENCE_STANDING[mission.silence])
    if overdue:
        found.add("overdue")
    if AlertKind.NEED_HELP in kinds:
        found.add("need_help")
    short = reported_head_count is not None and reported_head_count < head_count
    if AlertKind.HEAD_COUNT in kinds or (mission.status in ACTIVE and short):
        found.add("head_count")
    if AlertKind.FLAGGED in kinds:
        found.add("flagged")
    for code, label in STANDINGS:
        if code in found:
            return Standing(code, label, calm=False)
    return ON_SCHEDULE


def mission_standing(mission: Mission, *, now: dt.datetime | None = None) -> Standing:
    """``standing`` of one mission, read on its own (the command line's status list; the
    board and the mission page read it with the rest of what they show)."""
    now = now or timezone.now()
    due = (
        mission.legs.filter(status=LegStatus.UNDER_WAY)
        .order_by("position")
        .values_list("due_at", flat=True)
        .first()
    )
    reported = (
        mission.check_ins.filter(head_count__isnull=False)
        .order_by("-received_at", "-created_at")
        .values_list("head_count", flat=True)
        .first()
    )
    return standing(
        mission,
        open_alerts=list(mission.alerts.filter(acknowledged_at__isnull=True).only("kind")),
        overdue=bool(mission.status == MissionStatus.UNDER_WAY and due is not None and due < now),
        reported_head_count=reported,
        head_count=mission.travellers.filter(outcome=Outcome.TRAVELLING).count(),
    )


def _reported_head_count():
    """The head-count of a mission's latest check-in that gave one (a subquery)."""
    return (
        CheckIn.objects.filter(mission=OuterRef("pk"), head_count__isnull=False)
        .order_by("-received_at", "-created_at")
        .values("head_count")[:1]
    )


@dataclass(frozen=True)
class Board:
    alerts: list[Alert]
    rows: list[BoardRow]
    ended: list[Mission]
    now: dt.datetime


def active_missions(user) -> QuerySet[Mission]:
    """Active missions in the board's order: compromised first, then the longest silence,
    then those with alerts nobody has acknowledged, then the nearest deadline."""
    current_due = (
        Leg.objects.filter(mission=OuterRef("pk"), status=LegStatus.UNDER_WAY)
        .order_by("position")
        .values("due_at")[:1]
    )
    unacknowledged = Alert.objects.filter(mission=OuterRef("pk"), acknowledged_at__isnull=True)
    return (
        missions_for(user)
        .filter(status__in=ACTIVE)
        .select_related("route")
        .annotate(
            compromised=Q(compromised_at__isnull=False),
            alerted=Exists(unacknowledged),
            due=Coalesce(Subquery(current_due), F("planned_start")),
            reported_head_count=Subquery(_reported_head_count()),
        )
        .order_by("-compromised", "-silence", "-alerted", "due", "code")
        .prefetch_related(
            Prefetch(
                "legs",
                queryset=Leg.objects.select_related("from_point", "to_point").order_by("position"),
                to_attr="board_legs",
            ),
            Prefetch(
                "travellers",
                queryset=Traveller.objects.filter(outcome=Outcome.TRAVELLING).only(
                    "id", "mission_id"
                ),
                to_attr="board_travelling",
            ),
            Prefetch(
                "alerts",
                queryset=Alert.objects.filter(acknowledged_at__isnull=True)
                .annotate(duress=F("check_in__duress"))
                .order_by("-created_at"),
                to_attr="board_alerts",
            ),
        )
    )


def _row(mission: Mission, now: dt.datetime) -> BoardRow:
    legs = mission.board_legs
    leg = next((g for g in legs if g.status == LegStatus.UNDER_WAY), None)
    if leg is None and mission.status == MissionStatus.PLANNED and legs:
        leg = legs[0]
    due = mission.due if leg is not None or mission.status == MissionStatus.PLANNED else None
    overdue = bool(due is not None and mission.status == MissionStatus.UNDER_WAY and due < now)
    head_count = len(mission.board_travelling)
    return BoardRow(
        mission=mission,
        legs_done=sum(1 for g in legs if g.status == LegStatus.ARRIVED),
        legs_total=len(legs),
        leg=leg,
        due_at=due,
        overdue=overdue,
        head_count=head_count,
        open_alerts=mission.board_alerts,
        standing=standing(
            mission,
            open_alerts=mission.board_alerts,
            overdue=overdue,
            reported_head_count=mission.reported_head_count,
            head_count=head_count,
        ),
        reported_head_count=mission.reported_head_count,
    )


def board(user, *, now: dt.datetime | None = None) -> Board:
    """Everything the coordinator board shows, in a fixed number of queries."""
    now = now or timezone.now()
    alerts = (
        alerts_for(user)
        .filter(acknowledged_at__isnull=True)
        .select_related("mission", "leg__to_point")
        .annotate(duress=F("check_in__duress"))
        .order_by("-created_at")[:ALERTS_ON_BOARD]
    )
    ended = (
        missions_for(user)
        .filter(status__in=ENDED)
        .select_related("route")
        .order_by("-ended_at")[:ENDED_ON_BOARD]
    )
    return Board(
        alerts=list(alerts),
        rows=[_row(mission, now) for mission in active_missions(user)],
        ended=list(ended),
        now=now,
    )


# One mission ---------------------------------------------------------------------------


def _label(choices, value) -> str:
    return dict(choices.choices).get(value, value or "")


EFFECTS = {
    "not_started": _("before departure"),
    "recorded": _("recorded"),
    "arrived": _("leg completed"),
    "skipped_ahead": _("arrived further along the route"),
    "already_arrived": _("already there"),
    "flagged": _("held for the coordinator: the group was not moved"),
    "repeated": _("a repeat of an earlier report: nothing moved"),
}

ALERT_REASONS = {
    "duress": _("duress PIN used"),
    "reported": _("reported by the partner"),
    "pins": _("too many wrong PINs"),
    CheckInFlag.EARLY: CheckInFlag.EARLY.label,
    CheckInFlag.AHEAD: CheckInFlag.AHEAD.label,
}


@dataclass(frozen=True)
class TimelineEntry:
    """One row of the journey's timeline; ``data`` holds codes only, never places."""

    kind: str
    at: dt.datetime
    actor: str
    data: dict
    label: str = ""  # the translated label of the kind of check-in, alert, outcome or end
    detail: str = ""  # a check-in's effect, an alert's reason
    amount: str = ""  # a cost, formatted with its currency
    flag: str = ""  # why a check-in was held for the coordinator (``CheckInFlag``)


def _entry(event: MissionEvent) -> TimelineEntry:
    data = event.data or {}
    label = detail = amount = flag = ""
    if event.kind == "check_in":
        label = _label(CheckInKind, data.get("kind"))
        detail = str(EFFECTS.get(data.get("effect", ""), data.get("effect", "")))
        flag = str(_label(CheckInFlag, data.get("flag"))) if data.get("flag") else ""
    elif event.kind in ("alert", "alert_acknowledged"):
        label = _label(AlertKind, data.get("alert"))
        detail = str(ALERT_REASONS.get(data.get("reason", ""), ""))
        if data.get("reason") == "head_count":
            detail = gettext("%(reported)s of %(expected)s people reported") % {
                "reported": data.get("reported"),
                "expected": data.get("expected"),
            }
    elif event.kind == "outcome":
        label = _label(Outcome, data.get("outcome"))
    elif event.kind == "ended":
        label = _label(MissionStatus, data.get("status"))
    elif event.kind == "cost" and data.get("currency"):
        amount = money.plain(int(data.get("amount_minor") or 0), data["currency"])
    return TimelineEntry(
        kind=event.kind,
        at=event.at,
        actor=event.actor_label,
        data=data,
        label=str(label),
        detail=detail,
        amount=amount,
        flag=flag,
    )


def timeline(mission: Mission) -> list[TimelineEntry]:
    return [_entry(event) for event in mission.events.order_by("at", "id")]


@dataclass(frozen=True)
class CostTotal:
    currency: str
    amount: str


@dataclass
class MissionDetail:
    mission: Mission
    legs: list[Leg]
    travellers: list[Traveller]
    partners: list[FieldPartner]
    links: list[CheckInLink]
    costs: list
    totals: list[CostTotal]
    timeline: list[TimelineEntry]
    open_alerts: list[Alert]
    travelling: list[Traveller]
    now: dt.datetime
    standing: Standing


def mission_detail(mission: Mission) -> MissionDetail:
    """What the mission page shows. The caller fetched ``mission`` through the access
    helper: everything here belongs to it."""
    travellers = list(
        mission.travellers.select_related("person")
        .defer(*(f"person__{column}" for column in SEALED_PERSON_COLUMNS))
        .order_by("id")
    )
    totals = (
        mission.costs.order_by("currency").values("currency").annotate(total=Sum("amount_minor"))
    )
    open_alerts = list(
        mission.alerts.filter(acknowledged_at__isnull=True)
        .annotate(duress=F("check_in__duress"))
        .order_by("-created_at")
    )
    legs = list(mission.legs.select_related("from_point", "to_point").order_by("position"))
    travelling = [t for t in travellers if t.outcome == Outcome.TRAVELLING]
    now = timezone.now()
    current = next((g for g in legs if g.status == LegStatus.UNDER_WAY), None)
    reported = (
        mission.check_ins.filter(head_count__isnull=False)
        .order_by("-received_at", "-created_at")
        .values_list("head_count", flat=True)
        .first()
    )
    return MissionDetail(
        mission=mission,
        legs=legs,
        travellers=travellers,
        travelling=travelling,
        partners=list(mission.partners.defer(*SEALED_PARTNER_COLUMNS)),
        links=list(
            mission.links.select_related("partner").defer(
                *(f"partner__{column}" for column in SEALED_PARTNER_COLUMNS)
            )
        ),
        costs=list(mission.costs.order_by("spent_on", "created_at")),
        totals=[
            CostTotal(row["currency"], money.plain(row["total"], row["currency"])) for row in totals
        ],
        timeline=timeline(mission),
        open_alerts=open_alerts,
        now=now,
        standing=standing(
            mission,
            open_alerts=open_alerts,
            overdue=bool(
                mission.status == MissionStatus.UNDER_WAY
                and current is not None
                and current.due_at is not None
                and current.due_at < now
            ),
            reported_head_count=reported,
            head_count=len(travelling),
        ),
    )


# Planning from the priority queue -------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A person awaiting rescue as a coordinator sees them: no name, no case, no place."""

    code: str
    pseudonym: str
    sex: str
    born: str  # generalised with the rest of the list (``cases.lists``)
    priority: int
    reasons: str


@dataclass
class PlanningGroup:
    """People who travel together (or one person without a group), most urgent first."""

    label: str
    people: list[Candidate]

    @property
    def priority(self) -> int:
        return max(p.priority for p in self.people)

    @property
    def codes(self) -> list[str]:
        return [p.code for p in self.people]


def planning_people(user) -> QuerySet[Person]:
    """Everyone ``user`` may plan a mission for (the ``missions.plan`` rule,
    ``rescue.policies``): awaiting rescue and on no active mission, whatever their team.

    The sealed columns are never loaded; only the pseudonym (the mask) is read.
    """
    return people_for(user, action="missions.plan").defer(*SEALED_PERSON_COLUMNS)


def family_codes(user, code: str) -> list[str]:
    """The codes of ``code``'s whole group among the people one can plan for."""
    people = planning_people(user)
    person = people.filter(code=code.strip().upper()).only("pk", "code", "group_id").first()
    if person is None:
        return []
    if person.group_id is None:
        return [person.code]
    return sorted(people.filter(group_id=person.group_id).values_list("code", flat=True))


def _candidate(person: Person, shown: Shown | None) -> Candidate:
    if shown is None:  # joined the queue since it was generalised: held back
        shown = Shown("", "", "", "", "")
    return Candidate(
        code=person.code,
        pseudonym=shown.surname or "—",
        sex=shown.sex_label,
        born=shown.born_label,
        priority=person.priority,
        reasons=priority.explain(person.priority_reasons),
    )


def queue_for_planning(
    user,
    *,
    disclosed: Mapping[str, Shown],
    include: list[str] | tuple[str, ...] = (),
    limit: int = PLANNING_LIMIT,
) -> list[PlanningGroup]:
    """The priority queue in families: each group whole, most urgent group first.

    ``disclosed`` is what may be shown of each person, by code (``cases.lists``, over all of
    ``planning_people``). ``include`` adds people (and their families) beyond the limit,
    e.g. the family a case worker's link points at.
    """
    people = (
        planning_people(user)
        .select_related("group")
        .only(
            "code",
            "real_name_masked",
            "sex",
            "birth_year",
            "priority",
            "priority_reasons",
            "group__label",
            "status_changed_at",
            "created_at",
        )
        .order_by("-priority", "status_changed_at", "created_at")
    )
    top = list(people[:limit])
    shown = {p.pk for p in top}
    group_ids = {p.group_id for p in top if p.group_id}
    extra_codes = [c.strip().upper() for c in include if c]
    if extra_codes:
        group_ids |= set(
            people.filter(code__in=extra_codes, group__isnull=False).values_list(
                "group_id", flat=True
            )
        )
    rest = people.filter(Q(group_id__in=group_ids) | Q(code__in=extra_codes)).exclude(pk__in=shown)
    groups: dict[object, PlanningGroup] = {}
    for person in [*top, *rest]:
        key = person.group_id or person.pk
        if key not in groups:
            groups[key] = PlanningGroup(
                label=person.group.label if person.group_id else "", people=[]
            )
        groups[key].people.append(_candidate(person, disclosed.get(person.code)))
    return sorted(groups.values(), key=lambda g: -g.priority)


# A case worker's view of their person ----------------------------------------------------


@dataclass(frozen=True)
class Journey:
    """A mission as a case worker sees it: its code and states, never the route."""

    code: str
    status: str
    status_label: str
    outcome: str
    outcome_label: str
    in_transit: bool
    last_check_in_at: dt.datetime | None


def journeys_for_person(person: Person) -> list[Journey]:
    """The missions ``person`` has been on, newest first. The caller has checked that the
    user may see ``person``; only codes, states and the time of the last check-in leave
    here, so the page cannot show a route, a leg or a safe point."""
    rows = (
        Traveller.objects.filter(person=person)
        .order_by("-mission__created_at")
        .values("outcome", "mission__code", "mission__status", "mission__last_check_in_at")
    )
    return [
        Journey(
            code=row["mission__code"],
            status=row["mission__status"],
            status_label=_label(MissionStatus, row["mission__status"]),
            outcome=row["outcome"],
            outcome_label=_label(Outcome, row["outcome"]),
            in_transit=row["outcome"] == Outcome.TRAVELLING
            and row["mission__status"] in (MissionStatus.UNDER_WAY, MissionStatus.PAUSED),
            last_check_in_at=row["mission__last_check_in_at"],
        )
        for row in rows
    ]


def person_page_context(person: Person) -> dict:
    """What a person's page shows of rescue (``cases.person_page``): which missions the
    person is on, never the route."""
    return {"journeys": journeys_for_person(person)}


def dashboard_cards(user) -> list:
    """The dashboard's figures on missions, for a user who holds ``missions.view``."""
    from django.utils.translation import gettext

    from safepassage.base.shell import Card
    from safepassage.rescue.models import Silence

    missions = permissions.visible(user, "missions.view", Mission.objects.all())
    alerts = permissions.visible(user, "missions.view", Alert.objects.all())
    return [
        Card(
            title=gettext("Missions under way"),
            value=missions.filter(status=MissionStatus.UNDER_WAY).count(),
            url_name="rescue:board",
        ),
        Card(
            title=gettext("Overdue or silent missions"),
            value=missions.filter(status__in=ACTIVE, silence__gt=Silence.NONE).count(),
            url_name="rescue:board",
        ),
        Card(
            title=gettext("Alerts not yet seen"),
            value=alerts.filter(acknowledged_at__isnull=True, mission__status__in=ACTIVE).count(),
            url_name="rescue:board",
        ),
    ]


def today_items(user) -> list:
    """What needs a user who holds ``missions.view`` today: a partner asking for help,
    other alerts nobody has seen yet, and missions overdue or silent."""
    from django.utils.translation import ngettext

    from safepassage.base.shell import TodayItem
    from safepassage.rescue.models import Silence

    missions = missions_for(user).filter(status__in=ACTIVE)
    unseen = alerts_for(user).filter(acknowledged_at__isnull=True, mission__status__in=ACTIVE)
    help_asked = unseen.filter(kind=AlertKind.NEED_HELP).count()
    other_alerts = unseen.exclude(kind=AlertKind.NEED_HELP).count()
    late = missions.filter(silence__gt=Silence.NONE).count()
    return [
        TodayItem(
            count=help_asked,
            text=ngettext(
                "%(count)s field partner is asking for help",
                "%(count)s field partners are asking for help",
                help_asked,
            )
            % {"count": help_asked},
            url_name="rescue:board",
        ),
        TodayItem(
            count=other_alerts,
            text=ngettext(
                "%(count)s alert is not yet seen",
                "%(count)s alerts are not yet seen",
                other_alerts,
            )
            % {"count": other_alerts},
            url_name="rescue:board",
        ),
        TodayItem(
            count=late,
            text=ngettext(
                "%(count)s mission is overdue or silent",
                "%(count)s missions are overdue or silent",
                late,
            )
            % {"count": late},
            url_name="rescue:board",
        ),
    ]
