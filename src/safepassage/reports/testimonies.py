"""The testimony texts a report may show now: read at render time, never from the snapshot.

A snapshot names its testimonies by code with the sha256 of the text as published. At
every render the consent is read again (``cases.selectors.publishable_texts``): a
testimony shows only while its consent covers the report's audience (the public for a
public report, donors otherwise), and only while its text is still the one that was
published. A withdrawn, expired or shredded testimony, and one whose text was edited after
publication, give None: the outputs leave it out and say only that a message was
withdrawn, the same words for every reason, without saying whose.

The hash is of the text's UTF-8 bytes exactly as revealed (``published_hash``); whoever
composes the snapshot must hash the same way.

Revealing a text is an audited vault read. A public page read by a crowd would write one
audit entry per view, so a process keeps the texts it revealed, keyed by code and hash:
the consent is still asked at every render (one query), a withdrawal still takes effect
at once, and only the decryption and its audit entry are spared. The memo lives in the
process's memory only (never the database cache, which a dump would include).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading

from django.utils import timezone

from safepassage.cases import selectors

_MEMO: dict[tuple[str, str, str], str | None] = {}
_MEMO_LOCK = threading.Lock()
_MEMO_SIZE = 512


def published_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def scope_of(snapshot: dict) -> str:
    return "public" if snapshot.get("report", {}).get("audience") == "public" else "donors"


def items(snapshot: dict) -> list[dict]:
    return [
        item
        for section in snapshot.get("sections", [])
        if section.get("kind") == "testimonies"
        for item in section.get("items", [])
    ]


def live_texts(snapshot: dict, *, at: dt.datetime | None = None) -> dict[str, str | None]:
    """Each testimony code of ``snapshot``: its text if it may be shown at ``at``, else None."""
    wanted = {item["code"]: item.get("sha256", "") for item in items(snapshot)}
    if not wanted:
        return {}
    scope = scope_of(snapshot)
    on = timezone.localdate(at or timezone.now())
    # Consent is asked at every call; the token changes with every edit of the text.
    covered = selectors.publishable_covering(wanted, scope=scope, on=on)
    keys = {code: (code, wanted[code], token) for code, token in covered.items()}
    missing = [code for code, key in keys.items() if key not in _MEMO]
    if missing:
        slug = snapshot.get("report", {}).get("slug", "")
        revealed = selectors.publishable_texts(
            missing, scope=scope, on=on, reason=f"published report {slug}"
        )
        with _MEMO_LOCK:
            if len(_MEMO) + len(revealed) > _MEMO_SIZE:
                _MEMO.clear()
            for code, text in revealed.items():
                # An edit after publication: the text is not the one approved; it shows
                # nothing (kept as None, so it is not revealed again at every view).
                _MEMO[keys[code]] = text if published_hash(text) == wanted[code] else None
    result: dict[str, str | None] = dict.fromkeys(wanted)
    for code, key in keys.items():
        result[code] = _MEMO.get(key)
    return result


def forget() -> None:
    """Empty the process's memo (tests; a key rotation needs nothing: texts are plain)."""
    with _MEMO_LOCK:
        _MEMO.clear()
