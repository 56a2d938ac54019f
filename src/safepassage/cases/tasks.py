"""Background work for cases."""

from __future__ import annotations

from django.tasks import task

from safepassage.audit.context import request_id_scope


@task
def retention_sweep() -> int:
    """Crypto-shred closed cases past the retention period; returns how many."""
    from safepassage.cases import services

    shredded = 0
    with request_id_scope("retention"):
        for case in services.retention_due():
            services.retention_shred(actor="retention", case=case)
            shredded += 1
    from safepassage.base import schedule

    schedule.queue_next("safepassage.cases.tasks.retention_sweep")
    return shredded


@task
def priority_refresh() -> int:
    """Recompute priorities of everyone not yet closed: ages cross thresholds (a child
    turns 5, a girl turns 18) without anyone editing the record. Returns how many changed."""
    from safepassage.base import schedule
    from safepassage.cases import priority
    from safepassage.cases.models import Person, Status
    from safepassage.cases.services import FLAGS

    changed = []
    people = (
        Person.objects.exclude(status=Status.CLOSED)
        .select_related("case")
        .only("id", "sex", "birth_year", "priority", "priority_reasons", "case__urgency", *FLAGS)
    )
    for person in people.iterator(chunk_size=2000):
        score, reasons = priority.assess(person)
        if (score, reasons) != (person.priority, person.priority_reasons):
            person.priority, person.priority_reasons = score, reasons
            changed.append(person)
    Person.objects.bulk_update(changed, ["priority", "priority_reasons"], batch_size=1000)
    schedule.queue_next("safepassage.cases.tasks.priority_refresh")
    return len(changed)
