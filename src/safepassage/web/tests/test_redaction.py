"""Check-in tokens never reach gunicorn's access log."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from gunicorn.config import Config

from safepassage.web.redaction import GunicornLogger, redact

TOKEN = "me9zMX9hferY_O91lrFqaok-CTkcdMJxf85kcv8AVV8"


def test_the_access_log_atoms_hide_the_token():
    logger = GunicornLogger(Config())
    environ = {
        "REQUEST_METHOD": "POST",
        "RAW_URI": f"/c/{TOKEN}/",
        "PATH_INFO": f"/c/{TOKEN}/",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "198.51.100.4",
        "HTTP_REFERER": f"https://example.org/c/{TOKEN}/",
    }
    request = SimpleNamespace(headers=[], method="POST", path=f"/c/{TOKEN}/", query="")
    response = SimpleNamespace(status="200 OK", headers=[], sent=10, response_length=10)
    atoms = logger.atoms(response, request, environ, dt.timedelta(seconds=0.01))
    assert TOKEN not in repr(atoms)
    assert atoms["U"] == "/c/[redacted]/"


def test_other_paths_are_left_alone():
    assert redact("GET /rescue/missions/M-ABC123/ 200") == "GET /rescue/missions/M-ABC123/ 200"
    assert redact(f"Not Found: /c/{TOKEN}/") == "Not Found: /c/[redacted]/"
