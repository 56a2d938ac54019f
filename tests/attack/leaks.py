"""Searching what an attacker seized: each secret in every form the code could have written."""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import re
import unicodedata
import zlib
from collections.abc import Iterable, Iterator
from email import message_from_bytes, policy
from pathlib import Path

# The file e-mail backend separates messages with a line of 79 dashes.
MAIL_SEPARATOR = re.compile(rb"\n-{79}\n")


def forms(value: str) -> set[bytes]:
    """UTF-8 in NFC and NFD, JSON's ``\\uXXXX`` escapes of both, and hex (a bytea dump)."""
    found: set[bytes] = set()
    for text in {unicodedata.normalize("NFC", value), unicodedata.normalize("NFD", value)}:
        raw = text.encode("utf-8")
        found |= {raw, json.dumps(text)[1:-1].encode(), raw.hex().encode()}
        found.add(json.dumps(text)[1:-1].upper().replace("\\U", "\\u").encode())
    return found


def find(secrets: Iterable[str], haystack: bytes) -> list[str]:
    return [secret for secret in secrets if any(form in haystack for form in forms(secret))]


def mail_messages(mail_dir: Path) -> Iterator[tuple[set[str], bytes]]:
    """(recipients, everything an attacker reads in it) for each message the file backend
    wrote: the raw file, the decoded headers and every part decoded from its transfer
    encoding (quoted-printable, base64), attachments included."""
    for path in sorted(mail_dir.glob("*")):
        for chunk in MAIL_SEPARATOR.split(path.read_bytes()):
            if not chunk.strip():
                continue
            message = message_from_bytes(chunk.strip() + b"\n", policy=policy.default)
            recipients = {
                address.addr_spec.casefold()
                for header in ("to", "cc", "bcc")
                for address in getattr(message.get(header), "addresses", ())
            }
            text = [chunk] + [f"{k}: {v}".encode() for k, v in message.items()]
            for part in message.walk():
                payload = part.get_payload(decode=True)
                if payload:
                    text.append(payload)
            yield recipients, b"\n".join(text)


def decoded_blobs(values: Iterable[str]) -> bytes:
    """What the cache and session tables hold beneath their encodings: base64 (of a pickle,
    or of zlib-compressed JSON for a signed session)."""
    out = []
    for value in values:
        for piece in re.split(r"[:.]", value or ""):
            padded = piece + "=" * (-len(piece) % 4)
            try:
                raw = base64.b64decode(padded.replace("-", "+").replace("_", "/"))
            except (binascii.Error, ValueError):
                continue
            out.append(raw)
            with contextlib.suppress(zlib.error):
                out.append(zlib.decompress(raw))
    return b"\n".join(out)
