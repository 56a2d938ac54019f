"""Check-in links and check-ins: the one path for the partner's page, the API and staff.

A check-in is recorded once per idempotency key: a retry with the same content answers
with the first result, a retry with other content is refused. Check-ins on one mission
are serialised by a lock on the mission row, so concurrent retries cannot both insert.
What a report does to the mission (legs, deadlines, people's whereabouts) is ``progress``.

A key is minted per page or per app request, so a second tap on a fresh page, or a retry
that mints a new key, carries another key: a report with the same content as the link's
latest one, on the same leg, within ``settings.CHECKIN_REPEAT_MINUTES`` is therefore the
same check-in too, answered like a retry. A head-count below the people still travelling
alerts the coordinators, as a call for help does.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.audit.chain import record, user_of
from safepassage.rescue import tokens
from safepassage.rescue.models import (
    ACTIVE,
    AlertKind,
    CheckIn,
    CheckInKind,
    CheckInLink,
    FieldPartner,
    LegStatus,
    Mission,
    MissionStatus,
    Outcome,
    SafePoint,
)
from safepassage.rescue.services import alerts, checkin_rows, progress
from safepassage.rescue.services.errors import KeyReused, MissionClosed, RescueError, WrongPin
from safepassage.rescue.services.missions import lock
from safepassage.rescue.services.timeline import event

MAX_DELAY_HOURS = 72
MAX_REASON = 500
MAX_HEAD_COUNT = 99


@dataclass(frozen=True)
class IssuedLink:
    """What the coordinator sees once: the link's token and the two PINs."""

    link: CheckInLink
    token: str
    pin: str
    duress_pin: str


@transaction.atomic
def link_issue(
    *, actor, mission: Mission, partner: FieldPartner, days: int | None = None
) -> IssuedLink:
    """A new secret link for ``partner`` on ``mission``; any earlier one of theirs is revoked."""
    mission = lock(mission)
    if mission.status not in ACTIVE:
        raise RescueError({"mission": _("This mission has ended.")})
    now = timezone.now()
    CheckInLink.objects.filter(mission=mission, partner=partner, revoked_at__isnull=True).update(
        revoked_at=now
    )
    mission.partners.add(partner)
    token = tokens.new_token()
    pin, duress_pin = tokens.new_pins()
    link = CheckInLink(
        mission=mission,
        partner=partner,
        token_digest=tokens.token_digest(token),
        expires_at=now + dt.timedelta(days=days or settings.CHECKIN_LINK_DAYS),
        created_by=user_of(actor),
    )
    link.pin_digest = tokens.pin_digest(link.id, pin)
    link.duress_digest = tokens.pin_digest(link.id, duress_pin)
    link.save()
    event(mission, "link_issued", actor=actor, partner=partner.pseudonym)
    record(
        actor=actor,
        action="rescue.link_issued",
        target=mission,
        data={"partner": partner.code, "expires": link.expires_at.isoformat()},
    )
    return IssuedLink(link=link, token=token, pin=pin, duress_pin=duress_pin)


@transaction.atomic
def link_revoke(*, actor, link: CheckInLink) -> CheckInLink:
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at", "updated_at"])
        event(link.mission, "link_revoked", actor=actor, partner=link.partner.pseudonym)
        record(
            actor=actor,
            action="rescue.link_revoked",
            target=link.mission,
            data={"partner": link.partner.code},
        )
    return link


def link_for_token(token: str, *, now: dt.datetime | None = None) -> CheckInLink | None:
    """The live link for ``token``, or None alike for made-up, revoked and expired ones."""
    if not tokens.looks_like_token(token):
        return None
    digest = tokens.token_digest(token)
    link = checkin_rows.link_by_digest(digest)
    if link is None or not tokens.same(link.token_digest, digest):
        return None
    now = now or timezone.now()
    if link.revoked_at is not None or link.expires_at <= now:
        return None
    if link.failed_pins >= settings.CHECKIN_PIN_FAILURES:
        return None
    return link


def check_pin(*, link: CheckInLink, pin: str) -> bool:
    """True for the duress PIN, False for the everyday one; ``WrongPin`` otherwise.

    Both stored digests are always compared, so the two answers take the same time. A PIN
    that matched on this link before, in this process, is not hashed again
    (``tokens.remembered``), the duress PIN alike; a wrong PIN always pays the full scrypt.
    """
    pin = pin or ""
    candidate = tokens.remembered(link.id, pin)
    if candidate is None or not _matches_either(link, candidate):
        candidate = tokens.pin_digest(link.id, pin)
    everyday = tokens.same(link.pin_digest, candidate)
    duress = tokens.same(link.duress_digest, candidate)
    if everyday or duress:
        tokens.remember(link.id, pin, candidate)
        return duress
    _count_wrong_pin(link)
    raise WrongPin({"pin": _("That PIN is not right.")})


def _matches_either(link: CheckInLink, candidate: str) -> bool:
    everyday = tokens.same(link.pin_digest, candidate)
    duress = tokens.same(link.duress_digest, candidate)
    return everyday or duress


def _count_wrong_pin(link: CheckInLink) -> None:
    # In its own transaction: the failure must count even though the check-in fails.
    with transaction.atomic():
        locked = CheckInLink.objects.select_for_update().get(pk=link.pk)
        locked.failed_pins += 1
        locked.save(update_fields=["failed_pins", "updated_at"])
        if locked.failed_pins == settings.CHECKIN_PIN_FAILURES:
            event(link.mission, "link_locked", actor="check-in", partner=link.partner.pseudonym)
            alerts.raise_now(
                mission=link.mission, kind=AlertKind.COMPROMISED, actor="check-in", reason="pins"
            )
            record(
                actor="check-in",
                action="rescue.link_locked",
                target=link.mission,
                data={"partner": link.partner.code},
            )


@dataclass(frozen=True)
class Report:
    """What a field partner sends."""

    key: str
    kind: str
    point: str = ""
    delay_hours: int | None = None
    reason: str = ""
    head_count: int | None = None  # people with the partner now, when they say

    def fingerprint(self) -> str:
        content = {
            "kind": self.kind,
            "point": self.point.upper(),
            "delay_hours": self.delay_hours,
            "reason": self.reason.strip(),
        }
        if self.head_count is not None:
            # Only when given, so the reports recorded before head-counts keep their prints.
            content["head_count"] = self.head_count
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def validate(report: Report) -> None:
    errors = {}
    if not 8 <= len(report.key) <= 64 or not report.key.isascii():
        errors["idempotency_key"] = _("The request key must be 8 to 64 plain characters.")
    if report.kind not in CheckInKind.values:
        errors["kind"] = _("Unknown kind of check-in.")
    if report.delay_hours is not None and not 1 <= report.delay_hours <= MAX_DELAY_HOURS:
        errors["delay_hours"] = _("A delay is between 1 and %(max)s hours.") % {
            "max": MAX_DELAY_HOURS
        }
    if report.head_count is not None and not 0 <= report.head_count <= MAX_HEAD_COUNT:
        errors["head_count"] = _("A head-count is between 0 and %(max)s.") % {"max": MAX_HEAD_COUNT}
    if len(report.reason) > MAX_REASON:
        errors["reason"] = _("Keep the reason under %(max)s characters.") % {"max": MAX_REASON}
    if errors:
        raise RescueError(errors)


@dataclass(frozen=True)
class Result:
    """``status`` is what ``link_status`` answers right after a check-in recorded through
    a link (read in its transaction); None for replays and staff check-ins."""

    check_in: CheckIn
    replayed: bool
    status: dict | None = None


def submit(
    *,
    mission: Mission,
    report: Report,
    link: CheckInLink | None = None,
    actor=None,
    duress: bool = False,
    at: dt.datetime | None = None,
) -> Result:
    """Record one check-in (once per key) and apply it to the mission.

    ``link`` is the partner's link (page and API), or None when a staff member records a
    report received by phone (``actor``). The caller has checked the PIN (``duress``).
    """
    validate(report)
    existing = checkin_rows.recorded(mission_id=mission.pk, key=report.key)
    if existing is not None:
        return _replayed(existing, report)  # a retry: no lock, no write
    try:
        return _submit(mission=mission, report=report, link=link, actor=actor, duress=duress, at=at)
    except IntegrityError:
        # Two identical retries raced past the lock (only possible without row locks):
        # the first one's row is the answer.
        return _replay(mission=mission, report=report)


def _recorded(*, mission: Mission, report: Report):
    return CheckIn.objects.filter(mission_id=mission.pk, idempotency_key=report.key)


def _replay(*, mission: Mission, report: Report) -> Result:
    existing = _recorded(mission=mission, report=report).first()
    if existing is None:
        raise RescueError({"idempotency_key": _("The check-in could not be recorded.")})
    return _replayed(existing, report)


def _replayed(existing: CheckIn, report: Report) -> Result:
    if existing.fingerprint != report.fingerprint():
        raise KeyReused(
            {"idempotency_key": _("This request key was already used for a different report.")}
        )
    return Result(check_in=existing, replayed=True)


@transaction.atomic
def _submit(*, mission, report, link, actor, duress, at) -> Result:
    # The fixed statements of this path are written by hand (``checkin_rows``): the lock,
    # one read after it, one write after ``progress.apply``.
    mission = checkin_rows.lock_mission(mission.pk)
    found = checkin_rows.read_after_lock(
        mission_id=mission.pk, key=report.key, link_id=link.pk if link is not None else None
    )
    if found.recorded:
        return _replay(mission=mission, report=report)
    if mission.status not in ACTIVE:
        raise MissionClosed({"mission": _("This mission has ended; the report was not recorded.")})
    at = at or timezone.now()
    who = f"partner:{link.partner.pseudonym}" if link is not None else actor
    leg = found.leg
    repeat = _repeat_of(report=report, last=found.last, leg=leg, at=at)
    if repeat is not None and not duress:
        return Result(check_in=repeat, replayed=True)
    check_in = CheckIn(
        mission=mission,
        link=link,
        recorded_by=user_of(actor),
        idempotency_key=report.key,
        fingerprint=report.fingerprint(),
        kind=report.kind,
        leg=leg,
        delay_hours=report.delay_hours,
        duress=duress,
        received_at=at,
    )
    if report.reason.strip():
        check_in.reason = report.reason.strip()
    if report.head_count is not None:
        check_in.head_count = report.head_count
    if repeat is not None:
        # A repeat sent with the duress PIN: recorded and alarmed, answered as the repeat
        # of a normal PIN is, and moving nothing, as a repeat moves nothing.
        moved = progress.Progress("repeated", next_leg=leg)
    else:
        moved = progress.apply(
            mission=mission,
            leg=leg,
            report=report,
            check_in=check_in,
            at=at,
            trusted=link is None,
        )
    check_in.effect = moved.effect
    check_in.flag = moved.flag
    short = report.head_count is not None and report.head_count < found.head_count
    mission.last_check_in_at = at
    # The check-in, the leg's deadline, the link's last use, the timeline event and the
    # mission row (the time of contact, and its silence if it changed) in one write.
    checkin_rows.write(
        check_in=check_in,
        mission=mission,
        silence=moved.silence,
        leg_due=(leg, moved.leg_due) if moved.leg_due is not None else None,
        link=link,
        at=at,
        now=timezone.now(),
        event_actor=who,
        event_data={
            "kind": report.kind,
            "effect": check_in.effect,
            "leg": leg.position if leg else None,
            "point": check_in.safe_point.code_name if check_in.safe_point_id else "",
            "delay_hours": report.delay_hours,
            "duress": duress,
            # Only when there is something to say, so ordinary events stay as they were.
            **({"flag": moved.flag} if moved.flag else {}),
            **(
                {"head_count": report.head_count, "expected": found.head_count}
                if report.head_count is not None
                else {}
            ),
        },
    )
    if report.kind == CheckInKind.NEED_HELP:
        alerts.raise_now(mission=mission, kind=AlertKind.NEED_HELP, actor=who, check_in=check_in)
    if moved.flag and link is not None:
        # A coordinator's own record is their judgement: it is marked, not alarmed.
        alerts.raise_now(
            mission=mission, kind=AlertKind.FLAGGED, actor=who, check_in=check_in, reason=moved.flag
        )
    if short:
        alerts.raise_now(
            mission=mission,
            kind=AlertKind.HEAD_COUNT,
            actor=who,
            check_in=check_in,
            reason="head_count",
            reported=report.head_count,
            expected=found.head_count,
        )
    if report.kind == CheckInKind.COMPROMISED or duress:
        progress.compromised(mission=mission, at=at)
        alerts.raise_now(
            mission=mission,
            kind=AlertKind.COMPROMISED,
            actor=who,
            check_in=check_in,
            reason="duress" if duress else "reported",
        )
    record(
        actor=who,
        action="rescue.checked_in",
        target=mission,
        data={
            "kind": report.kind,
            "effect": check_in.effect,
            "leg": leg.position if leg else None,
            "flag": moved.flag,
            "head_count": report.head_count,
        },
        # Sealed on every check-in, so no entry tells which one was made under duress.
        sealed={"duress": duress},
    )
    if repeat is not None:
        return Result(check_in=repeat, replayed=True)
    status = None
    if link is not None:
        if moved.planned:
            status = link_status(link, mission=mission)
        else:
            # Read after the lock: outcomes change only under the mission lock, and
            # nothing above changes one.
            status = _status(
                mission,
                next_point=moved.next_leg.next_point if moved.next_leg else "",
                head_count=found.head_count,
            )
    return Result(check_in=check_in, replayed=False, status=status)


def _repeat_of(*, report: Report, last: CheckIn | None, leg, at) -> CheckIn | None:
    """The check-in ``report`` repeats, or None. ``last`` is the latest check-in sent
    through the same link (``checkin_rows.read_after_lock``; None for a staff member's
    report: their records are theirs to repeat, catching up on a phone call). A repeat has
    the same content, comes within ``CHECKIN_REPEAT_MINUTES`` and is about the same leg:
    an arrival names its safe point (or, naming none, repeats the one that named none:
    the second tap meant the leg the partner was on then); other reports are about the
    leg under way when they came. A report in between makes the next one new."""
    minutes = settings.CHECKIN_REPEAT_MINUTES
    if not minutes or last is None or last.fingerprint != report.fingerprint():
        return None
    if not at - dt.timedelta(minutes=minutes) <= last.received_at <= at:
        return None
    if report.kind == CheckInKind.ARRIVED or last.leg_id == (leg.pk if leg else None):
        return last
    return None


def check_in_by_staff(*, actor, mission: Mission, report: Report) -> Result:
    """A report that reached a coordinator by phone or messenger, recorded by them."""
    return submit(mission=mission, report=report, actor=actor)


def link_status(link: CheckInLink, *, mission: Mission | None = None) -> dict:
    """What the partner's page and the API may show: codes and a head-count, nothing else.

    ``mission`` is a fresher copy of the link's mission, when the caller holds one."""
    mission = mission or link.mission
    legs = mission.legs.select_related("to_point").order_by("position")
    leg = legs.filter(status=LegStatus.UNDER_WAY).first()
    if leg is None and mission.status == MissionStatus.PLANNED:
        leg = legs.first()
    return _status(
        mission, next_point=leg.to_point.code_name if leg else "", head_count=_head_count(mission)
    )


def status_after(link: CheckInLink, result: Result) -> dict:
    """``link_status(link)`` once ``result`` is in: already known for a new check-in."""
    return result.status if result.status is not None else link_status(link)


def _head_count(mission: Mission) -> int:
    return mission.travellers.filter(outcome=Outcome.TRAVELLING).count()


def _status(mission: Mission, *, next_point: str, head_count: int) -> dict:
    return {
        "mission": mission.code,
        "status": mission.status,
        "next_point": next_point,
        "head_count": head_count,
        "open": mission.status in ACTIVE,
    }


def point_for(code: str) -> SafePoint | None:
    return SafePoint.objects.filter(code_name=code.strip().upper()).first()
