"""Other apps' work on recorded gifts (Hope Sharing's shares, pledges, matching).

``GIFT_HOOKS`` are called inside the transaction that records gifts, after they are
posted: ``hook(donations=..., actor=...)``, where ``donations`` is a queryset of the gifts
just recorded (one gift, a reversal, or an import's batch). A hook narrows the queryset to
the gifts it cares about in the query, so a large import of plain gifts costs it one query;
an import that fails leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable

GIFT_HOOKS: list[Callable] = []


def gifts_recorded(*, donations, actor) -> None:
    for hook in GIFT_HOOKS:
        hook(donations=donations, actor=actor)


def gift_recorded(*, donation, actor) -> None:
    if GIFT_HOOKS:
        gifts_recorded(donations=type(donation).objects.filter(pk=donation.pk), actor=actor)
