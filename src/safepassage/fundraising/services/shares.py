"""Rescue shares, by the names other code has long used: filled by gifts
(``share_filling``), assigned to one person each (``share_assignment``), told of the
journey (``share_journey``, ``share_news``); the reads are in ``fundraising.selectors``.
"""

from __future__ import annotations

from safepassage.fundraising.selectors import eligible_people, matches_of
from safepassage.fundraising.selectors import shares_of as share_of
from safepassage.fundraising.services.share_assignment import (
    CANDIDATES_AT_ONCE,
    assign,
    assign_next,
    assign_waiting,
    release,
    why_not,
)
from safepassage.fundraising.services.share_filling import (
    chain,
    hope_campaign,
    take_in,
    take_in_all,
    take_in_pending,
)
from safepassage.fundraising.services.share_journey import RELEASING, on_status
from safepassage.fundraising.services.share_news import recipients

__all__ = [
    "CANDIDATES_AT_ONCE",
    "RELEASING",
    "assign",
    "assign_next",
    "assign_waiting",
    "chain",
    "eligible_people",
    "hope_campaign",
    "matches_of",
    "on_status",
    "recipients",
    "release",
    "share_of",
    "take_in",
    "take_in_all",
    "take_in_pending",
    "why_not",
]
