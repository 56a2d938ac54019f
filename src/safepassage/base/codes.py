"""Short random codes for URLs and conversation (a case, a person, a gift, a mission)."""

from __future__ import annotations

import secrets

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_code() -> str:
    """A short random code: 8 characters, no 0/O or 1/I mix-ups."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
