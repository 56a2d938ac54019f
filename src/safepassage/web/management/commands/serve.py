"""``safepassage serve``: the web application under gunicorn.

For production put a TLS-terminating proxy in front (see README.md) and run
``safepassage worker`` beside it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the site with gunicorn."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("SAFEPASSAGE_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("SAFEPASSAGE_WEB_WORKERS", "2"))
        )

    def handle(self, *args, bind: str, workers: int, **options):
        argv = gunicorn_argv(bind=bind, workers=workers)
        os.execv(sys.executable, argv)  # noqa: S606  (replaces this process with gunicorn)


def gunicorn_argv(*, bind: str, workers: int) -> list[str]:
    """The gunicorn command line: its access and error logs go through the redacting
    logger (no token-bearing path in clear), and the access log leaves out query strings.
    Its control socket (``gunicornc``) lives in the site's var/, not in the user's home."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "safepassage.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--logger-class",
        "safepassage.web.redaction.GunicornLogger",
        "--access-logfile",
        "-",
        "--access-logformat",
        '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss',
        "--forwarded-allow-ips",
        os.environ.get("SAFEPASSAGE_FORWARDED_ALLOW_IPS", "127.0.0.1"),
        "--control-socket",
        str(Path(settings.VAR_DIR) / "gunicorn.ctl"),
    ]
