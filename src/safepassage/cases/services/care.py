"""Relief given to a person and the support they receive after arrival."""

from __future__ import annotations

from django.db import transaction

from safepassage.audit.chain import record
from safepassage.cases.models import Person, Relief, Support


@transaction.atomic
def relief_add(*, actor, person: Person, **fields) -> Relief:
    relief = Relief(person=person, **fields)
    relief.full_clean(exclude=["person"])
    relief.save()
    record(
        actor=actor,
        action="cases.relief_given",
        target=person,
        data={
            "kind": relief.kind,
            "cost_minor": relief.cost_minor,
            "currency": relief.currency,
            "given_on": relief.given_on.isoformat(),
        },
    )
    return relief


@transaction.atomic
def relief_confirm(*, actor, relief: Relief) -> Relief:
    relief.confirmed_received = True
    relief.save(update_fields=["confirmed_received", "updated_at"])
    record(actor=actor, action="cases.relief_confirmed", target=relief.person)
    return relief


@transaction.atomic
def support_add(*, actor, person: Person, **fields) -> Support:
    support = Support(person=person, **fields)
    support.full_clean(exclude=["person"])
    support.save()
    record(
        actor=actor,
        action="cases.support_added",
        target=person,
        data={"kind": support.kind, "started_on": support.started_on.isoformat()},
    )
    return support
