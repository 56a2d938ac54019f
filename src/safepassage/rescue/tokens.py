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

A PIN that matched is remembered in this process's memory (``remembered``/``remember``), so
a partner's next check-in does not pay scrypt again: only the scrypt digest it matched is
kept, under a keyed hash of the link and the PIN whose key is made at random when the
process starts and never leaves it. A PIN that did not match is never remembered, so every
guess still pays the full scrypt; a restart, or another server, simply computes it again.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from collections import OrderedDict

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


class _MatchedPins:
    """The scrypt digests of PINs that matched, by a keyed hash of (link id, PIN); the
    least recently used go first beyond ``size``. Safe to share between threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._key = secrets.token_bytes(32)  # this process's only: never stored or sent
        self._digests: OrderedDict[bytes, str] = OrderedDict()
        self._lock = threading.Lock()

    def _slot(self, link_id, pin: str) -> bytes:
        message = f"{link_id}\x00{pin.strip()}".encode()
        return hmac.new(self._key, message, hashlib.sha256).digest()

    def get(self, link_id, pin: str) -> str | None:
        slot = self._slot(link_id, pin)
        with self._lock:
            digest = self._digests.get(slot)
            if digest is not None:
                self._digests.move_to_end(slot)
            return digest

    def put(self, link_id, pin: str, digest: str) -> None:
        slot = self._slot(link_id, pin)
        with self._lock:
            self._digests[slot] = digest
            self._digests.move_to_end(slot)
            while len(self._digests) > self.size:
                self._digests.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._digests.clear()


# Room for every PIN of every link a busy organisation has live at once, and then some.
_matched = _MatchedPins(size=4096)


def remembered(link_id, pin: str) -> str | None:
    """The digest ``pin`` matched on link ``link_id`` before, in this process; else None.

    The caller still compares it with the link's stored digests: a remembered digest
    stands for nothing by itself."""
    return _matched.get(link_id, pin)


def remember(link_id, pin: str, digest: str) -> None:
    """Keep ``digest`` for ``pin`` on link ``link_id``. Call only once ``digest`` (computed
    by ``pin_digest``) matched one of the link's stored digests."""
    _matched.put(link_id, pin, digest)


def forget_pins() -> None:
    """Empty this process's memory of matched PINs (tests that time or count scrypt)."""
    _matched.clear()
