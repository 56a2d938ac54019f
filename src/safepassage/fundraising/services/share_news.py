"""What a share's sponsors are told: news made once per event, one delivery per donor who
may hear of it, each e-mailed by the queue (``tasks.send_news``) after the write commits.

A share's sponsors are told when it is funded, when it is assigned (the generalised
profile), when the person reaches a third country, and when they arrive (with any
testimony whose consent covers donors); when a person cannot go on, they are told kindly,
never why.
"""

from __future__ import annotations

from django.db.models import Q, Sum

from safepassage.base.tasks import enqueue_on_commit
from safepassage.fundraising.models import Contribution, News, NewsDelivery, Share
from safepassage.funds.models import DonorKind

SEND_NEWS = "safepassage.fundraising.tasks.send_news"


def recipients(share: Share) -> list[int]:
    """Donors who put money into the share and may hear of it: sponsors, or donors who
    agreed to be contacted; never an anonymous giver."""
    from safepassage.funds.models import Donor

    given = (
        Contribution.objects.filter(share=share)
        .values("donor_id")
        .annotate(total=Sum("amount_minor"))
        .filter(total__gt=0)
        .values("donor_id")
    )
    return list(
        Donor.objects.filter(pk__in=given, merged_into__isnull=True)
        .exclude(kind=DonorKind.ANONYMOUS)
        .filter(Q(sponsor__isnull=False) | Q(consent_to_contact=True))
        .values_list("pk", flat=True)
    )


def tell(
    share: Share,
    kind: str,
    *,
    testimonies: list[str] | None = None,
    donors: list[int] | None = None,
) -> News:
    """Make the news of ``kind`` for ``share`` (with its profile as it stands) and queue
    one e-mail per recipient. Call inside the transaction that made the event.
    ``donors``: ``recipients(share)`` when the caller has just read it (its
    contributions have not changed since)."""
    news = News.objects.create(
        share=share, kind=kind, profile=dict(share.profile), testimonies=testimonies or []
    )
    deliveries = NewsDelivery.objects.bulk_create(
        NewsDelivery(news=news, donor_id=donor_id)
        for donor_id in (recipients(share) if donors is None else donors)
    )
    for delivery in deliveries:
        enqueue_on_commit(SEND_NEWS, delivery_id=delivery.pk)
    return news


def testimonies_of(person) -> list[str]:
    """Codes of the person's testimonies whose consent covers donors, oldest first."""
    from safepassage.cases.selectors import publishable

    return list(
        publishable("donors")
        .filter(person=person)
        .order_by("created_at")
        .values_list("code", flat=True)
    )
