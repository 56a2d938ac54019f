"""AES-256-GCM from ``cryptography``: the only cipher the vault uses.

A sealed value is ``version (1 byte) | nonce (12 bytes) | ciphertext+tag``. Unlike a Fernet
token it carries no timestamp, so a dump does not tell when each record was written. The
associated data binds a value to its place (table, field, row), so ciphertext copied to
another row or field fails authentication instead of decrypting there.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from safepassage.vault.errors import VaultIntegrityError

VERSION = b"\x01"
NONCE_BYTES = 12


def cipher(key: bytes) -> AESGCM:
    """A cipher for one key, to seal many values under it without setting the key up for
    each (a master key wrapping the data keys of a whole import)."""
    return AESGCM(key)


def seal(key: bytes | AESGCM, plaintext: bytes, *, aad: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    aead = key if isinstance(key, AESGCM) else AESGCM(key)
    return VERSION + nonce + aead.encrypt(nonce, plaintext, aad)


def open_sealed(key: bytes, blob: bytes, *, aad: bytes, what: str) -> bytes:
    """Decrypt or raise; never return the ciphertext or an empty value in its place."""
    blob = bytes(blob)
    if len(blob) < 1 + NONCE_BYTES + 16 or blob[:1] != VERSION:
        raise VaultIntegrityError(f"{what} is not a sealed value of a known version")
    nonce, body = blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :]
    try:
        return AESGCM(key).decrypt(nonce, body, aad)
    except InvalidTag:
        raise VaultIntegrityError(
            f"{what} failed authentication: wrong key, altered, or moved from another row"
        ) from None


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)
