"""Fault tests commit (a child process must see their rows) and share the site helper."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from tests.faults.site import Site


@pytest.fixture
def site(tmp_path, transactional_db) -> Site:
    return Site(tmp_path)


@pytest.fixture
def audit_verifies():
    def check() -> None:
        call_command("audit", "verify", stdout=open("/dev/null", "w"))  # noqa: SIM115

    return check
