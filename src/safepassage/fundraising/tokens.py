"""The sponsor's private news page: a secret link, of which only a keyed hash is stored.

Each e-mail carries a fresh link and the previous one stops working, so an old message
found in a mailbox opens nothing. The page shows only what the e-mails said.
"""

from __future__ import annotations

from safepassage.rescue.tokens import looks_like_token, new_token, same
from safepassage.vault import derived

__all__ = ["digest", "looks_like_token", "new_token", "same"]


def digest(token: str) -> str:
    return derived.digest("sponsor-token", token.encode())
