"""Running the `safepassage` command in a child process, as an operator would."""

from __future__ import annotations

import os
import subprocess
import sys


def clean_env(**overrides: str) -> dict[str, str]:
    """The environment without the test run's own SAFEPASSAGE_* settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAFEPASSAGE_")}
    env.update(overrides)
    return env


def safepassage(env: dict[str, str], *args: str, timeout: int = 300, umask: int = -1):
    """``umask``: the child's, as the operator's shell would have it (-1: this process's)."""
    return subprocess.run(
        [sys.executable, "-m", "safepassage", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        umask=umask,
    )
