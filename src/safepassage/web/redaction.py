"""Keeping secrets in URLs out of logs: one rule for every token-bearing path.

The paths come from ``safepassage.secret_paths`` (every URL pattern declared with the
``<secret:…>`` converter: invitations, sponsor pages, check-in links, and any added later),
plus the query parameters it names. ``RedactSecretPaths`` applies the rule to Django's
loggers (e.g. "Not Found: /accounts/invitation/<token>/"); ``GunicornLogger`` to
gunicorn's access log atoms and its error log.
"""

from __future__ import annotations

import logging
import re

from safepassage import secret_paths

REDACTED = "[redacted]"
# Until the URL configuration can be read (a log line while Django starts), every path is
# cut after its first segment: a log that says too little beats one that holds a key.
_FALLBACK = re.compile(r"(?<![\w/])(/[^/\s?\"']+/)[^\s?\"']+")
_SEGMENT = r"[^/\s?&#\"']+"


def _rule() -> re.Pattern[str]:
    prefixes = secret_paths.prefixes()
    names = "|".join(re.escape(name) for name in secret_paths.SECRET_QUERY_PARAMETERS)
    paths = "|".join(re.escape(prefix) for prefix in prefixes) or r"(?!)"
    path = rf"(?P<path>{paths}){_SEGMENT}"
    query = rf"(?P<query>(?:(?<=[?&;\s\"'])|^)(?:{names})=)[^&\s#\"']*"
    return re.compile(f"{path}|{query}")


_compiled: dict[tuple[str, ...], re.Pattern[str]] = {}


def _pattern() -> re.Pattern[str] | None:
    try:
        key = secret_paths.prefixes()
    except Exception:
        return None
    if key not in _compiled:
        _compiled[key] = _rule()
    return _compiled[key]


def redact(text: str) -> str:
    pattern = _pattern()
    if pattern is None:
        return _FALLBACK.sub(rf"\1{REDACTED}", text)
    return pattern.sub(lambda m: (m.group("path") or m.group("query")) + REDACTED, text)


class RedactSecretPaths(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        request = getattr(record, "request", None)
        path = getattr(request, "get_full_path", None)
        if request is not None and callable(path) and redact(path()) != path():
            # Handlers that print the request (the admins' e-mail) would show the token.
            record.request = None
        return True


try:
    from gunicorn.glogging import Logger as _GunicornBase
except ImportError:  # gunicorn is only needed to serve
    _GunicornBase = object


class GunicornLogger(_GunicornBase):
    """Gunicorn's logger with every atom redacted (path, request line, query, referrer, and
    the environment and header atoms a custom log format could name), and its error log
    filtered by the same rule."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if not any(isinstance(f, RedactSecretPaths) for f in handler.filters):
                    handler.addFilter(RedactSecretPaths())

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()
        }
