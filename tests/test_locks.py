"""The lock files: a production install takes the runtime pins only, and they are complete."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
TEST_TOOLS = {"pytest", "pytest-django", "ruff", "playwright", "hypothesis", "aiosmtpd"}


def pins(name: str) -> dict[str, str]:
    found = {}
    for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
        match = re.match(r"([A-Za-z0-9_.-]+)==([^ ;]+)", line)
        if match:
            found[canonicalize_name(match.group(1))] = match.group(2)
    return found


def closure(requirements: list[str]) -> set[str]:
    """Every distribution the requirements pull on this platform (no extras)."""
    seen: set[str] = set()
    todo = [Requirement(text) for text in requirements]
    while todo:
        requirement = todo.pop()
        if requirement.marker and not requirement.marker.evaluate({"extra": ""}):
            continue
        name = canonicalize_name(requirement.name)
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = distribution(name).requires or []
        except PackageNotFoundError:
            continue
        for text in requires:
            sub = Requirement(text)
            extras = requirement.extras
            if sub.marker and "extra" in str(sub.marker):
                if not any(sub.marker.evaluate({"extra": extra}) for extra in extras):
                    continue
                sub.marker = None
            todo.append(sub)
    return seen


def test_the_runtime_lock_holds_no_test_tool_and_the_dev_lock_builds_on_it():
    runtime, dev = pins("requirements.lock"), pins("requirements-dev.lock")
    assert TEST_TOOLS.isdisjoint(runtime)
    assert set(dev) >= TEST_TOOLS
    assert set(runtime).isdisjoint(dev)
    assert "-r requirements.lock" in (ROOT / "requirements-dev.lock").read_text().splitlines()


def test_the_runtime_lock_pins_everything_the_site_needs_to_run():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    needed = closure(project["dependencies"])
    missing = needed - set(pins("requirements.lock"))
    assert not missing, f"runtime dependencies without a pin in requirements.lock: {missing}"


def test_the_dev_lock_pins_every_test_tool_the_project_names():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    every = set(pins("requirements.lock")) | set(pins("requirements-dev.lock"))
    missing = closure(project["optional-dependencies"]["dev"]) - every
    assert not missing, f"dev dependencies without a pin: {missing}"
