from __future__ import annotations

import pytest

from safepassage.audit.chain import record
from safepassage.audit.models import AuditEntry
from safepassage.audit.tests.tampering import Staff


@pytest.fixture
def staff() -> Staff:
    return Staff()


@pytest.fixture
def chain(db: None, staff: Staff) -> list[AuditEntry]:
    """Eight entries written the normal way."""
    return [
        record(actor=staff, action="cases.case_updated", data={"n": n, "reason": f"step {n}"})
        for n in range(1, 9)
    ]
