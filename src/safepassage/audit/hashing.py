"""How an entry is hashed: its canonical bytes and the keyed HMAC over them.

Each entry's hash is HMAC-SHA-256, keyed with ``settings.AUDIT_KEY`` (kept outside the
database), over a canonical JSON form of all its columns including the previous entry's
hash. Someone who can rewrite the table but does not hold the key cannot make a chain that
verifies; someone who holds the key can, which is why the head is also copied off-site and
passed back to ``verify(expected_head=...)`` or written to the anchor file (``anchor``).

The head row carries its own MAC over (seq, hash), under a key derived from the audit key
with a label of its own (``derived_key``), so a head fixed up after a cut-off tail, a head
reset to the empty log, or a deleted head row no longer verifies. Sealed values in an
entry's data use a third derived key (``sealing``).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import json
import uuid
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

# Labels of the keys derived from the audit key; the entry hashes use the key itself, as
# they always have, so existing chains still verify.
HEAD_LABEL = b"safepassage audit head mac v1"
SEAL_LABEL = b"safepassage audit sealed data v1"

# Column order of the canonical form; verify() reads rows in this order too.
HASHED_FIELDS = (
    "seq",
    "created_at",
    "actor_id",
    "actor_label",
    "action",
    "target_type",
    "target_id",
    "request_id",
    "data",
    "prev_hash",
)


def plain_json(value: Any, *, where: str = "data") -> Any:
    """A copy of ``value`` made only of dict (str keys), list, str, int, bool and None.

    Raises TypeError for anything else. Floats are refused as well: PostgreSQL's jsonb
    rewrites numbers such as 1e16 or -0.0, so they would not hash the same when read back
    (amounts are integer minor units anyway; pass other decimals as strings). Strings with
    NUL or unpaired surrogates are refused because PostgreSQL or UTF-8 cannot store them.
    Subclasses (a TextChoices member, say) are turned into their plain value.
    """
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, str):
        return _plain_str(value, where=where)
    if isinstance(value, list):
        return [plain_json(item, where=f"{where}[{i}]") for i, item in enumerate(value)]
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{where}: keys must be strings, not {type(key).__name__}")
            key = _plain_str(key, where=where)
            result[key] = plain_json(item, where=f"{where}[{key!r}]")
        return result
    if isinstance(value, float):
        raise TypeError(f"{where}: floats are not kept exactly; use an int or a string")
    raise TypeError(f"{where}: {type(value).__name__} is not a plain JSON value")


def _plain_str(value: str, *, where: str) -> str:
    value = str.__str__(value)
    if "\x00" in value:
        raise ValueError(f"{where}: text must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(f"{where}: text must be valid Unicode") from None
    return value


def canonical(
    *,
    seq: int,
    created_at: dt.datetime,
    actor_id: uuid.UUID | None,
    actor_label: str,
    action: str,
    target_type: str,
    target_id: str,
    request_id: str,
    data: Any,
    prev_hash: str,
) -> bytes:
    """The exact bytes that an entry's hash covers. ``created_at`` must be timezone-aware."""
    values = (seq, created_at, actor_id, actor_label, action, target_type, target_id)
    return canonical_row((*values, request_id, data, prev_hash))


def canonical_row(values: tuple) -> bytes:
    """canonical() for a tuple in HASHED_FIELDS order, as verify() reads rows."""
    seq, created_at, actor_id, *rest = values
    return json.dumps(
        [
            seq,
            created_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            None if actor_id is None else str(actor_id),
            *rest,
        ],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode("utf-8")


def new_mac() -> hmac.HMAC:
    # Read at call time, never at import: settings may change (tests, key rotation tools).
    return hmac.new(settings.AUDIT_KEY.encode("utf-8"), digestmod=hashlib.sha256)


def derived_key(label: bytes) -> bytes:
    """A 256-bit key for one purpose, derived from the audit key by HKDF-SHA-256."""
    # The key is read at call time (tests and tools change it); the derivation is cached.
    return _derive(label, settings.AUDIT_KEY)


@functools.lru_cache(maxsize=8)
def _derive(label: bytes, audit_key: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label).derive(
        audit_key.encode("utf-8")
    )


def head_mac(seq: int, digest: str) -> str:
    """The MAC that authenticates a head (or an anchor) naming entry ``seq`` with ``digest``."""
    message = json.dumps([seq, digest], separators=(",", ":")).encode("ascii")
    return hmac.new(derived_key(HEAD_LABEL), message, hashlib.sha256).hexdigest()


def head_mac_ok(seq: int, digest: str, mac: str) -> bool:
    return hmac.compare_digest(head_mac(seq, digest), mac or "")


def entry_hash(message: bytes, *, mac: hmac.HMAC | None = None) -> str:
    """HMAC-SHA-256 of a canonical form; ``mac`` is a keyed, unused HMAC to copy."""
    mac = (mac or new_mac()).copy()
    mac.update(message)
    return mac.hexdigest()
