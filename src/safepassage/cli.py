"""The ``safepassage`` command: Django's management commands plus the project's own."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and argv[1] == "demo":
        # The demo is the one command that may invent its own local keys.
        os.environ.setdefault("SAFEPASSAGE_MODE", "demo")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safepassage.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
