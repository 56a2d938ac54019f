"""The ``safepassage`` command: Django's management commands plus the project's own."""

from __future__ import annotations

import os
import sys

from safepassage.environment import PRIVATE_UMASK

# The commands that hold the site's data: the demo, the web server and the workers (their
# children inherit the umask: gunicorn's workers, the demo's worker and server).
PRIVATE_COMMANDS = {"demo", "serve", "worker"}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and argv[1] in PRIVATE_COMMANDS:
        # Before anything opens a file: the SQLite database (and so its WAL and SHM, which
        # SQLite creates with the database's mode), mail, logs and local keys are 0600.
        os.umask(PRIVATE_UMASK)
    if len(argv) > 1 and argv[1] == "demo":
        # The demo is the one command that may invent its own local keys.
        os.environ.setdefault("SAFEPASSAGE_MODE", "demo")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safepassage.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
