"""The secrets in a subscriber's links: confirming a subscription, unsubscribing.

Only keyed hashes are stored, each kind under its own key derived from the root secret
outside the database (``vault.derived``), so a dump opens no link and a confirmation token
can never stand for an unsubscribe token. A token is made by the worker that sends its
e-mail, never passed through a task's arguments (those are stored in the database).
"""

from __future__ import annotations

from safepassage.rescue.tokens import looks_like_token, new_token, same
from safepassage.vault import derived

__all__ = ["confirm_digest", "looks_like_token", "new_token", "same", "unsubscribe_digest"]


def confirm_digest(token: str) -> str:
    return derived.digest("report-confirm-token", token.encode())


def unsubscribe_digest(token: str) -> str:
    return derived.digest("report-unsubscribe-token", token.encode())
