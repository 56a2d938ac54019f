"""Secrets of check-in links: the token in the link and the two PINs the partner knows.

The database stores only keyed hashes (HMAC-SHA-256 under a key derived from the blind-index
key, which lives outside the database), so a dump gives neither working links nor the PINs,
and a 4-digit PIN cannot be brute-forced from its hash without the key.

A link is found by the hash of its token: an attacker cannot steer that hash, so the time
the lookup takes says nothing about how close a guess was; the stored hash is compared
again in constant time all the same.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings

TOKEN_BYTES = 32  # 256 bits: 43 characters in the link
PIN_DIGITS = 6


def _key(purpose: str) -> bytes:
    return hmac.new(
        settings.BLIND_INDEX_KEY.encode(), f"rescue.{purpose}".encode(), hashlib.sha256
    ).digest()


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_digest(token: str) -> str:
    return hmac.new(_key("checkin-token"), token.encode(), hashlib.sha256).hexdigest()


def looks_like_token(token: str) -> bool:
    """Cheap shape check before any database work: right length, URL-safe alphabet."""
    return 40 <= len(token) <= 64 and all(c.isalnum() or c in "-_" for c in token)


def new_pins() -> tuple[str, str]:
    """Two different PINs: the everyday one and the duress one."""
    pin = "".join(secrets.choice("0123456789") for _ in range(PIN_DIGITS))
    while True:
        duress = "".join(secrets.choice("0123456789") for _ in range(PIN_DIGITS))
        if duress != pin:
            return pin, duress


def pin_digest(link_id, pin: str) -> str:
    message = f"{link_id}:{pin.strip()}".encode()
    return hmac.new(_key("checkin-pin"), message, hashlib.sha256).hexdigest()


def same(stored: str, candidate: str) -> bool:
    return hmac.compare_digest(stored.encode(), candidate.encode())
