"""Sealed values in an entry's data: free text and telling flags, unreadable in a dump.

The log is never shredded and a seized copy of the database holds it whole, so what a
person typed (a reveal reason, an override reason) and flags that would single out one
event (a check-in made with the duress PIN) are sealed with AES-256-GCM under a key derived
from the audit key (``hashing.SEAL_LABEL``), not kept in clear. The values of one entry are
sealed together into ``data["sealed"]`` (base64), bound to the entry's number and action,
and padded to a multiple of ``BUCKET`` bytes so that ``true`` and ``false``, or two reasons
of similar length, give ciphertexts of the same size. The entry's hash covers the
ciphertext, so the chain verifies without opening anything.

Whoever holds the audit key can open them: ``opened(entry)``, or ``safepassage audit show
--open``, which audits that it did.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from safepassage.audit.hashing import SEAL_LABEL, derived_key
from safepassage.vault import crypto

SEALED = "sealed"
BUCKET = 64


def _aad(seq: int, action: str) -> bytes:
    return f"safepassage.audit.entry:{seq}:{action}".encode()


def seal(values: dict[str, Any], *, seq: int, action: str) -> str:
    """``values`` (plain JSON) sealed for the entry ``seq`` with ``action``, as base64."""
    plain = json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    body = plain.encode("utf-8")
    # JSON allows trailing whitespace, so padding needs no length prefix.
    body += b" " * (-len(body) % BUCKET)
    blob = crypto.seal(derived_key(SEAL_LABEL), body, aad=_aad(seq, action))
    return base64.b64encode(blob).decode("ascii")


def open_values(*, seq: int, action: str, data: dict[str, Any]) -> dict[str, Any]:
    """The values sealed in ``data`` ({} if none); raises VaultIntegrityError if they do
    not open (wrong key, altered, or copied from another entry)."""
    if SEALED not in data:
        return {}
    blob = base64.b64decode(data[SEALED], validate=True)
    body = crypto.open_sealed(
        derived_key(SEAL_LABEL), blob, aad=_aad(seq, action), what=f"sealed data of entry {seq}"
    )
    return json.loads(body.decode("utf-8"))


def opened(entry: Any) -> dict[str, Any]:
    """An entry's data with its sealed values opened in place, for an investigator.

    Code that shows opened values to a person must audit that it did (see ``audit show``)."""
    data = dict(entry.data)
    values = open_values(seq=entry.seq, action=entry.action, data=data)
    data.pop(SEALED, None)
    return {**data, **values}
