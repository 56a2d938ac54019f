"""The append-only, hash-chained audit log.

``from safepassage import audit`` then ``audit.record(...)``: the names below are loaded
on first use, so importing this package does not need the app registry to be ready.
"""

from __future__ import annotations

from typing import Any

_EXPORTS = {
    "record": "safepassage.audit.chain",
    "verify": "safepassage.audit.chain",
    "head": "safepassage.audit.chain",
    "VerifyResult": "safepassage.audit.chain",
    "opened": "safepassage.audit.sealing",
}


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        from importlib import import_module

        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
