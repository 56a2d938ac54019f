"""Where fundraising hears of other apps' changes: a person's status, a gift recorded."""

from __future__ import annotations

from safepassage.cases.models import Status

# Statuses that change something for a sponsor: news, rescue, release, or a person
# becoming someone a waiting share can go to.
WATCHED = (
    Status.AWAITING_RESCUE,
    Status.THIRD_COUNTRY,
    Status.ARRIVED,
    Status.DETAINED,
    Status.FEARED_REPATRIATED,
    Status.LOST_CONTACT,
    Status.DECLINED,
)


def _on_status(*, person, actor, previous) -> None:
    from safepassage.fundraising.services import share_journey

    share_journey.on_status(person=person, actor=actor, previous=previous)


def _on_gifts(*, donations, actor) -> None:
    from safepassage.fundraising.services import share_filling

    share_filling.take_in_all(donations=donations, actor=actor)


def connect() -> None:
    from safepassage.cases.services import STATUS_HOOKS
    from safepassage.funds.services.hooks import GIFT_HOOKS

    for status in WATCHED:
        hooks = STATUS_HOOKS.setdefault(status, [])
        if _on_status not in hooks:
            hooks.append(_on_status)
    if _on_gifts not in GIFT_HOOKS:
        GIFT_HOOKS.append(_on_gifts)
