"""The ``safepassage`` command: Django's management commands plus the project's own."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from django.core.management import ManagementUtility, find_commands

from safepassage.environment import PRIVATE_UMASK, adopt_demo_site

# The commands that hold the site's data: the demo, the web server and the workers (their
# children inherit the umask: gunicorn's workers, the demo's worker and server).
PRIVATE_COMMANDS = {"demo", "serve", "worker"}
PACKAGE_DIR = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and argv[1] in PRIVATE_COMMANDS:
        # Before anything opens a file: the SQLite database (and so its WAL and SHM, which
        # SQLite creates with the database's mode), mail, logs and local keys are 0600.
        os.umask(PRIVATE_UMASK)
    if len(argv) > 1 and argv[1] == "demo":
        # The demo is the one command that may invent its own local keys; its links (printed,
        # e-mailed) name the address it serves on.
        os.environ.setdefault("SAFEPASSAGE_MODE", "demo")
        os.environ.setdefault("SAFEPASSAGE_BASE_URL", f"http://{demo_bind(argv)}")
    elif adopt_demo_site(os.environ):
        # A checkout that holds a demo site (var/demo-site.json): the README's commands run
        # against it. Said on stderr so that scripts reading stdout are not disturbed.
        sys.stderr.write("safepassage: using the demo site in var/ (made by `make demo`)\n")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safepassage.settings")
    Utility(argv).execute()


def demo_bind(argv: list[str]) -> str:
    """The ``--bind`` address the demo command was given (its default otherwise)."""
    for index, arg in enumerate(argv):
        if arg == "--bind" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--bind="):
            return arg.removeprefix("--bind=")
    return "127.0.0.1:8000"


def project_commands() -> dict[str, list[str]]:
    """The project's own commands by app, found on disk (no settings needed)."""
    found = {}
    for commands in sorted(PACKAGE_DIR.glob("*/management/commands")):
        names = find_commands(str(commands.parent))
        if names:
            found[commands.parents[1].name] = sorted(names)
    return found


class Utility(ManagementUtility):
    def main_help_text(self, commands_only: bool = False) -> str:
        text = super().main_help_text(commands_only)
        if commands_only or self.settings_exception is None:
            return text
        # Unconfigured (a fresh install): Django lists only its own commands.
        lines = [text, "", "Safe Passage's own commands (their help needs a configured site:"]
        lines.append("run `make demo` once, or set the variables the README lists):")
        for app, names in project_commands().items():
            lines.append(f"[{app}]")
            lines.extend(f"    {name}" for name in names)
        return "\n".join(lines)


if __name__ == "__main__":
    main()
