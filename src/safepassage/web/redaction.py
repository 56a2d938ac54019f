"""Keeping secrets in URLs out of logs: the check-in link's token is the partner's key.

``RedactSecretPaths`` is a logging filter for Django's own loggers (e.g. "Not Found:
/c/<token>/"); ``GunicornLogger`` does the same for gunicorn's access log.
"""

from __future__ import annotations

import logging
import re

SECRET_PATH = re.compile(r"/c/[^/\s?\"']+")
REDACTED = "/c/[redacted]"


def redact(text: str) -> str:
    return SECRET_PATH.sub(REDACTED, text)


class RedactSecretPaths(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        request = getattr(record, "request", None)
        if request is not None and SECRET_PATH.search(getattr(request, "path", "")):
            record.request = None
        return True


try:
    from gunicorn.glogging import Logger as _GunicornBase
except ImportError:  # gunicorn is only needed to serve
    _GunicornBase = object


class GunicornLogger(_GunicornBase):
    """Gunicorn's logger with every atom redacted: path, request line, referrer, and the
    environment and header atoms a custom log format could name."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()
        }
