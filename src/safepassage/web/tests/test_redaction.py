"""No token-bearing path reaches a log in clear: Django's loggers and gunicorn's."""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from gunicorn.config import Config

from safepassage import secret_paths
from safepassage.web.management.commands.serve import gunicorn_argv
from safepassage.web.redaction import GunicornLogger, redact

TOKEN = "me9zMX9hferY_O91lrFqaok-CTkcdMJxf85kcv8AVV8"
SECRET_PATHS = [f"/accounts/invitation/{TOKEN}/", f"/s/{TOKEN}/", f"/c/{TOKEN}/"]


def _patterns(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def test_every_token_bearing_path_is_declared_secret():
    assert secret_paths.prefixes() == (
        "/accounts/invitation/",
        "/accounts/password/reset/",
        "/c/",
        "/reports/subscribe/confirm/",
        "/reports/unsubscribe/",
        "/s/",
    )
    # A parameter that looks like a key but is not declared with <secret:…> fails here.
    undeclared = [
        route
        for route, entry in _patterns(get_resolver())
        if re.search(r"<(?:\w+:)?\w*(token|secret|key)\w*>", route)
        and not any(
            isinstance(c, secret_paths.SecretConverter)
            for c in getattr(entry.pattern, "converters", {}).values()
        )
    ]
    assert undeclared == []


@pytest.fixture
def console():
    """The console handler the settings configure (the one production uses)."""
    handler = next(h for h in logging.getLogger().handlers if h.filters)
    stream = io.StringIO()
    # Swapped by hand: setStream() flushes the old stream, which pytest's capture of an
    # earlier test may already have closed.
    previous, handler.stream = handler.stream, stream
    yield stream
    handler.stream = previous


@pytest.mark.django_db
def test_not_found_warnings_for_every_secret_path_are_redacted(console):
    for path in SECRET_PATHS:
        assert Client().get(path).status_code == 404
    logged = console.getvalue()
    assert TOKEN[:12] not in logged
    for prefix in ("/accounts/invitation/", "/s/", "/c/"):
        assert f"Not Found: {prefix}[redacted]/" in logged


def test_request_records_that_carry_the_request_are_redacted(console):
    from django.test import RequestFactory

    request = RequestFactory().get(f"/accounts/invitation/{TOKEN}/?next=/dashboard/")
    logging.getLogger("django.request").warning(
        "Forbidden: %s", request.path, extra={"request": request, "status_code": 403}
    )
    logging.getLogger("django.server").info('"GET /s/%s/?token=%s HTTP/1.1" 200', TOKEN, TOKEN)
    logged = console.getvalue()
    assert TOKEN[:12] not in logged
    assert "Forbidden: /accounts/invitation/[redacted]/" in logged
    assert '"GET /s/[redacted]/?token=[redacted] HTTP/1.1" 200' in logged


@pytest.mark.parametrize("path", SECRET_PATHS)
def test_the_access_log_atoms_hide_the_token(path):
    logger = GunicornLogger(Config())
    environ = {
        "REQUEST_METHOD": "POST",
        "RAW_URI": f"{path}?token={TOKEN}",
        "PATH_INFO": path,
        "QUERY_STRING": f"token={TOKEN}&lang=ko",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "198.51.100.4",
        "HTTP_REFERER": f"https://example.org{path}",
    }
    request = SimpleNamespace(headers=[("REFERER", f"https://example.org{path}")])
    response = SimpleNamespace(status="200 OK", headers=[], sent=10, response_length=10)
    atoms = logger.atoms(response, request, environ, dt.timedelta(seconds=0.01))
    assert TOKEN not in repr(atoms)
    assert atoms["U"] == path.replace(TOKEN, "[redacted]")
    assert atoms["{referer}i"] == "https://example.org" + path.replace(TOKEN, "[redacted]")


def test_safepassage_serve_runs_gunicorn_with_the_redacting_logger(capsys):
    """Parse the very command line `safepassage serve` execs, then log through it."""
    cfg = Config()
    parsed = cfg.parser().parse_args(gunicorn_argv(bind="127.0.0.1:0", workers=1)[3:])
    for name, value in vars(parsed).items():
        if value is not None and name in cfg.settings:
            cfg.set(name, value)
    assert cfg.logger_class is GunicornLogger
    logger = cfg.logger_class(cfg)
    path = f"/accounts/invitation/{TOKEN}/"
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": path,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "198.51.100.4",
    }
    request = SimpleNamespace(headers=[])
    response = SimpleNamespace(status="302 Found", headers=[], sent=0, response_length=0)
    logger.access(response, request, environ, dt.timedelta(seconds=0.01))
    logger.error("Error handling request %s", f"/c/{TOKEN}/")
    out = capsys.readouterr()
    assert '"GET /accounts/invitation/[redacted]/" 302' in out.out
    assert "Error handling request /c/[redacted]/" in out.err
    assert TOKEN not in out.out + out.err


def test_other_paths_are_left_alone():
    assert redact("GET /rescue/missions/M-ABC123/ 200") == "GET /rescue/missions/M-ABC123/ 200"
    assert redact("GET /static/app.css 200") == "GET /static/app.css 200"
    assert redact("GET /people/?page=2&status=arrived") == "GET /people/?page=2&status=arrived"
    assert redact(f"Not Found: /c/{TOKEN}/") == "Not Found: /c/[redacted]/"


def test_gunicorns_control_socket_lives_in_the_sites_var_folder(settings):
    """Not in $HOME/.gunicorn/ or $XDG_RUNTIME_DIR, where another site's would collide."""
    cfg = Config()
    parsed = cfg.parser().parse_args(gunicorn_argv(bind="127.0.0.1:0", workers=1)[3:])
    assert parsed.control_socket == str(Path(settings.VAR_DIR) / "gunicorn.ctl")
