"""Secrets of check-in links: the token in the link and the two PINs the partner knows.

The database stores only keyed hashes, each under its own key derived from the root secret
outside the database (``vault.derived``), so a dump gives neither working links nor PINs.
A PIN has only a million values, so its hash is also slow: scrypt (about 16 MiB and some
tens of milliseconds per guess, paid once per check-in on the server, never on the phone)
over the PIN with the derived key as pepper and the link's id as salt. Without the key a
dump reveals nothing; with a stolen key too, each link still costs hours of guessing; and
online, a link locks after ``SAFEPASSAGE_CHECKIN_PIN_FAILURES`` wrong PINs. The PIN stays
six digits: a partner may have to type the duress PIN from memory, under watch.

A link is found by the hash of its token: an attacker cannot steer that hash, so the time
the lookup takes says nothing about how close a guess was; the stored hash is compared
again in constant time all the same.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from safepassage.vault import derived

TOKEN_BYTES = 32  # 256 bits: 43 characters in the link
PIN_DIGITS = 6


# scrypt's cost: 2**14 x 8 x 128 bytes = 16 MiB of memory for each guess.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_digest(token: str) -> str:
    return derived.digest("checkin-token", token.encode())


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
    peppered = hmac.new(derived.key("checkin-pin"), pin.strip().encode(), hashlib.sha256)
    return hashlib.scrypt(
        peppered.digest(),
        salt=f"checkin-pin:{link_id}".encode(),
        n=SCRYPT_N,
        r=SCRYPT_R,
        p=SCRYPT_P,
        dklen=32,
    ).hex()


def same(stored: str, candidate: str) -> bool:
    return hmac.compare_digest(stored.encode(), candidate.encode())
