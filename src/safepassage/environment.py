"""Reading configuration from the environment, refusing values that are unsafe.

Every setting comes from an environment variable. A secret may instead come from a file
named by the same variable with ``_FILE`` appended (the way container secrets are mounted),
so that it never has to sit in a process listing or a shell history.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

PREFIX = "SAFEPASSAGE_"

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env(name: str, default: str = "") -> str:
    return os.environ.get(PREFIX + name, default)


def envbool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(PREFIX + name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{PREFIX}{name} must be true or false, not {raw!r}")


def envint(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(PREFIX + name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{PREFIX}{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{PREFIX}{name} must be at least {minimum}")
    return value


def envlist(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in env(name, default).split(",") if part.strip()]


def envsecret(name: str) -> str:
    """The secret from ``SAFEPASSAGE_<name>`` or from the file named by ``..._FILE``."""
    direct = os.environ.get(PREFIX + name, "")
    path = os.environ.get(PREFIX + name + "_FILE", "")
    if direct and path:
        raise ImproperlyConfigured(f"Set {PREFIX}{name} or {PREFIX}{name}_FILE, not both")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(
                f"{PREFIX}{name}_FILE names a file that cannot be read: {exc.strerror}"
            ) from None
    return direct.strip()


# What the runtime commands write (the SQLite database, its WAL and SHM, keys, mail, logs)
# is for the account that runs them alone.
PRIVATE_UMASK = 0o077


def private_directory(path: Path) -> Path:
    """Create ``path`` and each missing parent with mode 0700.

    ``mkdir(parents=True, mode=...)`` gives the mode to the last directory only, so a
    ``var/secrets`` created in one call left ``var/`` open to everyone (0755)."""
    missing = []
    for directory in (path, *path.parents):
        if directory.exists():
            break
        missing.append(directory)
    for directory in reversed(missing):
        directory.mkdir(mode=0o700, exist_ok=True)
        # The umask may have taken bits off, never added any: set exactly 0700.
        directory.chmod(0o700)
    return path


def make_private(path: Path) -> None:
    """Take group and other permissions off ``path`` and everything under it (a ``var/``
    left open by an earlier version); for directories the demo owns."""
    for directory, _subdirectories, files in os.walk(path):  # symlinks are not followed
        os.chmod(directory, os.stat(directory).st_mode & 0o700)
        for name in files:
            file = os.path.join(directory, name)
            if not os.path.islink(file):
                os.chmod(file, os.stat(file).st_mode & 0o700)


def local_secret_file(path: Path, *, nbytes: int = 32) -> Path:
    """Create a random secret file (mode 0600) unless it exists; for the demo and tests only."""
    private_directory(path.parent)
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(nbytes))
    return path


# --- The demo site a checkout holds ---------------------------------------------------------
# `safepassage demo` records that the var/ folder it made holds a demo site, and at which
# address it serves it, so that the README's other commands (`safepassage missions scan`, ...)
# run from the same checkout find it instead of asking for production keys.
DEMO_RECORD = "demo-site.json"
# Configuration that means "this is a real site": with any of it set, a record is ignored.
PRODUCTION_SIGNS = ("SECRET_KEY", "SECRET_KEY_FILE", "DATABASE_URL", "VAULT_KEYRING_FILE")


def var_dir_of(environ: dict[str, str] | os._Environ) -> Path:
    """The var/ folder the settings will use: ``SAFEPASSAGE_VAR_DIR`` or ./var."""
    return Path(environ.get(PREFIX + "VAR_DIR") or Path.cwd() / "var").resolve()


def demo_record_write(var_dir: Path, *, base_url: str) -> Path:
    """Record (mode 0600) that ``var_dir`` holds a demo site served at ``base_url``."""
    path = private_directory(var_dir) / DEMO_RECORD
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump({"mode": "demo", "base_url": base_url}, handle)
    return path


def demo_record_read(var_dir: Path) -> dict[str, str] | None:
    """The record ``demo_record_write`` left, if it is there, is this account's own and is
    not writable by anyone else (a file another user planted cannot switch a site to demo
    keys); otherwise None."""
    path = var_dir / DEMO_RECORD
    try:
        status = path.stat()
        if status.st_uid != os.getuid() or status.st_mode & 0o022:
            return None
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("mode") != "demo":
        return None
    return {"mode": "demo", "base_url": str(record.get("base_url") or "")}


def adopt_demo_site(environ: dict[str, str] | os._Environ) -> bool:
    """Run as the demo site this checkout holds, when nothing says otherwise: no
    ``SAFEPASSAGE_MODE`` and none of a real site's configuration. Returns whether it did."""
    if PREFIX + "MODE" in environ or any(PREFIX + name in environ for name in PRODUCTION_SIGNS):
        return False
    record = demo_record_read(var_dir_of(environ))
    if record is None:
        return False
    environ[PREFIX + "MODE"] = "demo"
    if record["base_url"]:
        environ.setdefault(PREFIX + "BASE_URL", record["base_url"])
    return True
