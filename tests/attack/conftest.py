"""The attack suite: each probe records its figures; the run prints them at the end, so
CI's log says how much was tried and how much got through."""

from __future__ import annotations

from tests.attack.figures import lines


def pytest_terminal_summary(terminalreporter):
    found = lines()
    if found:
        terminalreporter.section("attack suite figures")
        for line in found:
            terminalreporter.write_line(line)
