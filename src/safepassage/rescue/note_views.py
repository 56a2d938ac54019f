"""A field partner's note on a check-in ("Child has a fever, need medicine"), for the
people who follow the mission.

The note is sealed by the vault (``CheckIn.reason``). The timeline and the board's alerts
say only that a note is waiting; its text appears after the same audited reveal as every
other sealed field (``vault.pages.reveal_and_grant``), by someone who may see the mission,
for ``SAFEPASSAGE_REVEAL_MINUTES``. The alert e-mail says a note is waiting, never its text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from safepassage.accounts import permissions
from safepassage.accounts.decorators import staff_required
from safepassage.rescue.models import CheckIn, Mission
from safepassage.vault import grants, pages

NOTE_FIELD = "reason"
NOTE_REVEALABLE = [(NOTE_FIELD, gettext_lazy("note"))]
NOTE_SHREDDED = gettext_lazy("This note was shredded.")


@dataclass(frozen=True)
class Note:
    """What a page shows of one check-in's note: that it waits, or its text once revealed."""

    code: str  # the check-in's code: the reveal URL and the page anchor
    mission_code: str
    text: str | None  # the plain note while a reveal grant lasts, else None
    shredded: bool
    reveal_minutes: int

    @property
    def waiting(self) -> bool:
        return self.text is None and not self.shredded


def _with_note():
    """Check-ins that carry a note; the sealed column is only tested, never decrypted."""
    return (
        CheckIn.objects.filter(reason_sealed__isnull=False)
        .select_related("data_key")
        .annotate(mission_code=F("mission__code"))
    )


def _note(request, check_in: CheckIn) -> Note:
    shredded = check_in.reason.is_shredded
    text = None
    if not shredded:
        text = grants.revealed_values(request, check_in).get(NOTE_FIELD)
    return Note(
        code=check_in.code,
        mission_code=check_in.mission_code,
        text=text,
        shredded=shredded,
        reveal_minutes=settings.REVEAL_MINUTES,
    )


def attach_to_alerts(request, alerts: Iterable) -> None:
    """Give each alert raised by a check-in with a note its ``note`` (None otherwise), in
    one query for all of them. The caller fetched the alerts through ``selectors``."""
    alerts = list(alerts)
    ids = {alert.check_in_id for alert in alerts if alert.check_in_id}
    found = {c.pk: _note(request, c) for c in _with_note().filter(pk__in=ids)} if ids else {}
    for alert in alerts:
        alert.note = found.get(alert.check_in_id)


def timeline_with_notes(request, mission: Mission, timeline: list) -> list[tuple]:
    """The timeline's entries, each with the note of its check-in (or None).

    A "check_in" event is written with its check-in, at the check-in's ``received_at``
    (``services.checkin_rows.write``): the time and the kind pair them up.
    """
    by_moment = {
        (check_in.received_at, check_in.kind): _note(request, check_in)
        for check_in in _with_note().filter(mission=mission)
    }
    return [
        (
            entry,
            by_moment.get((entry.at, entry.data.get("kind"))) if entry.kind == "check_in" else None,
        )
        for entry in timeline
    ]


@staff_required("missions.view")
@require_POST
def note_reveal(request, code: str, check_in_code: str):
    """Audited reveal of a check-in's note to someone who may see its mission; 404 to
    everyone else, as for a note that does not exist."""
    mission = permissions.get_or_404(
        request.user, "missions.view", Mission.objects.all(), code=code.upper()
    )
    check_in = get_object_or_404(
        CheckIn.objects.select_related("data_key"),
        mission=mission,
        code=check_in_code.upper(),
        reason_sealed__isnull=False,
    )
    if request.POST.get("back") == "board":
        back = f"{reverse('rescue:board')}#note-{check_in.code}"
    else:
        back = f"{mission.get_absolute_url()}#note-{check_in.code}"
    return pages.reveal_and_grant(request, check_in, NOTE_REVEALABLE, back, NOTE_SHREDDED)
