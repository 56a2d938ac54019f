"""A sponsored person's journey as their sponsors hear of it (see ``hooks``): a third
country, arrival, or a stop (the share is released and goes to someone else)."""

from __future__ import annotations

from django.utils import timezone

from safepassage.audit.chain import record
from safepassage.base.tasks import enqueue_on_commit
from safepassage.cases.models import Person, Status
from safepassage.fundraising.models import ACTIVE_SHARE, NewsKind, Share, ShareStatus
from safepassage.fundraising.services.share_assignment import release
from safepassage.fundraising.services.share_news import tell, testimonies_of

# The person cannot go on: their share goes to someone else.
RELEASING = frozenset(
    {Status.DETAINED, Status.FEARED_REPATRIATED, Status.LOST_CONTACT, Status.DECLINED}
)
ASSIGN_SHARES = "safepassage.fundraising.tasks.assign_shares"


def on_status(*, person: Person, actor, previous: str) -> None:
    """Called inside ``cases.services.person_set_status``; see ``hooks``."""
    share = Share.objects.select_for_update().filter(person=person, status__in=ACTIVE_SHARE).first()
    status = person.status
    if status == Status.AWAITING_RESCUE:
        if share is None and Share.objects.filter(status=ShareStatus.FUNDED).exists():
            # In its own transaction, after this one: it locks shares, and this one already
            # holds the audit head.
            enqueue_on_commit(ASSIGN_SHARES)
        return
    if share is None:
        return
    if status == Status.THIRD_COUNTRY and share.status == ShareStatus.ASSIGNED:
        if not share.news.filter(kind=NewsKind.THIRD_COUNTRY).exists():
            tell(share, NewsKind.THIRD_COUNTRY)
    elif status == Status.ARRIVED and share.status == ShareStatus.ASSIGNED:
        share.status = ShareStatus.RESCUED
        share.rescued_at = timezone.now()
        share.save(update_fields=["status", "rescued_at", "updated_at"])
        tell(share, NewsKind.ARRIVED, testimonies=testimonies_of(person))
        record(actor=actor, action="fundraising.share_rescued", target=share)
    elif status in RELEASING and share.status == ShareStatus.ASSIGNED:
        release(share=share, actor=actor)
