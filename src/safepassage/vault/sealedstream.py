"""A file sealed in chunks with AES-256-GCM, so that a large backup never has to fit in memory.

The layout is the STREAM construction (as in age and Tink)::

    header = MAGIC | kind (1 byte) | salt (16 bytes) | nonce prefix (7 bytes)
    chunk i = AES-GCM(key, nonce = prefix | i (4 bytes) | last (1 byte), aad = header)

The file key is derived from the backup key by HKDF with the salt and the kind, so an
archive and a key file sealed with the same backup key never share a key, and one cannot be
passed off as the other. Each chunk's nonce carries its position and whether it is the last,
so reordered, dropped or appended chunks and a file cut short all fail authentication.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from safepassage.vault.errors import VaultIntegrityError

MAGIC = b"SAFEPASSAGE-SEALED-1\n"
CHUNK = 64 * 1024
TAG = 16
HEADER_BYTES = len(MAGIC) + 1 + 16 + 7


def _cipher(secret: str, kind: bytes, salt: bytes) -> AESGCM:
    key = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=salt,
        info=b"safepassage.backup:" + kind,
    ).derive(secret.encode())
    return AESGCM(key)


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    if index >= 2**32:
        raise VaultIntegrityError("sealed file too long")
    return prefix + index.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


class Writer:
    """Seals what is written to it into ``out``; ``close()`` seals the last chunk."""

    def __init__(self, out: BinaryIO, *, secret: str, kind: bytes) -> None:
        salt, prefix = os.urandom(16), os.urandom(7)
        self.header = MAGIC + kind + salt + prefix
        self.out = out
        self.aead = _cipher(secret, kind, salt)
        self.prefix = prefix
        self.index = 0
        self.buffer = bytearray()
        out.write(self.header)

    def write(self, data: bytes) -> None:
        self.buffer += data
        # Keep at least one byte back, so the chunk sealed as the last one at close is real.
        while len(self.buffer) > CHUNK:
            self._seal(bytes(self.buffer[:CHUNK]), last=False)
            del self.buffer[:CHUNK]

    def close(self) -> None:
        self._seal(bytes(self.buffer), last=True)
        self.buffer.clear()

    def _seal(self, chunk: bytes, *, last: bool) -> None:
        nonce = _nonce(self.prefix, self.index, last)
        self.out.write(self.aead.encrypt(nonce, chunk, self.header))
        self.index += 1


def chunks(source: BinaryIO, *, secret: str, kind: bytes) -> Iterator[bytes]:
    """The plain content of a sealed file, chunk by chunk; raises on any tampering."""
    header = source.read(HEADER_BYTES)
    if len(header) != HEADER_BYTES or not header.startswith(MAGIC):
        raise VaultIntegrityError("not a Safe Passage sealed file")
    if header[len(MAGIC) : len(MAGIC) + 1] != kind:
        raise VaultIntegrityError("a sealed file of another kind (archive or key file)")
    salt = header[len(MAGIC) + 1 : len(MAGIC) + 17]
    prefix = header[len(MAGIC) + 17 :]
    aead = _cipher(secret, kind, salt)
    index = 0
    block = source.read(CHUNK + TAG)
    while True:
        following = source.read(CHUNK + TAG)
        last = not following
        try:
            yield aead.decrypt(_nonce(prefix, index, last), block, header)
        except InvalidTag:
            raise VaultIntegrityError(
                "the sealed file failed authentication: wrong backup key, altered, or cut short"
            ) from None
        if last:
            return
        index += 1
        block = following
