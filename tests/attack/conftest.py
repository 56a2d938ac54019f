"""The attack suite: each probe records its figures; the run prints them at the end, so
CI's log says how much was tried and how much got through."""

from __future__ import annotations

import pytest

from tests.attack.figures import lines


def pytest_terminal_summary(terminalreporter):
    found = lines()
    if found:
        terminalreporter.section("attack suite figures")
        for line in found:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The organisation built and used by a site in a child process; see ``site.py``."""
    from django.db import connection

    from tests.attack.site import run_site

    running = run_site(
        tmp_path_factory.mktemp("site"),
        vendor=connection.vendor,
        params=connection.get_connection_params(),
    )
    yield running
    running.drop()
