"""Crypto-shredding closed cases once the retention period is over."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from safepassage.cases.models import Case, CaseNote, ContactEntry, Testimony


def retention_due(*, now: dt.datetime | None = None):
    """Closed cases past the retention period whose identities are not yet shredded."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.RETENTION_DAYS)
    return Case.objects.filter(
        closed_at__isnull=False, closed_at__lte=cutoff, data_key__shredded_at__isnull=True
    ).order_by("closed_at")


@transaction.atomic
def retention_shred(*, actor, case: Case) -> int:
    """Crypto-shred a closed case, its people, their testimonies, the case's notes and its
    contact log; returns how many records were shredded. Statistics (sex, birth year,
    province, statuses, dates) stay."""
    from safepassage.vault import services as vault

    count = 0
    records_to_shred = [case, *case.people.all()]
    records_to_shred += list(Testimony.objects.filter(person__case=case))
    records_to_shred += list(CaseNote.objects.filter(case=case))
    records_to_shred += list(ContactEntry.objects.filter(case=case))
    for item in records_to_shred:
        if item.data_key_id is None or not item.data_key.shredded_at:
            vault.shred(record_obj=item, actor=actor, reason="retention period over")
            count += 1
    return count
