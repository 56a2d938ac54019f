"""Tests that need one database engine: ``pytestmark = postgres_only`` (a list of marks) or
``@sqlite_only``. ``make test`` runs the suite on both engines, so neither is skipped in CI."""

from __future__ import annotations

import pytest
from django.db import connection

postgres_only = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="needs SQLite")
