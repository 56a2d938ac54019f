"""The id of the request (or job) on whose behalf the code runs, for the audit log."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_request_id: ContextVar[str] = ContextVar("safepassage_request_id", default="")

# Request ids end up in the audit log and in response headers: keep them short and plain.
_VALID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def new_request_id() -> str:
    return secrets.token_hex(8)


def current_request_id() -> str:
    """The current request or job id, or "" outside any scope."""
    return _request_id.get()


@contextmanager
def request_id_scope(value: str | None = None) -> Iterator[str]:
    """Run a block under one request id (a new random one if ``value`` is None).

    Workers and commands use this so that every entry they write can be grouped together.
    The previous id is restored on exit, so scopes nest.
    """
    if value is None:
        value = new_request_id()
    elif not _VALID.fullmatch(value):
        raise ValueError("a request id is 1 to 64 letters, digits or . _ : -")
    token = _request_id.set(value)
    try:
        yield value
    finally:
        _request_id.reset(token)
