"""Teams and who is in them."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from safepassage.audit.chain import record
from safepassage.cases.models import Team


@transaction.atomic
def team_create(*, actor, name: str, members: Iterable = ()) -> Team:
    team = Team.objects.create(name=name.strip())
    team.members.set(list(members))
    record(actor=actor, action="cases.team_created", target=team, data={"name": name})
    return team


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
