"""Running the `safepassage` command in a child process, as an operator would."""

from __future__ import annotations

import base64
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path


def clean_env(**overrides: str) -> dict[str, str]:
    """The environment without the test run's own SAFEPASSAGE_* settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAFEPASSAGE_")}
    env.update(overrides)
    return env


def production_env(tmp_path: Path, *, key_id: str = "k1", **overrides: str) -> dict[str, str]:
    """A production configuration: fresh random keys, a keyring file (mode 0600, in a 0700
    folder) holding one master key ``key_id``, an https address and a SQLite database
    allowed on purpose; ``overrides`` are SAFEPASSAGE_* values that replace these."""
    keyring = tmp_path / "secrets" / "keyring.json"
    keyring.parent.mkdir(mode=0o700)
    key = base64.b64encode(secrets.token_bytes(32)).decode()
    keyring.touch(mode=0o600)
    keyring.write_text(json.dumps({"current": key_id, "keys": {key_id: key}}))
    return clean_env(
        **{
            "SAFEPASSAGE_MODE": "production",
            "SAFEPASSAGE_SECRET_KEY": secrets.token_urlsafe(60),
            "SAFEPASSAGE_ALLOWED_HOSTS": "safepassage.example.org",
            "SAFEPASSAGE_BASE_URL": "https://safepassage.example.org",
            "SAFEPASSAGE_VAULT_KEYRING_FILE": str(keyring),
            "SAFEPASSAGE_BLIND_INDEX_KEY": secrets.token_urlsafe(32),
            "SAFEPASSAGE_AUDIT_KEY": secrets.token_urlsafe(32),
            "SAFEPASSAGE_DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
            "SAFEPASSAGE_ALLOW_SQLITE": "true",
            "SAFEPASSAGE_VAR_DIR": str(tmp_path / "var"),
            **overrides,
        }
    )


def safepassage(
    env: dict[str, str], *args: str, timeout: int = 300, umask: int = -1, cwd: Path | None = None
):
    """``umask``: the child's, as the operator's shell would have it (-1: this process's);
    ``cwd``: the folder it runs in (a checkout, whose var/ the settings use by default)."""
    return subprocess.run(
        [sys.executable, "-m", "safepassage", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        umask=umask,
    )
