"""Keys derived from one root secret, one per purpose, so that no two uses share a key.

The root is ``SAFEPASSAGE_BLIND_INDEX_KEY`` (kept outside the database). Each purpose gets
its own 256-bit key through HKDF-SHA-256 (``cryptography``) with a label of its own, so a
keyed hash computed for one purpose (a check-in link's token) can never stand for another
(a sponsor's link, a blind index), and a leak of one derived key says nothing about the
others.

Blind indexes keep the derivation they always had (HMAC-SHA-256 of the root over
``table.field``), so the indexes already in a database stay valid without decrypting and
re-hashing every record; it is a keyed PRF under the root itself, while every other purpose
uses HKDF's extracted key, so the two families never meet.
"""

from __future__ import annotations

import functools
import hashlib
import hmac

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

PURPOSES = frozenset(
    {
        "checkin-token",
        "checkin-pin",
        "sponsor-token",
        "report-confirm-token",
        "report-unsubscribe-token",
        "import-source:funds",
        "import-source:cases",
    }
)
SALT = b"safepassage.derived.v1"


def key(purpose: str) -> bytes:
    """The 32-byte key for ``purpose`` (one of ``PURPOSES``)."""
    if purpose not in PURPOSES:
        raise ValueError(f"no derived key for {purpose!r}")
    return _hkdf(settings.BLIND_INDEX_KEY, purpose)


def blind_index_key(context: str) -> bytes:
    """The key of one field's blind index (``context`` is ``table.field``)."""
    return _legacy(settings.BLIND_INDEX_KEY, context)


def digest(purpose: str, message: bytes) -> str:
    """HMAC-SHA-256 of ``message`` under ``purpose``'s key, as hex."""
    return hmac.new(key(purpose), message, hashlib.sha256).hexdigest()


@functools.lru_cache(maxsize=16)
def _hkdf(root: str, purpose: str) -> bytes:
    # Keyed by the root itself, so a changed setting never finds a stale key.
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=SALT, info=f"safepassage:{purpose}".encode()
    ).derive(root.encode())


@functools.lru_cache(maxsize=64)
def _legacy(root: str, context: str) -> bytes:
    return hmac.new(root.encode(), context.encode(), hashlib.sha256).digest()
